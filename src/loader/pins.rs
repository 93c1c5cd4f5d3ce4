//! Path rules for pinned tools. Every path the loader creates or removes is
//! built here from a validated name under the tool root, which is
//! `/sys/fs/bpf/bpfscope` or, for tests, `$BPFSCOPE_TOOL_ROOT` when that is
//! a plain directory directly under `/sys/fs/bpf/`.

use std::path::{Path, PathBuf};

use super::{io_err, LoaderError};

pub const BPFFS: &str = "/sys/fs/bpf";
pub const DEFAULT_ROOT: &str = "/sys/fs/bpf/bpfscope";
pub const ROOT_ENV: &str = "BPFSCOPE_TOOL_ROOT";

/// A name used as one path component (tool, program, map, link).
pub fn validate_name(name: &str) -> Result<(), LoaderError> {
    let bad = |why| {
        Err(LoaderError::InvalidName {
            name: shown(name),
            why,
        })
    };
    if name.is_empty() {
        return bad("empty");
    }
    if name.len() > 64 {
        return bad("longer than 64 characters");
    }
    if name == "." {
        return bad("'.' is not allowed");
    }
    if name == ".." || name.contains("..") {
        return bad("'..' is not allowed");
    }
    if name.contains('.') {
        // bpffs itself refuses such names (EPERM): say why up front.
        return bad("bpffs does not allow '.' in names");
    }
    if name.contains('/') {
        return bad("'/' is not allowed");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
    {
        return bad("only letters, digits, '_', '-' and '.' are allowed");
    }
    Ok(())
}

/// A name as an error message quotes it: escaped, and cut to 64
/// characters so that a huge argument is not echoed back in full.
fn shown(name: &str) -> String {
    let cut: String = name.chars().take(64).collect();
    let mut s = cut.escape_debug().to_string();
    if cut.len() < name.len() {
        s.push_str(&format!("… ({} bytes)", name.len()));
    }
    s
}

/// The tool root: `$BPFSCOPE_TOOL_ROOT` if set (and valid), else the default.
pub fn tool_root() -> Result<PathBuf, LoaderError> {
    match std::env::var(ROOT_ENV) {
        Ok(v) if !v.is_empty() => check_root(&v),
        _ => Ok(PathBuf::from(DEFAULT_ROOT)),
    }
}

/// A root must be one plain component directly under /sys/fs/bpf.
pub fn check_root(path: &str) -> Result<PathBuf, LoaderError> {
    let bad = |why| {
        Err(LoaderError::InvalidRoot {
            path: path.to_string(),
            why,
        })
    };
    let Some(rest) = path.trim_end_matches('/').strip_prefix("/sys/fs/bpf/") else {
        return bad("must be a directory directly under /sys/fs/bpf/");
    };
    if validate_name(rest).is_err() {
        return bad("must be one plain name under /sys/fs/bpf/ (no '/', no '..')");
    }
    Ok(Path::new(BPFFS).join(rest))
}

/// The pin directories of one tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolPaths {
    pub dir: PathBuf,
    pub progs: PathBuf,
    pub maps: PathBuf,
    pub links: PathBuf,
}

impl ToolPaths {
    pub fn new(root: &Path, name: &str) -> Result<Self, LoaderError> {
        validate_name(name)?;
        let dir = root.join(name);
        Ok(ToolPaths {
            progs: dir.join("progs"),
            maps: dir.join("maps"),
            links: dir.join("links"),
            dir,
        })
    }

    pub fn prog(&self, name: &str) -> Result<PathBuf, LoaderError> {
        validate_name(name)?;
        Ok(self.progs.join(name))
    }

    pub fn map(&self, name: &str) -> Result<PathBuf, LoaderError> {
        validate_name(name)?;
        Ok(self.maps.join(name))
    }

    pub fn link(&self, name: &str) -> Result<PathBuf, LoaderError> {
        validate_name(name)?;
        Ok(self.links.join(name))
    }

    pub fn exists(&self) -> bool {
        self.dir.exists()
    }
}

/// Names of the entries of a pin directory (empty if it does not exist).
pub fn entries(dir: &Path) -> Result<Vec<String>, LoaderError> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err("can't read directory", dir)(e)),
    };
    let mut names = Vec::new();
    for entry in rd {
        let entry = entry.map_err(io_err("can't read directory", dir))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Removes the pins in `dir` (one level, pins only) and then `dir`.
/// Unpinning a link detaches it; unpinning the last reference frees a
/// program or map.
pub fn remove_pin_dir(dir: &Path) -> Result<(), LoaderError> {
    clear_pin_dir(dir)?;
    match std::fs::remove_dir(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err("can't remove directory", dir)(e)),
    }
}

/// Removes the pins in `dir`, keeping `dir`.
pub fn clear_pin_dir(dir: &Path) -> Result<(), LoaderError> {
    for name in entries(dir)? {
        let path = dir.join(&name);
        // Pins are files in bpffs; a directory here is not ours to remove.
        std::fs::remove_file(&path).map_err(io_err("can't remove pin", &path))?;
    }
    Ok(())
}

/// Removes a tool's whole directory: links first (detach), staged links
/// of an attach that never finished, then programs and maps. Anything else
/// found there is left, and the removal fails.
pub fn remove_tool_dir(paths: &ToolPaths) -> Result<(), LoaderError> {
    remove_pin_dir(&paths.links)?;
    for name in entries(&paths.dir)? {
        if name.starts_with("attaching") {
            remove_pin_dir(&paths.dir.join(name))?;
        }
    }
    remove_pin_dir(&paths.progs)?;
    remove_pin_dir(&paths.maps)?;
    match std::fs::remove_dir(&paths.dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err("can't remove tool directory", &paths.dir)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(validate_name("biolatency").is_ok());
        assert!(validate_name("sys_enter_openat").is_ok());
        for bad in ["", ".", "..", "a/b", "../x", "a..b", "a.b", "x\n", "a b"] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
        let dot = validate_name(".").unwrap_err().to_string();
        assert!(dot.contains("'.' is not allowed"), "{dot}");
        let long = validate_name(&"x".repeat(5000)).unwrap_err().to_string();
        assert!(long.len() < 200 && long.contains("5000 bytes"), "{long}");
    }

    #[test]
    fn roots() {
        assert_eq!(
            check_root("/sys/fs/bpf/bpfscope-test-1-2").unwrap(),
            PathBuf::from("/sys/fs/bpf/bpfscope-test-1-2")
        );
        for bad in [
            "/tmp/x",
            "/sys/fs/bpf/",
            "/sys/fs/bpf/../x",
            "/sys/fs/bpf/a/b",
            "/sys/fs/bpfx/a",
        ] {
            assert!(check_root(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_stay_inside() {
        let p = ToolPaths::new(Path::new(DEFAULT_ROOT), "biolatency").unwrap();
        assert_eq!(
            p.progs,
            PathBuf::from("/sys/fs/bpf/bpfscope/biolatency/progs")
        );
        assert!(ToolPaths::new(Path::new(DEFAULT_ROOT), "..").is_err());
        assert!(p.prog("../../x").is_err());
    }
}
