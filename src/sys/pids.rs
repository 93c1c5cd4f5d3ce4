//! Which processes hold an fd to which BPF object (`pids comm(pid)`).
//!
//! Like bpftool, through a BPF task_file iterator ([`super::pid_iter`]);
//! when that can't run (no BTF, an old kernel, no JIT), through /proc,
//! which gives the same answer at a readlink and an fdinfo read per fd.

use super::pid_iter::{self, Layout};
use super::{fdinfo, ids::ObjKind};
use crate::record::pids::{add_holder, PidTable};

fn id_key(kind: ObjKind) -> &'static str {
    match kind {
        ObjKind::Prog => "prog_id",
        ObjKind::Map => "map_id",
        ObjKind::Link => "link_id",
        ObjKind::Btf => "btf_id",
    }
}

/// Holders of every object of one kind, and the objects the iterator that
/// found them was made of (its program and link: a listing made while it
/// ran may contain them, and must not show them).
#[derive(Debug, Default)]
pub struct Holders {
    pub table: PidTable,
    pub own: Vec<(ObjKind, u32)>,
}

/// Holders of every object of `kind`, except this process. `layout` (from
/// vmlinux BTF) lets the iterator run; without it, or when it fails, /proc
/// is scanned.
pub fn build(kind: ObjKind, layout: Option<&Layout>) -> Holders {
    let me = std::process::id() as i32;
    if let Some((table, own)) = layout.and_then(|l| pid_iter::holders(kind, l, me).ok()) {
        return Holders { table, own };
    }
    Holders {
        table: scan_proc(kind, me),
        own: Vec::new(),
    }
}

/// The /proc way: a readlink of every fd of every process but `me`, and an
/// fdinfo read for each BPF one.
pub fn scan_proc(kind: ObjKind, me: i32) -> PidTable {
    let mut table = PidTable::new();
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return table;
    };
    let want: Vec<String> = pid_iter::anon_names(kind)
        .iter()
        .map(|n| format!("anon_inode:{n}"))
        .collect();
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
            if !want.iter().any(|w| target.as_os_str() == w.as_str()) {
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
            add_holder(&mut table, id, pid, || {
                comm.get_or_insert_with(|| {
                    std::fs::read_to_string(format!("/proc/{pid}/comm"))
                        .map(|s| s.trim_end_matches('\n').to_string())
                        .unwrap_or_default()
                })
                .clone()
            });
        }
    }
    table
}
