//! The small pieces every bpf(2) wrapper shares: fds from libbpf return
//! values, C paths, BPF_OBJ_GET_INFO_BY_FD, C names.
use std::ffi::CString;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;

use super::error::{errno, Result, SysError};

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

/// Converts a C char array (kernel object name) into a String.
pub(crate) fn cstr_name(raw: &[libc::c_char]) -> String {
    let bytes: Vec<u8> = raw
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}
