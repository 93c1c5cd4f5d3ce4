//! tracefs: found where it is mounted, mounted at /sys/kernel/tracing when
//! nowhere, and read for the perf event ids of tracepoints.
use std::path::{Path, PathBuf};

use super::{Result, SysError};

const TRACEFS: &str = "/sys/kernel/tracing";
const DEBUGFS_TRACING: &str = "/sys/kernel/debug/tracing";
const TRACEFS_MAGIC: i64 = 0x74726163;

fn is_tracefs(p: &Path) -> bool {
    super::mount::fs_magic(p) == Some(TRACEFS_MAGIC)
}

/// The tracefs directory; mounts tracefs at /sys/kernel/tracing when none is mounted.
pub fn tracefs_dir() -> Result<PathBuf> {
    for dir in [TRACEFS, DEBUGFS_TRACING] {
        let p = Path::new(dir);
        if is_tracefs(p) {
            return Ok(p.to_path_buf());
        }
    }
    super::mount::mount("tracefs", Path::new(TRACEFS), None)?;
    Ok(PathBuf::from(TRACEFS))
}

/// The perf event id of tracepoint `category:name` (e.g. `syscalls`, `sys_enter_getpid`).
pub fn tracepoint_id(category: &str, name: &str) -> Result<u64> {
    let bad = |s: &str| s.is_empty() || s.contains('/') || s == "." || s == "..";
    if bad(category) || bad(name) {
        return Err(SysError::Msg(format!(
            "bad tracepoint name '{category}:{name}'"
        )));
    }
    let path = tracefs_dir()?
        .join("events")
        .join(category)
        .join(name)
        .join("id");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        SysError::os(
            format!("can't read tracepoint id ({})", path.display()),
            e.raw_os_error().unwrap_or(0),
        )
    })?;
    text.trim()
        .parse()
        .map_err(|_| SysError::Msg(format!("bad tracepoint id in {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_tracepoint_names_are_refused() {
        assert!(tracepoint_id("..", "x").is_err());
        assert!(tracepoint_id("a/b", "x").is_err());
        assert!(tracepoint_id("", "x").is_err());
    }
}
