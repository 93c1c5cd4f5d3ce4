//! tcpaccept: passive TCP connections as accept(2) returns them (bcc's
//! -p -P -4 -6 -T -t), built on sock:inet_sock_set_state: no kprobes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::args::{duration, err, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u16_at, u32_at, u64_at};
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
        short: Some('p'),
        long: "pid",
        value: Some("PID"),
        help: "Trace this PID only",
    },
    OptSpec {
        short: Some('P'),
        long: "port",
        value: Some("PORT"),
        help: "Trace this local port only",
    },
    OptSpec {
        short: Some('4'),
        long: "ipv4",
        value: None,
        help: "Trace IPv4 family only",
    },
    OptSpec {
        short: Some('6'),
        long: "ipv6",
        value: None,
        help: "Trace IPv6 family only",
    },
    crate::args::DURATION,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "inet_sock_set_state",
        attach: AttachPoint::Tracepoint("sock", "inet_sock_set_state"),
    },
    ProgSpec {
        name: "sys_exit_accept4",
        attach: AttachPoint::Tracepoint("syscalls", "sys_exit_accept4"),
    },
    ProgSpec {
        name: "sys_exit_accept",
        attach: AttachPoint::Tracepoint("syscalls", "sys_exit_accept"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "tcpaccept",
    summary: "Trace TCP passive connections (accept())",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/tcpaccept.bpf.o")),
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

const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if let Some(pid) = p.number::<u32>("pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    if let Some(port) = p.number::<u16>("port")? {
        c.rodata.push(("targ_lport", RoValue::U16(port)));
    }
    match (p.has("ipv4"), p.has("ipv6")) {
        (true, true) => return err("-4 and -6 are exclusive"),
        (true, false) => c.rodata.push(("targ_family", RoValue::U16(AF_INET))),
        (false, true) => c.rodata.push(("targ_family", RoValue::U16(AF_INET6))),
        (false, false) => {}
    }
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("time") {
        v.push(Column::left("time", "TIME", 8));
    }
    if c.parsed.has("timestamp") {
        v.push(Column::left("time_s", "TIME(s)", 9));
    }
    v.extend([
        Column::left("pid", "PID", 7),
        Column::left("comm", "COMM", 12),
        Column::left("ip", "IP", 2),
        Column::left("raddr", "RADDR", 16),
        Column::left("rport", "RPORT", 5),
        Column::left("laddr", "LADDR", 16),
        Column::left("lport", "LPORT", 0),
    ]);
    v
}

fn addr(family: u16, b: &[u8]) -> Option<IpAddr> {
    if family == AF_INET {
        let a: [u8; 4] = b.get(..4)?.try_into().ok()?;
        Some(IpAddr::V4(Ipv4Addr::from(a)))
    } else {
        let a: [u8; 16] = b.get(..16)?.try_into().ok()?;
        Some(IpAddr::V6(Ipv6Addr::from(a)))
    }
}

/// `struct event`: ts@0 pid@8 family@12 lport@14 rport@16 laddr[16]@20
/// raddr[16]@36 comm[16]@52.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let family = u16_at(b, 12)?;
    let mut e = Event::default();
    if c.parsed.has("time") {
        e.push("time", s.wall_hms(ts));
    }
    if c.parsed.has("timestamp") {
        e.push("time_s", format!("{:.3}", s.relative_secs(ts)));
    }
    e.push("pid", u32_at(b, 8)?);
    e.push("comm", cstr_at(b, 52, 16)?);
    e.push("ip", if family == AF_INET { 4 } else { 6 });
    e.push("raddr", addr(family, b.get(36..)?)?.to_string());
    e.push("rport", u16_at(b, 16)?);
    e.push("laddr", addr(family, b.get(20..)?)?.to_string());
    e.push("lport", u16_at(b, 14)?);
    e.push("ts", ts);
    Some(e)
}
