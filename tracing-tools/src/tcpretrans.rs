//! tcpretrans: TCP retransmissions from tcp:tcp_retransmit_skb (bcc's
//! line `TIME PID IP LADDR:LPORT T> RADDR:RPORT STATE`, -c counts per
//! flow, -4/-6).

use crate::args::{err, Config, OptSpec, Parsed, RoValue};
use crate::args::{flag, opt};
use crate::bytes::{i32_at, u16_at, u32_at, u64_at};
use crate::net::{addr, ip_version, sorted_flows, AF_INET, AF_INET6};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('c', "count", "Count retransmits per flow"),
    flag('4', "ipv4", "Trace IPv4 family only"),
    flag('6', "ipv6", "Trace IPv6 family only"),
    opt(Some('d'), "duration", "SECS", "Trace for this many seconds"),
];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "tcp_retransmit_skb",
    attach: AttachPoint::Tracepoint("tcp", "tcp_retransmit_skb"),
}];

pub(crate) const TOOL: Tool = Tool {
    name: "tcpretrans",
    summary: "Trace or count TCP retransmits",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/tcpretrans.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[DURATION] (with -c: [INTERVAL [COUNT]])",
    programs: PROGRAMS,
    report: Report::Select(select),
    configure,
};

fn select(c: &Config) -> Report {
    if c.parsed.has("count") {
        Report::Counts {
            map: "counts",
            columns: count_columns,
            rows: count_rows,
            header_each: true,
        }
    } else {
        Report::Events {
            map: "events",
            columns,
            decode,
        }
    }
}

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    if p.has("count") {
        crate::args::interval_count(p, &mut c)?;
    } else {
        crate::args::duration(p, &mut c)?;
    }
    c.rodata.push(("do_count", RoValue::Bool(p.has("count"))));
    match (p.has("ipv4"), p.has("ipv6")) {
        (true, true) => return err("-4 and -6 are exclusive"),
        (true, false) => c.rodata.push(("targ_family", RoValue::U16(AF_INET))),
        (false, true) => c.rodata.push(("targ_family", RoValue::U16(AF_INET6))),
        (false, false) => {}
    }
    Ok(c)
}

/// TCP states as include/net/tcp_states.h numbers them.
pub(crate) fn tcp_state(s: i32) -> &'static str {
    match s {
        1 => "ESTABLISHED",
        2 => "SYN_SENT",
        3 => "SYN_RECV",
        4 => "FIN_WAIT1",
        5 => "FIN_WAIT2",
        6 => "TIME_WAIT",
        7 => "CLOSE",
        8 => "CLOSE_WAIT",
        9 => "LAST_ACK",
        10 => "LISTEN",
        11 => "CLOSING",
        12 => "NEW_SYN_RECV",
        _ => "UNKNOWN",
    }
}

fn endpoint(a: std::net::IpAddr, port: u16) -> String {
    match a {
        std::net::IpAddr::V4(a) => format!("{a}:{port}"),
        std::net::IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time", "TIME", 8),
        Column::left("pid", "PID", 6),
        Column::left("ip", "IP", 2),
        Column::left("local", "LADDR:LPORT", 20),
        Column::left("type", "T>", 2),
        Column::left("remote", "RADDR:RPORT", 20),
        Column::left("state", "STATE", 0),
    ]
}

/// `struct event`: ts@0 pid@8 state@12 family@16 sport@18 dport@20
/// saddr[16]@24 daddr[16]@40.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let family = u16_at(b, 16)?;
    let saddr = addr(family, b.get(24..)?)?;
    let daddr = addr(family, b.get(40..)?)?;
    let (lport, rport) = (u16_at(b, 18)?, u16_at(b, 20)?);
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("pid", u32_at(b, 8)?);
    e.push("ip", ip_version(family));
    e.push("local", endpoint(saddr, lport));
    e.push("type", "R>");
    e.push("remote", endpoint(daddr, rport));
    e.push("state", tcp_state(i32_at(b, 12)?));
    e.push("laddr", saddr.to_string());
    e.push("lport", lport);
    e.push("raddr", daddr.to_string());
    e.push("rport", rport);
    e.push("ts", ts);
    Some(e)
}

fn count_columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("local", "LADDR:LPORT", 25),
        Column::left("remote", "RADDR:RPORT", 25),
        Column::left("retransmits", "RETRANSMITS", 0),
    ]
}

fn count_rows(_c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    sorted_flows(entries)
        .into_iter()
        .map(|f| {
            let mut e = Event::default();
            e.push("local", endpoint(f.saddr, f.sport));
            e.push("remote", endpoint(f.daddr, f.dport));
            e.push("retransmits", f.count);
            e.push("laddr", f.saddr.to_string());
            e.push("lport", f.sport);
            e.push("raddr", f.daddr.to_string());
            e.push("rport", f.dport);
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_v4() {
        let mut b = vec![0u8; 56];
        b[12..16].copy_from_slice(&1i32.to_ne_bytes());
        b[16..18].copy_from_slice(&AF_INET.to_ne_bytes());
        b[18..20].copy_from_slice(&5000u16.to_ne_bytes());
        b[20..22].copy_from_slice(&80u16.to_ne_bytes());
        b[24..28].copy_from_slice(&[10, 0, 0, 1]);
        b[40..44].copy_from_slice(&[10, 0, 0, 2]);
        let s = &mut Session::default();
        let c = TOOL.configure(&[], s).unwrap();
        let e = decode(&c, s, &b).unwrap();
        assert_eq!(e.text("local"), "10.0.0.1:5000");
        assert_eq!(e.text("remote"), "10.0.0.2:80");
        assert_eq!(e.text("state"), "ESTABLISHED");
    }
}
