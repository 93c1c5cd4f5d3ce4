//! statsnoop: stat-family syscalls and their results, in libbpf-tools'
//! columns and options (-p, -t, -x, and newer libbpf-tools' -s).

use crate::args::{duration, flag, opt, pid_opt, Config, OptSpec, Parsed, RoValue, DURATION};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    flag('t', "timestamp", "Include timestamp on output"),
    flag('x', "failed", "Only show failed stats"),
    flag('s', "sysname", "Include syscall name on output"),
    DURATION,
];

const fn tp(name: &'static str, event: &'static str) -> ProgSpec {
    ProgSpec {
        name,
        attach: AttachPoint::Tracepoint("syscalls", event),
    }
}

const PROGRAMS: &[ProgSpec] = &[
    tp("statfs_entry", "sys_enter_statfs"),
    tp("statfs_return", "sys_exit_statfs"),
    tp("newstat_entry", "sys_enter_newstat"),
    tp("newstat_return", "sys_exit_newstat"),
    tp("statx_entry", "sys_enter_statx"),
    tp("statx_return", "sys_exit_statx"),
    tp("newfstat_entry", "sys_enter_newfstat"),
    tp("newfstat_return", "sys_exit_newfstat"),
    tp("newfstatat_entry", "sys_enter_newfstatat"),
    tp("newfstatat_return", "sys_exit_newfstatat"),
    tp("newlstat_entry", "sys_enter_newlstat"),
    tp("newlstat_return", "sys_exit_newlstat"),
];

pub(crate) const TOOL: Tool = Tool {
    name: "statsnoop",
    summary: "Trace stat syscalls",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/statsnoop.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp", "sysname"],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

/// libbpf-tools' `enum sys_type` (1-based).
const SYS_NAMES: [&str; 7] = [
    "N/A",
    "statfs",
    "newstat",
    "statx",
    "newfstat",
    "newfstatat",
    "newlstat",
];

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("target_pid", RoValue::U32(pid)));
    }
    c.rodata
        .push(("trace_failed_only", RoValue::Bool(p.has("failed"))));
    Ok(c)
}

/// libbpf-tools' `[%-14s] %-7s %-20s %-4s %-4s [%-10s] %s`.
fn columns(c: &Config) -> Vec<Column> {
    let mut cols = Vec::new();
    if c.parsed.has("timestamp") {
        cols.push(Column::left("time_s", "TIME(s)", 14));
    }
    cols.extend([
        Column::left("pid", "PID", 7),
        Column::left("comm", "COMM", 20),
        Column::left("ret", "RET", 4),
        Column::left("err", "ERR", 4),
    ]);
    if c.parsed.has("sysname") {
        cols.push(Column::left("syscall", "SYSCALL", 10));
    }
    cols.push(Column::left("pathname", "PATH", 0));
    cols
}

/// `struct event`: ts@0 pid@8 type@12 ret@16 fd@20 dirfd@24 comm[16]@28
/// pathname[255]@44.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let ret = i32_at(b, 16)?;
    let kind = u32_at(b, 12)? as usize;
    let mut e = Event::default();
    if c.parsed.has("timestamp") {
        e.push("time_s", format!("{:.9}", s.relative_secs(ts)));
    }
    e.push("pid", u32_at(b, 8)?);
    e.push("comm", cstr_at(b, 28, 16)?);
    // As libbpf-tools prints them: RET -1 and ERR the errno on failure.
    e.push("ret", if ret >= 0 { ret } else { -1 });
    e.push("err", if ret >= 0 { 0 } else { -ret });
    e.push("syscall", *SYS_NAMES.get(kind).unwrap_or(&"N/A"));
    e.push("pathname", cstr_at(b, 44, 255)?);
    e.push("fd", i32_at(b, 20)?);
    e.push("dirfd", i32_at(b, 24)?);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    fn config(words: &str) -> Result<Config, ArgError> {
        let args: Vec<String> = words.split_whitespace().map(String::from).collect();
        TOOL.configure(&args, &Session::default())
    }

    fn sample(kind: u32, ret: i32, path: &str) -> Vec<u8> {
        let mut b = vec![0u8; 304];
        b[0..8].copy_from_slice(&5_000_000_000u64.to_ne_bytes());
        b[8..12].copy_from_slice(&42u32.to_ne_bytes());
        b[12..16].copy_from_slice(&kind.to_ne_bytes());
        b[16..20].copy_from_slice(&ret.to_ne_bytes());
        b[20..24].copy_from_slice(&(-1i32).to_ne_bytes());
        b[24..28].copy_from_slice(&(-100i32).to_ne_bytes());
        b[28..32].copy_from_slice(b"stat");
        b[44..44 + path.len()].copy_from_slice(path.as_bytes());
        b
    }

    #[test]
    fn layout_as_libbpf_tools() {
        let c = config("").unwrap();
        let s = &mut Session::default();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "PID     COMM                 RET  ERR  PATH"
        );
        let e = decode(&c, s, &sample(5, -2, "/nonexistent")).unwrap();
        assert_eq!(
            event_line(&cols, &e),
            "42      stat                 -1   2    /nonexistent"
        );
        assert_eq!(e.text("syscall"), "newfstatat");
        assert_eq!(e.text("dirfd"), "-100");

        let c = config("-t -s").unwrap();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TIME(s)        PID     COMM                 RET  ERR  SYSCALL    PATH"
        );
        decode(&c, s, &sample(1, 0, "/")).unwrap();
        let e = decode(&c, s, &sample(3, 0, "/etc")).unwrap();
        assert_eq!(
            event_line(&cols, &e),
            "0.000000000    42      stat                 0    0    statx      /etc"
        );
        assert!(decode(&c, s, &sample(3, 0, "/")[..40]).is_none());
    }

    #[test]
    fn options() {
        let c = config("-x -p 7").unwrap();
        assert!(c.rodata.contains(&("target_pid", RoValue::U32(7))));
        assert!(c
            .rodata
            .contains(&("trace_failed_only", RoValue::Bool(true))));
        for bad in ["-p 0", "-p -3", "-q", "1 2", "-d 0"] {
            assert!(config(bad).is_err(), "{bad}");
        }
    }
}
