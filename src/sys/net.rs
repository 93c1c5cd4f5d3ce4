//! `net show`: XDP (rtnetlink link dump), tcx and netkit (BPF_PROG_QUERY on
//! the ifindex), classic tc bpf filters (rtnetlink class/qdisc/filter dumps),
//! the netns flow dissector and netfilter links, under the keys of bpftool's
//! src/net.c and netlink_dumper.c.
//!
//! The rtnetlink requests are written here over a raw NETLINK_ROUTE socket:
//! four dump requests and a nested-attribute reader are all that is needed,
//! and netlink-packet-route would bring four crates whose API changes often
//! for what is a hundred lines of plain parsing.
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::query::{self, Ask};
use super::{errno, ids, prog, ObjKind, Result, SysError};
use crate::record::net::{
    FlowDissector, MprogEntry, NetRecord, NetfilterEntry, TcAct, TcEntry, TcFilter, XdpEntry,
    XdpProg,
};

// rtnetlink numbers (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h,
// linux/pkt_sched.h, linux/pkt_cls.h, linux/tc_act/tc_bpf.h).
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_MULTI: u16 = 2;
const NLM_F_DUMP: u16 = 0x300;
const NLA_TYPE_MASK: u16 = 0x3fff;
const SOL_NETLINK: i32 = 270;
const NETLINK_EXT_ACK: i32 = 11;
const RTM_GETLINK: u16 = 18;
const RTM_GETQDISC: u16 = 38;
const RTM_GETTCLASS: u16 = 42;
const RTM_GETTFILTER: u16 = 46;
const IFLA_IFNAME: u16 = 3;
const IFLA_XDP: u16 = 43;
const IFLA_XDP_ATTACHED: u16 = 2;
const IFLA_XDP_PROG_ID: u16 = 4;
const IFLA_XDP_DRV_PROG_ID: u16 = 5;
const IFLA_XDP_SKB_PROG_ID: u16 = 6;
const IFLA_XDP_HW_PROG_ID: u16 = 7;
const XDP_ATTACHED_NONE: u8 = 0;
const XDP_ATTACHED_DRV: u8 = 1;
const XDP_ATTACHED_SKB: u8 = 2;
const XDP_ATTACHED_HW: u8 = 3;
const XDP_ATTACHED_MULTI: u8 = 4;
const TCA_KIND: u16 = 1;
const TCA_OPTIONS: u16 = 2;
const TCA_BPF_ACT: u16 = 1;
const TCA_BPF_NAME: u16 = 7;
const TCA_BPF_ID: u16 = 11;
const TCA_ACT_MAX_PRIO: u16 = 32;
const TCA_ACT_KIND: u16 = 1;
const TCA_ACT_OPTIONS: u16 = 2;
const TCA_ACT_BPF_PARMS: u16 = 2;
const TCA_ACT_BPF_NAME: u16 = 6;
const TCA_ACT_BPF_ID: u16 = 9;
const TC_H_ROOT: u32 = 0xffff_ffff;
const TC_H_CLSACT_INGRESS: u32 = 0xffff_fff2;
const TC_H_CLSACT_EGRESS: u32 = 0xffff_fff3;
const NLMSG_HDRLEN: usize = 16;
const IFINFOMSG_LEN: usize = 16;
const TCMSG_LEN: usize = 20;

/// A network device from the link dump.
#[derive(Debug, Clone)]
struct Dev {
    name: String,
    ifindex: u32,
}

// ------------------------------------------------------------------ netlink

/// A NETLINK_ROUTE socket that sends dump requests and reads the replies.
struct Netlink {
    fd: OwnedFd,
    seq: u32,
}

/// One netlink attribute: its type (flags masked off) and payload.
#[derive(Clone, Copy)]
struct Attr<'a> {
    kind: u16,
    data: &'a [u8],
}

fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// The attributes in `buf` (a run of nlattr, each 4-byte aligned); a
/// malformed tail ends the list rather than failing the whole dump.
fn attrs(mut buf: &[u8]) -> Vec<Attr<'_>> {
    let mut out = Vec::new();
    while buf.len() >= 4 {
        let len = u16::from_ne_bytes([buf[0], buf[1]]) as usize;
        let kind = u16::from_ne_bytes([buf[2], buf[3]]) & NLA_TYPE_MASK;
        if len < 4 || len > buf.len() {
            break;
        }
        out.push(Attr {
            kind,
            data: &buf[4..len],
        });
        buf = &buf[align4(len).min(buf.len())..];
    }
    out
}

fn find<'a>(list: &[Attr<'a>], kind: u16) -> Option<&'a [u8]> {
    list.iter().find(|a| a.kind == kind).map(|a| a.data)
}

fn attr_u32(list: &[Attr<'_>], kind: u16) -> Option<u32> {
    let d = find(list, kind)?;
    Some(u32::from_ne_bytes(d.get(..4)?.try_into().ok()?))
}

fn attr_str(list: &[Attr<'_>], kind: u16) -> Option<String> {
    let d = find(list, kind)?;
    let end = d.iter().position(|&b| b == 0).unwrap_or(d.len());
    Some(String::from_utf8_lossy(&d[..end]).into_owned())
}

impl Netlink {
    fn open() -> Result<Self> {
        // SAFETY: plain socket(2) call.
        let raw = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::NETLINK_ROUTE,
            )
        };
        if raw < 0 {
            return Err(SysError::last("failed to open netlink sock"));
        }
        // SAFETY: raw is a fresh socket nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let one: libc::c_int = 1;
        // Extended acks only improve error text; a kernel without them is fine.
        // SAFETY: optval points to an int of the given size.
        unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                SOL_NETLINK,
                NETLINK_EXT_ACK,
                &one as *const libc::c_int as *const libc::c_void,
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        // SAFETY: sockaddr_nl is plain data; zero is a valid "any" address.
        let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        sa.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: sa is a sockaddr_nl of the size given.
        let ret = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                &sa as *const libc::sockaddr_nl as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if ret < 0 {
            return Err(SysError::last("failed to bind netlink sock"));
        }
        let seq = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as u32)
            .unwrap_or(1);
        Ok(Netlink { fd, seq })
    }

    /// Sends a dump request with `payload` after the header and calls `f`
    /// with each reply's payload until NLMSG_DONE.
    fn dump(&mut self, msg_type: u16, payload: &[u8], mut f: impl FnMut(&[u8])) -> Result<()> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let len = NLMSG_HDRLEN + payload.len();
        let mut req = Vec::with_capacity(len);
        req.extend_from_slice(&(len as u32).to_ne_bytes());
        req.extend_from_slice(&msg_type.to_ne_bytes());
        req.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
        req.extend_from_slice(&seq.to_ne_bytes());
        req.extend_from_slice(&0u32.to_ne_bytes());
        req.extend_from_slice(payload);
        // SAFETY: req is a valid buffer of req.len() bytes.
        let ret = unsafe {
            libc::send(
                self.fd.as_raw_fd(),
                req.as_ptr() as *const libc::c_void,
                req.len(),
                0,
            )
        };
        if ret < 0 {
            return Err(SysError::last("netlink send"));
        }
        // Dump replies are at most a few pages each; 64 KiB leaves room, and
        // MSG_TRUNC tells if one was larger after all.
        let mut buf = vec![0u8; 1 << 16];
        loop {
            // SAFETY: buf is writable for buf.len() bytes.
            let n = unsafe {
                libc::recv(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr() as *mut libc::c_void,
                    buf.len(),
                    libc::MSG_TRUNC,
                )
            };
            if n < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                return Err(SysError::last("netlink recv"));
            }
            let n = n as usize;
            if n == 0 {
                return Ok(());
            }
            if n > buf.len() {
                return Err(SysError::Msg(format!(
                    "netlink recv: a {n}-byte reply does not fit the {}-byte buffer",
                    buf.len()
                )));
            }
            let mut rest = &buf[..n];
            let mut multi = false;
            while rest.len() >= NLMSG_HDRLEN {
                let mlen = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
                let mtype = u16::from_ne_bytes([rest[4], rest[5]]);
                let mflags = u16::from_ne_bytes([rest[6], rest[7]]);
                let mseq = u32::from_ne_bytes([rest[8], rest[9], rest[10], rest[11]]);
                if mlen < NLMSG_HDRLEN || mlen > rest.len() {
                    return Err(SysError::Msg("netlink: malformed reply".into()));
                }
                let body = &rest[NLMSG_HDRLEN..mlen];
                rest = &rest[align4(mlen).min(rest.len())..];
                if mseq != seq {
                    return Err(SysError::Msg(
                        "netlink: reply with a wrong sequence number".into(),
                    ));
                }
                if mflags & NLM_F_MULTI != 0 {
                    multi = true;
                }
                match mtype {
                    NLMSG_DONE => return Ok(()),
                    NLMSG_ERROR => {
                        let e = body
                            .get(..4)
                            .and_then(|b| b.try_into().ok())
                            .map(i32::from_ne_bytes)
                            .unwrap_or(-libc::EIO);
                        if e == 0 {
                            continue;
                        }
                        return Err(SysError::os(netlink_what(msg_type), -e));
                    }
                    _ => f(body),
                }
            }
            if !multi {
                return Ok(());
            }
        }
    }
}

fn netlink_what(msg_type: u16) -> &'static str {
    match msg_type {
        RTM_GETLINK => "netlink: can't dump links",
        RTM_GETQDISC => "netlink: can't dump qdiscs",
        RTM_GETTCLASS => "netlink: can't dump classes",
        _ => "netlink: can't dump tc filters",
    }
}

fn ifinfomsg() -> [u8; IFINFOMSG_LEN] {
    let mut m = [0u8; IFINFOMSG_LEN];
    m[0] = libc::AF_PACKET as u8;
    m
}

fn tcmsg(ifindex: u32, parent: u32) -> [u8; TCMSG_LEN] {
    // tcm_family, pad; tcm_ifindex (int) at 4; tcm_handle at 8; tcm_parent at 12; tcm_info at 16.
    let mut m = [0u8; TCMSG_LEN];
    m[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    m[12..16].copy_from_slice(&parent.to_ne_bytes());
    m
}

// ------------------------------------------------------------------ xdp

fn xdp_entry(dev: &Dev, xdp: &[u8]) -> Option<XdpEntry> {
    let tb = attrs(xdp);
    let mode = *find(&tb, IFLA_XDP_ATTACHED)?.first()?;
    if mode == XDP_ATTACHED_NONE {
        return None;
    }
    let mut e = XdpEntry {
        devname: dev.name.clone(),
        ifindex: dev.ifindex,
        mode: None,
        id: None,
        multi_attachments: None,
    };
    let single = |e: &mut XdpEntry, m: &'static str| {
        if let Some(id) = attr_u32(&tb, IFLA_XDP_PROG_ID) {
            e.mode = Some(m);
            e.id = Some(id);
        }
    };
    match mode {
        XDP_ATTACHED_MULTI => {
            let progs = [
                (IFLA_XDP_SKB_PROG_ID, "generic"),
                (IFLA_XDP_DRV_PROG_ID, "driver"),
                (IFLA_XDP_HW_PROG_ID, "offload"),
            ]
            .iter()
            .filter_map(|&(a, m)| attr_u32(&tb, a).map(|id| XdpProg { mode: m, id }))
            .collect();
            e.multi_attachments = Some(progs);
        }
        XDP_ATTACHED_DRV => single(&mut e, "driver"),
        XDP_ATTACHED_SKB => single(&mut e, "generic"),
        XDP_ATTACHED_HW => single(&mut e, "offload"),
        _ => {}
    }
    Some(e)
}

/// Every device (or only `filter`), and the XDP entries among them.
fn links(nl: &mut Netlink, filter: Option<u32>) -> Result<(Vec<Dev>, Vec<XdpEntry>)> {
    let mut devs = Vec::new();
    let mut xdp = Vec::new();
    nl.dump(RTM_GETLINK, &ifinfomsg(), |body| {
        let Some(hdr) = body.get(..IFINFOMSG_LEN) else {
            return;
        };
        let ifindex = i32::from_ne_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]) as u32;
        if filter.is_some_and(|f| f != ifindex) {
            return;
        }
        let tb = attrs(&body[IFINFOMSG_LEN..]);
        let dev = Dev {
            name: attr_str(&tb, IFLA_IFNAME).unwrap_or_default(),
            ifindex,
        };
        if let Some(e) = find(&tb, IFLA_XDP).and_then(|x| xdp_entry(&dev, x)) {
            xdp.push(e);
        }
        devs.push(dev);
    })?;
    Ok((devs, xdp))
}

// ------------------------------------------------------------------ tcx / netkit

/// The full name of a program, if it has a name (bpftool's __show_dev_tc_bpf_name).
fn prog_name(id: u32) -> Option<String> {
    let fd = ids::fd_by_id(ObjKind::Prog, id).ok()?;
    let (short, full) = prog::full_name(&fd)?;
    (!short.is_empty()).then_some(full)
}

fn bits(v: u32) -> Vec<u32> {
    (0..32).map(|j| 1u32 << j).filter(|b| v & b != 0).collect()
}

fn mprog_entries(dev: &Dev, out: &mut Vec<TcEntry>) {
    const LOCS: [(u32, &str); 4] = [
        (libbpf_sys::BPF_TCX_INGRESS, "tcx/ingress"),
        (libbpf_sys::BPF_TCX_EGRESS, "tcx/egress"),
        (libbpf_sys::BPF_NETKIT_PRIMARY, "netkit/primary"),
        (libbpf_sys::BPF_NETKIT_PEER, "netkit/peer"),
    ];
    for (loc, kind) in LOCS {
        let ask = Ask {
            effective: false,
            prog_flags: true,
            links: true,
        };
        // A device without tcx or netkit answers with an error: nothing to show (bpftool).
        let Ok(q) = query::query(dev.ifindex as i32, loc, ask) else {
            continue;
        };
        for (i, &id) in q.prog_ids.iter().enumerate() {
            out.push(TcEntry::Mprog(MprogEntry {
                devname: dev.name.clone(),
                ifindex: dev.ifindex,
                kind,
                name: prog_name(id),
                prog_id: id,
                prog_flags: bits(q.prog_flags.get(i).copied().unwrap_or(0)),
                link_id: q.link_ids.get(i).copied().unwrap_or(0),
                link_flags: bits(q.link_flags.get(i).copied().unwrap_or(0)),
            }));
        }
    }
}

// ------------------------------------------------------------------ classic tc

fn bpf_acts(act: &[u8]) -> Vec<TcAct> {
    let mut out = Vec::new();
    for prio in attrs(act) {
        if prio.kind > TCA_ACT_MAX_PRIO {
            continue;
        }
        let tb = attrs(prio.data);
        if attr_str(&tb, TCA_ACT_KIND).as_deref() != Some("bpf") {
            continue;
        }
        let Some(opts) = find(&tb, TCA_ACT_OPTIONS) else {
            continue;
        };
        let otb = attrs(opts);
        if find(&otb, TCA_ACT_BPF_PARMS).is_none() {
            continue;
        }
        out.push(TcAct {
            name: attr_str(&otb, TCA_ACT_BPF_NAME),
            id: attr_u32(&otb, TCA_ACT_BPF_ID),
        });
    }
    out
}

fn filters(
    nl: &mut Netlink,
    dev: &Dev,
    parent: u32,
    kind: &str,
    out: &mut Vec<TcEntry>,
) -> Result<()> {
    nl.dump(RTM_GETTFILTER, &tcmsg(dev.ifindex, parent), |body| {
        let Some(rest) = body.get(TCMSG_LEN..) else {
            return;
        };
        let tb = attrs(rest);
        let Some(opts) = find(&tb, TCA_OPTIONS) else {
            return;
        };
        if attr_str(&tb, TCA_KIND).as_deref() != Some("bpf") {
            return;
        }
        let otb = attrs(opts);
        out.push(TcEntry::Filter(TcFilter {
            devname: dev.name.clone(),
            ifindex: dev.ifindex,
            kind: kind.to_string(),
            name: attr_str(&otb, TCA_BPF_NAME),
            id: attr_u32(&otb, TCA_BPF_ID),
            act: find(&otb, TCA_BPF_ACT).map(bpf_acts),
        }));
    })
}

/// (handle, kind) of every class, then of every qdisc but clsact and handle 0.
fn parents(nl: &mut Netlink, dev: &Dev) -> Result<Vec<(u32, String)>> {
    let mut out = Vec::new();
    for (msg, is_qdisc) in [(RTM_GETTCLASS, false), (RTM_GETQDISC, true)] {
        nl.dump(msg, &tcmsg(dev.ifindex, 0), |body| {
            let Some(hdr) = body.get(..TCMSG_LEN) else {
                return;
            };
            let handle = u32::from_ne_bytes([hdr[8], hdr[9], hdr[10], hdr[11]]);
            let tb = attrs(&body[TCMSG_LEN..]);
            let kind = attr_str(&tb, TCA_KIND);
            if is_qdisc && (kind.as_deref() == Some("clsact") || handle == 0) {
                return;
            }
            out.push((handle, kind.unwrap_or_else(|| "unknown".into())));
        })?;
    }
    Ok(out)
}

/// bpftool's show_dev_tc_bpf_classic. Like bpftool, a failing dump ends this
/// device's listing without failing the command.
fn classic_filters(nl: &mut Netlink, dev: &Dev, out: &mut Vec<TcEntry>) {
    let Ok(parents) = parents(nl, dev) else {
        return;
    };
    let fixed = [
        (TC_H_ROOT, "root".to_string()),
        (TC_H_CLSACT_INGRESS, "clsact/ingress".to_string()),
        (TC_H_CLSACT_EGRESS, "clsact/egress".to_string()),
    ];
    for (handle, kind) in parents.iter().chain(fixed.iter()) {
        if filters(nl, dev, *handle, kind, out).is_err() {
            return;
        }
    }
}

// ------------------------------------------------------------------ flow dissector, netfilter

fn flow_dissector() -> Result<Vec<FlowDissector>> {
    let ns: OwnedFd = std::fs::File::open("/proc/self/ns/net")
        .map_err(|e| {
            SysError::os(
                "can't open /proc/self/ns/net",
                e.raw_os_error().unwrap_or(libc::EIO),
            )
        })?
        .into();
    let ask = Ask::default();
    match query::query(ns.as_raw_fd(), libbpf_sys::BPF_FLOW_DISSECTOR, ask) {
        Ok(q) => Ok(q
            .prog_ids
            .first()
            .map(|&id| FlowDissector { id })
            .into_iter()
            .collect()),
        // Older kernels can't query flow dissectors (bpftool).
        Err(e) if e.errno() == Some(libc::EINVAL) => Ok(vec![]),
        Err(e) => Err(SysError::os(
            "can't query prog",
            e.errno().unwrap_or(libc::EIO),
        )),
    }
}

/// Every netfilter link in the system, sorted like bpftool (pf, hook, prio, flags).
fn netfilter() -> Result<Vec<NetfilterEntry>> {
    let mut out = Vec::new();
    for item in ids::iter(ObjKind::Link) {
        let (_, fd) = item?;
        let mut info = libbpf_sys::bpf_link_info::default();
        if super::get_info(&fd, &mut info).is_err()
            || info.type_ != libbpf_sys::BPF_LINK_TYPE_NETFILTER
        {
            continue;
        }
        // SAFETY: the kernel filled the netfilter member, as type_ says.
        let nf = unsafe { info.__bindgen_anon_1.netfilter };
        out.push(NetfilterEntry {
            pf: nf.pf,
            hook: nf.hooknum,
            prio: nf.priority,
            flags: nf.flags,
            id: info.prog_id,
        });
    }
    out.sort_by_key(|e| (e.pf, e.hook, e.prio, e.flags));
    Ok(out)
}

/// The index of a device by name, in the current network namespace.
pub fn ifindex(name: &str) -> Option<u32> {
    dev_ifindex(name).ok()
}

/// The index of a device for `dev NAME` (feature probe, map create), with
/// bpftool's error.
pub fn dev_ifindex(name: &str) -> Result<u32> {
    let c = std::ffi::CString::new(name)
        .map_err(|_| SysError::Msg(format!("unrecognized netdevice '{name}'")))?;
    // SAFETY: c is NUL-terminated.
    let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
    if i == 0 {
        return Err(SysError::os(
            format!("unrecognized netdevice '{name}'"),
            errno(),
        ));
    }
    Ok(i)
}

/// `net show [dev NAME]` in the current network namespace.
pub fn show(filter: Option<u32>) -> Result<NetRecord> {
    let flow_dissector = flow_dissector()?;
    let mut nl = Netlink::open()?;
    let (devs, xdp) = links(&mut nl, filter)?;
    let mut tc = Vec::new();
    for dev in &devs {
        mprog_entries(dev, &mut tc);
        classic_filters(&mut nl, dev, &mut tc);
    }
    Ok(NetRecord {
        xdp,
        tc,
        flow_dissector,
        netfilter: netfilter()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nla(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
        v.extend_from_slice(&kind.to_ne_bytes());
        v.extend_from_slice(data);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    fn dev() -> Dev {
        Dev {
            name: "veth0".into(),
            ifindex: 7,
        }
    }

    #[test]
    fn attributes_are_read_with_alignment_and_flags_masked() {
        let mut buf = nla(IFLA_IFNAME, b"lo\0");
        buf.extend(nla(0x8000 | IFLA_XDP, &nla(IFLA_XDP_ATTACHED, &[1])));
        let tb = attrs(&buf);
        assert_eq!(attr_str(&tb, IFLA_IFNAME).as_deref(), Some("lo"));
        assert!(find(&tb, IFLA_XDP).is_some());
        // A truncated attribute ends the list.
        assert_eq!(attrs(&[8, 0, 1, 0, 0]).len(), 0);
    }

    #[test]
    fn xdp_modes_like_bpftool() {
        let mut x = nla(IFLA_XDP_ATTACHED, &[XDP_ATTACHED_SKB]);
        x.extend(nla(IFLA_XDP_PROG_ID, &42u32.to_ne_bytes()));
        let e = xdp_entry(&dev(), &x).unwrap();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"devname":"veth0","ifindex":7,"mode":"generic","id":42}"#
        );
        let mut x = nla(IFLA_XDP_ATTACHED, &[XDP_ATTACHED_MULTI]);
        x.extend(nla(IFLA_XDP_DRV_PROG_ID, &5u32.to_ne_bytes()));
        x.extend(nla(IFLA_XDP_SKB_PROG_ID, &6u32.to_ne_bytes()));
        let e = xdp_entry(&dev(), &x).unwrap();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"devname":"veth0","ifindex":7,"multi_attachments":[{"mode":"generic","id":6},{"mode":"driver","id":5}]}"#
        );
        assert!(xdp_entry(&dev(), &nla(IFLA_XDP_ATTACHED, &[0])).is_none());
    }

    #[test]
    fn bpf_actions_are_found_by_kind() {
        let mut opts = nla(TCA_ACT_BPF_PARMS, &[0; 20]);
        opts.extend(nla(TCA_ACT_BPF_NAME, b"act_prog\0"));
        opts.extend(nla(TCA_ACT_BPF_ID, &9u32.to_ne_bytes()));
        let mut one = nla(TCA_ACT_KIND, b"bpf\0");
        one.extend(nla(TCA_ACT_OPTIONS, &opts));
        let mut other = nla(TCA_ACT_KIND, b"gact\0");
        other.extend(nla(TCA_ACT_OPTIONS, &[]));
        let mut all = nla(1, &one);
        all.extend(nla(2, &other));
        let acts = bpf_acts(&all);
        assert_eq!(acts.len(), 1);
        assert_eq!(acts[0].name.as_deref(), Some("act_prog"));
        assert_eq!(acts[0].id, Some(9));
    }

    #[test]
    fn flag_bits_split() {
        assert_eq!(bits(0), Vec::<u32>::new());
        assert_eq!(bits(0x9), vec![1, 8]);
    }
}
