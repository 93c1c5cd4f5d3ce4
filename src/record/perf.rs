//! `perf show`: one program attached to a perf event or raw tracepoint.
use serde::Serialize;

use super::link::NameOrNum;
use super::pids::PidRef;

/// One attachment. bpftool lists the (pid, fd) pairs that carry a program;
/// `pid` and `fd` are null only on the perf_event links no process holds a
/// perf fd of, which `perf show links` adds after bpftool's list.
#[derive(Debug, Clone, Serialize)]
pub struct PerfRecord {
    pub pid: Option<i32>,
    pub fd: Option<i32>,
    /// Not in bpftool: the link behind this attachment (the link of a
    /// perf_event fd, or the raw_tracepoint link the fd is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_id: Option<u32>,
    pub prog_id: u32,
    #[serde(flatten)]
    pub target: PerfTarget,
    /// Not in bpftool: the bpf cookie of the perf_event link, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie: Option<u64>,
    /// Not in bpftool: processes holding a perf_event link's fd.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
}

/// What the program is attached to, with bpftool's `fd_type` and keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PerfTarget {
    /// raw_tracepoint and tracepoint.
    Tracepoint {
        fd_type: &'static str,
        tracepoint: String,
    },
    /// kprobe/kretprobe by function name.
    Func {
        fd_type: &'static str,
        func: String,
        offset: u64,
    },
    /// kprobe/kretprobe by address.
    Addr { fd_type: &'static str, addr: u64 },
    /// uprobe/uretprobe.
    File {
        fd_type: &'static str,
        filename: String,
        offset: u64,
    },
    /// Not in bpftool: a perf_event link on a hardware/software/cache event.
    Event {
        fd_type: &'static str,
        event_type: NameOrNum,
        event_config: NameOrNum,
    },
    /// An fd type this version does not know: bpftool prints no details either.
    Unknown {},
}

impl PerfTarget {
    pub fn fd_type(&self) -> Option<&'static str> {
        match self {
            PerfTarget::Tracepoint { fd_type, .. }
            | PerfTarget::Func { fd_type, .. }
            | PerfTarget::Addr { fd_type, .. }
            | PerfTarget::File { fd_type, .. }
            | PerfTarget::Event { fd_type, .. } => Some(fd_type),
            PerfTarget::Unknown {} => None,
        }
    }
}
