//! `map show`: one map, with bpftool's JSON keys, and the raw numbers
//! the other map commands need.
use serde::Serialize;

use super::names::KindName;
use super::pids::PidRef;

#[derive(Debug, Clone, Serialize)]
pub struct MapRecord {
    pub id: u32,
    #[serde(rename = "type")]
    pub map_type: KindName,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub flags: u32,
    /// Not in bpftool: the flag bits by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flag_names: Vec<&'static str>,
    pub bytes_key: u32,
    pub bytes_value: u32,
    pub max_entries: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_prog_type: Option<KindName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_jited: Option<bool>,
    pub frozen: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
    /// Kept for other commands (dump/lookup), not printed.
    #[serde(skip)]
    pub info: MapInfo,
}

/// The raw numbers other map commands need (key/value sizes, BTF type ids).
#[derive(Debug, Clone, Copy, Default)]
pub struct MapInfo {
    pub type_: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub btf_id: u32,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    pub btf_vmlinux_value_type_id: u32,
    pub map_flags: u32,
    pub map_extra: u64,
}
