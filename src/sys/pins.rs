//! Pinned paths: walk every mounted bpffs and map object ids to their pins (`-f`).
use std::collections::HashMap;
use std::os::fd::AsRawFd;
use std::path::Path;

use super::{bpffs, ids::ObjKind};

/// Object id → pinned paths, for one kind of object.
pub type PinTable = HashMap<u32, Vec<String>>;

/// What kind of BPF object an fd is, from its anon-inode name.
pub fn fd_kind(fd: &impl AsRawFd) -> Option<ObjKind> {
    let link = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).ok()?;
    match link.to_str()? {
        "anon_inode:bpf-prog" => Some(ObjKind::Prog),
        "anon_inode:bpf-map" => Some(ObjKind::Map),
        // The kernel names a link "bpf_link" when it is created and "bpf-link"
        // when an fd is opened on an existing one (pin, GET_FD_BY_ID).
        "anon_inode:bpf_link" | "anon_inode:bpf-link" => Some(ObjKind::Link),
        _ => None,
    }
}

/// The kernel id of an object of a known kind.
pub fn id_of(kind: ObjKind, fd: &impl std::os::fd::AsRawFd) -> Option<u32> {
    match kind {
        ObjKind::Prog => {
            let mut i = libbpf_sys::bpf_prog_info::default();
            super::get_info(fd, &mut i).ok().map(|_| i.id)
        }
        ObjKind::Map => {
            let mut i = libbpf_sys::bpf_map_info::default();
            super::get_info(fd, &mut i).ok().map(|_| i.id)
        }
        ObjKind::Link => {
            let mut i = libbpf_sys::bpf_link_info::default();
            super::get_info(fd, &mut i).ok().map(|_| i.id)
        }
        ObjKind::Btf => {
            let mut i = libbpf_sys::bpf_btf_info::default();
            super::get_info(fd, &mut i).ok().map(|_| i.id)
        }
    }
}

/// Walks all bpffs mounts; unreadable entries are skipped, as bpftool does.
pub fn build(kind: ObjKind) -> PinTable {
    let mut table = PinTable::new();
    for mnt in bpffs::mount_points() {
        walk(Path::new(&mnt), kind, &mut table, 0);
    }
    for v in table.values_mut() {
        v.sort();
        v.dedup();
    }
    table
}

fn walk(dir: &Path, kind: ObjKind, table: &mut PinTable, depth: usize) {
    if depth > 64 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for ent in rd.flatten() {
        let Ok(ft) = ent.file_type() else { continue };
        let path = ent.path();
        if ft.is_dir() {
            walk(&path, kind, table, depth + 1);
        } else if ft.is_file() {
            let Ok(c) = super::cpath(&path) else { continue };
            // SAFETY: c is a valid NUL-terminated path.
            let ret = unsafe { libbpf_sys::bpf_obj_get(c.as_ptr()) };
            let Ok(fd) = super::fd_result(ret, String::new) else {
                continue;
            };
            if fd_kind(&fd) == Some(kind) {
                if let Some(id) = id_of(kind, &fd) {
                    table
                        .entry(id)
                        .or_default()
                        .push(path.to_string_lossy().into_owned());
                }
            }
        }
    }
}
