//! runqlen: scheduler run queue length, sampled per CPU, as a linear
//! histogram or (-O) run queue occupancy (libbpf-tools' -C -f -O -T -H).

use crate::args::{err, flag, interval_count, opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{u32_at, u64_at};
use crate::{
    ArgError, AttachPoint, Column, Event, Histogram, MapEntry, ProgSpec, Report, Session, Tool,
};

const OPTIONS: &[OptSpec] = &[
    flag('C', "cpus", "Print output for each CPU separately"),
    opt(
        Some('f'),
        "frequency",
        "FREQUENCY",
        "Sample with a certain frequency (default 99)",
    ),
    flag('O', "runqocc", "Report run queue occupancy"),
    flag('T', "timestamp", "Include timestamp on output"),
    flag('H', "host", "Report nr_running from host's rq"),
];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "do_sample",
    attach: AttachPoint::PerfCpuClock,
}];

pub(crate) const TOOL: Tool = Tool {
    name: "runqlen",
    summary: "Summarize scheduler run queue length as a histogram",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/runqlen.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp"],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Select(select),
    configure,
};

const DEFAULT_FREQ: u64 = 99;
/// Slots of `struct runq_hist` (lengths 0 to 31, the last one also more).
const SLOTS: usize = 32;
const ALL_CPUS: u32 = u32::MAX;

fn select(c: &Config) -> Report {
    if c.parsed.has("runqocc") {
        Report::Counts {
            map: "hists",
            columns,
            rows,
            header_each: true,
        }
    } else {
        Report::Linear {
            map: "hists",
            decode,
        }
    }
}

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config {
        unit: "runqlen",
        ..Default::default()
    };
    interval_count(p, &mut c)?;
    c.sample_freq = match p.number::<u64>("frequency")? {
        Some(f) if (1..=100_000).contains(&f) => f,
        Some(f) => return err(format!("invalid FREQUENCY {f}: 1 to 100000 Hz")),
        None => DEFAULT_FREQ,
    };
    c.rodata
        .push(("targ_per_cpu", RoValue::Bool(p.has("cpus"))));
    c.rodata.push(("targ_host", RoValue::Bool(p.has("host"))));
    Ok(c)
}

fn slots(value: &[u8]) -> Option<Vec<u64>> {
    (0..SLOTS).map(|i| u64_at(value, i * 8)).collect()
}

/// Key u32 (the CPU with -C, else u32::MAX), value `struct runq_hist`.
fn decode(_c: &Config, _s: &Session, key: &[u8], value: &[u8]) -> Option<Histogram> {
    let cpu = u32_at(key, 0)?;
    Some(Histogram {
        label: (cpu != ALL_CPUS).then(|| ("cpu".to_string(), cpu.into())),
        label_text: None,
        comm: None,
        unit: "runqlen",
        slots: slots(value)?,
    })
}

/// libbpf-tools prints `runqocc: 12.34%` (or `runqocc, CPU 0    12.34%`
/// per CPU); here a CPU column with -C, then the percentage.
fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("cpus") {
        v.push(Column::left("cpu", "CPU", 4));
    }
    v.push(Column::right("runqocc_pct", "RUNQOCC", 8));
    v
}

/// Occupancy: the share of samples that found a task waiting (length > 0).
fn rows(_c: &Config, _s: &Session, entries: &[MapEntry]) -> Vec<Event> {
    let mut out: Vec<(u32, Event)> = entries
        .iter()
        .filter_map(|(k, v)| {
            let cpu = u32_at(k, 0)?;
            let slots = slots(v)?;
            let samples: u64 = slots.iter().sum();
            let queued = samples - slots[0];
            let pct = queued as f64 * 100.0 / samples.max(1) as f64;
            let mut e = Event::default();
            if cpu != ALL_CPUS {
                e.push("cpu", cpu);
            }
            e.push("runqocc_pct", format!("{pct:.2}%"));
            e.push("runqocc", (pct * 100.0).round() / 100.0);
            e.push("samples", samples);
            e.push("queued", queued);
            Some((cpu, e))
        })
        .collect();
    out.sort_by_key(|(cpu, _)| *cpu);
    out.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn value(counts: &[(usize, u64)]) -> Vec<u8> {
        let mut v = vec![0u8; SLOTS * 8];
        for &(i, n) in counts {
            v[i * 8..i * 8 + 8].copy_from_slice(&n.to_ne_bytes());
        }
        v
    }

    #[test]
    fn histograms_and_occupancy() {
        let s = &Session::default();
        let c = TOOL.configure(&words("-C -f 49 1 2"), s).unwrap();
        assert_eq!((c.sample_freq, c.interval, c.count), (49, Some(1), Some(2)));
        assert!(matches!(TOOL.report_for(&c), Report::Linear { .. }));
        let h = decode(&c, s, &1u32.to_ne_bytes(), &value(&[(0, 3), (2, 1)])).unwrap();
        assert_eq!(h.label_line().as_deref(), Some("cpu = 1"));
        assert_eq!((h.slots[0], h.slots[2], h.unit), (3, 1, "runqlen"));
        let all = decode(&c, s, &ALL_CPUS.to_ne_bytes(), &value(&[])).unwrap();
        assert!(all.label.is_none());

        let o = TOOL.configure(&words("-O -C"), s).unwrap();
        assert!(matches!(TOOL.report_for(&o), Report::Counts { .. }));
        let entries = vec![
            (1u32.to_ne_bytes().to_vec(), value(&[(0, 1), (1, 1)])),
            (0u32.to_ne_bytes().to_vec(), value(&[(0, 3), (4, 1)])),
        ];
        let r = rows(&o, s, &entries);
        assert_eq!(r[0].text("cpu"), "0");
        assert_eq!(r[0].text("runqocc_pct"), "25.00%");
        assert_eq!(r[1].text("runqocc"), "50.0");
        assert_eq!(columns(&o)[0].header, "CPU");
        for bad in ["-f 0", "-f x", "1 2 3"] {
            assert!(TOOL.configure(&words(bad), s).is_err(), "{bad}");
        }
    }
}
