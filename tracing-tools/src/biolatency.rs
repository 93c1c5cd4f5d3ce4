//! biolatency: block I/O latency histograms (libbpf-tools' -m -D -F -Q -T -d).

use crate::args::{err, interval_count, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{hist_slots, u32_at};
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
        short: Some('Q'),
        long: "queued",
        value: None,
        help: "Include OS queued time in I/O time",
    },
    OptSpec {
        short: Some('D'),
        long: "per-disk",
        value: None,
        help: "Print a histogram per disk device",
    },
    OptSpec {
        short: Some('F'),
        long: "flag",
        value: None,
        help: "Print a histogram per set of I/O flags",
    },
    OptSpec {
        short: Some('d'),
        long: "disk",
        value: Some("DISK"),
        help: "Trace this disk only",
    },
    crate::args::CGROUP,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "block_rq_insert",
        attach: AttachPoint::TpBtf("block_rq_insert"),
    },
    ProgSpec {
        name: "block_rq_issue",
        attach: AttachPoint::TpBtf("block_rq_issue"),
    },
    ProgSpec {
        name: "block_rq_complete",
        attach: AttachPoint::TpBtf("block_rq_complete"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "biolatency",
    summary: "Summarize block device I/O latency as a histogram",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/biolatency.bpf.o")),
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

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    let mut c = Config {
        unit: if p.has("milliseconds") {
            "msecs"
        } else {
            "usecs"
        },
        ..Default::default()
    };
    interval_count(p, &mut c)?;
    c.rodata
        .push(("targ_ms", RoValue::Bool(p.has("milliseconds"))));
    c.rodata
        .push(("targ_queued", RoValue::Bool(p.has("queued"))));
    c.rodata
        .push(("targ_per_disk", RoValue::Bool(p.has("per-disk"))));
    c.rodata
        .push(("targ_per_flag", RoValue::Bool(p.has("flag"))));
    if let Some(disk) = p.value("disk") {
        let Some(dev) = s.disks.dev(disk) else {
            return err(format!("invalid disk '{disk}': not in /proc/partitions"));
        };
        c.rodata.push(("filter_dev", RoValue::Bool(true)));
        c.rodata.push(("targ_dev", RoValue::U32(dev)));
    }
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}

/// Key `struct hist_key { u32 dev; u32 flags; }`, value `struct hist`.
fn decode(c: &Config, s: &Session, key: &[u8], value: &[u8]) -> Option<Histogram> {
    let dev = u32_at(key, 0)?;
    let flags = u32_at(key, 4)?;
    let label = if c.parsed.has("per-disk") {
        Some(("disk".to_string(), s.disks.display(dev).into()))
    } else if c.parsed.has("flag") {
        Some(("flags".to_string(), s.req.name(flags).into()))
    } else {
        None
    };
    Some(Histogram {
        label_text: None,
        label,
        comm: None,
        unit: c.unit,
        slots: hist_slots(value)?,
    })
}
