//! sigsnoop: signals as the kernel generates them (signal_generate), or
//! with -k the kill syscalls' results, in libbpf-tools' columns and options
//! (-x, -k, -n, -p, -s; -s takes a comma-separated list, names too).

use crate::args::{duration, flag, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::args::{err, DURATION};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::sysnames::{parse_signal, signal_name};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('x', "failed", "Trace failed signals only"),
    flag('k', "kill", "Trace signals issued by kill syscall only"),
    flag('n', "name", "Output signal name instead of signal number"),
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    opt(
        Some('s'),
        "signal",
        "SIGNAL[,SIGNAL...]",
        "Signals to trace (numbers or names)",
    ),
    DURATION,
];

const fn tp(name: &'static str, cat: &'static str, event: &'static str) -> ProgSpec {
    ProgSpec {
        name,
        attach: AttachPoint::Tracepoint(cat, event),
    }
}

const PROGRAMS: &[ProgSpec] = &[
    tp("sig_trace", "signal", "signal_generate"),
    tp("kill_enter", "syscalls", "sys_enter_kill"),
    tp("kill_return", "syscalls", "sys_exit_kill"),
    tp("tkill_enter", "syscalls", "sys_enter_tkill"),
    tp("tkill_return", "syscalls", "sys_exit_tkill"),
    tp("tgkill_enter", "syscalls", "sys_enter_tgkill"),
    tp("tgkill_return", "syscalls", "sys_exit_tgkill"),
];

pub(crate) const TOOL: Tool = Tool {
    name: "sigsnoop",
    summary: "Trace standard and real-time signals",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/sigsnoop.bpf.o")),
    options: OPTIONS,
    report_options: &["name"],
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
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("filtered_pid", RoValue::U32(pid)));
    }
    if let Some(list) = p.value("signal") {
        c.rodata
            .push(("target_signals", RoValue::U64(signal_mask(list)?)));
    }
    c.rodata
        .push(("failed_only", RoValue::Bool(p.has("failed"))));
    c.rodata.push(("kill_only", RoValue::Bool(p.has("kill"))));
    Ok(c)
}

/// `-s 9,TERM`: bit (sig - 1) per signal.
fn signal_mask(list: &str) -> Result<u64, ArgError> {
    if list.is_empty() {
        return err("invalid signal ''");
    }
    list.split(',')
        .try_fold(0u64, |m, w| Ok(m | 1u64 << (parse_signal(w)? - 1)))
}

fn columns(c: &Config) -> Vec<Column> {
    signal_columns(c, "ret")
}

fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    signal_event(s, b, "ret")
}

/// libbpf-tools' `%-8s %-7d %-16s %-9s %-7d %-6d`, shared with killsnoop;
/// `ret` is the result's key (killsnoop's is `result`).
pub(crate) fn signal_columns(c: &Config, ret: &'static str) -> Vec<Column> {
    let sig = if c.parsed.has("name") {
        "signal"
    } else {
        "sig"
    };
    vec![
        Column::left("time", "TIME", 8),
        Column::left("pid", "PID", 7),
        Column::left("comm", "COMM", 16),
        Column::left(sig, "SIG", 9),
        Column::left("tpid", "TPID", 7),
        Column::left(ret, "RESULT", 0),
    ]
}

/// `struct event` of src/bpf/signal.h: ts@0 pid@8
/// tpid@12 sig@16 ret@20 comm[16]@24.
pub(crate) fn signal_event(s: &mut Session, b: &[u8], ret: &'static str) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let sig = i32_at(b, 16)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("pid", u32_at(b, 8)?);
    e.push("comm", cstr_at(b, 24, 16)?);
    e.push("sig", sig);
    e.push("tpid", i32_at(b, 12)?);
    e.push(ret, i32_at(b, 20)?);
    e.push("signal", signal_name(sig));
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(words: &str) -> Result<Config, ArgError> {
        let args: Vec<String> = words.split_whitespace().map(String::from).collect();
        TOOL.configure(&args, &Session::default())
    }

    fn ro(c: &Config, name: &str) -> Option<RoValue> {
        c.rodata
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    }

    #[test]
    fn options() {
        let c = config("-s 9,TERM,sigusr1 -p 42 -x -k").unwrap();
        let mask = (1 << 8) | (1 << 14) | (1 << 9);
        assert_eq!(ro(&c, "target_signals"), Some(RoValue::U64(mask)));
        assert_eq!(ro(&c, "filtered_pid"), Some(RoValue::U32(42)));
        assert_eq!(ro(&c, "failed_only"), Some(RoValue::Bool(true)));
        assert_eq!(ro(&c, "kill_only"), Some(RoValue::Bool(true)));
        let c = config("").unwrap();
        assert_eq!(ro(&c, "target_signals"), None);
        assert_eq!(ro(&c, "kill_only"), Some(RoValue::Bool(false)));
        for bad in ["-s 0", "-s 65", "-s BOGUS", "-s 9,", "-p 0", "-p x", "1 2"] {
            assert!(config(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn decodes_and_lays_out() {
        let mut b = vec![0u8; 40];
        b[8..12].copy_from_slice(&42u32.to_ne_bytes());
        b[12..16].copy_from_slice(&77i32.to_ne_bytes());
        b[16..20].copy_from_slice(&17i32.to_ne_bytes());
        b[20..24].copy_from_slice(&(-3i32).to_ne_bytes());
        b[24..28].copy_from_slice(b"bash");
        let s = &mut Session::default();
        let c = config("-n").unwrap();
        let e = decode(&c, s, &b).unwrap();
        assert_eq!(e.text("signal"), "SIGCHLD");
        assert_eq!((e.text("sig"), e.text("ret")), ("17".into(), "-3".into()));
        let cols = columns(&c);
        assert_eq!(
            crate::event::header_line(&cols),
            "TIME     PID     COMM             SIG       TPID    RESULT"
        );
        assert_eq!(
            crate::event::event_line(&cols, &e),
            "00:00:00 42      bash             SIGCHLD   77      -3"
        );
        assert!(decode(&c, s, &b[..22]).is_none());
    }
}
