//! Static linking of BPF objects (`gen object`) through libbpf's linker,
//! exactly as bpftool does it: one `bpf_linker`, every input added in
//! order, then finalized into the output.
//!
//! The linker writes into an fd the caller opened, so the caller decides
//! where the bytes go (a temporary file renamed into place on success).

use std::ffi::CString;
use std::os::fd::AsRawFd;
use std::path::Path;

use super::{cpath, Result, SysError};

/// A libbpf linker writing into `out`, freed on drop.
struct Linker(*mut libbpf_sys::bpf_linker);

impl Drop for Linker {
    fn drop(&mut self) {
        // SAFETY: self.0 came from bpf_linker__new_fd, is non-null and is
        // freed exactly once, here (it does not close an fd it doesn't own).
        unsafe { libbpf_sys::bpf_linker__free(self.0) }
    }
}

/// Links `inputs`, in order, into the ELF object written to `out`.
pub fn link_objects(out: &impl AsRawFd, inputs: &[&Path]) -> Result<()> {
    let mut opts = libbpf_sys::bpf_linker_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_linker_opts>() as _,
    };
    // SAFETY: out is an open, writable fd that outlives the linker; opts is
    // a properly sized options struct.
    let raw = unsafe { libbpf_sys::bpf_linker__new_fd(out.as_raw_fd(), &mut opts) };
    if raw.is_null() {
        return Err(SysError::last("failed to create BPF linker instance"));
    }
    let linker = Linker(raw);
    for input in inputs {
        let c: CString = cpath(input)?;
        // SAFETY: linker is live; c is a NUL-terminated path; NULL opts are allowed.
        let ret =
            unsafe { libbpf_sys::bpf_linker__add_file(linker.0, c.as_ptr(), std::ptr::null()) };
        if ret < 0 {
            return Err(SysError::os(
                format!("failed to link '{}'", input.display()),
                -ret,
            ));
        }
    }
    // SAFETY: linker is live; finalize writes the ELF into the fd.
    let ret = unsafe { libbpf_sys::bpf_linker__finalize(linker.0) };
    if ret < 0 {
        return Err(SysError::os("failed to finalize ELF file", -ret));
    }
    Ok(())
}
