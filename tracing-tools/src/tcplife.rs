//! tcplife: one line per closed TCP session with its bytes and lifespan
//! (libbpf-tools' -p -4 -6 -L -D -T -w), from sock:inet_sock_set_state.

use crate::args::{flag, opt, pid_filter, Config, OptSpec, Parsed, DURATION};
use crate::bytes::{cstr_at, u16_at, u32_at, u64_at};
use crate::inetsock::{self, addrs, local_ports, remote_ports, IPV4, IPV6, WIDE};
use crate::{ArgError, Column, Event, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    IPV4,
    IPV6,
    WIDE,
    flag('T', "time", "Include timestamp on output"),
    local_ports("LOCALPORT"),
    remote_ports("REMOTEPORT"),
    DURATION,
];

pub(crate) const TOOL: Tool = Tool {
    name: "tcplife",
    summary: "Trace the lifespan of TCP sessions and summarize",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/tcplife.bpf.o")),
    options: OPTIONS,
    report_options: &["time", "wide"],
    positional: "[DURATION]",
    programs: inetsock::PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    let mut c = inetsock::configure(p, s)?;
    pid_filter(p, &mut c, "targ_tgid")?;
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let addr = if c.parsed.has("wide") { 39 } else { 15 };
    let mut v = Vec::new();
    if c.parsed.has("time") {
        v.push(Column::left("time", "TIME(s)", 8));
    }
    v.extend([
        Column::left("pid", "PID", 7),
        Column::left("comm", "COMM", 16),
        Column::left("saddr", "LADDR", addr),
        Column::left("sport", "LPORT", 5),
        Column::left("daddr", "RADDR", addr),
        Column::left("dport", "RPORT", 5),
        Column::left("tx_kb", "TX_KB", 6),
        Column::left("rx_kb", "RX_KB", 6),
        Column::left("ms", "MS", 0),
    ]);
    v
}

/// `struct event`: saddr[16]@0 daddr[16]@16 ts@32 span_us@40 rx_b@48
/// tx_b@56 pid@64 sport@68 dport@70 family@72 comm[16]@74.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let family = u16_at(b, 72)?;
    let (saddr, daddr) = addrs(b, 0, family)?;
    let ts = u64_at(b, 32)?;
    let span_us = u64_at(b, 40)?;
    let (rx_b, tx_b) = (u64_at(b, 48)?, u64_at(b, 56)?);
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("pid", u32_at(b, 64)?);
    e.push("comm", cstr_at(b, 74, 16)?);
    e.push("saddr", saddr.to_string());
    e.push("sport", u16_at(b, 68)?);
    e.push("daddr", daddr.to_string());
    e.push("dport", u16_at(b, 70)?);
    e.push("tx_kb", format!("{:.2}", tx_b as f64 / 1024.0));
    e.push("rx_kb", format!("{:.2}", rx_b as f64 / 1024.0));
    e.push("ms", format!("{:.2}", span_us as f64 / 1000.0));
    e.push("tx_b", tx_b);
    e.push("rx_b", rx_b);
    e.push("span_us", span_us);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;
    use crate::args::RoValue;
    use crate::event::{event_line, header_line};

    #[test]
    fn libbpf_tools_line() {
        let mut b = vec![0u8; 96];
        b[..4].copy_from_slice(&[127, 0, 0, 1]);
        b[16..20].copy_from_slice(&[127, 0, 0, 1]);
        b[40..48].copy_from_slice(&150u64.to_ne_bytes());
        b[48..56].copy_from_slice(&3000u64.to_ne_bytes());
        b[56..64].copy_from_slice(&1000u64.to_ne_bytes());
        b[64..68].copy_from_slice(&9222u32.to_ne_bytes());
        b[68..70].copy_from_slice(&59580u16.to_ne_bytes());
        b[70..72].copy_from_slice(&37929u16.to_ne_bytes());
        b[72..74].copy_from_slice(&2u16.to_ne_bytes());
        b[74..81].copy_from_slice(b"python3");
        let s = &mut Session::default();
        let c = TOOL.configure(&[], s).unwrap();
        let e = decode(&c, s, &b).unwrap();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "PID     COMM             LADDR           LPORT RADDR           RPORT TX_KB  RX_KB  MS"
        );
        assert_eq!(
            event_line(&cols, &e),
            "9222    python3          127.0.0.1       59580 127.0.0.1       37929 0.98   2.93   0.15"
        );
        assert_eq!(e.get("rx_b"), Some(&3000u64.into()));
        let c = TOOL.configure(&words("-w -T"), s).unwrap();
        let cols = columns(&c);
        assert_eq!(cols[0].key, "time");
        assert_eq!(cols[3].width, 39);
    }

    #[test]
    fn options() {
        let s = &Session::default();
        let c = TOOL.configure(&words("-p 42 -L 80 -4"), s).unwrap();
        assert!(c.rodata.contains(&("targ_tgid", RoValue::U32(42))));
        assert!(c.rodata.contains(&("filter_sports_len", RoValue::U32(1))));
        for bad in ["-p 0", "-p x", "-4 -6", "-D 1,2,x", "--duration 0"] {
            assert!(TOOL.configure(&words(bad), s).is_err(), "{bad}");
        }
    }
}
