//! `token show`'s record: one delegating bpffs mount.
use serde::Serialize;

/// One delegating bpffs mount; keys as bpftool's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRecord {
    pub token_info: String,
    pub allowed_cmds: Vec<String>,
    pub allowed_maps: Vec<String>,
    pub allowed_progs: Vec<String>,
    pub allowed_attachs: Vec<String>,
}
