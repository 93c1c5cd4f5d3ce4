//! tcptop: TCP bytes received and sent per process and connection in a top
//! view (libbpf-tools' columns and -p -c -4 -6 -S -C -r -s; see
//! [`crate::top`]). It needs fentry or kprobes on tcp_sendmsg and
//! tcp_cleanup_rbuf: both program sets are in the object, the loader keeps
//! the one this kernel attaches, and refuses the tool where neither does.

use crate::args::{cgroup_opt, err, flag, opt, pid_filter, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u16_at, u32_at, u64_at};
use crate::net::{addr, AF_INET, AF_INET6};
use crate::probes::prog;
use crate::top::{self, Sort};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    crate::args::CGROUP,
    flag('4', "ipv4", "trace IPv4 family only"),
    flag('6', "ipv6", "trace IPv6 family only"),
    flag('S', "nosummary", "Skip system summary line"),
    top::NOCLEAR,
    top::sort("Sort columns, default all [all, sent, received]"),
    top::ROWS,
    top::BATCH,
];

const PROGRAMS: &[ProgSpec] = &[
    prog("fentry_tcp_sendmsg", AttachPoint::Fentry("tcp_sendmsg")),
    prog(
        "fentry_tcp_cleanup_rbuf",
        AttachPoint::Fentry("tcp_cleanup_rbuf"),
    ),
    prog("kprobe_tcp_sendmsg", AttachPoint::Kprobe("tcp_sendmsg")),
    prog(
        "kprobe_tcp_cleanup_rbuf",
        AttachPoint::Kprobe("tcp_cleanup_rbuf"),
    ),
];

const SORTS: &[Sort] = &[
    Sort::new("all", &["sent", "received"]),
    Sort::new("sent", &["sent"]),
    Sort::new("received", &["received"]),
];

pub(crate) const TOOL: Tool = Tool {
    name: "tcptop",
    summary: "TCP send and receive top, by process and connection",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/tcptop.bpf.o")),
    options: OPTIONS,
    report_options: &["noclear", "batch", "rows", "sort", "nosummary"],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Top {
        map: "ip_map",
        columns,
        rows,
        sorts: SORTS,
        title,
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    top::configure(p, &mut c, SORTS)?;
    pid_filter(p, &mut c, "target_pid")?;
    let family = match (p.has("ipv4"), p.has("ipv6")) {
        (true, true) => return err("only one --ipvX option should be used"),
        (true, false) => i32::from(AF_INET),
        (false, true) => i32::from(AF_INET6),
        (false, false) => -1,
    };
    c.rodata.push(("target_family", RoValue::I32(family)));
    cgroup_opt(p, &mut c)?;
    Ok(c)
}

/// libbpf-tools' loadavg line, unless -S.
fn title(c: &Config, s: &Session, hms: &str) -> Option<String> {
    if c.parsed.has("nosummary") {
        return None;
    }
    top::loadavg_title(c, s, hms)
}

/// libbpf-tools' `%-*s %-12s %-21s %-21s %6s %6s` (PID as wide as a
/// 7-digit pid_max).
fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("pid", "PID", 7),
        Column::left("comm", "COMM", 12),
        Column::left("laddr", "LADDR", 21),
        Column::left("raddr", "RADDR", 21),
        Column::right("rx_kb", "RX_KB", 6),
        Column::right("tx_kb", "TX_KB", 6),
    ]
}

/// Key `struct ip_key_t`: saddr@0 daddr@16 (16 bytes each, 4 used for
/// IPv4) pid@32 name[16]@36 lport@52 dport@54 family@56; value `struct
/// traffic_t`: sent@0 received@8. One row per connection and process.
fn rows(_c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    top::rows_by_key(entries, row)
}

fn row(k: &[u8], v: &[u8]) -> Option<Event> {
    let family = u16_at(k, 56)?;
    if family != AF_INET && family != AF_INET6 {
        return None;
    }
    let (saddr, daddr) = (addr(family, &k[0..])?, addr(family, k.get(16..)?)?);
    let (lport, dport) = (u16_at(k, 52)?, u16_at(k, 54)?);
    let (sent, received) = (u64_at(v, 0)?, u64_at(v, 8)?);
    let name = cstr_at(k, 36, 16)?;
    let mut e = Event::default();
    e.push("pid", u32_at(k, 32)?);
    // %-12.12s: the column shows 12 characters, "name" keeps them all.
    e.push("comm", name.chars().take(12).collect::<String>());
    e.push("laddr", format!("{saddr}:{lport}"));
    e.push("raddr", format!("{daddr}:{dport}"));
    e.push("rx_kb", received / 1024);
    e.push("tx_kb", sent / 1024);
    e.push("name", name);
    e.push("family", family);
    e.push("saddr", saddr.to_string());
    e.push("daddr", daddr.to_string());
    e.push("lport", lport);
    e.push("dport", dport);
    e.push("sent", sent);
    e.push("received", received);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;
    use crate::event::{event_line, header_line};

    /// A recorded `ip_map` element (struct ip_key_t, struct traffic_t).
    fn entry(
        family: u16,
        s: &[u8],
        d: &[u8],
        comm: &str,
        sent: u64,
        recv: u64,
    ) -> (Vec<u8>, Vec<u8>) {
        let mut k = vec![0u8; 64];
        k[..s.len()].copy_from_slice(s);
        k[16..16 + d.len()].copy_from_slice(d);
        k[32..36].copy_from_slice(&4321u32.to_ne_bytes());
        k[36..36 + comm.len()].copy_from_slice(comm.as_bytes());
        k[52..54].copy_from_slice(&8080u16.to_ne_bytes());
        k[54..56].copy_from_slice(&41000u16.to_ne_bytes());
        k[56..58].copy_from_slice(&family.to_ne_bytes());
        let mut v = sent.to_ne_bytes().to_vec();
        v.extend(recv.to_ne_bytes());
        (k, v)
    }

    #[test]
    fn decodes_and_formats_like_libbpf_tools() {
        let s = Session::default();
        let c = TOOL.configure(&[], &s).unwrap();
        let v4 = entry(
            AF_INET,
            &[127, 0, 0, 1],
            &[10, 0, 0, 2],
            "a-very-long-com",
            4096,
            10240,
        );
        let mut six = [0u8; 16];
        six[15] = 1;
        let v6 = entry(AF_INET6, &six, &six, "curl", 0, 0);
        let odd = entry(1, &[], &[], "unix", 1, 1);
        let r = rows(&c, &s, &[v4, v6, odd]);
        assert_eq!(r.len(), 2, "AF_UNIX is no TCP row");
        let by_family = |f: &str| r.iter().find(|e| e.text("family") == f).unwrap();
        let (r4, r6) = (by_family("2"), by_family("10"));
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "PID     COMM         LADDR                 RADDR                  RX_KB  TX_KB"
        );
        assert_eq!(
            event_line(&cols, r4),
            "4321    a-very-long- 127.0.0.1:8080        10.0.0.2:41000            10      4"
        );
        assert_eq!(r4.text("name"), "a-very-long-com");
        assert_eq!(
            (r6.text("laddr"), r6.text("family")),
            ("::1:8080".into(), "10".into())
        );
    }

    #[test]
    fn sorts_and_options() {
        let s = Session::default();
        let entries = [
            entry(AF_INET, &[1, 1, 1, 1], &[2, 2, 2, 2], "sender", 9000, 10),
            entry(AF_INET, &[1, 1, 1, 2], &[2, 2, 2, 2], "receiver", 10, 5000),
        ];
        let order = |args: &str| top::order(&TOOL, &s, &entries, args, "comm");
        assert_eq!(order(""), "sender,receiver");
        assert_eq!(order("-s received"), "receiver,sender");
        let c = TOOL.configure(&words("-6 -S -p 9"), &s).unwrap();
        assert!(c.rodata.contains(&("target_family", RoValue::I32(10))));
        assert!(title(
            &c,
            &Session {
                loadavg: Some("1 2 3".into()),
                ..s.clone()
            },
            "x"
        )
        .is_none());
        let c = TOOL.configure(&[], &s).unwrap();
        assert!(c.rodata.contains(&("target_family", RoValue::I32(-1))));
        for bad in ["-4 -6", "-s io", "-c", "-r 0"] {
            assert!(TOOL.configure(&words(bad), &s).is_err(), "{bad}");
        }
    }
}
