//! `cgroup show|tree`: programs attached to cgroups.
use serde::Serialize;

use super::names::KindName;

/// One program attached to a cgroup, as bpftool's show_bpf_prog prints it.
#[derive(Debug, Clone, Serialize)]
pub struct CgroupProg {
    pub id: u32,
    pub attach_type: KindName,
    /// `multi`, `override`, `` or `unknown(N)`; absent for effective queries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attach_flags: Option<String>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attach_btf_name: Option<String>,
    pub attach_btf_obj_id: u32,
    pub attach_btf_id: u32,
    /// Depth below the tree root (text indents programs of sub-cgroups).
    #[serde(skip)]
    pub level: usize,
}

/// A cgroup with programs, in `cgroup tree`.
#[derive(Debug, Clone, Serialize)]
pub struct CgroupEntry {
    pub cgroup: String,
    pub programs: Vec<CgroupProg>,
}
