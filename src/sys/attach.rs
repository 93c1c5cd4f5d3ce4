//! The raw attach calls: perf events (tracepoint, kprobe and uprobe PMUs,
//! cpu-clock, hardware events), links on them and on BTF-typed programs,
//! BPF_PROG_ATTACH/DETACH, link detach, pinning an fd, and the probes of
//! `tool list` (fentry/fexit, hardware events).
//!
//! Errors are `std::io::Error`s with the errno, for the loader to wrap with
//! the program and attach point it was working on.
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fn errno_result(ret: i64) -> io::Result<i64> {
    if ret < 0 {
        // libbpf 1.x returns -errno; the raw syscall returns -1 with errno set.
        if ret == -1 {
            return Err(io::Error::last_os_error());
        }
        return Err(io::Error::from_raw_os_error((-ret) as i32));
    }
    Ok(ret)
}

fn owned(fd: i64) -> OwnedFd {
    // SAFETY: `fd` was just returned by a successful syscall and nothing
    // else owns it.
    unsafe { OwnedFd::from_raw_fd(fd as i32) }
}

fn perf_event_open(attr: &libbpf_sys::perf_event_attr, pid: i32, cpu: i32) -> io::Result<OwnedFd> {
    // SAFETY: `attr` is a valid perf_event_attr for the duration of the call.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            attr as *const libbpf_sys::perf_event_attr,
            pid as libc::c_int,
            cpu as libc::c_int,
            -1 as libc::c_int,
            libbpf_sys::PERF_FLAG_FD_CLOEXEC as libc::c_ulong,
        )
    };
    errno_result(ret).map(owned)
}

/// perf_event_open(2) of tracepoint `id` on CPU 0 for all tasks, as libbpf
/// does for `tracepoint/` programs (the BPF program runs on every CPU).
pub fn tracepoint_event(id: u64) -> io::Result<OwnedFd> {
    let attr = libbpf_sys::perf_event_attr {
        type_: libbpf_sys::PERF_TYPE_TRACEPOINT,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config: id,
        ..Default::default()
    };
    perf_event_open(&attr, -1, 0)
}

const KPROBE_PMU: &str = "/sys/bus/event_source/devices/kprobe";
/// The uprobe PMU's directory: its presence means this kernel has uprobes.
pub const UPROBE_PMU: &str = "/sys/bus/event_source/devices/uprobe";

/// The perf event type of the PMU at `dir` and, for a return probe, the
/// config bit its format/retprobe names ("config:N"), as libbpf reads them.
fn probe_pmu(dir: &str, retprobe: bool) -> io::Result<(u32, u64)> {
    let read = |f: &str| std::fs::read_to_string(Path::new(dir).join(f));
    let invalid = || io::Error::from_raw_os_error(libc::EINVAL);
    let pmu: u32 = read("type")?.trim().parse().map_err(|_| invalid())?;
    let mut config = 0u64;
    if retprobe {
        let bit: u32 = read("format/retprobe")?
            .trim()
            .strip_prefix("config:")
            .and_then(|b| b.parse().ok())
            .ok_or_else(invalid)?;
        config = 1u64 << bit.min(63);
    }
    Ok((pmu, config))
}

/// A kprobe (or kretprobe) perf event on `func` through the kprobe PMU, as
/// libbpf does; ENOENT-style errors when the kernel has no kprobes.
pub fn kprobe_event(func: &str, retprobe: bool) -> io::Result<OwnedFd> {
    let (pmu, config) = probe_pmu(KPROBE_PMU, retprobe)?;
    let name = CString::new(func).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut attr = libbpf_sys::perf_event_attr {
        type_: pmu,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config,
        ..Default::default()
    };
    attr.__bindgen_anon_3.config1 = name.as_ptr() as u64;
    perf_event_open(&attr, -1, 0)
}

/// A uprobe (or uretprobe) perf event at file offset `offset` of the ELF
/// file `path`, through the uprobe PMU, as libbpf does: in process `pid`
/// only (any CPU), or in every process that maps the file (`None`).
pub fn uprobe_event(
    path: &Path,
    offset: u64,
    retprobe: bool,
    pid: Option<u32>,
) -> io::Result<OwnedFd> {
    let (pmu, config) = probe_pmu(UPROBE_PMU, retprobe)?;
    let cpath = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut attr = libbpf_sys::perf_event_attr {
        type_: pmu,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config,
        ..Default::default()
    };
    attr.__bindgen_anon_3.uprobe_path = cpath.as_ptr() as u64;
    attr.__bindgen_anon_4.probe_offset = offset;
    // perf_event_open takes (pid, -1) for one task on any CPU, (-1, cpu)
    // for every task; the BPF program then runs wherever the probe hits.
    match pid {
        Some(pid) => {
            let pid = i32::try_from(pid).map_err(|_| io::Error::from_raw_os_error(libc::ESRCH))?;
            perf_event_open(&attr, pid, -1)
        }
        None => perf_event_open(&attr, -1, 0),
    }
}

/// A software cpu-clock event sampling at `freq` Hz on `cpu` (works without
/// a hardware PMU, e.g. in VMs).
pub fn cpu_clock_event(freq: u64, cpu: i32) -> io::Result<OwnedFd> {
    let mut attr = libbpf_sys::perf_event_attr {
        type_: libbpf_sys::PERF_TYPE_SOFTWARE,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config: libbpf_sys::PERF_COUNT_SW_CPU_CLOCK as u64,
        ..Default::default()
    };
    attr.__bindgen_anon_1.sample_freq = freq;
    attr.set_freq(1);
    perf_event_open(&attr, -1, cpu)
}

fn hardware_attr(config: u64) -> libbpf_sys::perf_event_attr {
    libbpf_sys::perf_event_attr {
        type_: libbpf_sys::PERF_TYPE_HARDWARE,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config,
        ..Default::default()
    }
}

/// A hardware event (`PERF_TYPE_HARDWARE` `config`, e.g. cache misses) on
/// `cpu` for all tasks, overflowing every `period` events. Fails (ENOENT,
/// EOPNOTSUPP) where no PMU counts it, as in most VMs.
pub fn hardware_event(config: u64, period: u64, cpu: i32) -> io::Result<OwnedFd> {
    let mut attr = hardware_attr(config);
    attr.__bindgen_anon_1.sample_period = period;
    perf_event_open(&attr, -1, cpu)
}

/// Whether a PMU counts hardware event `config` here: opens it, disabled,
/// on this process alone, and closes it. The error says why not.
pub fn probe_hardware_event(config: u64) -> io::Result<()> {
    let mut attr = hardware_attr(config);
    attr.set_disabled(1);
    // User space only: allowed at any perf_event_paranoid, so an error
    // means the event, not the permission.
    attr.set_exclude_kernel(1);
    attr.set_exclude_hv(1);
    perf_event_open(&attr, 0, -1).map(drop)
}

/// A BPF_PERF_EVENT link of `prog` on `event`; the link holds the event,
/// so `event` may be closed afterwards.
pub fn link_perf_event(prog: &impl AsRawFd, event: &OwnedFd) -> io::Result<OwnedFd> {
    // SAFETY: both fds are valid; NULL opts means defaults.
    let ret = unsafe {
        libbpf_sys::bpf_link_create(
            prog.as_raw_fd(),
            event.as_raw_fd(),
            libbpf_sys::BPF_PERF_EVENT,
            std::ptr::null(),
        )
    };
    errno_result(ret.into()).map(owned)
}

/// [`link_perf_event`] with `cookie` as the value bpf_get_attach_cookie()
/// returns in the program (the generic tools' target index).
pub fn link_perf_event_cookie(
    prog: &impl AsRawFd,
    event: &OwnedFd,
    cookie: u64,
) -> io::Result<OwnedFd> {
    let mut opts = libbpf_sys::bpf_link_create_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_link_create_opts>() as _,
        ..Default::default()
    };
    opts.__bindgen_anon_1.perf_event.bpf_cookie = cookie;
    // SAFETY: both fds are valid; `opts` outlives the call and `sz` is its size.
    let ret = unsafe {
        libbpf_sys::bpf_link_create(
            prog.as_raw_fd(),
            event.as_raw_fd(),
            libbpf_sys::BPF_PERF_EVENT,
            &opts,
        )
    };
    errno_result(ret.into()).map(owned)
}

/// A link for a program that carries its own target (tp_btf, fentry, fexit:
/// attach_btf_id), through BPF_RAW_TRACEPOINT_OPEN with no name.
pub fn link_btf_typed(prog: &impl AsRawFd) -> io::Result<OwnedFd> {
    // SAFETY: a NULL name is allowed for BTF-typed programs; the fd is valid.
    let ret = unsafe { libbpf_sys::bpf_raw_tracepoint_open(std::ptr::null(), prog.as_raw_fd()) };
    errno_result(ret.into()).map(owned)
}

/// Pins any BPF object fd (link, program, map) at `path`.
pub fn pin_fd(fd: &OwnedFd, path: &Path) -> io::Result<()> {
    let cpath = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `cpath` is a valid NUL-terminated string and `fd` is open.
    let ret = unsafe { libbpf_sys::bpf_obj_pin(fd.as_raw_fd(), cpath.as_ptr()) };
    errno_result(ret.into()).map(|_| ())
}

/// BPF_PROG_ATTACH of `prog` to `target` (a map fd, or 0 for the netns).
pub fn prog_attach(prog: &OwnedFd, target: Option<&OwnedFd>, attach_type: u32) -> io::Result<()> {
    let target = target.map(|t| t.as_raw_fd()).unwrap_or(0);
    // SAFETY: plain integer arguments; the fds are open for the call.
    let ret = unsafe { libbpf_sys::bpf_prog_attach(prog.as_raw_fd(), target, attach_type, 0) };
    errno_result(ret.into()).map(|_| ())
}

/// BPF_PROG_DETACH of `prog` from `target`.
pub fn prog_detach(prog: &OwnedFd, target: Option<&OwnedFd>, attach_type: u32) -> io::Result<()> {
    let target = target.map(|t| t.as_raw_fd()).unwrap_or(0);
    // SAFETY: plain integer arguments; the fds are open for the call.
    let ret = unsafe { libbpf_sys::bpf_prog_detach2(prog.as_raw_fd(), target, attach_type) };
    errno_result(ret.into()).map(|_| ())
}

/// BPF_LINK_DETACH: the link stays (and its pins), but no longer attached.
pub fn link_detach(link: &OwnedFd) -> io::Result<()> {
    // SAFETY: the fd is an open link.
    let ret = unsafe { libbpf_sys::bpf_link_detach(link.as_raw_fd()) };
    errno_result(ret.into()).map(|_| ())
}

/// Loads `r0 = 0; exit` as a fentry (or fexit) program on BTF id `btf_id`
/// of vmlinux: the probe of the `tool list` support check. The raw result:
/// the fd, or a negative value with errno set.
fn load_tracing_probe(exit: bool, btf_id: u32) -> i32 {
    let insns = [
        libbpf_sys::bpf_insn {
            code: (libbpf_sys::BPF_ALU64 | libbpf_sys::BPF_MOV | libbpf_sys::BPF_K) as u8,
            ..Default::default()
        },
        libbpf_sys::bpf_insn {
            code: (libbpf_sys::BPF_JMP | libbpf_sys::BPF_EXIT) as u8,
            ..Default::default()
        },
    ];
    let mut opts = libbpf_sys::bpf_prog_load_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_load_opts>() as _,
        expected_attach_type: if exit {
            libbpf_sys::BPF_TRACE_FEXIT
        } else {
            libbpf_sys::BPF_TRACE_FENTRY
        },
        attach_btf_id: btf_id,
        ..Default::default()
    };
    // SAFETY: the name and license are NUL-terminated, `insns` and `opts`
    // outlive the call and `opts.sz` is its size.
    unsafe {
        libbpf_sys::bpf_prog_load(
            libbpf_sys::BPF_PROG_TYPE_TRACING,
            c"bpfscope_probe".as_ptr(),
            c"GPL".as_ptr(),
            insns.as_ptr(),
            insns.len() as _,
            &mut opts,
        )
    }
}

/// Whether this kernel runs BPF trampolines on vmlinux BTF id `btf_id` (no
/// kernel support, or a locked-down ftrace, fail here). The probe program
/// and its link are closed right away.
pub fn probe_tracing_attach(exit: bool, btf_id: u32) -> bool {
    let fd = load_tracing_probe(exit, btf_id);
    let Ok(prog) = errno_result(fd.into()).map(owned) else {
        return false;
    };
    // Dropping the link detaches it.
    link_btf_typed(&prog).is_ok()
}
