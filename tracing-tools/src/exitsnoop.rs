//! exitsnoop: process terminations with their age and exit status
//! (libbpf-tools' -t -x -p -T -c and columns).

use crate::args::{duration, flag, opt, pid_filter, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('t', "timestamp", "Include timestamp on output"),
    flag('x', "failed", "Trace error exits only."),
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    flag('T', "threaded", "Trace by thread."),
    crate::args::CGROUP,
    crate::args::DURATION,
];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "sched_process_exit",
    attach: AttachPoint::Tracepoint("sched", "sched_process_exit"),
}];

pub(crate) const TOOL: Tool = Tool {
    name: "exitsnoop",
    summary: "Trace process termination",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/exitsnoop.bpf.o")),
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

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    pid_filter(p, &mut c, "target_pid")?;
    c.rodata
        .push(("trace_failed_only", RoValue::Bool(p.has("failed"))));
    c.rodata
        .push(("trace_by_process", RoValue::Bool(!p.has("threaded"))));
    crate::args::cgroup_opt(p, &mut c)?;
    Ok(c)
}

/// libbpf-tools' `%-16s %-7d %-7d %-7d %-7.2f %s`, after `%8s` with -t.
fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("timestamp") {
        v.push(Column::left("time", "TIME(s)", 8));
    }
    v.extend([
        Column::left("comm", "PCOMM", 16),
        Column::left("pid", "PID", 7),
        Column::left("ppid", "PPID", 7),
        Column::left("tid", "TID", 7),
        Column::left("age", "AGE(s)", 7),
        Column::left("exit", "EXIT_CODE", 0),
    ]);
    v
}

/// `struct event`: start_time@0 exit_time@8 pid@16 tid@20 ppid@24 sig@28
/// exit_code@32 comm[16]@36.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let start = u64_at(b, 0)?;
    let exit = u64_at(b, 8)?;
    let sig = u32_at(b, 28)?;
    let code = i32_at(b, 32)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(exit));
    e.push("comm", cstr_at(b, 36, 16)?);
    e.push("pid", u32_at(b, 16)?);
    e.push("ppid", u32_at(b, 24)?);
    e.push("tid", u32_at(b, 20)?);
    e.push(
        "age",
        format!("{:.2}", exit.saturating_sub(start) as f64 / 1e9),
    );
    e.push("exit", exit_text(sig, code));
    e.push("sig", sig);
    e.push("exit_code", code);
    e.push("start_time", start);
    e.push("exit_time", exit);
    e.push("ts", exit);
    Some(e)
}

/// libbpf-tools' EXIT_CODE: `0`, `code N`, or `signal N (strsignal)` with
/// `, core dumped` when the 0x80 bit of the signal byte is set.
fn exit_text(sig: u32, code: i32) -> String {
    if sig == 0 {
        return if code == 0 {
            "0".into()
        } else {
            format!("code {code}")
        };
    }
    let mut s = String::new();
    let n = sig & 0x7f;
    if n != 0 {
        s = format!("signal {n} ({})", describe(n));
    }
    if sig & 0x80 != 0 {
        s.push_str(", core dumped");
    }
    s
}

/// glibc's strsignal() text.
fn describe(sig: u32) -> String {
    const TEXT: [&str; 32] = [
        "",
        "Hangup",
        "Interrupt",
        "Quit",
        "Illegal instruction",
        "Trace/breakpoint trap",
        "Aborted",
        "Bus error",
        "Floating point exception",
        "Killed",
        "User defined signal 1",
        "Segmentation fault",
        "User defined signal 2",
        "Broken pipe",
        "Alarm clock",
        "Terminated",
        "Stack fault",
        "Child exited",
        "Continued",
        "Stopped (signal)",
        "Stopped",
        "Stopped (tty input)",
        "Stopped (tty output)",
        "Urgent I/O condition",
        "CPU time limit exceeded",
        "File size limit exceeded",
        "Virtual timer expired",
        "Profiling timer expired",
        "Window changed",
        "I/O possible",
        "Power failure",
        "Bad system call",
    ];
    // glibc's SIGRTMIN is 34 (32 and 33 are the thread library's).
    match sig {
        1..=31 => TEXT[sig as usize].into(),
        34..=64 => format!("Real-time signal {}", sig - 34),
        _ => format!("Unknown signal {sig}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(sig: u32, code: i32) -> Vec<u8> {
        let mut b = vec![0u8; 52];
        b[0..8].copy_from_slice(&1_000_000_000u64.to_ne_bytes());
        b[8..16].copy_from_slice(&3_500_000_000u64.to_ne_bytes());
        b[16..20].copy_from_slice(&42u32.to_ne_bytes());
        b[20..24].copy_from_slice(&43u32.to_ne_bytes());
        b[24..28].copy_from_slice(&1u32.to_ne_bytes());
        b[28..32].copy_from_slice(&sig.to_ne_bytes());
        b[32..36].copy_from_slice(&code.to_ne_bytes());
        b[36..40].copy_from_slice(b"true");
        b
    }

    #[test]
    fn decodes_codes_and_signals() {
        let s = &mut Session::default();
        let c = TOOL.configure(&[], s).unwrap();
        let e = decode(&c, s, &event(0, 3)).unwrap();
        assert_eq!(e.text("exit"), "code 3");
        assert_eq!(e.text("age"), "2.50");
        assert_eq!((e.text("pid"), e.text("tid")), ("42".into(), "43".into()));
        assert_eq!(e.text("comm"), "true");
        assert_eq!(decode(&c, s, &event(0, 0)).unwrap().text("exit"), "0");
        assert_eq!(
            decode(&c, s, &event(9, 0)).unwrap().text("exit"),
            "signal 9 (Killed)"
        );
        assert_eq!(
            decode(&c, s, &event(0x80 | 11, 0)).unwrap().text("exit"),
            "signal 11 (Segmentation fault), core dumped"
        );
        assert_eq!(describe(36), "Real-time signal 2");
        assert!(decode(&c, s, &event(0, 0)[..30]).is_none());
    }

    #[test]
    fn options() {
        let s = &Session::default();
        let w = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let c = TOOL.configure(&w(&["-T", "-x", "-p", "7"]), s).unwrap();
        assert!(c.rodata.contains(&("target_pid", RoValue::U32(7))));
        assert!(c
            .rodata
            .contains(&("trace_by_process", RoValue::Bool(false))));
        assert!(c
            .rodata
            .contains(&("trace_failed_only", RoValue::Bool(true))));
        assert!(TOOL.configure(&w(&["-p", "0"]), s).is_err());
        let cols = columns(&TOOL.configure(&w(&["-t"]), s).unwrap());
        assert_eq!(cols[0].header, "TIME(s)");
    }
}
