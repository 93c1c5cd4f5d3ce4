//! solisten: listen() on IPv4 and IPv6 sockets (libbpf-tools' -t -p): the
//! backlog, protocol, port and address, and listen's result. It needs
//! fexit or a kprobe/kretprobe pair on inet_listen.

use crate::args::{duration, flag, opt, pid_filter, Config, OptSpec, Parsed};
use crate::bytes::{cstr_at, i32_at, u16_at, u32_at, u64_at};
use crate::net::{addr, AF_INET};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('t', "timestamp", "Include timestamp on output"),
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    crate::args::DURATION,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "fexit_listen",
        attach: AttachPoint::Fexit("inet_listen"),
    },
    ProgSpec {
        name: "kprobe_listen",
        attach: AttachPoint::Kprobe("inet_listen"),
    },
    ProgSpec {
        name: "kretprobe_listen",
        attach: AttachPoint::Kretprobe("inet_listen"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "solisten",
    summary: "Trace IPv4 and IPv6 listen syscalls",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/solisten.bpf.o")),
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
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("timestamp") {
        // libbpf-tools heads its HH:MM:SS column "TIME(s)".
        v.push(Column::left("time", "TIME(s)", 8));
    }
    v.extend([
        Column::left("pid", "PID", 7),
        Column::left("task", "COMM", 16),
        Column::left("ret", "RET", 3),
        Column::left("backlog", "BACKLOG", 7),
        Column::left("proto", "PROTO", 5),
        Column::left("port", "PORT", 5),
        Column::left("addr", "ADDR", 0),
    ]);
    v
}

const SOCK_STREAM: u16 = 1;
const SOCK_DGRAM: u16 = 2;

/// `struct event` of solisten.bpf.c: addr[16]@0 pid@16 proto@20
/// (family << 16 | type) backlog@24 ret@28 port@32 task[16]@34 ts@56, 64
/// bytes.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < 64 {
        return None;
    }
    let proto = u32_at(b, 20)?;
    let (family, kind) = ((proto >> 16) as u16, proto as u16);
    let name = match kind {
        SOCK_STREAM => "TCP",
        SOCK_DGRAM => "UDP",
        _ => "UNK",
    };
    let v = if family == AF_INET { "v4" } else { "v6" };
    let ts = u64_at(b, 56)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("pid", u32_at(b, 16)?);
    e.push("task", cstr_at(b, 34, 16)?);
    e.push("ret", i32_at(b, 28)?);
    e.push("backlog", i32_at(b, 24)?);
    e.push("proto", format!("{name}{v}"));
    e.push("port", u16_at(b, 32)?);
    e.push("addr", addr(family, b)?.to_string());
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;
    use crate::args::RoValue;

    fn config(args: &str) -> Result<Config, ArgError> {
        TOOL.configure(&words(args), &Session::default())
    }

    #[test]
    fn options() {
        let c = config("-t -p 5 3").unwrap();
        assert_eq!(c.rodata, vec![("target_pid", RoValue::U32(5))]);
        assert_eq!(c.duration, Some(3));
        for bad in ["-p 0", "-p -3", "0", "1 2", "-L"] {
            assert!(config(bad).is_err(), "{bad}");
        }
    }

    /// nc listening on [::]:8080, backlog 1, result 0, at 3661 s.
    fn sample() -> Vec<u8> {
        let mut b = vec![0u8; 64];
        b[16..20].copy_from_slice(&321u32.to_ne_bytes());
        b[20..24].copy_from_slice(&((10u32 << 16) | 1).to_ne_bytes());
        b[24..28].copy_from_slice(&1i32.to_ne_bytes());
        b[32..34].copy_from_slice(&8080u16.to_ne_bytes());
        b[34..36].copy_from_slice(b"nc");
        b[56..64].copy_from_slice(&3_661_000_000_000u64.to_ne_bytes());
        b
    }

    #[test]
    fn decoding_and_text() {
        let c = config("-t").unwrap();
        let e = decode(&c, &mut Session::default(), &sample()).unwrap();
        let cols = columns(&c);
        assert_eq!(
            crate::event::header_line(&cols),
            "TIME(s)  PID     COMM             RET BACKLOG PROTO PORT  ADDR"
        );
        assert_eq!(
            crate::event::event_line(&cols, &e),
            "01:01:01 321     nc               0   1       TCPv6 8080  ::"
        );
        // IPv4 UDP, a failed listen.
        let mut b = sample();
        b[20..24].copy_from_slice(&((2u32 << 16) | 2).to_ne_bytes());
        b[0..4].copy_from_slice(&[127, 0, 0, 1]);
        b[28..32].copy_from_slice(&(-22i32).to_ne_bytes());
        let e = decode(&c, &mut Session::default(), &b).unwrap();
        assert_eq!(
            (e.text("proto"), e.text("addr"), e.text("ret")),
            ("UDPv4".into(), "127.0.0.1".into(), "-22".into())
        );
        assert!(decode(&c, &mut Session::default(), &b[..60]).is_none());
    }
}
