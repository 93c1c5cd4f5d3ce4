//! tcpconnect: active TCP connections (libbpf-tools' -t -p -u -U -P -c -s,
//! and -4/-6), built on sock:inet_sock_set_state: no kprobes. With -c the
//! report counts connects per source, destination and port instead.

use crate::args::{err, interval_count, Config, OptSpec, Parsed, RoValue};
use crate::args::{flag, opt, pid_opt};
use crate::bytes::{cstr_at, u16_at, u32_at, u64_at};
use crate::net::{addr, ip_version, sorted_flows, AF_INET, AF_INET6};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('t', "timestamp", "Include timestamp on output"),
    flag('c', "count", "Count connects per src ip and dst ip/port"),
    flag('U', "print-uid", "Include UID on output"),
    opt(Some('p'), "pid", "PID", "Process PID to trace"),
    opt(Some('u'), "uid", "UID", "Process UID to trace"),
    flag('s', "source-port", "Consider source port when counting"),
    opt(
        Some('P'),
        "port",
        "PORTS",
        "Comma-separated list of destination ports to trace",
    ),
    flag('4', "ipv4", "Trace IPv4 family only"),
    flag('6', "ipv6", "Trace IPv6 family only"),
    crate::args::DURATION,
    opt(
        Some('C'),
        "cgroupmap",
        "PATH",
        "Trace cgroups in this map (a pinned hash map keyed by u64 cgroup id)",
    ),
    opt(
        Some('M'),
        "mntnsmap",
        "PATH",
        "Trace mount namespaces in this map (a pinned hash map keyed by u64 ns id)",
    ),
];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "inet_sock_set_state",
    attach: AttachPoint::Tracepoint("sock", "inet_sock_set_state"),
}];

pub(crate) const TOOL: Tool = Tool {
    name: "tcpconnect",
    summary: "Count/Trace active TCP connections (connect())",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/tcpconnect.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[DURATION] (with -c: [INTERVAL [COUNT]])",
    programs: PROGRAMS,
    report: Report::Select(select),
    configure,
};

const MAX_PORTS: usize = 8;

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
        interval_count(p, &mut c)?;
    } else {
        crate::args::duration(p, &mut c)?;
    }
    c.rodata.push(("do_count", RoValue::Bool(p.has("count"))));
    c.rodata
        .push(("source_port", RoValue::Bool(p.has("source-port"))));
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    if let Some(uid) = p.number::<u32>("uid")? {
        if uid >= u32::MAX - 1 {
            return err(format!("invalid UID {uid}"));
        }
        c.rodata.push(("targ_uid", RoValue::U32(uid)));
    }
    if let Some(list) = p.value("port") {
        let mut ports = Vec::new();
        for w in list.split(',') {
            match w.parse::<u16>() {
                Ok(port) if port > 0 => ports.push(port),
                _ => return err(format!("invalid PORT_LIST: '{list}'")),
            }
        }
        if ports.len() > MAX_PORTS {
            return err(format!("at most {MAX_PORTS} ports in -P"));
        }
        let mut bytes = Vec::new();
        for i in 0..MAX_PORTS {
            bytes.extend_from_slice(&ports.get(i).copied().unwrap_or(0).to_ne_bytes());
        }
        c.rodata
            .push(("filter_ports_len", RoValue::U32(ports.len() as u32)));
        c.rodata.push(("filter_ports", RoValue::Bytes(bytes)));
    }
    match (p.has("ipv4"), p.has("ipv6")) {
        (true, true) => return err("-4 and -6 are exclusive"),
        (true, false) => c.rodata.push(("targ_family", RoValue::U16(AF_INET))),
        (false, true) => c.rodata.push(("targ_family", RoValue::U16(AF_INET6))),
        (false, false) => {}
    }
    // bcc's container filters: maps the operator pinned and fills.
    for (opt, map, var) in [
        ("cgroupmap", "cgroup_set", "filter_cgroupmap"),
        ("mntnsmap", "mntns_set", "filter_mntnsmap"),
    ] {
        if let Some(path) = p.value(opt) {
            if path.is_empty() {
                return err(format!("invalid --{opt} ''"));
            }
            c.reuse_maps.push((map, path.to_string()));
            c.rodata.push((var, RoValue::Bool(true)));
        }
    }
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("timestamp") {
        v.push(Column::left("time_s", "TIME(s)", 8));
    }
    if c.parsed.has("print-uid") {
        v.push(Column::left("uid", "UID", 5));
    }
    v.extend([
        Column::left("pid", "PID", 6),
        Column::left("comm", "COMM", 12),
        Column::left("ip", "IP", 2),
        Column::left("saddr", "SADDR", 16),
        Column::left("daddr", "DADDR", 16),
    ]);
    if c.parsed.has("source-port") {
        v.push(Column::left("sport", "SPORT", 5));
    }
    v.push(Column::left("dport", "DPORT", 0));
    v
}

/// `struct event`: ts@0 pid@8 uid@12 family@16 sport@18 dport@20
/// newstate@22 saddr[16]@24 daddr[16]@40 comm[16]@56.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let family = u16_at(b, 16)?;
    let mut e = Event::default();
    if c.parsed.has("timestamp") {
        e.push("time_s", format!("{:.3}", s.relative_secs(ts)));
    }
    if c.parsed.has("print-uid") {
        e.push("uid", u32_at(b, 12)?);
    }
    e.push("pid", u32_at(b, 8)?);
    let mut comm = cstr_at(b, 56, 16)?;
    comm.truncate(comm.char_indices().nth(12).map_or(comm.len(), |(i, _)| i));
    e.push("comm", comm);
    e.push("ip", ip_version(family));
    e.push("saddr", addr(family, b.get(24..)?)?.to_string());
    e.push("daddr", addr(family, b.get(40..)?)?.to_string());
    if c.parsed.has("source-port") {
        e.push("sport", u16_at(b, 18)?);
    }
    e.push("dport", u16_at(b, 20)?);
    // Not in libbpf-tools' line: whether the handshake completed.
    e.push("established", u16_at(b, 22)? == 1);
    e.push("ts", ts);
    Some(e)
}

fn count_columns(c: &Config) -> Vec<Column> {
    let mut v = vec![
        Column::left("laddr", "LADDR", 25),
        Column::left("raddr", "RADDR", 25),
    ];
    if c.parsed.has("source-port") {
        v.push(Column::left("lport", "LPORT", 20));
    }
    v.push(Column::left("rport", "RPORT", 20));
    v.push(Column::left("connects", "CONNECTS", 0));
    v
}

fn count_rows(c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    sorted_flows(entries)
        .into_iter()
        .map(|f| {
            let mut e = Event::default();
            e.push("laddr", f.saddr.to_string());
            e.push("raddr", f.daddr.to_string());
            if c.parsed.has("source-port") {
                e.push("lport", f.sport);
            }
            e.push("rport", f.dport);
            e.push("connects", f.count);
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_modes() {
        let s = &Session::default();
        let c = TOOL.configure(&["-P".into(), "80,443".into()], s).unwrap();
        let ports = c
            .rodata
            .iter()
            .find(|(n, _)| *n == "filter_ports")
            .map(|(_, v)| v.to_bytes())
            .unwrap();
        assert_eq!(ports.len(), 16);
        assert_eq!(&ports[..2], &80u16.to_ne_bytes());
        assert!(matches!(TOOL.report_for(&c), Report::Events { .. }));
        let c = TOOL.configure(&["-c".into()], s).unwrap();
        assert!(matches!(TOOL.report_for(&c), Report::Counts { .. }));
        assert!(TOOL.configure(&["-P".into(), "0".into()], s).is_err());
        assert!(TOOL.configure(&["-4".into(), "-6".into()], s).is_err());
    }
}
