//! `prog show`: one program, with bpftool's JSON keys.
use serde::Serialize;
use serde_json::{Map as JsonMap, Value};

use super::names::KindName;
use super::pids::PidRef;

#[derive(Debug, Clone, Serialize)]
pub struct ProgRecord {
    /// bpftool's first line: id, type, name, tag, gpl, run stats.
    #[serde(flatten)]
    pub header: ProgHeader,
    /// Wall-clock seconds since the epoch (bpftool's JSON form); text shows ISO 8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    pub bytes_xlated: u32,
    pub jited: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_jited: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub map_ids: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
    /// Not in bpftool: instructions the verifier processed.
    pub verified_insns: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonMap<String, Value>>,
}

/// The first line bpftool prints for a program (`prog show`, and before each
/// program's dump when a handle matched several): the same keys in JSON.
#[derive(Debug, Clone, Serialize)]
pub struct ProgHeader {
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: KindName,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub tag: String,
    pub gpl_compatible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_time_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_cnt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recursion_misses: Option<u64>,
}
