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
            link_perf_event(&prog, &event).map_err(fail)
        }
        AttachPoint::Fentry(_) | AttachPoint::Fexit(_) => {
            // Tracing programs carry their target too (attach_btf_id).
            // SAFETY: a NULL name is allowed for BTF-typed programs; the fd is valid.
            let ret =
                unsafe { libbpf_sys::bpf_raw_tracepoint_open(std::ptr::null(), prog.as_raw_fd()) };
            errno_result(ret.into()).map(owned).map_err(fail)
        }
        AttachPoint::Kprobe(func) | AttachPoint::Kretprobe(func) => {
            let retprobe = matches!(point, AttachPoint::Kretprobe(_));
            let event = open_kprobe_event(func, retprobe).map_err(fail)?;
            link_perf_event(&prog, &event).map_err(fail)
        }
        AttachPoint::PerfCpuClock => Err(LoaderError::Other {
            what: format!("can't attach program '{prog_name}'"),
            why: "perf_event programs attach per CPU (attach_perf_cpus)".into(),
        }),
    }
}

fn link_perf_event(prog: &OwnedFd, event: &OwnedFd) -> Result<OwnedFd, std::io::Error> {
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

fn perf_event_open(
    attr: &libbpf_sys::perf_event_attr,
    pid: i32,
    cpu: i32,
) -> Result<OwnedFd, std::io::Error> {
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

const KPROBE_PMU: &str = "/sys/bus/event_source/devices/kprobe";

/// A kprobe (or kretprobe) perf event on `func` through the kprobe PMU, as
/// libbpf does; ENOENT-style errors when the kernel has no kprobes.
fn open_kprobe_event(func: &str, retprobe: bool) -> Result<OwnedFd, std::io::Error> {
    let read = |f: &str| std::fs::read_to_string(std::path::Path::new(KPROBE_PMU).join(f));
    let pmu: u32 = read("type")?
        .trim()
        .parse()
        .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut config = 0u64;
    if retprobe {
        // format/retprobe reads "config:N": the bit that asks for a kretprobe.
        let bit: u32 = read("format/retprobe")?
            .trim()
            .strip_prefix("config:")
            .and_then(|b| b.parse().ok())
            .ok_or_else(|| std::io::Error::from_raw_os_error(libc::EINVAL))?;
        config = 1u64 << bit.min(63);
    }
    let name = CString::new(func).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut attr = libbpf_sys::perf_event_attr {
        type_: pmu,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config,
        ..Default::default()
    };
    attr.__bindgen_anon_3.config1 = name.as_ptr() as u64;
    perf_event_open(&attr, -1, 0)
}

/// `0 1 3` for display.
fn cpu_list(cpus: &[i32]) -> String {
    cpus.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Online CPUs from /sys/devices/system/cpu/online ("0-3,5").
fn online_cpus() -> Result<Vec<i32>, LoaderError> {
    let path = "/sys/devices/system/cpu/online";
    let text = std::fs::read_to_string(path).map_err(super::io_err("can't read", path))?;
    let mut cpus = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        match (a.parse::<i32>(), b.parse::<i32>()) {
            (Ok(a), Ok(b)) if a <= b => cpus.extend(a..=b),
            _ => {
                return Err(LoaderError::Other {
                    what: format!("can't parse {path}"),
                    why: format!("unexpected {:?}", text.trim()),
                })
            }
        }
    }
    Ok(cpus)
}

/// Attaches the perf_event program pinned at `prog_path` to a software
/// cpu-clock event sampling at `freq` Hz on each online CPU, or on `only`
/// (this works without a hardware PMU, e.g. in VMs). Returns (cpu, link)
/// pairs; on a failure the links made so far are dropped (closed) with the
/// error.
pub fn attach_perf_cpus(
    prog_name: &str,
    prog_path: &Path,
    freq: u64,
    only: Option<u32>,
) -> Result<Vec<(i32, OwnedFd)>, LoaderError> {
    let mut cpus = online_cpus()?;
    if let Some(want) = only {
        let wanted = |c: &i32| u32::try_from(*c) == Ok(want);
        if !cpus.iter().any(wanted) {
            return Err(LoaderError::Other {
                what: format!("can't sample CPU {want}"),
                why: format!("it is not online (online: {})", cpu_list(&cpus)),
            });
        }
        cpus.retain(wanted);
    }
    let prog = libbpf_rs::Program::fd_from_pinned_path(prog_path).map_err(bpf_err(format!(
        "can't open pinned program '{}'",
        prog_path.display()
    )))?;
    let mut links = Vec::new();
    for cpu in cpus {
        let fail = |source| LoaderError::Attach {
            prog: prog_name.to_string(),
            point: format!("{} on CPU {cpu}", AttachPoint::PerfCpuClock),
            source,
        };
        let mut attr = libbpf_sys::perf_event_attr {
            type_: libbpf_sys::PERF_TYPE_SOFTWARE,
            size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
            config: libbpf_sys::PERF_COUNT_SW_CPU_CLOCK as u64,
            ..Default::default()
        };
        attr.__bindgen_anon_1.sample_freq = freq;
        attr.set_freq(1);
        let event = perf_event_open(&attr, -1, cpu).map_err(fail)?;
        let link = link_perf_event(&prog, &event).map_err(fail)?;
        links.push((cpu, link));
    }
    Ok(links)
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
