//! biosnoop: one line per block I/O with its latency (libbpf-tools' -d -Q).

use crate::args::{duration, err, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::disks::rwbs;
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        short: Some('d'),
        long: "disk",
        value: Some("DISK"),
        help: "Trace this disk only",
    },
    OptSpec {
        short: Some('Q'),
        long: "queued",
        value: None,
        help: "Include OS queued time in I/O time",
    },
    crate::args::CGROUP,
    crate::args::DURATION_LONG,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "block_io_start",
        attach: AttachPoint::TpBtf("block_io_start"),
    },
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
    name: "biosnoop",
    summary: "Trace block I/O, one line per request, with latency",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/biosnoop.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    c.rodata
        .push(("targ_queued", RoValue::Bool(p.has("queued"))));
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

fn columns(c: &Config) -> Vec<Column> {
    let mut v = vec![
        Column::left("time_s", "TIME(s)", 11),
        Column::left("comm", "COMM", 14),
        Column::left("pid", "PID", 7),
        Column::left("disk", "DISK", 7),
        Column::left("type", "T", 1),
        Column::left("sector", "SECTOR", 10),
        Column::left("bytes", "BYTES", 7),
    ];
    if c.parsed.has("queued") {
        v.push(Column::right("que_ms", "QUE(ms)", 7));
    }
    v.push(Column::right("lat_ms", "LAT(ms)", 7));
    v
}

/// `struct event` of biosnoop.bpf.c: ts@0 delta@8 qdelta@16 sector@24
/// len@32 pid@36 cmd_flags@40 dev@44 comm[16]@48.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let flags = u32_at(b, 40)?;
    let mut e = Event::default();
    e.push("time_s", format!("{:.6}", s.relative_secs(ts)));
    e.push("comm", cstr_at(b, 48, 16)?);
    e.push("pid", u32_at(b, 36)?);
    e.push("disk", s.disks.display(u32_at(b, 44)?));
    e.push("type", rwbs(flags));
    e.push("sector", u64_at(b, 24)?);
    e.push("bytes", u32_at(b, 32)?);
    if c.parsed.has("queued") {
        e.push("que_ms", format!("{:.3}", u64_at(b, 16)? as f64 / 1e6));
    }
    e.push("lat_ms", format!("{:.3}", u64_at(b, 8)? as f64 / 1e6));
    e.push("ts", ts);
    Some(e)
}
