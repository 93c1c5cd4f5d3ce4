//! The struct layout the holder iterator needs, read from vmlinux BTF
//! (src/btf) and handed to src/sys, which runs the program; src/btf never
//! depends on src/sys.
use std::path::Path;

use crate::btf::layout::member_offset;
use crate::btf::view::kind;
use crate::btf::{map_file, View, SYSFS_VMLINUX};
use crate::record::pids::PidTable;
use crate::sys::pid_iter::Layout;
use crate::sys::pids;
use crate::sys::ObjKind;

/// Holders of every object of `kind` (see [`pids::build`]).
pub fn build(kind: ObjKind) -> PidTable {
    pids::build(kind, layout().as_ref())
}

/// `None` when vmlinux BTF is missing or lacks a type or member (an older
/// or differently built kernel): the caller then scans /proc.
pub fn layout() -> Option<Layout> {
    let view = View::for_lookup(map_file(Path::new(SYSFS_VMLINUX)).ok()?).ok()?;
    const S: u32 = kind::STRUCT;
    let ids: Vec<u32> = view
        .find_named(&[
            (kind::FUNC, "bpf_iter_task_file"),
            (S, "bpf_iter__task_file"),
            (S, "bpf_iter_meta"),
            (S, "file"),
            (S, "inode"),
            (S, "super_block"),
            (S, "dentry"),
            (S, "task_struct"),
            (S, "bpf_prog"),
            (S, "bpf_prog_aux"),
            (S, "bpf_map"),
            (S, "bpf_link"),
            (S, "btf"),
        ])
        .into_iter()
        .collect::<Option<_>>()?;
    let [func, ctx, meta, file, inode, sb, dentry, task, prog, aux, map, link, btf] =
        <[u32; 13]>::try_from(ids).ok()?;
    let off = |id: u32, path: &[&str]| member_offset(&view, id, path);
    // Loads take a 16-bit offset; helper pointers a 32-bit one.
    let small = |id: u32, path: &[&str]| i16::try_from(off(id, path)?).ok();
    let big = |id: u32, path: &[&str]| i32::try_from(off(id, path)?).ok();
    let task_comm = small(task, &["comm"])?;
    // comm is read as two words: the second one's offset must fit too.
    task_comm.checked_add(8)?;
    Some(Layout {
        attach_btf_id: func,
        ctx_meta: small(ctx, &["meta"])?,
        ctx_task: small(ctx, &["task"])?,
        ctx_file: small(ctx, &["file"])?,
        meta_seq: small(meta, &["seq"])?,
        file_inode: small(file, &["f_inode"])?,
        file_dentry: small(file, &["f_path", "dentry"])?,
        file_private: small(file, &["private_data"])?,
        inode_sb: small(inode, &["i_sb"])?,
        sb_magic: small(sb, &["s_magic"])?,
        dentry_name: small(dentry, &["d_name", "name"])?,
        task_tgid: small(task, &["tgid"])?,
        task_leader: small(task, &["group_leader"])?,
        task_comm,
        prog_aux: big(prog, &["aux"])?,
        aux_id: big(aux, &["id"])?,
        map_id: big(map, &["id"])?,
        link_id: big(link, &["id"])?,
        btf_id: big(btf, &["id"])?,
    })
}
