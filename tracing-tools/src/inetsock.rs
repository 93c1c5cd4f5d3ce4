//! What tcplife and tcpstates share (both trace sock:inet_sock_set_state):
//! the -4/-6 and -L/-D filters, read-only data of `bpf/inet_sock.h`, and
//! the addresses of their events.

use std::net::IpAddr;

use crate::args::{duration, err, flag, opt, Config, OptSpec, Parsed, RoValue};
use crate::net::{addr, AF_INET, AF_INET6};
use crate::{ArgError, AttachPoint, ProgSpec, Session};

/// `INET_MAX_PORTS` of inet_sock.h: ports per -L or -D list.
pub(crate) const MAX_PORTS: usize = 16;

pub(crate) const IPV4: OptSpec = flag('4', "ipv4", "Trace IPv4 family only");
pub(crate) const IPV6: OptSpec = flag('6', "ipv6", "Trace IPv6 family only");
pub(crate) const WIDE: OptSpec = flag('w', "wide", "Wide column output (fits IPv6 addresses)");

/// -L (local ports), as the tool names its value.
pub(crate) const fn local_ports(value: &'static str) -> OptSpec {
    opt(
        Some('L'),
        "localport",
        value,
        "Comma-separated list of local ports to trace.",
    )
}

/// -D (remote ports).
pub(crate) const fn remote_ports(value: &'static str) -> OptSpec {
    opt(
        Some('D'),
        "remoteport",
        value,
        "Comma-separated list of remote ports to trace.",
    )
}

/// The one program of both objects.
pub(crate) const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "inet_sock_set_state",
    attach: AttachPoint::Tracepoint("sock", "inet_sock_set_state"),
}];

/// `[DURATION]` (or -d) and the filters below.
pub(crate) fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    filters(p, &mut c)?;
    Ok(c)
}

/// -4/-6 and -L/-D into the read-only data of inet_sock.h.
fn filters(p: &Parsed, c: &mut Config) -> Result<(), ArgError> {
    match (p.has("ipv4"), p.has("ipv6")) {
        (true, true) => return err("-4 and -6 are exclusive"),
        (true, false) => c.rodata.push(("targ_family", RoValue::U16(AF_INET))),
        (false, true) => c.rodata.push(("targ_family", RoValue::U16(AF_INET6))),
        (false, false) => {}
    }
    for (long, short, len_var, var) in [
        ("localport", 'L', "filter_sports_len", "filter_sports"),
        ("remoteport", 'D', "filter_dports_len", "filter_dports"),
    ] {
        let Some(list) = p.value(long) else { continue };
        let ports = port_list(list, short)?;
        let mut bytes = Vec::with_capacity(MAX_PORTS * 2);
        for i in 0..MAX_PORTS {
            bytes.extend_from_slice(&ports.get(i).copied().unwrap_or(0).to_ne_bytes());
        }
        c.rodata.push((len_var, RoValue::U32(ports.len() as u32)));
        c.rodata.push((var, RoValue::Bytes(bytes)));
    }
    Ok(())
}

/// `80,443`: ports 1 to 65535, at most [`MAX_PORTS`].
fn port_list(list: &str, short: char) -> Result<Vec<u16>, ArgError> {
    let mut ports = Vec::new();
    for word in list.split(',') {
        match word.parse::<u16>() {
            Ok(p) if p > 0 => ports.push(p),
            _ => return err(format!("invalid port '{word}' in -{short}: 1 to 65535")),
        }
    }
    if ports.len() > MAX_PORTS {
        return err(format!("at most {MAX_PORTS} ports in -{short}"));
    }
    Ok(ports)
}

/// The event's `saddr[16]` and `daddr[16]` at `off`, of `family`.
pub(crate) fn addrs(b: &[u8], off: usize, family: u16) -> Option<(IpAddr, IpAddr)> {
    Some((
        addr(family, b.get(off..)?)?,
        addr(family, b.get(off + 16..)?)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::parse;

    const SPECS: &[OptSpec] = &[IPV4, IPV6, local_ports("LPORT"), remote_ports("DPORT")];

    fn config(words: &str) -> Result<Config, ArgError> {
        let w: Vec<String> = words.split_whitespace().map(String::from).collect();
        let mut c = Config::default();
        filters(&parse(SPECS, &w)?, &mut c)?;
        Ok(c)
    }

    #[test]
    fn ports_and_family() {
        let c = config("-4 -L 80,443 -D 22").unwrap();
        let get = |n: &str| {
            c.rodata
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("targ_family"), Some(RoValue::U16(AF_INET)));
        assert_eq!(get("filter_sports_len"), Some(RoValue::U32(2)));
        let Some(RoValue::Bytes(b)) = get("filter_sports") else {
            panic!("no filter_sports")
        };
        assert_eq!(b.len(), MAX_PORTS * 2);
        assert_eq!(&b[2..4], &443u16.to_ne_bytes());
        assert_eq!(get("filter_dports_len"), Some(RoValue::U32(1)));
        for bad in ["-4 -6", "-L 0", "-L 80,", "-D 70000", "-L x"] {
            assert!(config(bad).is_err(), "{bad}");
        }
        let many = (1..=17)
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert!(config(&format!("-L {many}")).is_err());
    }
}
