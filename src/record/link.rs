//! `link show`: one link, its type-specific detail and the perf_event
//! target it may carry.
use serde::Serialize;

use super::names::KindName;
use super::pids::PidRef;

/// A link, as bpftool prints it; `detail` holds the type-specific fields.
#[derive(Debug, Clone, Serialize)]
pub struct LinkRecord {
    pub id: u32,
    #[serde(rename = "type")]
    pub link_type: KindName,
    pub prog_id: u32,
    #[serde(flatten)]
    pub detail: LinkDetail,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Vec<String>>,
    /// bpftool prints the cookie of a perf_event link next to its holders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bpf_cookie: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
}

/// A name where libbpf or bpftool knows one, else the raw number (bpftool's rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum NameOrNum {
    Name(String),
    Num(u64),
}

impl std::fmt::Display for NameOrNum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameOrNum::Name(s) => f.write_str(s),
            NameOrNum::Num(n) => write!(f, "{n}"),
        }
    }
}

/// The type-specific part of a link, flattened into the record's JSON.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum LinkDetail {
    RawTracepoint {
        tp_name: String,
        cookie: u64,
    },
    Tracing {
        #[serde(skip_serializing_if = "Option::is_none")]
        prog_type: Option<KindName>,
        attach_type: KindName,
        target_obj_id: u32,
        target_btf_id: u32,
        cookie: u64,
    },
    Cgroup {
        cgroup_id: u64,
        attach_type: KindName,
    },
    Iter(IterDetail),
    Netns {
        netns_ino: u32,
        attach_type: KindName,
    },
    Netfilter {
        pf: u32,
        hook: u32,
        prio: i32,
        flags: u32,
    },
    /// tcx and netkit: a device and a direction.
    Dev {
        #[serde(flatten)]
        dev: Device,
        attach_type: KindName,
    },
    Sockmap {
        map_id: u32,
        attach_type: KindName,
    },
    Xdp {
        #[serde(flatten)]
        dev: Device,
    },
    StructOps {
        map_id: u32,
    },
    KprobeMulti {
        retprobe: bool,
        func_cnt: u32,
        missed: u64,
        funcs: Vec<KprobeFunc>,
    },
    UprobeMulti {
        retprobe: bool,
        path: String,
        func_cnt: u32,
        pid: i32,
        funcs: Vec<UprobeFunc>,
    },
    PerfEvent(PerfLink),
    /// A link type bpftool prints nothing more for.
    Other {},
}

#[derive(Debug, Clone, Serialize)]
pub struct IterDetail {
    pub target_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tid: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cgroup_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<&'static str>,
}

/// A network device by index: JSON `devname` is the name, `(unknown)` or `(detached)`.
#[derive(Debug, Clone, Serialize)]
pub struct Device {
    pub devname: String,
    pub ifindex: u32,
    /// Whether `devname` is a real interface name (text prints `name(ifindex)` then).
    #[serde(skip)]
    pub found: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct KprobeFunc {
    pub addr: u64,
    pub func: String,
    /// null for vmlinux, as bpftool prints it.
    pub module: Option<String>,
    pub cookie: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UprobeFunc {
    pub offset: u64,
    pub ref_ctr_offset: u64,
    pub cookie: u64,
}

/// What a perf_event link is attached to (bpf_link_info.perf_event.type).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum PerfLink {
    Event {
        event_type: NameOrNum,
        event_config: NameOrNum,
        cookie: u64,
    },
    Tracepoint {
        tracepoint: String,
        cookie: u64,
    },
    Kprobe {
        retprobe: bool,
        addr: u64,
        func: String,
        offset: u32,
        missed: u64,
        cookie: u64,
    },
    Uprobe {
        retprobe: bool,
        file: String,
        offset: u32,
        cookie: u64,
        ref_ctr_offset: u64,
    },
    Unknown {},
}

impl PerfLink {
    /// The bpf cookie the link carries (0 when none or unknown).
    pub fn cookie(&self) -> u64 {
        match self {
            PerfLink::Event { cookie, .. }
            | PerfLink::Tracepoint { cookie, .. }
            | PerfLink::Kprobe { cookie, .. }
            | PerfLink::Uprobe { cookie, .. } => *cookie,
            PerfLink::Unknown {} => 0,
        }
    }
}
