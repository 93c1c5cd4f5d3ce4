//! Attaching programs that are already loaded and pinned. `tool attach`
//! runs in a later process than `tool load`, so there is no libbpf
//! `bpf_program` to call `attach()` on: the link is made from the pinned
//! program's fd, as libbpf does internally, and pinned right away.

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use tracing_tools::AttachPoint;

use super::{bpf_err, fs, LoaderError};

fn errno_result(ret: i64) -> Result<i64, std::io::Error> {
    if ret < 0 {
        // libbpf 1.x returns -errno; the raw syscall returns -1 with errno set.
        if ret == -1 {
            return Err(std::io::Error::last_os_error());
        }
        return Err(std::io::Error::from_raw_os_error((-ret) as i32));
    }
    Ok(ret)
}

fn owned(fd: i64) -> OwnedFd {
    // SAFETY: `fd` was just returned by a successful syscall and nothing
    // else owns it.
    unsafe { OwnedFd::from_raw_fd(fd as i32) }
}

/// perf_event_open(2) of a tracepoint on CPU 0 for all tasks, as libbpf
/// does for `tracepoint/` programs (the BPF program runs on every CPU).
fn open_tracepoint_event(id: u64) -> Result<OwnedFd, std::io::Error> {
    let attr = libbpf_sys::perf_event_attr {
        type_: libbpf_sys::PERF_TYPE_TRACEPOINT,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config: id,
        ..Default::default()
    };
    // SAFETY: `attr` is a valid perf_event_attr for the duration of the call.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const libbpf_sys::perf_event_attr,
            -1 as libc::c_int,
            0 as libc::c_int,
            -1 as libc::c_int,
            libbpf_sys::PERF_FLAG_FD_CLOEXEC as libc::c_ulong,
        )
    };
    errno_result(ret).map(owned)
}

/// Attaches the program pinned at `prog_path` to `point`; returns the link.
pub fn attach_pinned(
    prog_name: &str,
    prog_path: &Path,
    point: &AttachPoint,
) -> Result<OwnedFd, LoaderError> {
    let prog = libbpf_rs::Program::fd_from_pinned_path(prog_path).map_err(bpf_err(format!(
        "can't open pinned program '{}'",
        prog_path.display()
    )))?;
    let fail = |source| LoaderError::Attach {
        prog: prog_name.to_string(),
        point: point.to_string(),
        source,
    };
    match point {
        AttachPoint::TpBtf(_) => {
            // tp_btf programs carry their target (attach_btf_id): no name is passed.
            // SAFETY: a NULL name is allowed for BTF-typed programs; the fd is valid.
            let ret =
                unsafe { libbpf_sys::bpf_raw_tracepoint_open(std::ptr::null(), prog.as_raw_fd()) };
            errno_result(ret.into()).map(owned).map_err(fail)
        }
        AttachPoint::Tracepoint(category, name) => {
            let id = fs::tracepoint_id(category, name)?;
            let event = open_tracepoint_event(id).map_err(fail)?;
            // The link holds the perf event: `event` may be closed after this.
            // SAFETY: both fds are valid; NULL opts means defaults.
            let ret = unsafe {
                libbpf_sys::bpf_link_create(
                    prog.as_raw_fd(),
                    event.as_raw_fd(),
                    libbpf_sys::BPF_PERF_EVENT,
                    std::ptr::null(),
                )
            };
            errno_result(ret.into()).map(owned).map_err(fail)
        }
    }
}

/// Pins any BPF object fd (link, program, map) at `path`.
pub fn pin_fd(fd: &OwnedFd, path: &Path) -> Result<(), std::io::Error> {
    let cpath = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `cpath` is a valid NUL-terminated string and `fd` is open.
    let ret = unsafe { libbpf_sys::bpf_obj_pin(fd.as_raw_fd(), cpath.as_ptr()) };
    errno_result(ret.into()).map(|_| ())
}

/// bpftool's `prog attach|detach` types: programs attached to a map
/// (sockmap/sockhash) or, for flow_dissector, to the current netns.
pub const MAP_ATTACH_TYPES: &[(&str, u32)] = &[
    ("stream_parser", libbpf_sys::BPF_SK_SKB_STREAM_PARSER),
    ("stream_verdict", libbpf_sys::BPF_SK_SKB_STREAM_VERDICT),
    ("skb_verdict", libbpf_sys::BPF_SK_SKB_VERDICT),
    ("msg_verdict", libbpf_sys::BPF_SK_MSG_VERDICT),
    ("flow_dissector", libbpf_sys::BPF_FLOW_DISSECTOR),
];

/// BPF_PROG_ATTACH of `prog` to `target` (a map fd, or 0 for the netns).
pub fn prog_attach(
    prog: &OwnedFd,
    target: Option<&OwnedFd>,
    attach_type: u32,
) -> Result<(), std::io::Error> {
    let target = target.map(|t| t.as_raw_fd()).unwrap_or(0);
    // SAFETY: plain integer arguments; the fds are open for the call.
    let ret = unsafe { libbpf_sys::bpf_prog_attach(prog.as_raw_fd(), target, attach_type, 0) };
    errno_result(ret.into()).map(|_| ())
}

/// BPF_PROG_DETACH of `prog` from `target`.
pub fn prog_detach(
    prog: &OwnedFd,
    target: Option<&OwnedFd>,
    attach_type: u32,
) -> Result<(), std::io::Error> {
    let target = target.map(|t| t.as_raw_fd()).unwrap_or(0);
    // SAFETY: plain integer arguments; the fds are open for the call.
    let ret = unsafe { libbpf_sys::bpf_prog_detach2(prog.as_raw_fd(), target, attach_type) };
    errno_result(ret.into()).map(|_| ())
}

/// BPF_LINK_DETACH: the link stays (and its pins), but no longer attached.
pub fn link_detach(link: &OwnedFd) -> Result<(), std::io::Error> {
    // SAFETY: the fd is an open link.
    let ret = unsafe { libbpf_sys::bpf_link_detach(link.as_raw_fd()) };
    errno_result(ret.into()).map(|_| ())
}
