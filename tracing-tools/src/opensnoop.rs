//! opensnoop: one line per openat(2)/openat2(2) (libbpf-tools' -p -t -u -n
//! -x -e -f -T -U -d).

use crate::args::{duration, err, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        short: Some('d'),
        long: "duration",
        value: Some("DURATION"),
        help: "Duration to trace (tool run)",
    },
    OptSpec {
        short: Some('e'),
        long: "extended-fields",
        value: None,
        help: "Print extended fields (flags)",
    },
    OptSpec {
        short: Some('f'),
        long: "flag",
        value: Some("FLAG"),
        help: "Only print opens with this flag (O_CREAT, ...), repeatable",
    },
    OptSpec {
        short: Some('n'),
        long: "name",
        value: Some("NAME"),
        help: "Trace process names containing this",
    },
    OptSpec {
        short: Some('p'),
        long: "pid",
        value: Some("PID"),
        help: "Process ID to trace",
    },
    OptSpec {
        short: Some('t'),
        long: "tid",
        value: Some("TID"),
        help: "Thread ID to trace",
    },
    OptSpec {
        short: Some('T'),
        long: "timestamp",
        value: None,
        help: "Print timestamp",
    },
    OptSpec {
        short: Some('u'),
        long: "uid",
        value: Some("UID"),
        help: "User ID to trace",
    },
    OptSpec {
        short: Some('U'),
        long: "print-uid",
        value: None,
        help: "Print UID",
    },
    OptSpec {
        short: Some('x'),
        long: "failed",
        value: None,
        help: "Failed opens only",
    },
    crate::args::CGROUP,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "sys_enter_openat",
        attach: AttachPoint::Tracepoint("syscalls", "sys_enter_openat"),
    },
    ProgSpec {
        name: "sys_exit_openat",
        attach: AttachPoint::Tracepoint("syscalls", "sys_exit_openat"),
    },
    ProgSpec {
        name: "sys_enter_openat2",
        attach: AttachPoint::Tracepoint("syscalls", "sys_enter_openat2"),
    },
    ProgSpec {
        name: "sys_exit_openat2",
        attach: AttachPoint::Tracepoint("syscalls", "sys_exit_openat2"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "opensnoop",
    summary: "Trace open family syscalls",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/opensnoop.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp"],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

/// open(2) flag bits (asm-generic/x86 values).
const OPEN_FLAGS: &[(&str, u64)] = &[
    ("O_WRONLY", 0o1),
    ("O_RDWR", 0o2),
    ("O_CREAT", 0o100),
    ("O_EXCL", 0o200),
    ("O_NOCTTY", 0o400),
    ("O_TRUNC", 0o1000),
    ("O_APPEND", 0o2000),
    ("O_NONBLOCK", 0o4000),
    ("O_DSYNC", 0o10000),
    ("O_ASYNC", 0o20000),
    ("O_DIRECT", 0o40000),
    ("O_LARGEFILE", 0o100000),
    ("O_DIRECTORY", 0o200000),
    ("O_NOFOLLOW", 0o400000),
    ("O_NOATIME", 0o1000000),
    ("O_CLOEXEC", 0o2000000),
    ("O_SYNC", 0o4010000),
    ("O_PATH", 0o10000000),
    ("O_TMPFILE", 0o20200000),
];

fn flag_mask(p: &Parsed) -> Result<u64, ArgError> {
    let mut mask = 0;
    for f in p.values("flag") {
        let upper = f.to_ascii_uppercase();
        let name = if upper.starts_with("O_") {
            upper
        } else {
            format!("O_{upper}")
        };
        match OPEN_FLAGS.iter().find(|(n, _)| *n == name) {
            Some((_, bits)) => mask |= bits,
            None => return err(format!("unknown open flag '{f}'")),
        }
    }
    Ok(mask)
}

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    flag_mask(p)?;
    for (opt, var) in [("pid", "targ_tgid"), ("tid", "targ_pid")] {
        if let Some(v) = p.number::<u32>(opt)? {
            if v == 0 {
                return err(format!("invalid {} 0", opt.to_uppercase()));
            }
            c.rodata.push((var, RoValue::U32(v)));
        }
    }
    if let Some(uid) = p.number::<u32>("uid")? {
        if uid == u32::MAX {
            return err("invalid UID");
        }
        c.rodata.push(("targ_uid", RoValue::U32(uid)));
    }
    c.rodata
        .push(("targ_failed", RoValue::Bool(p.has("failed"))));
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    // libbpf-tools' -T: the wall clock, `%-8s` HH:MM:SS.
    if c.parsed.has("timestamp") {
        v.push(Column::left("time", "TIME", 8));
    }
    if c.parsed.has("print-uid") {
        v.push(Column::left("uid", "UID", 7));
    }
    v.extend([
        Column::left("pid", "PID", 6),
        Column::left("comm", "COMM", 16),
        Column::right("fd", "FD", 3),
        Column::right("err", "ERR", 3),
    ]);
    if c.parsed.has("extended-fields") {
        v.push(Column::left("flags", "FLAGS", 8));
    }
    v.push(Column::left("path", "PATH", 0));
    v
}

/// `struct event`: ts@0 pid@8 tid@12 uid@16 ret@20 flags@24 mode@32
/// comm[16]@36 fname[256]@52.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let comm = cstr_at(b, 36, 16)?;
    let flags = u64_at(b, 24)?;
    let ret = i32_at(b, 20)?;
    if let Some(name) = c.parsed.value("name") {
        if !comm.contains(name) {
            return None;
        }
    }
    let mask = flag_mask(&c.parsed).unwrap_or(0);
    if mask != 0 && flags & mask == 0 {
        return None;
    }
    let (fd, errno) = if ret >= 0 { (ret, 0) } else { (-1, -ret) };
    let mut e = Event::default();
    if c.parsed.has("timestamp") {
        e.push("time", s.wall_hms(ts));
    }
    if c.parsed.has("print-uid") {
        e.push("uid", u32_at(b, 16)?);
    }
    e.push("pid", u32_at(b, 8)?);
    e.push("comm", comm);
    e.push("fd", fd);
    e.push("err", errno);
    if c.parsed.has("extended-fields") {
        e.push("flags", format!("{flags:08o}"));
    }
    e.push("path", cstr_at(b, 52, 256)?);
    e.push("tid", u32_at(b, 12)?);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        let s = Session::default();
        assert!(TOOL.configure(&["-f".into(), "O_CREAT".into()], &s).is_ok());
        assert!(TOOL
            .configure(&["-f".into(), "O_BOGUS".into()], &s)
            .is_err());
        assert!(TOOL.configure(&["-p".into(), "0".into()], &s).is_err());
        let c = TOOL
            .configure(&["-p".into(), "12".into(), "5".into()], &s)
            .unwrap();
        assert_eq!(c.duration, Some(5));
        assert!(c.rodata.contains(&("targ_tgid", RoValue::U32(12))));
    }
}
