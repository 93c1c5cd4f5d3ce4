//! ext4slower: ext4 reads, writes, opens and fsyncs slower than -m MS
//! (libbpf-tools' fsslower -t ext4: -p -m -d). It needs fentry/fexit or
//! kprobes: both program sets are in the object, the loader keeps the one
//! this kernel attaches, and `tool list` shows it unsupported where neither.

use crate::args::opt;
use crate::args::{duration, err, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, i64_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    opt(
        Some('m'),
        "min",
        "MIN",
        "Min latency to trace, in ms (default 10)",
    ),
    opt(
        Some('d'),
        "duration",
        "DURATION",
        "Total duration of trace in seconds",
    ),
];

const fn prog(name: &'static str, attach: AttachPoint) -> ProgSpec {
    ProgSpec { name, attach }
}

const PROGRAMS: &[ProgSpec] = &[
    prog("fentry_read", AttachPoint::Fentry("ext4_file_read_iter")),
    prog("fexit_read", AttachPoint::Fexit("ext4_file_read_iter")),
    prog("fentry_write", AttachPoint::Fentry("ext4_file_write_iter")),
    prog("fexit_write", AttachPoint::Fexit("ext4_file_write_iter")),
    prog("fentry_open", AttachPoint::Fentry("ext4_file_open")),
    prog("fexit_open", AttachPoint::Fexit("ext4_file_open")),
    prog("fentry_fsync", AttachPoint::Fentry("ext4_sync_file")),
    prog("fexit_fsync", AttachPoint::Fexit("ext4_sync_file")),
    prog("kprobe_read", AttachPoint::Kprobe("ext4_file_read_iter")),
    prog(
        "kretprobe_read",
        AttachPoint::Kretprobe("ext4_file_read_iter"),
    ),
    prog("kprobe_write", AttachPoint::Kprobe("ext4_file_write_iter")),
    prog(
        "kretprobe_write",
        AttachPoint::Kretprobe("ext4_file_write_iter"),
    ),
    prog("kprobe_open", AttachPoint::Kprobe("ext4_file_open")),
    prog("kretprobe_open", AttachPoint::Kretprobe("ext4_file_open")),
    prog("kprobe_fsync", AttachPoint::Kprobe("ext4_sync_file")),
    prog("kretprobe_fsync", AttachPoint::Kretprobe("ext4_sync_file")),
];

pub(crate) const TOOL: Tool = Tool {
    name: "ext4slower",
    summary: "Trace common ext4 file operations slower than a threshold",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/ext4slower.bpf.o")),
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

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if let Some(pid) = crate::args::pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    match p.number::<u64>("min")? {
        Some(ms) if ms > 1_000_000 => return err(format!("invalid MIN {ms}")),
        Some(ms) => c.rodata.push(("min_lat_ns", RoValue::U64(ms * 1_000_000))),
        None => {}
    }
    Ok(c)
}

fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time", "TIME", 8),
        Column::left("comm", "COMM", 16),
        Column::left("pid", "PID", 7),
        Column::left("op", "T", 1),
        Column::left("bytes", "BYTES", 7),
        Column::left("off_kb", "OFF_KB", 8),
        Column::left("lat_ms", "LAT(ms)", 7),
        Column::left("file", "FILENAME", 0),
    ]
}

/// `struct event`: ts@0 delta_us@8 size@16 offset@24 pid@32 op@36
/// comm[16]@40 file[32]@56.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let op = match u32_at(b, 36)? {
        0 => "R",
        1 => "W",
        2 => "O",
        _ => "F",
    };
    let size = i64_at(b, 16)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("comm", cstr_at(b, 40, 16)?);
    e.push("pid", u32_at(b, 32)?);
    e.push("op", op);
    e.push(
        "bytes",
        if op == "R" || op == "W" {
            size.to_string()
        } else {
            "-".into()
        },
    );
    e.push("off_kb", i64_at(b, 24)? / 1024);
    e.push("lat_ms", format!("{:.2}", u64_at(b, 8)? as f64 / 1000.0));
    e.push("file", cstr_at(b, 56, 32)?);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_program_sets() {
        let fentry = TOOL
            .programs
            .iter()
            .filter(|p| p.attach.is_fentry())
            .count();
        let kprobe = TOOL
            .programs
            .iter()
            .filter(|p| p.attach.is_kprobe())
            .count();
        assert_eq!((fentry, kprobe), (8, 8));
    }
}
