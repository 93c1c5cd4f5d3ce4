//! Addresses and flows of the TCP tools (tcpconnect, tcpretrans): the
//! address families, `struct flow_key` and the count-per-flow rows their
//! -c option prints.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::bytes::{u16_at, u64_at};

pub(crate) const AF_INET: u16 = 2;
pub(crate) const AF_INET6: u16 = 10;

/// An address of `family` from 4 or 16 bytes at the start of `b`.
pub(crate) fn addr(family: u16, b: &[u8]) -> Option<IpAddr> {
    if family == AF_INET {
        let a: [u8; 4] = b.get(..4)?.try_into().ok()?;
        Some(IpAddr::V4(Ipv4Addr::from(a)))
    } else {
        let a: [u8; 16] = b.get(..16)?.try_into().ok()?;
        Some(IpAddr::V6(Ipv6Addr::from(a)))
    }
}

pub(crate) fn ip_version(family: u16) -> u8 {
    if family == AF_INET {
        4
    } else {
        6
    }
}

/// `struct flow_key` of tcpconnect/tcpretrans: family@0 sport@2 dport@4
/// saddr[16]@8 daddr[16]@24; value: a u64 count.
pub(crate) struct Flow {
    pub family: u16,
    pub sport: u16,
    pub dport: u16,
    pub saddr: IpAddr,
    pub daddr: IpAddr,
    pub count: u64,
}

pub(crate) fn flow(key: &[u8], value: &[u8]) -> Option<Flow> {
    let family = u16_at(key, 0)?;
    Some(Flow {
        family,
        sport: u16_at(key, 2)?,
        dport: u16_at(key, 4)?,
        saddr: addr(family, key.get(8..)?)?,
        daddr: addr(family, key.get(24..)?)?,
        count: u64_at(value, 0)?,
    })
}

/// Flows sorted by count (most first), then by addresses for a stable order.
pub(crate) fn sorted_flows(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Flow> {
    let mut flows: Vec<Flow> = entries.iter().filter_map(|(k, v)| flow(k, v)).collect();
    flows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.family.cmp(&b.family))
            .then(a.saddr.cmp(&b.saddr))
            .then(a.daddr.cmp(&b.daddr))
            .then(a.dport.cmp(&b.dport))
            .then(a.sport.cmp(&b.sport))
    });
    flows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows() {
        let mut k = vec![0u8; 40];
        k[0..2].copy_from_slice(&AF_INET.to_ne_bytes());
        k[4..6].copy_from_slice(&80u16.to_ne_bytes());
        k[8..12].copy_from_slice(&[127, 0, 0, 1]);
        k[24..28].copy_from_slice(&[127, 0, 0, 2]);
        let f = flow(&k, &3u64.to_ne_bytes()).unwrap();
        assert_eq!(f.daddr.to_string(), "127.0.0.2");
        assert_eq!((f.dport, f.count), (80, 3));
    }
}
