//! killsnoop: signals sent with kill/tkill/tgkill, in libbpf-tools' columns
//! (TIME always) and options (-k, -n, -p, -s, -x); -T (bcc's time column)
//! is accepted and changes nothing.

use crate::args::{duration, Config, OptSpec, Parsed, RoValue};
use crate::args::{flag, opt, pid_opt};
use crate::sigsnoop::{signal_columns, signal_event};
use crate::sysnames::parse_signal;
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('k', "kill", "Trace signals issued by kill syscall only"),
    flag('n', "name", "Output signal name instead of signal number"),
    flag(
        'T',
        "time",
        "Time column (always printed; kept for bcc's -T)",
    ),
    flag('x', "failed", "Only show failed kill syscalls"),
    opt(
        Some('p'),
        "pid",
        "PID",
        "Trace signals sent by this PID only",
    ),
    opt(
        Some('s'),
        "signal",
        "SIGNAL",
        "Trace this signal only (number or name)",
    ),
    opt(Some('d'), "duration", "SECS", "Trace for this many seconds"),
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "sys_enter_kill",
        attach: AttachPoint::Tracepoint("syscalls", "sys_enter_kill"),
    },
    ProgSpec {
        name: "sys_exit_kill",
        attach: AttachPoint::Tracepoint("syscalls", "sys_exit_kill"),
    },
    ProgSpec {
        name: "sys_enter_tkill",
        attach: AttachPoint::Tracepoint("syscalls", "sys_enter_tkill"),
    },
    ProgSpec {
        name: "sys_exit_tkill",
        attach: AttachPoint::Tracepoint("syscalls", "sys_exit_tkill"),
    },
    ProgSpec {
        name: "sys_enter_tgkill",
        attach: AttachPoint::Tracepoint("syscalls", "sys_enter_tgkill"),
    },
    ProgSpec {
        name: "sys_exit_tgkill",
        attach: AttachPoint::Tracepoint("syscalls", "sys_exit_tgkill"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "killsnoop",
    summary: "Trace signals issued by the kill() syscalls",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/killsnoop.bpf.o")),
    options: OPTIONS,
    report_options: &["name", "time"],
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
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    c.rodata
        .push(("failed_only", RoValue::Bool(p.has("failed"))));
    c.rodata.push(("kill_only", RoValue::Bool(p.has("kill"))));
    if let Some(s) = p.value("signal") {
        c.rodata.push(("targ_sig", RoValue::I32(parse_signal(s)?)));
    }
    Ok(c)
}

/// sigsnoop's columns and event, the result under `result`.
fn columns(c: &Config) -> Vec<Column> {
    signal_columns(c, "result")
}

fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    signal_event(s, b, "result")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        let mut b = vec![0u8; 40];
        b[8..12].copy_from_slice(&42u32.to_ne_bytes());
        b[12..16].copy_from_slice(&77i32.to_ne_bytes());
        b[16..20].copy_from_slice(&15i32.to_ne_bytes());
        b[20..24].copy_from_slice(&(-3i32).to_ne_bytes());
        b[24..28].copy_from_slice(b"bash");
        let s = &mut Session::default();
        let c = TOOL.configure(&["-s".into(), "TERM".into()], s).unwrap();
        assert_eq!(c.rodata.last(), Some(&("targ_sig", RoValue::I32(15))));
        let e = decode(&c, s, &b).unwrap();
        assert_eq!(e.text("signal"), "SIGTERM");
        assert_eq!(e.text("result"), "-3");
        assert_eq!(e.text("tpid"), "77");
        assert_eq!(e.text("comm"), "bash");
    }
}
