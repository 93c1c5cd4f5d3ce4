//! The struct layout the holder iterator needs, read from vmlinux BTF
//! (src/btf) and handed to src/sys, which runs the program; src/btf never
//! depends on src/sys.
use std::path::Path;

use crate::btf::layout::member_offset;
use crate::btf::view::kind;
use crate::btf::{map_file, View, SYSFS_VMLINUX};
use crate::sys::pid_iter::Layout;
use crate::sys::pids;
use crate::sys::ObjKind;

/// Holders of every object of `kind` (see [`pids::build`]).
pub fn build(kind: ObjKind) -> pids::Holders {
    pids::build(kind, cached_layout().as_ref())
}

/// Where the layout is kept between runs: /run is cleared at boot, and the
/// key (boot id, vmlinux BTF size) changes with the kernel.
const CACHE: &str = "/run/bpfscope/holders-layout.json";

#[derive(serde::Serialize, serde::Deserialize, PartialEq)]
struct Cached {
    key: String,
    layout: Layout,
}

fn cache_key() -> Option<String> {
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let size = std::fs::metadata(SYSFS_VMLINUX).ok()?.len();
    Some(format!("{} {size}", boot.trim()))
}

/// [`layout`], read from the cache when this boot's kernel already gave it
/// (the vmlinux scan is most of `prog show`'s fixed cost with few programs).
pub fn cached_layout() -> Option<Layout> {
    let key = cache_key()?;
    let hit = std::fs::read(CACHE)
        .ok()
        .and_then(|b| serde_json::from_slice::<Cached>(&b).ok())
        .filter(|c| c.key == key);
    if let Some(c) = hit {
        return Some(c.layout);
    }
    let layout = layout()?;
    store(&Cached { key, layout });
    Some(layout)
}

/// Best effort: a cache that can't be written only costs the next run the scan.
fn store(c: &Cached) {
    use std::os::unix::fs::DirBuilderExt;
    let dir = Path::new(CACHE).parent().unwrap_or(Path::new("/run"));
    let _ = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir);
    let Ok(bytes) = serde_json::to_vec(c) else {
        return;
    };
    // Written aside and renamed: a concurrent reader sees the old or the new file.
    let tmp = dir.join(format!(".holders-layout.{}", std::process::id()));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, CACHE).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_layout_is_the_scanned_one() {
        let Some(scanned) = layout() else {
            eprintln!("NOTE: no vmlinux BTF layout here: nothing to cache");
            return;
        };
        // First call may scan and store, the second reads back (when /run is writable).
        assert_eq!(cached_layout(), Some(scanned));
        assert_eq!(cached_layout(), Some(scanned));
    }
}
