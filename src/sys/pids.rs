//! Which processes hold an fd to which BPF object (`pids comm(pid)`).
//!
//! bpftool reads this through a BPF task_file iterator; a /proc scan gives
//! the same answer without loading a program of our own, which also keeps
//! our own iterator out of the listing.
use std::collections::HashMap;

use serde::Serialize;

use super::{fdinfo, ids::ObjKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PidRef {
    pub pid: i32,
    pub comm: String,
}

/// Object id → holders, for one kind of object.
pub type PidTable = HashMap<u32, Vec<PidRef>>;

/// The anon-inode names an fd of this kind can carry: a link is "bpf_link"
/// when created and "bpf-link" when reopened (pin, GET_FD_BY_ID).
fn anon_names(kind: ObjKind) -> &'static [&'static str] {
    match kind {
        ObjKind::Prog => &["anon_inode:bpf-prog"],
        ObjKind::Map => &["anon_inode:bpf-map"],
        ObjKind::Link => &["anon_inode:bpf_link", "anon_inode:bpf-link"],
        ObjKind::Btf => &["anon_inode:btf"],
    }
}

fn id_key(kind: ObjKind) -> &'static str {
    match kind {
        ObjKind::Prog => "prog_id",
        ObjKind::Map => "map_id",
        ObjKind::Link => "link_id",
        ObjKind::Btf => "btf_id",
    }
}

pub fn build(kind: ObjKind) -> PidTable {
    let me = std::process::id() as i32;
    let mut table = PidTable::new();
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return table;
    };
    let want = anon_names(kind);
    for ent in proc_dir.flatten() {
        let Some(pid) = ent.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        let mut comm: Option<String> = None;
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            if !want.iter().any(|w| target.as_os_str() == *w) {
                continue;
            }
            let fdname = fd.file_name();
            let info = fdinfo::FdInfo::read_path(&format!(
                "/proc/{pid}/fdinfo/{}",
                fdname.to_string_lossy()
            ));
            let Some(id) = info.get_num::<u32>(id_key(kind)) else {
                continue;
            };
            let comm = comm
                .get_or_insert_with(|| {
                    std::fs::read_to_string(format!("/proc/{pid}/comm"))
                        .map(|s| s.trim_end_matches('\n').to_string())
                        .unwrap_or_default()
                })
                .clone();
            let refs = table.entry(id).or_default();
            if !refs.iter().any(|r| r.pid == pid) {
                refs.push(PidRef { pid, comm });
            }
        }
    }
    table
}
