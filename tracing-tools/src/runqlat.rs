//! runqlat: run queue latency histograms (libbpf-tools' -m -P -L -p -T).

use crate::args::{err, interval_count, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{hist_comm, hist_slots, u32_at};
use crate::{ArgError, AttachPoint, Histogram, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        short: Some('T'),
        long: "timestamp",
        value: None,
        help: "Include timestamp on output",
    },
    OptSpec {
        short: Some('m'),
        long: "milliseconds",
        value: None,
        help: "Millisecond histogram",
    },
    OptSpec {
        short: Some('P'),
        long: "pids",
        value: None,
        help: "Print a histogram per process ID",
    },
    OptSpec {
        short: Some('L'),
        long: "tids",
        value: None,
        help: "Print a histogram per thread ID",
    },
    OptSpec {
        short: Some('p'),
        long: "pid",
        value: Some("PID"),
        help: "Trace this PID only",
    },
    crate::args::CGROUP,
    OptSpec {
        short: None,
        long: "pidnss",
        value: None,
        help: "Print a histogram per PID namespace",
    },
];

/// Wakeup to running: runqslower times the same three tracepoints.
pub(crate) const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "sched_wakeup",
        attach: AttachPoint::TpBtf("sched_wakeup"),
    },
    ProgSpec {
        name: "sched_wakeup_new",
        attach: AttachPoint::TpBtf("sched_wakeup_new"),
    },
    ProgSpec {
        name: "sched_switch",
        attach: AttachPoint::TpBtf("sched_switch"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "runqlat",
    summary: "Summarize run queue (scheduler) latency as a histogram",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/runqlat.bpf.o")),
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
    let mut c = Config {
        unit: if p.has("milliseconds") {
            "msecs"
        } else {
            "usecs"
        },
        ..Default::default()
    };
    interval_count(p, &mut c)?;
    let per = ["pids", "tids", "pidnss"]
        .iter()
        .filter(|o| p.has(o))
        .count();
    if per > 1 {
        return err("-P, -L and --pidnss are exclusive");
    }
    c.rodata
        .push(("targ_ms", RoValue::Bool(p.has("milliseconds"))));
    c.rodata
        .push(("targ_per_process", RoValue::Bool(p.has("pids"))));
    c.rodata
        .push(("targ_per_thread", RoValue::Bool(p.has("tids"))));
    c.rodata
        .push(("targ_per_pidns", RoValue::Bool(p.has("pidnss"))));
    if let Some(pid) = p.number::<u32>("pid")? {
        if pid == 0 {
            return err("invalid PID 0");
        }
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}

/// Key u32 (tgid with -P, tid with -L, the pid namespace's inode number
/// with --pidnss, else u32::MAX), value `struct hist`.
fn decode(c: &Config, _s: &Session, key: &[u8], value: &[u8]) -> Option<Histogram> {
    let k = u32_at(key, 0)?;
    let (label, comm) = if c.parsed.has("pids") {
        (Some(("pid".to_string(), k.into())), hist_comm(value))
    } else if c.parsed.has("tids") {
        (Some(("tid".to_string(), k.into())), hist_comm(value))
    } else if c.parsed.has("pidnss") {
        (Some(("pidns".to_string(), k.into())), hist_comm(value))
    } else {
        (None, None)
    };
    Some(Histogram {
        label_text: None,
        label,
        comm,
        unit: c.unit,
        slots: hist_slots(value)?,
    })
}
