//! Tool directories owned by a process: `tool run`'s `NAME-runPID`, and
//! the staging directories of a load (`NAME-loadingPID`) or an attach
//! (`NAME/attachingPID`) still in progress. Whoever dies while owning one
//! (SIGKILL, a crash) leaves it behind; the next tool command finds the
//! dead owners here and removes what they pinned.
//!
//! A pid can be reused: an owner counts as alive only if its process
//! started no later than the directory was created.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::pins::{self, ToolPaths};
use super::LoaderError;

/// What a process-owned directory is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A foreground `tool run` instance.
    Run,
    /// A `tool load` that has not renamed its staging directory yet.
    Load,
    /// A `tool attach` that has not renamed its staged links yet.
    Attach,
}

impl Purpose {
    fn infix(self) -> &'static str {
        match self {
            Purpose::Run => "-run",
            Purpose::Load => "-loading",
            Purpose::Attach => "attaching",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Run => "run",
            Purpose::Load => "load",
            Purpose::Attach => "attach",
        }
    }
}

/// The directory name `purpose` uses for `base` owned by this process.
pub fn owned_name(base: &str, purpose: Purpose) -> String {
    match purpose {
        Purpose::Attach => format!("{}{}", purpose.infix(), std::process::id()),
        _ => format!("{base}{}{}", purpose.infix(), std::process::id()),
    }
}

/// `(base tool, pid)` if `name` is a `tool run` instance name.
pub fn parse_run(name: &str) -> Option<(&str, u32)> {
    parse(name, Purpose::Run)
}

fn parse(name: &str, purpose: Purpose) -> Option<(&str, u32)> {
    let (base, pid) = name.rsplit_once(purpose.infix())?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) || pid.starts_with('0') {
        return None;
    }
    if purpose != Purpose::Attach && base.is_empty() {
        return None;
    }
    Some((base, pid.parse().ok()?))
}

/// A process-owned directory found under the tool root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    /// The directory name (`runqlat-run42`); for an attach, the tool's.
    pub name: String,
    /// The tool it belongs to (`runqlat`).
    pub base: String,
    pub purpose: Purpose,
    pub pid: u32,
    pub alive: bool,
    pub path: PathBuf,
}

/// Every process-owned directory under `root`, with its owner's liveness.
pub fn scan(root: &Path) -> Result<Vec<Owned>, LoaderError> {
    let mut found = Vec::new();
    for name in pins::entries(root)? {
        let path = root.join(&name);
        for purpose in [Purpose::Run, Purpose::Load] {
            if let Some((base, pid)) = parse(&name, purpose) {
                found.push(owned(&name, base, purpose, pid, &path));
            }
        }
        if !path.is_dir() {
            continue;
        }
        for sub in pins::entries(&path)? {
            if let Some((_, pid)) = parse(&sub, Purpose::Attach) {
                found.push(owned(&name, &name, Purpose::Attach, pid, &path.join(&sub)));
            }
        }
    }
    Ok(found)
}

fn owned(name: &str, base: &str, purpose: Purpose, pid: u32, path: &Path) -> Owned {
    let created = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    Owned {
        name: name.to_string(),
        base: base.to_string(),
        purpose,
        pid,
        alive: process_alive(pid, created),
        path: path.to_path_buf(),
    }
}

/// Whether `pid` runs and started before `since` (the directory's time).
fn process_alive(pid: u32, since: Option<SystemTime>) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let (Some(started), Some(since)) = (start_time(&stat), since) else {
        return true; // can't tell: never remove a live run's pins
    };
    // Start times are in clock ticks: allow a second of rounding.
    started <= since + Duration::from_secs(1)
}

/// A process's start as wall time, from its /proc/PID/stat line.
fn start_time(stat: &str) -> Option<SystemTime> {
    // comm may hold spaces and ')': fields resume after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let ticks: u64 = rest.split_whitespace().nth(19)?.parse().ok()?;
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .filter(|&h| h > 0)? as u64;
    let btime: u64 = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    let ms = btime * 1000 + ticks * 1000 / hz;
    Some(SystemTime::UNIX_EPOCH + Duration::from_millis(ms))
}

/// Removes what dead owners left: whole directories of runs and loads,
/// staged links of attaches (unpinning a link detaches it). Returns what
/// was removed.
pub fn sweep(root: &Path) -> Result<Vec<Owned>, LoaderError> {
    let mut removed = Vec::new();
    for o in scan(root)? {
        if o.alive {
            continue;
        }
        match o.purpose {
            Purpose::Attach => pins::remove_pin_dir(&o.path)?,
            _ => pins::remove_tool_dir(&ToolPaths::new(root, &o.name)?)?,
        }
        removed.push(o);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(parse_run("runqlat-run42"), Some(("runqlat", 42)));
        assert_eq!(parse_run("runqlat-run"), None);
        assert_eq!(parse_run("runqlat-run04"), None);
        assert_eq!(parse_run("-run4"), None);
        assert_eq!(parse_run("runqlat"), None);
        assert_eq!(parse("x-loading7", Purpose::Load), Some(("x", 7)));
        assert_eq!(parse("attaching9", Purpose::Attach), Some(("", 9)));
        assert!(owned_name("biolatency", Purpose::Run).starts_with("biolatency-run"));
    }

    #[test]
    fn stat_start() {
        let line = "1 (a) b) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0";
        // 100 ticks after boot: after the epoch, whatever btime is.
        assert!(start_time(line).is_some_and(|t| t > SystemTime::UNIX_EPOCH));
        assert!(process_alive(std::process::id(), None));
    }
}
