//! execsnoop: one line per execve(2) (libbpf-tools' -x -u -T -t -U -n -q --max-args).

use crate::args::{duration, err, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        short: Some('T'),
        long: "time",
        value: None,
        help: "Include time column on output (HH:MM:SS)",
    },
    OptSpec {
        short: Some('t'),
        long: "timestamp",
        value: None,
        help: "Include timestamp on output",
    },
    OptSpec {
        short: Some('x'),
        long: "fails",
        value: None,
        help: "Include failed exec()s",
    },
    OptSpec {
        short: Some('u'),
        long: "uid",
        value: Some("UID"),
        help: "Trace this UID only",
    },
    OptSpec {
        short: Some('q'),
        long: "quote",
        value: None,
        help: "Add quotemarks (\") around arguments",
    },
    OptSpec {
        short: Some('n'),
        long: "name",
        value: Some("NAME"),
        help: "Only print commands whose name (comm) contains NAME",
    },
    OptSpec {
        short: Some('l'),
        long: "line",
        value: Some("LINE"),
        help: "Only print commands where an argument contains LINE",
    },
    OptSpec {
        short: Some('U'),
        long: "print-uid",
        value: None,
        help: "Print UID column",
    },
    OptSpec {
        short: None,
        long: "max-args",
        value: Some("MAX_ARGS"),
        help: "Maximum number of arguments parsed and displayed, defaults to 20",
    },
    crate::args::CGROUP,
    crate::args::DURATION,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "sys_enter_execve",
        attach: AttachPoint::Tracepoint("syscalls", "sys_enter_execve"),
    },
    ProgSpec {
        name: "sys_exit_execve",
        attach: AttachPoint::Tracepoint("syscalls", "sys_exit_execve"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "execsnoop",
    summary: "Trace exec() syscalls",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/execsnoop.bpf.o")),
    options: OPTIONS,
    report_options: &["time", "timestamp"],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

const TOTAL_MAX_ARGS: i32 = 60;
const DEFAULT_MAX_ARGS: i32 = 20;

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    c.rodata
        .push(("ignore_failed", RoValue::Bool(!p.has("fails"))));
    if let Some(uid) = p.number::<u32>("uid")? {
        if uid == u32::MAX {
            return err("invalid UID");
        }
        c.rodata.push(("targ_uid", RoValue::U32(uid)));
    }
    if let Some(n) = p.number::<i32>("max-args")? {
        if !(1..=TOTAL_MAX_ARGS).contains(&n) {
            return err(format!(
                "invalid MAX_ARGS {n}, should be in [1, {TOTAL_MAX_ARGS}] range"
            ));
        }
        c.rodata.push(("max_args", RoValue::I32(n)));
    }
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("time") {
        v.push(Column::left("time", "TIME", 8));
    }
    if c.parsed.has("timestamp") {
        v.push(Column::left("time_s", "TIME(s)", 8));
    }
    if c.parsed.has("print-uid") {
        v.push(Column::left("uid", "UID", 6));
    }
    v.extend([
        Column::left("comm", "PCOMM", 16),
        Column::left("pid", "PID", 6),
        Column::left("ppid", "PPID", 6),
        Column::right("ret", "RET", 3),
        Column::left("args", "ARGS", 0),
    ]);
    v
}

/// `struct event`: ts@0 pid@8 ppid@12 uid@16 retval@20 args_count@24
/// args_size@28 comm[16]@32 args@48 (args_size bytes, NUL-separated).
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let comm = cstr_at(b, 32, 16)?;
    let args_count = i32_at(b, 24)?;
    let args_size = u32_at(b, 28)? as usize;
    let raw = b.get(48..48 + args_size.min(b.len().saturating_sub(48)))?;
    let max_args = c
        .parsed
        .number::<i32>("max-args")
        .ok()
        .flatten()
        .unwrap_or(DEFAULT_MAX_ARGS);
    let mut argv: Vec<String> = raw
        .split(|&ch| ch == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    argv.truncate(args_count.max(0) as usize);
    // libbpf-tools: -n tests the comm, -l the arguments.
    if c.parsed.value("name").is_some_and(|n| !comm.contains(n)) {
        return None;
    }
    if let Some(line) = c.parsed.value("line") {
        if !argv.iter().any(|a| a.contains(line)) {
            return None;
        }
    }
    let mut args = if c.parsed.has("quote") {
        argv.iter()
            .map(|a| format!("\"{}\"", a.replace('"', "\\\"")))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        argv.join(" ")
    };
    if args_count == max_args + 1 {
        args.push_str(" ...");
    }
    let mut e = Event::default();
    if c.parsed.has("time") {
        e.push("time", s.wall_hms(ts));
    }
    if c.parsed.has("timestamp") {
        e.push("time_s", format!("{:<8.3}", s.relative_secs(ts)));
    }
    if c.parsed.has("print-uid") {
        e.push("uid", u32_at(b, 16)?);
    }
    e.push("comm", comm);
    e.push("pid", u32_at(b, 8)?);
    e.push("ppid", u32_at(b, 12)?);
    e.push("ret", i32_at(b, 20)?);
    e.push("args", args);
    e.push("argv", argv);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(args: &[&str]) -> Vec<u8> {
        let mut b = vec![0u8; 48];
        b[0..8].copy_from_slice(&5u64.to_ne_bytes());
        b[8..12].copy_from_slice(&42u32.to_ne_bytes());
        b[12..16].copy_from_slice(&1u32.to_ne_bytes());
        b[24..28].copy_from_slice(&(args.len() as i32).to_ne_bytes());
        b[32..36].copy_from_slice(b"true");
        let mut raw = Vec::new();
        for a in args {
            raw.extend_from_slice(a.as_bytes());
            raw.push(0);
        }
        b[28..32].copy_from_slice(&(raw.len() as u32).to_ne_bytes());
        b.extend_from_slice(&raw);
        b
    }

    #[test]
    fn decodes_args_and_filters_by_name() {
        let s = &mut Session::default();
        let c = TOOL.configure(&[], s).unwrap();
        let e = decode(&c, s, &event(&["/bin/true", "hello"])).unwrap();
        assert_eq!(e.text("args"), "/bin/true hello");
        assert_eq!(e.text("pid"), "42");
        let c = TOOL.configure(&["-n".into(), "zzz".into()], s).unwrap();
        assert!(decode(&c, s, &event(&["/bin/true"])).is_none());
        // -n tests the comm only (libbpf-tools), -l the arguments.
        let c = TOOL.configure(&["-n".into(), "hello".into()], s).unwrap();
        assert!(decode(&c, s, &event(&["/bin/true", "hello"])).is_none());
        let c = TOOL.configure(&["-n".into(), "tru".into()], s).unwrap();
        assert!(decode(&c, s, &event(&["/bin/true", "hello"])).is_some());
        let c = TOOL.configure(&["-l".into(), "ell".into()], s).unwrap();
        assert!(decode(&c, s, &event(&["/bin/true", "hello"])).is_some());
        assert!(decode(&c, s, &event(&["/bin/true"])).is_none());
    }
}
