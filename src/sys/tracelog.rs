//! `prog tracelog` (bpftool's tracelog.c): the kernel's trace_pipe, where
//! bpf_printk() writes. tracefs is found where it is usually mounted or in
//! /proc/mounts, and mounted at /sys/kernel/tracing when missing (unless
//! the caller forbids mounting, bpftool's -n).
use std::fs::File;
use std::io::Read;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use super::{Result, SysError};

const TRACEFS_MAGIC: i64 = 0x74726163;

fn is_tracefs(p: &Path) -> bool {
    nix::sys::statfs::statfs(p).is_ok_and(|st| st.filesystem_type().0 == TRACEFS_MAGIC)
}

/// Where tracefs is mounted, if anywhere: the usual places, then /proc/mounts.
fn find_tracefs() -> Option<PathBuf> {
    for dir in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"] {
        if is_tracefs(Path::new(dir)) {
            return Some(dir.into());
        }
    }
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    mounts.lines().find_map(|l| {
        let mut it = l.split_whitespace();
        let (_, dir, fstype) = (it.next()?, it.next()?, it.next()?);
        let dir = PathBuf::from(super::bpffs::unescape_mount(dir));
        (fstype == "tracefs" && is_tracefs(&dir)).then_some(dir)
    })
}

/// The open trace pipe.
pub struct TracePipe {
    file: File,
}

/// Opens trace_pipe; `mounted` tells whether tracefs had to be mounted.
pub fn open(may_mount: bool) -> Result<(TracePipe, bool)> {
    let (dir, mounted) = match find_tracefs() {
        Some(d) => (d, false),
        None if may_mount => (super::tracefs::tracefs_dir()?, true),
        None => {
            return Err(SysError::Msg(
                "could not find tracefs (not mounted, and -n forbids mounting it)".into(),
            ))
        }
    };
    let path = dir.join("trace_pipe");
    let file = File::open(&path).map_err(|e| {
        SysError::os(
            "could not open trace pipe",
            e.raw_os_error().unwrap_or(libc::EIO),
        )
    })?;
    Ok((TracePipe { file }, mounted))
}

impl TracePipe {
    /// What the pipe holds after waiting up to `timeout_ms`: Ok(None) on a
    /// timeout or a signal, so the caller can look at its stop flag.
    pub fn read(&mut self, buf: &mut Vec<u8>, timeout_ms: i32) -> Result<Option<usize>> {
        let mut pfd = libc::pollfd {
            fd: self.file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call.
        let r = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
        if r < 0 {
            let e = super::errno();
            return if e == libc::EINTR {
                Ok(None)
            } else {
                Err(SysError::os("failed to read content from trace pipe", e))
            };
        }
        if r == 0 {
            return Ok(None);
        }
        let mut chunk = [0u8; 8192];
        match self.file.read(&mut chunk) {
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                Ok(Some(n))
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(None),
            Err(e) => Err(SysError::os(
                "failed to read content from trace pipe",
                e.raw_os_error().unwrap_or(libc::EIO),
            )),
        }
    }
}
