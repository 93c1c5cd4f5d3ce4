//! softirqs: soft interrupt time per vector, libbpf-tools' options (-d
//! histograms, -N nanoseconds, -T, -C counts beside the time, -c CPU,
//! [INTERVAL [COUNT]]) and vector names.

use crate::args::{err, flag, opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{u32_at, u64_at};
use crate::irqs;
use crate::{ArgError, AttachPoint, Column, Event, Histogram, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('d', "distributed", "Show distributions as histograms"),
    flag('T', "timestamp", "Include timestamp on output"),
    flag('N', "nanoseconds", "Output in nanoseconds"),
    flag('C', "count", "Show event counts with timing"),
    opt(Some('c'), "cpu", "CPU", "Trace this cpu only"),
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "softirq_entry",
        attach: AttachPoint::TpBtf("softirq_entry"),
    },
    ProgSpec {
        name: "softirq_exit",
        attach: AttachPoint::TpBtf("softirq_exit"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "softirqs",
    summary: "Summarize soft irq event time (or histograms) per vector",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/softirqs.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp", "count"],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Select(select),
    configure,
};

/// libbpf-tools' `vec_names` (the kernel's softirq_to_name, lower case).
const VEC_NAMES: [&str; 10] = [
    "hi", "timer", "net_tx", "net_rx", "block", "irq_poll", "tasklet", "sched", "hrtimer", "rcu",
];

fn vec_name(vec: u32) -> String {
    VEC_NAMES
        .get(vec as usize)
        .map_or_else(|| vec.to_string(), |n| n.to_string())
}

fn select(c: &Config) -> Report {
    irqs::select(c, columns, rows, decode_hist)
}

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = irqs::configure(p)?;
    if let Some(cpu) = p.value("cpu") {
        match cpu.parse::<i32>() {
            Ok(n) if n >= 0 => c.rodata.push(("targ_cpu", RoValue::I32(n))),
            _ => return err(format!("invalid cpu: {cpu}")),
        }
    }
    Ok(c)
}

/// Key u32 vector, value `struct info`: count@0 total@8 slots[27]@16.
fn decode_hist(c: &Config, _s: &Session, key: &[u8], value: &[u8]) -> Option<Histogram> {
    irqs::histogram(c, "softirq", vec_name(u32_at(key, 0)?).into(), value)
}

/// libbpf-tools' `%-16s %-6s%-5s  %-11s` header, `%-16s %11llu  %11llu` rows.
fn columns(c: &Config) -> Vec<Column> {
    let mut cols = vec![
        Column::left("softirq", "SOFTIRQ", 16),
        Column::right(
            "total",
            if c.unit == "nsecs" {
                "TOTAL_nsecs"
            } else {
                "TOTAL_usecs"
            },
            11,
        ),
    ];
    if c.parsed.has("count") {
        cols.push(Column::right("count", "TOTAL_count", 12));
    }
    cols
}

/// One row per vector that ran, in vector order (as libbpf-tools prints).
fn rows(c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let mut rows: Vec<(u32, u64, u64)> = entries
        .iter()
        .filter_map(|(k, v)| Some((u32_at(k, 0)?, u64_at(v, 0)?, u64_at(v, 8)?)))
        .filter(|r| r.1 > 0)
        .collect();
    rows.sort();
    rows.iter()
        .map(|&(vec, count, total)| {
            let mut e = Event::default();
            e.push("softirq", vec_name(vec));
            e.push("total", total);
            e.push("count", count);
            e.push("vec", vec);
            e.push("unit", c.unit);
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;
    use crate::bytes::MAX_SLOTS;
    use crate::event::{event_line, header_line};

    fn config(args: &str) -> Result<Config, ArgError> {
        TOOL.configure(&words(args), &Session::default())
    }

    fn entry(vec: u32, count: u64, total: u64, slot: usize) -> (Vec<u8>, Vec<u8>) {
        let mut v = vec![0u8; 16 + MAX_SLOTS * 8];
        v[0..8].copy_from_slice(&count.to_ne_bytes());
        v[8..16].copy_from_slice(&total.to_ne_bytes());
        v[16 + slot * 8..24 + slot * 8].copy_from_slice(&count.to_ne_bytes());
        (vec.to_ne_bytes().to_vec(), v)
    }

    #[test]
    fn counts_as_libbpf_tools() {
        let s = Session::default();
        let entries = [
            entry(9, 5, 70, 3),
            entry(1, 12, 345, 4),
            entry(3, 0, 0, 0),
            entry(12, 1, 2, 1),
        ];
        let c = config("").unwrap();
        let cols = columns(&c);
        assert_eq!(header_line(&cols), "SOFTIRQ          TOTAL_usecs");
        let lines: Vec<String> = rows(&c, &s, &entries)
            .iter()
            .map(|e| event_line(&cols, e))
            .collect();
        assert_eq!(
            lines,
            [
                "timer                    345",
                "rcu                       70",
                "12                         2"
            ]
        );
        let c = config("-C -N").unwrap();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "SOFTIRQ          TOTAL_nsecs  TOTAL_count"
        );
        let r = rows(&c, &s, &entries);
        assert_eq!(
            event_line(&cols, &r[0]),
            "timer                    345           12"
        );
        assert_eq!(r[0].text("unit"), "nsecs");
    }

    #[test]
    fn histograms_and_options() {
        let c = config("-d 1 3").unwrap();
        assert_eq!((c.interval, c.count), (Some(1), Some(3)));
        assert!(matches!(TOOL.report_for(&c), Report::Histogram { .. }));
        let (k, v) = entry(7, 4, 40, 3);
        let h = decode_hist(&c, &Session::default(), &k, &v).unwrap();
        assert_eq!(h.label_line().as_deref(), Some("softirq = sched"));
        assert_eq!((h.slots[3], h.total(), h.unit), (4, 4, "usecs"));
        let c = config("-c 1").unwrap();
        assert!(c.rodata.contains(&("targ_cpu", RoValue::I32(1))));
        for bad in ["-c -1", "-c x", "0", "1 2 3", "-x"] {
            assert!(config(bad).is_err(), "{bad}");
        }
    }
}
