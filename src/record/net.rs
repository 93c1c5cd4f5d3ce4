//! `net show`: XDP, tc, flow dissector and netfilter attachments.
use serde::Serialize;

/// Everything `net show` prints, in bpftool's section order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NetRecord {
    pub xdp: Vec<XdpEntry>,
    pub tc: Vec<TcEntry>,
    pub flow_dissector: Vec<FlowDissector>,
    pub netfilter: Vec<NetfilterEntry>,
}

/// A device with an XDP program (netlink_dumper.c do_xdp_dump_one).
#[derive(Debug, Clone, Serialize)]
pub struct XdpEntry {
    pub devname: String,
    pub ifindex: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// Several modes at once (XDP_ATTACHED_MULTI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multi_attachments: Option<Vec<XdpProg>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct XdpProg {
    pub mode: &'static str,
    pub id: u32,
}

/// A tc attachment: tcx/netkit (mprog) or a classic cls_bpf filter.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum TcEntry {
    Mprog(MprogEntry),
    Filter(TcFilter),
}

/// A program on tcx/ingress, tcx/egress, netkit/primary or netkit/peer.
#[derive(Debug, Clone, Serialize)]
pub struct MprogEntry {
    pub devname: String,
    pub ifindex: u32,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub prog_id: u32,
    /// Each set flag bit as its own value, as bpftool prints them.
    pub prog_flags: Vec<u32>,
    pub link_id: u32,
    pub link_flags: Vec<u32>,
}

/// A `bpf` classifier found under a qdisc or class (netlink_dumper.c do_filter_dump).
#[derive(Debug, Clone, Serialize)]
pub struct TcFilter {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub devname: String,
    pub ifindex: u32,
    /// The parent: a qdisc/class kind, `root`, `clsact/ingress` or `clsact/egress`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub act: Option<Vec<TcAct>>,
}

/// A `bpf` action of a filter.
#[derive(Debug, Clone, Serialize)]
pub struct TcAct {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
}

/// The flow dissector program of the current network namespace.
#[derive(Debug, Clone, Serialize)]
pub struct FlowDissector {
    pub id: u32,
}

/// A netfilter link; `id` is the program's id (bpftool's key).
#[derive(Debug, Clone, Serialize)]
pub struct NetfilterEntry {
    pub pf: u32,
    pub hook: u32,
    pub prio: i32,
    pub flags: u32,
    pub id: u32,
}
