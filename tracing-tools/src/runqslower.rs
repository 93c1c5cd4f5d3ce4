//! runqslower: run queue waits longer than a threshold, one line each
//! (libbpf-tools' -p -t -P -c COMM and `[min_us]`).

use crate::args::{err, flag, opt, pid_filter, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::{ArgError, Column, Event, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Process PID to trace"),
    opt(
        Some('t'),
        "tid",
        "TID",
        "Thread TID to trace (use for threads only)",
    ),
    flag('P', "previous", "also show previous task name and TID"),
    opt(
        Some('c'),
        "comm",
        "COMM",
        "Trace tasks of this command name only",
    ),
    crate::args::DURATION,
];

pub(crate) const TOOL: Tool = Tool {
    name: "runqslower",
    summary: "Trace high run queue latency",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/runqslower.bpf.o")),
    options: OPTIONS,
    report_options: &["previous"],
    positional: "[MIN_US]",
    // runqlat's wakeup, wakeup_new and switch tracepoints, one event per slow wait.
    programs: crate::runqlat::PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

/// The kernel keeps 15 bytes of a command name.
const COMM_MAX: usize = 15;

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    // The one positional word is the threshold, so the duration is -d only.
    match p.positionals.as_slice() {
        [] => {}
        [us] => match us.parse::<u64>() {
            Ok(v) if v > 0 => c.rodata.push(("min_us", RoValue::U64(v))),
            _ => return err(format!("invalid delay (in us) '{us}'")),
        },
        _ => return err("too many arguments: expected [MIN_US]"),
    }
    match p.number::<u64>("duration")? {
        Some(0) => return err("invalid duration '0': expected a positive whole number of seconds"),
        d => c.duration = d,
    }
    pid_filter(p, &mut c, "targ_tgid")?;
    if let Some(tid) = pid_opt(p, "tid")? {
        c.rodata.push(("targ_pid", RoValue::U32(tid)));
    }
    if let Some(comm) = p.value("comm") {
        if comm.is_empty() || comm.len() > COMM_MAX {
            return err(format!(
                "invalid COMM '{comm}': 1 to {COMM_MAX} bytes (the kernel keeps no more)"
            ));
        }
        c.rodata.push(("targ_comm", RoValue::Str(comm.to_string())));
        c.rodata.push(("filter_comm", RoValue::Bool(true)));
    }
    Ok(c)
}

/// libbpf-tools' `%-8s %-16s %-6d %14llu`, then `%-16s %-6d` with -P.
fn columns(c: &Config) -> Vec<Column> {
    let mut v = vec![
        Column::left("time", "TIME", 8),
        Column::left("task", "COMM", 16),
        Column::left("pid", "TID", 6),
        Column::right("delta_us", "LAT(us)", 14),
    ];
    if c.parsed.has("previous") {
        v.push(Column::left("prev_task", "PREV COMM", 16));
        v.push(Column::left("prev_pid", "PREV TID", 0));
    }
    v
}

/// `struct event`: task[16]@0 prev_task[16]@16 delta_us@32 pid@40
/// prev_pid@44 ts@48.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 48)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("task", cstr_at(b, 0, 16)?);
    e.push("pid", u32_at(b, 40)?);
    e.push("delta_us", u64_at(b, 32)?);
    e.push("prev_task", cstr_at(b, 16, 16)?);
    e.push("prev_pid", u32_at(b, 44)?);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;

    #[test]
    fn options() {
        let s = &Session::default();
        let c = TOOL
            .configure(&words("-p 5 -t 6 -c sh 2500 -d 3"), s)
            .unwrap();
        for v in [
            ("min_us", RoValue::U64(2500)),
            ("targ_tgid", RoValue::U32(5)),
            ("targ_pid", RoValue::U32(6)),
            ("targ_comm", RoValue::Str("sh".into())),
        ] {
            assert!(c.rodata.contains(&v), "{v:?}");
        }
        assert_eq!(c.duration, Some(3));
        for bad in ["0", "-5", "abc", "1 2", "-c 0123456789abcdef", "-p 0"] {
            assert!(TOOL.configure(&words(bad), s).is_err(), "{bad}");
        }
    }

    #[test]
    fn decodes() {
        let mut b = vec![0u8; 56];
        b[..4].copy_from_slice(b"spin");
        b[16..20].copy_from_slice(b"yes\0");
        b[32..40].copy_from_slice(&12_345u64.to_ne_bytes());
        b[40..44].copy_from_slice(&7u32.to_ne_bytes());
        b[44..48].copy_from_slice(&8u32.to_ne_bytes());
        let s = &mut Session::default();
        let c = TOOL.configure(&words("-P"), s).unwrap();
        let e = decode(&c, s, &b).unwrap();
        let line = crate::event::event_line(&columns(&c), &e);
        assert_eq!(
            line,
            "00:00:00 spin             7               12345 yes              8"
        );
        assert!(decode(&c, s, &b[..50]).is_none());
    }
}
