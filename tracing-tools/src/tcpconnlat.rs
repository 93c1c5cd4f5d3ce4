//! tcpconnlat: TCP connect latency (libbpf-tools' -t -p -L and a
//! positional MIN_MS), from connect() to the SYN-ACK. It needs fentry or
//! kprobes on tcp_v4_connect, tcp_v6_connect and tcp_rcv_state_process.

use crate::args::{err, flag, opt, pid_filter, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u16_at, u32_at, u64_at};
use crate::net::{addr, ip_version, AF_INET, AF_INET6};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('t', "timestamp", "Include timestamp on output"),
    opt(Some('p'), "pid", "PID", "Trace this PID only"),
    flag('L', "lport", "Include LPORT on output"),
    crate::args::DURATION,
];

const fn prog(name: &'static str, attach: AttachPoint) -> ProgSpec {
    ProgSpec { name, attach }
}

const PROGRAMS: &[ProgSpec] = &[
    prog(
        "tcp_destroy_sock",
        AttachPoint::Tracepoint("tcp", "tcp_destroy_sock"),
    ),
    prog("fentry_v4_connect", AttachPoint::Fentry("tcp_v4_connect")),
    prog("fentry_v6_connect", AttachPoint::Fentry("tcp_v6_connect")),
    prog(
        "fentry_rcv_state",
        AttachPoint::Fentry("tcp_rcv_state_process"),
    ),
    prog("kprobe_v4_connect", AttachPoint::Kprobe("tcp_v4_connect")),
    prog("kprobe_v6_connect", AttachPoint::Kprobe("tcp_v6_connect")),
    prog(
        "kprobe_rcv_state",
        AttachPoint::Kprobe("tcp_rcv_state_process"),
    ),
];

pub(crate) const TOOL: Tool = Tool {
    name: "tcpconnlat",
    summary: "Trace TCP connects and show connection latency",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/tcpconnlat.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp", "lport"],
    positional: "[MIN_MS]",
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
    match p.positionals.as_slice() {
        [] => {}
        // Milliseconds, fractions allowed (0.1 = 100 us), as libbpf-tools.
        [ms] => match ms.parse::<f64>() {
            Ok(v) if v.is_finite() && v * 1000.0 >= 1.0 && v <= 1e9 => {
                c.rodata
                    .push(("targ_min_us", RoValue::U64((v * 1000.0) as u64)));
            }
            _ => return err(format!("invalid MIN_MS '{ms}': at least 0.001 ms")),
        },
        _ => return err("too many arguments: expected [MIN_MS]"),
    }
    pid_filter(p, &mut c, "targ_tgid")?;
    match p.number::<u64>("duration")? {
        Some(0) => return err("invalid duration '0': expected a positive whole number of seconds"),
        d => c.duration = d,
    }
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("timestamp") {
        v.push(Column::left("time_s", "TIME(s)", 9));
    }
    v.extend([
        Column::left("tgid", "PID", 6),
        Column::left("comm", "COMM", 12),
        Column::left("ip", "IP", 2),
        Column::left("saddr", "SADDR", 16),
    ]);
    if c.parsed.has("lport") {
        v.push(Column::left("lport", "LPORT", 6));
    }
    v.extend([
        Column::left("daddr", "DADDR", 16),
        Column::left("dport", "DPORT", 5),
        Column::left("lat_ms", "LAT(ms)", 0),
    ]);
    v
}

/// `struct event` of tcpconnlat.bpf.c: saddr[16]@0 daddr[16]@16
/// comm[16]@32 delta_us@48 ts_us@56 tgid@64 af@68 lport@72 dport@74 (be),
/// 80 bytes.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < 80 {
        return None;
    }
    let af = u32_at(b, 68)? as u16;
    if af != AF_INET && af != AF_INET6 {
        return None;
    }
    let ts = u64_at(b, 56)?.saturating_mul(1000);
    let delta_us = u64_at(b, 48)?;
    let mut e = Event::default();
    if c.parsed.has("timestamp") {
        e.push("time_s", format!("{:.3}", s.relative_secs(ts)));
    }
    e.push("tgid", u32_at(b, 64)?);
    e.push("comm", cstr_at(b, 32, 16)?);
    e.push("ip", ip_version(af));
    e.push("saddr", addr(af, &b[0..])?.to_string());
    e.push("lport", u16_at(b, 72)?);
    e.push("daddr", addr(af, &b[16..])?.to_string());
    e.push("dport", u16::from_be(u16_at(b, 74)?));
    e.push("lat_ms", format!("{:.2}", delta_us as f64 / 1000.0));
    e.push("delta_us", delta_us);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;

    fn config(args: &str) -> Result<Config, ArgError> {
        TOOL.configure(&words(args), &Session::default())
    }

    #[test]
    fn options() {
        let c = config("-p 9 0.1 -d 5").unwrap();
        assert_eq!(
            c.rodata,
            vec![
                ("targ_min_us", RoValue::U64(100)),
                ("targ_tgid", RoValue::U32(9))
            ]
        );
        assert_eq!(c.duration, Some(5));
        assert_eq!(
            config("2").unwrap().rodata,
            vec![("targ_min_us", RoValue::U64(2000))]
        );
        for bad in ["0", "-1", "x", "0.0001", "1 2", "-p 0", "-d 0", "-c"] {
            assert!(config(bad).is_err(), "{bad}");
        }
    }

    /// A `struct event` as tcpconnlat.bpf.c lays it out: 10.0.0.1:40000 ->
    /// 10.0.0.2:80 by curl (pid 77), 1234 us.
    fn sample() -> Vec<u8> {
        let mut b = vec![0u8; 80];
        b[0..4].copy_from_slice(&[10, 0, 0, 1]);
        b[16..20].copy_from_slice(&[10, 0, 0, 2]);
        b[32..36].copy_from_slice(b"curl");
        b[48..56].copy_from_slice(&1234u64.to_ne_bytes());
        b[56..64].copy_from_slice(&2_000_000u64.to_ne_bytes());
        b[64..68].copy_from_slice(&77u32.to_ne_bytes());
        b[68..72].copy_from_slice(&2u32.to_ne_bytes());
        b[72..74].copy_from_slice(&40000u16.to_ne_bytes());
        b[74..76].copy_from_slice(&80u16.to_be_bytes());
        b
    }

    #[test]
    fn decoding_and_text() {
        let c = config("-t -L").unwrap();
        let mut s = Session::default();
        let e = decode(&c, &mut s, &sample()).unwrap();
        let cols = columns(&c);
        assert_eq!(
            crate::event::header_line(&cols),
            "TIME(s)   PID    COMM         IP SADDR            LPORT  DADDR            DPORT LAT(ms)"
        );
        assert_eq!(
            crate::event::event_line(&cols, &e),
            "0.000     77     curl         4  10.0.0.1         40000  10.0.0.2         80    1.23"
        );
        assert_eq!(e.get("ts"), Some(&serde_json::json!(2_000_000_000u64)));
        let plain = config("").unwrap();
        assert_eq!(
            crate::event::header_line(&columns(&plain)),
            "PID    COMM         IP SADDR            DADDR            DPORT LAT(ms)"
        );
        // IPv6, and records that are not events.
        let mut b = sample();
        b[68..72].copy_from_slice(&10u32.to_ne_bytes());
        b[0..16].copy_from_slice(&std::net::Ipv6Addr::LOCALHOST.octets());
        let e = decode(&plain, &mut s, &b).unwrap();
        assert_eq!((e.text("ip"), e.text("saddr")), ("6".into(), "::1".into()));
        b[68..72].copy_from_slice(&1u32.to_ne_bytes());
        assert!(decode(&plain, &mut s, &b).is_none());
        assert!(decode(&plain, &mut s, &sample()[..76]).is_none());
    }
}
