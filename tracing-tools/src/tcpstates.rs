//! tcpstates: TCP state changes with the milliseconds spent in the old
//! state (libbpf-tools' -4 -6 -T -w -L -D), from sock:inet_sock_set_state.

use crate::args::{flag, Config, OptSpec, DURATION};
use crate::bytes::{cstr_at, i32_at, u16_at, u32_at, u64_at};
use crate::inetsock::{self, addrs, local_ports, remote_ports, IPV4, IPV6, WIDE};
use crate::net::ip_version;
use crate::tcpretrans::tcp_state;
use crate::{Column, Event, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('T', "timestamp", "Include timestamp on output"),
    IPV4,
    IPV6,
    WIDE,
    local_ports("LPORT"),
    remote_ports("DPORT"),
    DURATION,
];

pub(crate) const TOOL: Tool = Tool {
    name: "tcpstates",
    summary: "Trace TCP session state changes and durations",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/tcpstates.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp", "wide"],
    positional: "[DURATION]",
    programs: inetsock::PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure: inetsock::configure,
};

fn columns(c: &Config) -> Vec<Column> {
    let wide = c.parsed.has("wide");
    let (comm, addr) = if wide { (16, 26) } else { (10, 15) };
    let mut v = Vec::new();
    if c.parsed.has("timestamp") {
        v.push(Column::left("time", "TIME(s)", 8));
    }
    v.push(Column::left("skaddr", "SKADDR", 16));
    v.push(Column::left("pid", "PID", 7));
    v.push(Column::left("task", "COMM", comm));
    if wide {
        v.push(Column::left("ip", "IP", 2));
    }
    v.extend([
        Column::left("saddr", "LADDR", addr),
        Column::left("sport", "LPORT", 5),
        Column::left("daddr", "RADDR", addr),
        Column::left("dport", "RPORT", 5),
        Column::left("oldstate", "OLDSTATE", 11),
        Column::left("arrow", "->", 2),
        Column::left("newstate", "NEWSTATE", 11),
        Column::left("ms", "MS", 0),
    ]);
    v
}

/// `struct event`: saddr[16]@0 daddr[16]@16 skaddr@32 ts@40 delta_ns@48
/// pid@56 oldstate@60 newstate@64 family@68 sport@70 dport@72 task[16]@74.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let family = u16_at(b, 68)?;
    let (saddr, daddr) = addrs(b, 0, family)?;
    let ts = u64_at(b, 40)?;
    let delta_ns = u64_at(b, 48)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("skaddr", format!("{:x}", u64_at(b, 32)?));
    e.push("pid", u32_at(b, 56)?);
    e.push("task", cstr_at(b, 74, 16)?);
    e.push("ip", ip_version(family));
    e.push("saddr", saddr.to_string());
    e.push("sport", u16_at(b, 70)?);
    e.push("daddr", daddr.to_string());
    e.push("dport", u16_at(b, 72)?);
    e.push("oldstate", tcp_state(i32_at(b, 60)?));
    e.push("arrow", "->");
    e.push("newstate", tcp_state(i32_at(b, 64)?));
    e.push("ms", format!("{:.3}", delta_ns as f64 / 1e6));
    e.push("delta_ns", delta_ns);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;
    use crate::event::{event_line, header_line};
    use crate::net::AF_INET6;

    /// An event as the BPF program writes it (loopback v6 or 127.0.0.1).
    fn sample(family: u16, old: i32, new: i32, delta_ns: u64) -> Vec<u8> {
        let mut b = vec![0u8; 96];
        if family == AF_INET6 {
            b[15] = 1;
            b[31] = 1;
        } else {
            b[..4].copy_from_slice(&[127, 0, 0, 1]);
            b[16..20].copy_from_slice(&[127, 0, 0, 1]);
        }
        b[32..40].copy_from_slice(&0xffff_8881_053d_6f00u64.to_ne_bytes());
        b[48..56].copy_from_slice(&delta_ns.to_ne_bytes());
        b[56..60].copy_from_slice(&9222u32.to_ne_bytes());
        b[60..64].copy_from_slice(&old.to_ne_bytes());
        b[64..68].copy_from_slice(&new.to_ne_bytes());
        b[68..70].copy_from_slice(&family.to_ne_bytes());
        b[70..72].copy_from_slice(&59580u16.to_ne_bytes());
        b[72..74].copy_from_slice(&37929u16.to_ne_bytes());
        b[74..81].copy_from_slice(b"python3");
        b
    }

    #[test]
    fn libbpf_tools_line() {
        let s = &mut Session::default();
        let c = TOOL.configure(&[], s).unwrap();
        let e = decode(&c, s, &sample(2, 2, 1, 88_000)).unwrap();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "SKADDR           PID     COMM       LADDR           LPORT RADDR           RPORT OLDSTATE    -> NEWSTATE    MS"
        );
        assert_eq!(
            event_line(&cols, &e),
            "ffff8881053d6f00 9222    python3    127.0.0.1       59580 127.0.0.1       37929 SYN_SENT    -> ESTABLISHED 0.088"
        );
        assert_eq!(e.get("delta_ns"), Some(&88_000u64.into()));
    }

    #[test]
    fn wide_and_v6() {
        let s = &mut Session::default();
        let c = TOOL.configure(&words("-w -T -6"), s).unwrap();
        let e = decode(&c, s, &sample(AF_INET6, 1, 4, 0)).unwrap();
        let cols = columns(&c);
        let keys: Vec<_> = cols.iter().map(|c| c.key).collect();
        assert_eq!(keys[..5], ["time", "skaddr", "pid", "task", "ip"]);
        let line = event_line(&cols, &e);
        assert!(line.contains(" 6  ::1 "), "{line}");
        assert!(line.contains("ESTABLISHED -> FIN_WAIT1   0.000"), "{line}");
        assert!(TOOL.configure(&words("-4 -6"), s).is_err());
        assert!(TOOL.configure(&words("-L 0"), s).is_err());
        assert!(TOOL.configure(&words("1 2"), s).is_err());
    }
}
