//! The BPF file system: detection, mounting (through `super::mount`), the
//! mount points, and BPF_OBJ_GET on a pinned path.
use std::os::fd::OwnedFd;
use std::path::Path;

use super::call::{cpath, fd_result};
use super::error::{Result, SysError};

pub const BPF_FS_MAGIC: i64 = 0xcafe4a11;
pub const DEFAULT_MOUNT: &str = "/sys/fs/bpf";

/// Is this path on a bpffs? Missing path: walks up to the nearest existing parent.
pub fn is_bpffs(path: &Path) -> Result<bool> {
    let mut p = path;
    loop {
        match nix::sys::statfs::statfs(p) {
            Ok(st) => return Ok(st.filesystem_type().0 == BPF_FS_MAGIC),
            Err(nix::errno::Errno::ENOENT) => match p.parent() {
                Some(parent) => p = parent,
                None => return Ok(false),
            },
            Err(e) => {
                return Err(SysError::os(
                    format!("can't statfs {}", p.display()),
                    e as i32,
                ))
            }
        }
    }
}

/// Mount bpffs at /sys/fs/bpf if nothing is mounted there (bpftool does the same).
pub fn ensure_mounted() -> Result<()> {
    let target = Path::new(DEFAULT_MOUNT);
    if target.exists() && is_bpffs(target)? {
        return Ok(());
    }
    super::mount::mount("bpf", target, Some("mode=0700"))
}

/// Every bpffs mount point listed in /proc/mounts.
pub fn mount_points() -> Vec<String> {
    let text = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let _src = it.next()?;
            let dir = it.next()?;
            let fstype = it.next()?;
            (fstype == "bpf").then(|| unescape_mount(dir))
        })
        .collect();
    out.dedup();
    out
}

/// /proc/mounts escapes space, tab, newline and backslash as octal.
pub(crate) fn unescape_mount(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = (b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0');
            out.push(v);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// BPF_OBJ_GET on a pinned path, with the distinctions a user needs.
pub fn obj_get(path: &Path) -> Result<OwnedFd> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| {
        SysError::os(
            format!("bpf obj get ({})", path.display()),
            e.raw_os_error().unwrap_or(libc::ENOENT),
        )
    })?;
    if meta.is_dir() {
        return Err(SysError::Msg(format!(
            "bpf obj get ({}): is a directory, not a pinned object",
            path.display()
        )));
    }
    if !is_bpffs(path.parent().unwrap_or(Path::new("/")))? {
        return Err(SysError::Msg(format!(
            "bpf obj get ({}): not on a BPF file system (mount bpffs, e.g. at /sys/fs/bpf)",
            path.display()
        )));
    }
    let c = cpath(path)?;
    // SAFETY: c is a valid NUL-terminated path.
    let ret = unsafe { libbpf_sys::bpf_obj_get(c.as_ptr()) };
    fd_result(ret, || format!("bpf obj get ({})", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn unescapes_octal() {
        assert_eq!(super::unescape_mount("/a\\040b"), "/a b");
        assert_eq!(super::unescape_mount("/plain"), "/plain");
    }
}
