//! Every raw kernel call: bpf(2) through libbpf-sys's thin wrappers
//! (`bpf_prog_load`, `bpf_link_create`, …), perf_event_open(2), mounts,
//! tracefs, and the /proc and bpffs scans. The one other module that reaches
//! the kernel is `loader`, and only through libbpf-rs objects (open, load,
//! pin, attach, map reads); tests/layering.rs checks that raw calls stay here.
//!
//! The rest of bpfscope sees records (`crate::record`, filled here) and
//! typed errors that carry what failed and the errno, so the CLI can print
//! `Error: can't get prog by id (4242): No such file or directory`.
pub mod attach;
pub mod bpffs;
pub mod btf;
pub mod call;
pub mod caps;
pub mod cgroup;
pub mod cpu;
pub mod error;
pub mod eventpipe;
pub mod fdinfo;
pub mod feature;
pub mod handle;
pub mod ids;
pub mod link;
pub mod linker;
pub mod map;
pub mod mapops;
pub mod mount;
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
pub mod stats;
pub mod structops;
pub mod testrun;
pub mod token;
pub mod tracefs;
pub mod tracelog;

pub use bpffs::obj_get;
pub(crate) use call::{cpath, cstr_name, fd_result, get_info};
pub use error::{errno, Result, SysError};
pub use ids::ObjKind;

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
