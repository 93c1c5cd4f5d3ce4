//! Pseudo file systems: which one a path is on, and mounting one where
//! nothing is mounted (bpffs for pins, tracefs for tracepoint ids). The one
//! mount helper of bpfscope.
use std::path::Path;

use super::{Result, SysError};

/// The file-system magic of the mount `path` is on (None if unreadable).
pub(crate) fn fs_magic(path: &Path) -> Option<i64> {
    nix::sys::statfs::statfs(path)
        .ok()
        .map(|st| st.filesystem_type().0)
}

/// Mounts a pseudo file system (`bpf`, `tracefs`) at `target`, creating
/// the directory first.
pub(crate) fn mount(fstype: &'static str, target: &Path, data: Option<&str>) -> Result<()> {
    let name = if fstype == "bpf" { "bpffs" } else { fstype };
    std::fs::create_dir_all(target).map_err(|e| {
        SysError::os(
            format!("can't create {}", target.display()),
            e.raw_os_error().unwrap_or(0),
        )
    })?;
    nix::mount::mount(
        Some(fstype),
        target,
        Some(fstype),
        nix::mount::MsFlags::empty(),
        data,
    )
    .map_err(|e| {
        SysError::os(
            format!("can't mount {name} at {}", target.display()),
            e as i32,
        )
    })
}
