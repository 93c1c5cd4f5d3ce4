//! syncsnoop: sync(2) and its relatives as they are called, in bcc's
//! columns (`TIME(s) COMM CALL`, TIME the monotonic clock in seconds).

use crate::args::{duration, Config, OptSpec, Parsed, DURATION};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[DURATION];

const fn tp(name: &'static str, event: &'static str) -> ProgSpec {
    ProgSpec {
        name,
        attach: AttachPoint::Tracepoint("syscalls", event),
    }
}

const PROGRAMS: &[ProgSpec] = &[
    tp("sync_entry", "sys_enter_sync"),
    tp("fsync_entry", "sys_enter_fsync"),
    tp("fdatasync_entry", "sys_enter_fdatasync"),
    tp("msync_entry", "sys_enter_msync"),
    tp("sync_file_range_entry", "sys_enter_sync_file_range"),
    tp("syncfs_entry", "sys_enter_syncfs"),
];

pub(crate) const TOOL: Tool = Tool {
    name: "syncsnoop",
    summary: "Trace sync() and related syscalls",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/syncsnoop.bpf.o")),
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

/// bcc's `sys_names` (enum sync_syscalls, 1-based).
const SYS_NAMES: [&str; 7] = [
    "N/A",
    "sync",
    "fsync",
    "fdatasync",
    "msync",
    "sync_file_range",
    "syncfs",
];

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    Ok(c)
}

/// bcc's `%-18s %-16s %-16s` (the last column unpadded here).
fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time_s", "TIME(s)", 18),
        Column::left("comm", "COMM", 16),
        Column::left("sys", "CALL", 0),
    ]
}

/// `struct event`: ts@0 pid@8 tid@12 sys@16 comm[16]@20.
fn decode(_c: &Config, _s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let sys = u32_at(b, 16)? as usize;
    let mut e = Event::default();
    e.push("time_s", format!("{:.9}", ts as f64 / 1e9));
    e.push("comm", cstr_at(b, 20, 16)?);
    e.push("sys", *SYS_NAMES.get(sys).unwrap_or(&"N/A"));
    e.push("pid", u32_at(b, 8)?);
    e.push("tid", u32_at(b, 12)?);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    #[test]
    fn layout_as_bcc() {
        let mut b = vec![0u8; 40];
        b[0..8].copy_from_slice(&1_234_500_000_000u64.to_ne_bytes());
        b[8..12].copy_from_slice(&42u32.to_ne_bytes());
        b[12..16].copy_from_slice(&43u32.to_ne_bytes());
        b[16..20].copy_from_slice(&5u32.to_ne_bytes());
        b[20..22].copy_from_slice(b"dd");
        let s = &mut Session::default();
        let c = TOOL.configure(&[], s).unwrap();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TIME(s)            COMM             CALL"
        );
        let e = decode(&c, s, &b).unwrap();
        assert_eq!(
            event_line(&cols, &e),
            "1234.500000000     dd               sync_file_range"
        );
        b[16..20].copy_from_slice(&9u32.to_ne_bytes());
        assert_eq!(decode(&c, s, &b).unwrap().text("sys"), "N/A");
        assert!(decode(&c, s, &b[..18]).is_none());
        assert!(TOOL.configure(&["-x".into()], s).is_err());
    }
}
