//! hardirqs: hard interrupt handler time per handler name (libbpf-tools'
//! -C counts, -d histograms, -N nanoseconds, -T, [INTERVAL [COUNT]]).

use crate::args::{err, flag, Config, OptSpec, Parsed};
use crate::bytes::{cstr_at, u64_at};
use crate::irqs;
use crate::{ArgError, AttachPoint, Column, Event, Histogram, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('C', "count", "Show event counts instead of timing"),
    flag('d', "distributed", "Show distributions as histograms"),
    flag('T', "timestamp", "Include timestamp on output"),
    flag('N', "nanoseconds", "Output in nanoseconds"),
    crate::args::CGROUP,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "irq_handler_entry",
        attach: AttachPoint::TpBtf("irq_handler_entry"),
    },
    ProgSpec {
        name: "irq_handler_exit",
        attach: AttachPoint::TpBtf("irq_handler_exit"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "hardirqs",
    summary: "Summarize hard irq event time (or counts, or histograms) per handler",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/hardirqs.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp"],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Select(select),
    configure,
};

const IRQ_NAME_LEN: usize = 32;

fn select(c: &Config) -> Report {
    irqs::select(c, columns, rows, decode_hist)
}

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    if p.has("count") && p.has("distributed") {
        return err("-C and -d can't be used together");
    }
    let mut c = irqs::configure(p)?;
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}

/// Key `char name[32]`, value `struct info`: count@0 total@8 slots[27]@16.
fn decode_hist(c: &Config, _s: &Session, key: &[u8], value: &[u8]) -> Option<Histogram> {
    irqs::histogram(c, "hardirq", cstr_at(key, 0, IRQ_NAME_LEN)?.into(), value)
}

fn columns(c: &Config) -> Vec<Column> {
    let header = if c.parsed.has("count") {
        "TOTAL_count"
    } else if c.parsed.has("nanoseconds") {
        "TOTAL_nsecs"
    } else {
        "TOTAL_usecs"
    };
    vec![
        Column::left("hardirq", "HARDIRQ", 26),
        Column::right("total", header, 11),
    ]
}

/// One row per handler, largest first.
fn rows(c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let mut rows: Vec<(String, u64, u64)> = entries
        .iter()
        .filter_map(|(k, v)| Some((cstr_at(k, 0, IRQ_NAME_LEN)?, u64_at(v, 0)?, u64_at(v, 8)?)))
        .collect();
    let count = c.parsed.has("count");
    let value = |r: &(String, u64, u64)| if count { r.1 } else { r.2 };
    rows.sort_by(|a, b| value(b).cmp(&value(a)).then(a.0.cmp(&b.0)));
    rows.iter()
        .map(|r| {
            let mut e = Event::default();
            e.push("hardirq", r.0.clone());
            // Text shows one total (count or time); JSON has both.
            e.push("total", value(r));
            e.push("count", r.1);
            e.push(
                if c.unit == "nsecs" {
                    "total_ns"
                } else {
                    "total_us"
                },
                r.2,
            );
            e
        })
        .collect()
}
