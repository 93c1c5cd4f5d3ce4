//! `btf show`: one BTF object.
use serde::Serialize;

use super::pids::PidRef;

/// One `btf show` entry.
#[derive(Debug, Clone, Serialize)]
pub struct BtfRecord {
    pub id: u32,
    pub size: u32,
    pub prog_ids: Vec<u32>,
    pub map_ids: Vec<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
    pub kernel: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
