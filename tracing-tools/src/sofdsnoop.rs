//! sofdsnoop: file descriptors passed over Unix sockets with SCM_RIGHTS
//! (bcc's sofdsnoop: -T -p -t -n -d). One line per fd; the socket's fd
//! comes from the sendmsg/recvmsg tracepoints, the passed fds from
//! __scm_send and scm_detach_fds, which need fentry/fexit or kprobes.

use crate::args::{duration, err, flag, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('T', "timestamp", "Include timestamp on output"),
    opt(Some('p'), "pid", "PID", "Trace this PID only"),
    opt(Some('t'), "tid", "TID", "Trace this TID only"),
    opt(
        Some('n'),
        "name",
        "NAME",
        "Only print process names containing this name",
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
    prog(
        "enter_sendmsg",
        AttachPoint::Tracepoint("syscalls", "sys_enter_sendmsg"),
    ),
    prog(
        "exit_sendmsg",
        AttachPoint::Tracepoint("syscalls", "sys_exit_sendmsg"),
    ),
    prog(
        "enter_recvmsg",
        AttachPoint::Tracepoint("syscalls", "sys_enter_recvmsg"),
    ),
    prog(
        "exit_recvmsg",
        AttachPoint::Tracepoint("syscalls", "sys_exit_recvmsg"),
    ),
    prog("fentry_scm_send", AttachPoint::Fentry("__scm_send")),
    prog("fentry_detach", AttachPoint::Fentry("scm_detach_fds")),
    prog("fexit_detach", AttachPoint::Fexit("scm_detach_fds")),
    prog("kprobe_scm_send", AttachPoint::Kprobe("__scm_send")),
    prog("kprobe_detach", AttachPoint::Kprobe("scm_detach_fds")),
    prog("kretprobe_detach", AttachPoint::Kretprobe("scm_detach_fds")),
];

pub(crate) const TOOL: Tool = Tool {
    name: "sofdsnoop",
    summary: "Trace file descriptors passed via socket",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/sofdsnoop.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp", "name"],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

const TASK_COMM_LEN: usize = 16;

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_pid", RoValue::U32(pid)));
    }
    // As bcc: a TID filter wins over a PID filter.
    if let Some(tid) = pid_opt(p, "tid")? {
        c.rodata.push(("targ_tid", RoValue::U32(tid)));
    }
    if let Some(name) = p.value("name") {
        if name.is_empty() || name.len() >= TASK_COMM_LEN {
            return err(format!(
                "invalid name '{name}': 1 to {} bytes",
                TASK_COMM_LEN - 1
            ));
        }
    }
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("timestamp") {
        v.push(Column::left("time_s", "TIME(s)", 13));
    }
    v.extend([
        Column::left("action", "ACTION", 6),
        Column::left("tid", "TID", 6),
        Column::left("comm", "COMM", 16),
        Column::left("socket", "SOCKET", 25),
        Column::left("fd", "FD", 5),
        Column::left("name", "NAME", 0),
    ]);
    v
}

/// `struct event` of sofdsnoop.bpf.c: ts@0 sock_ino@8 pid@16 tid@20
/// action@24 sock_fd@28 fd@32 comm[16]@36 name[32]@52, 88 bytes.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < 88 {
        return None;
    }
    let comm = cstr_at(b, 36, 16)?;
    if let Some(name) = c.parsed.value("name") {
        if !comm.contains(name) {
            return None;
        }
    }
    let ts = u64_at(b, 0)?;
    let sock_ino = u64_at(b, 8)?;
    let sock_fd = i32_at(b, 28)?;
    let mut e = Event::default();
    if c.parsed.has("timestamp") {
        e.push("time_s", format!("{:.9}", s.relative_secs(ts)));
    }
    e.push(
        "action",
        match u32_at(b, 24)? {
            0 => "SEND",
            1 => "RECV",
            _ => return None,
        },
    );
    e.push("tid", u32_at(b, 20)?);
    e.push("comm", comm);
    // As bcc prints the readlink of /proc/TID/fd/N: socket:[INODE].
    e.push(
        "socket",
        if sock_ino == 0 {
            format!("{sock_fd}:N/A")
        } else {
            format!("{sock_fd}:socket:[{sock_ino}]")
        },
    );
    e.push("fd", i32_at(b, 32)?);
    e.push("name", cstr_at(b, 52, 32)?);
    e.push("pid", u32_at(b, 16)?);
    e.push("sock_fd", sock_fd);
    e.push("sock_ino", sock_ino);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &str) -> Result<Config, ArgError> {
        let words: Vec<String> = args.split_whitespace().map(String::from).collect();
        TOOL.configure(&words, &Session::default())
    }

    #[test]
    fn options() {
        let c = config("-T -p 10 -t 11 -n srv -d 2").unwrap();
        assert_eq!(
            c.rodata,
            vec![
                ("targ_pid", RoValue::U32(10)),
                ("targ_tid", RoValue::U32(11))
            ]
        );
        assert_eq!(c.duration, Some(2));
        for bad in ["-p 0", "-t x", "-n 0123456789abcdef", "1 2", "-c"] {
            assert!(config(bad).is_err(), "{bad}");
        }
    }

    /// `sender` (tid 501) sends fd 7 (`data.txt`) over fd 5, socket inode 4242.
    fn sample(action: u32) -> Vec<u8> {
        let mut b = vec![0u8; 88];
        b[0..8].copy_from_slice(&1_500_000_000u64.to_ne_bytes());
        b[8..16].copy_from_slice(&4242u64.to_ne_bytes());
        b[16..20].copy_from_slice(&500u32.to_ne_bytes());
        b[20..24].copy_from_slice(&501u32.to_ne_bytes());
        b[24..28].copy_from_slice(&action.to_ne_bytes());
        b[28..32].copy_from_slice(&5i32.to_ne_bytes());
        b[32..36].copy_from_slice(&7i32.to_ne_bytes());
        b[36..42].copy_from_slice(b"sender");
        b[52..60].copy_from_slice(b"data.txt");
        b
    }

    #[test]
    fn decoding_and_text() {
        let c = config("-T").unwrap();
        let mut s = Session::default();
        let e = decode(&c, &mut s, &sample(0)).unwrap();
        let cols = columns(&c);
        assert_eq!(
            crate::event::header_line(&cols),
            "TIME(s)       ACTION TID    COMM             SOCKET                    FD    NAME"
        );
        assert_eq!(
            crate::event::event_line(&cols, &e),
            "0.000000000   SEND   501    sender           5:socket:[4242]           7     data.txt"
        );
        let mut b = sample(1);
        b[8..16].copy_from_slice(&0u64.to_ne_bytes());
        let e = decode(&c, &mut s, &b).unwrap();
        assert_eq!(
            (e.text("action"), e.text("socket")),
            ("RECV".into(), "5:N/A".into())
        );
        assert_eq!(e.text("time_s"), "0.000000000");
        // -n keeps names containing the word; unknown actions are dropped.
        assert!(decode(&config("-n end").unwrap(), &mut s, &sample(0)).is_some());
        assert!(decode(&config("-n recv").unwrap(), &mut s, &sample(0)).is_none());
        assert!(decode(&c, &mut s, &sample(2)).is_none());
        assert!(decode(&c, &mut s, &sample(0)[..87]).is_none());
    }
}
