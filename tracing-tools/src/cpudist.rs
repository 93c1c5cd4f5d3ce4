//! cpudist: on-CPU (or -O off-CPU) time per scheduling as histograms
//! (libbpf-tools' -O -T -m -P -L -p -c).

use crate::args::{err, flag, interval_count, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{hist_comm, hist_slots, u32_at};
use crate::{ArgError, AttachPoint, Histogram, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('O', "offcpu", "Measure off-CPU time"),
    flag('T', "timestamp", "Include timestamp on output"),
    flag('m', "milliseconds", "Millisecond histogram"),
    crate::args::CGROUP,
    flag('P', "pids", "Print a histogram per process ID"),
    flag('L', "tids", "Print a histogram per thread ID"),
    opt(Some('p'), "pid", "PID", "Trace this PID only"),
];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "sched_switch",
    attach: AttachPoint::TpBtf("sched_switch"),
}];

pub(crate) const TOOL: Tool = Tool {
    name: "cpudist",
    summary: "Summarize on-CPU time per task as a histogram",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/cpudist.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp"],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Histogram {
        map: "hists",
        decode,
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let ms = p.has("milliseconds");
    let mut c = Config {
        unit: if ms { "msecs" } else { "usecs" },
        ..Default::default()
    };
    interval_count(p, &mut c)?;
    if p.has("pids") && p.has("tids") {
        return err("-P and -L are exclusive");
    }
    for (o, var) in [
        ("offcpu", "targ_offcpu"),
        ("milliseconds", "targ_ms"),
        ("pids", "targ_per_process"),
        ("tids", "targ_per_thread"),
    ] {
        c.rodata.push((var, RoValue::Bool(p.has(o))));
    }
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}

/// Key u32 (tgid with -P, tid with -L, else u32::MAX), value `struct hist`.
fn decode(c: &Config, _s: &Session, key: &[u8], value: &[u8]) -> Option<Histogram> {
    let k = u32_at(key, 0)?;
    let label = if c.parsed.has("pids") {
        Some("pid")
    } else if c.parsed.has("tids") {
        Some("tid")
    } else {
        None
    };
    Some(Histogram {
        label: label.map(|l| (l.to_string(), k.into())),
        label_text: None,
        comm: label.and_then(|_| hist_comm(value)),
        unit: c.unit,
        slots: hist_slots(value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options_and_labels() {
        let s = &Session::default();
        let c = TOOL.configure(&words("-O -m -P -p 9 1 3"), s).unwrap();
        assert_eq!((c.interval, c.count, c.unit), (Some(1), Some(3), "msecs"));
        assert!(c.rodata.contains(&("targ_offcpu", RoValue::Bool(true))));
        assert!(c.rodata.contains(&("targ_tgid", RoValue::U32(9))));
        assert!(TOOL.configure(&words("-P -L"), s).is_err());
        assert!(TOOL.configure(&words("-p 0"), s).is_err());
        let mut v = vec![0u8; 27 * 8 + 16];
        v[8..16].copy_from_slice(&5u64.to_ne_bytes());
        v[27 * 8..27 * 8 + 3].copy_from_slice(b"yes");
        let h = decode(&c, s, &77u32.to_ne_bytes(), &v).unwrap();
        assert_eq!(h.label_line().as_deref(), Some("pid = 77 yes"));
        assert_eq!(h.total(), 5);
        let all = TOOL.configure(&[], s).unwrap();
        let h = decode(&all, s, &u32::MAX.to_ne_bytes(), &v).unwrap();
        assert_eq!((h.label, h.comm, h.unit), (None, None, "usecs"));
    }
}
