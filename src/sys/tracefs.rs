//! tracefs: found where it is mounted, mounted at /sys/kernel/tracing when
//! nowhere, and read for the tracepoints: their list, perf event ids and
//! format files (fields).
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
    let path = event_dir(category, name)?.join("id");
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

/// The directory of tracepoint `category:name`, after checking both are
/// plain names.
fn event_dir(category: &str, name: &str) -> Result<PathBuf> {
    let bad = |s: &str| s.is_empty() || s.contains('/') || s == "." || s == "..";
    if bad(category) || bad(name) {
        return Err(SysError::Msg(format!(
            "bad tracepoint name '{category}:{name}'"
        )));
    }
    Ok(tracefs_dir()?.join("events").join(category).join(name))
}

/// The text of tracepoint `category:name`'s format file (its fields).
pub fn tracepoint_format(category: &str, name: &str) -> Result<String> {
    let path = event_dir(category, name)?.join("format");
    std::fs::read_to_string(&path).map_err(|e| {
        SysError::os(
            format!("can't read {}", path.display()),
            e.raw_os_error().unwrap_or(0),
        )
    })
}

/// Every tracepoint as (category, name), sorted: the directories of
/// events/ that hold an `id` file.
pub fn tracepoints() -> Result<Vec<(String, String)>> {
    let events = tracefs_dir()?.join("events");
    let read = |p: &Path| {
        std::fs::read_dir(p).map_err(|e| {
            SysError::os(
                format!("can't read {}", p.display()),
                e.raw_os_error().unwrap_or(0),
            )
        })
    };
    let mut out = Vec::new();
    for cat in read(&events)?.flatten() {
        if !cat.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(names) = std::fs::read_dir(cat.path()) else {
            continue;
        };
        for ev in names.flatten() {
            if ev.path().join("id").is_file() {
                out.push((
                    cat.file_name().to_string_lossy().into_owned(),
                    ev.file_name().to_string_lossy().into_owned(),
                ));
            }
        }
    }
    out.sort();
    Ok(out)
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
