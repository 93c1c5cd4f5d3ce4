//! The only code that talks to the kernel.
//!
//! Every bpf(2) call goes through libbpf-sys's thin wrappers from here; the
//! rest of bpfscope sees records (`ProgRecord`, `MapRecord`, …) and typed
//! errors that carry what failed and the errno, so the CLI can print
//! `Error: can't get prog by id (4242): No such file or directory`.
pub mod bpffs;
pub mod btf;
pub mod cgroup;
pub mod eventpipe;
pub mod fdinfo;
pub mod feature;
pub mod handle;
pub mod ids;
pub mod link;
pub mod map;
pub mod mapops;
pub mod names;
pub mod net;
pub mod netattach;
pub mod perf;
pub mod pid_iter;
pub mod pids;
pub mod pins;
pub mod profile;
pub mod prog;
pub mod progdump;
pub mod query;
pub mod structops;
pub mod testrun;
pub mod token;
pub mod tracelog;

use std::ffi::CString;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;

pub use ids::ObjKind;

/// A failed kernel or file-system operation: what we tried, and the errno.
#[derive(Debug, thiserror::Error)]
pub enum SysError {
    #[error("{what}: {}{}", strerror(*.errno), hint(*.errno))]
    Os { what: String, errno: i32 },
    #[error("{0}")]
    Msg(String),
}

pub type Result<T> = std::result::Result<T, SysError>;

impl SysError {
    pub fn os(what: impl Into<String>, errno: i32) -> Self {
        SysError::Os {
            what: what.into(),
            errno,
        }
    }
    /// The errno of the last failed libc call, with a description of it.
    pub fn last(what: impl Into<String>) -> Self {
        Self::os(what, errno())
    }
    pub fn errno(&self) -> Option<i32> {
        match self {
            SysError::Os { errno, .. } => Some(*errno),
            SysError::Msg(_) => None,
        }
    }
}

pub fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn strerror(errno: i32) -> String {
    // The kernel's internal ENOTSUPP reaches user space through bpf(2).
    if errno == 524 {
        return "Operation not supported".into();
    }
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    // io::Error appends " (os error N)"; bpftool prints plain strerror.
    match s.rfind(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn hint(errno: i32) -> &'static str {
    match errno {
        libc::EPERM | libc::EACCES => " (CAP_BPF and CAP_SYS_ADMIN are needed: run as root)",
        _ => "",
    }
}

/// Turns a libbpf return value (fd or -errno style, errno set) into an OwnedFd.
pub(crate) fn fd_result(ret: i32, what: impl FnOnce() -> String) -> Result<OwnedFd> {
    if ret < 0 {
        let e = errno();
        return Err(SysError::os(what(), if e != 0 { e } else { -ret }));
    }
    // SAFETY: libbpf returned a fresh fd that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(ret) })
}

pub(crate) fn cpath(path: &Path) -> Result<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| SysError::Msg(format!("bad path {}: contains a NUL byte", path.display())))
}

/// Fills `info` through BPF_OBJ_GET_INFO_BY_FD; `T` is one of the uapi info structs.
pub(crate) fn get_info<T: Default>(fd: &impl std::os::fd::AsRawFd, info: &mut T) -> Result<()> {
    let mut len = std::mem::size_of::<T>() as u32;
    // SAFETY: info points to a properly sized, writable uapi struct; len says its size.
    let ret = unsafe {
        libbpf_sys::bpf_obj_get_info_by_fd(
            fd.as_raw_fd(),
            info as *mut T as *mut libc::c_void,
            &mut len,
        )
    };
    if ret < 0 {
        return Err(SysError::last("can't get object info"));
    }
    Ok(())
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
    if !bpffs::is_bpffs(path.parent().unwrap_or(Path::new("/")))? {
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

/// Converts a C char array (kernel object name) into a String.
pub(crate) fn cstr_name(raw: &[libc::c_char]) -> String {
    let bytes: Vec<u8> = raw
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The linked libbpf's version, as bpftool prints it (`1.7`).
pub fn libbpf_version() -> String {
    // SAFETY: libbpf returns a pointer to a static NUL-terminated string.
    let p = unsafe { libbpf_sys::libbpf_version_string() };
    if p.is_null() {
        return String::new();
    }
    // SAFETY: p is non-null and points to libbpf's static version string.
    let s = unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy();
    s.trim_start_matches('v').to_string()
}
