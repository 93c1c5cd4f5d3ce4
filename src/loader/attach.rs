//! Attaching programs that are already loaded and pinned. `tool attach`
//! runs in a later process than `tool load`, so there is no libbpf
//! `bpf_program` to call `attach()` on: the link is made from the pinned
//! program's fd, as libbpf does internally (the calls are in
//! `sys::attach`), and pinned right away.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;

use tracing_tools::probe::{Probe, Target};
use tracing_tools::{AttachPoint, Config};

use super::uprobe::{self, UprobeTarget};
use super::{bpf_err, LoaderError};
use crate::sys::attach::{
    cpu_clock_event, hardware_event, kprobe_event, link_btf_typed, link_perf_event,
    link_perf_event_cookie, tracepoint_event, uprobe_event,
};

/// Attaches the program pinned at `prog_path` to `point`; returns the link.
/// Uprobes take their binary and process from `config`
/// ([`Config::uprobe_binary`], [`Config::uprobe_pid`]).
pub fn attach_pinned(
    prog_name: &str,
    prog_path: &Path,
    point: &AttachPoint,
    config: &Config,
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
        // tp_btf and tracing programs carry their target (attach_btf_id).
        AttachPoint::TpBtf(_) | AttachPoint::Fentry(_) | AttachPoint::Fexit(_) => {
            link_btf_typed(&prog).map_err(fail)
        }
        AttachPoint::Tracepoint(category, name) => {
            let id = crate::sys::tracefs::tracepoint_id(category, name)?;
            let event = tracepoint_event(id).map_err(fail)?;
            // The link holds the perf event: `event` may be closed after this.
            link_perf_event(&prog, &event).map_err(fail)
        }
        AttachPoint::Kprobe(func) | AttachPoint::Kretprobe(func) => {
            let retprobe = matches!(point, AttachPoint::Kretprobe(_));
            let event = kprobe_event(func, retprobe).map_err(fail)?;
            link_perf_event(&prog, &event).map_err(fail)
        }
        AttachPoint::Uprobe(binary, func) | AttachPoint::Uretprobe(binary, func) => {
            let target = uprobe::resolve(config.uprobe_binary(binary), func)?;
            let retprobe = matches!(point, AttachPoint::Uretprobe(..));
            attach_uprobe(&prog, prog_name, &target, retprobe, config.uprobe_pid, 0)
        }
        AttachPoint::PerfCpuClock | AttachPoint::PerfHardware(_) | AttachPoint::Targets => {
            Err(LoaderError::Other {
                what: format!("can't attach program '{prog_name}'"),
                why: "it attaches per CPU or per target (attach_perf_cpus, attach_target)".into(),
            })
        }
    }
}

/// Attaches the program pinned at `prog_path` to a command-line target,
/// with the target's cookie on the link (bpf_get_attach_cookie()).
/// Uprobes go into process `pid` only, when given.
pub fn attach_target(
    prog_name: &str,
    prog_path: &Path,
    target: &Target,
    pid: Option<u32>,
) -> Result<OwnedFd, LoaderError> {
    let prog = libbpf_rs::Program::fd_from_pinned_path(prog_path).map_err(bpf_err(format!(
        "can't open pinned program '{}'",
        prog_path.display()
    )))?;
    let fail = |source| LoaderError::Attach {
        prog: prog_name.to_string(),
        point: target.probe.to_string(),
        source,
    };
    let event = match &target.probe {
        Probe::Tracepoint { category, name } => {
            let id = crate::sys::tracefs::tracepoint_id(category, name)?;
            tracepoint_event(id).map_err(fail)?
        }
        Probe::Kprobe { func, ret } => kprobe_event(func, *ret).map_err(fail)?,
        Probe::Uprobe { binary, func, ret } => {
            let at = uprobe::resolve(binary, func)?;
            return attach_uprobe(&prog, prog_name, &at, *ret, pid, target.cookie);
        }
    };
    // The link holds the perf event: `event` may be closed after this.
    link_perf_event_cookie(&prog, &event, target.cookie).map_err(fail)
}

/// Attaches the loaded program `prog` at `target` (its return when
/// `retprobe`), in process `pid` only or in every process, with `cookie`
/// for bpf_get_attach_cookie(); returns the link.
pub fn attach_uprobe(
    prog: &impl AsRawFd,
    prog_name: &str,
    target: &UprobeTarget,
    retprobe: bool,
    pid: Option<u32>,
    cookie: u64,
) -> Result<OwnedFd, LoaderError> {
    let fail = |source| LoaderError::Attach {
        prog: prog_name.to_string(),
        point: format!(
            "{}/{}:{} (offset {:#x}){}",
            if retprobe { "uretprobe" } else { "uprobe" },
            target.path.display(),
            target.func,
            target.offset,
            pid.map(|p| format!(" in PID {p}")).unwrap_or_default()
        ),
        source,
    };
    let event = uprobe_event(&target.path, target.offset, retprobe, pid).map_err(fail)?;
    // The link holds the perf event: `event` may be closed after this.
    link_perf_event_cookie(prog, &event, cookie).map_err(fail)
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

/// Attaches the perf_event program pinned at `prog_path` to `point` on
/// each online CPU, or on `only`: a software cpu-clock event sampling at
/// `rate` Hz (this works without a hardware PMU, e.g. in VMs), or a
/// hardware event overflowing every `rate` events. Returns (cpu, link)
/// pairs; on a failure the links made so far are dropped (closed) with the
/// error.
pub fn attach_perf_cpus(
    prog_name: &str,
    prog_path: &Path,
    point: &AttachPoint,
    rate: u64,
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
            point: format!("{point} on CPU {cpu}"),
            source,
        };
        let event = match point {
            AttachPoint::PerfHardware(ev) => hardware_event(ev.config(), rate, cpu),
            AttachPoint::PerfCpuClock => cpu_clock_event(rate, cpu),
            // Not a perf event: the caller's mistake, said as EINVAL.
            _ => Err(std::io::Error::from_raw_os_error(libc::EINVAL)),
        }
        .map_err(fail)?;
        let link = link_perf_event(&prog, &event).map_err(fail)?;
        links.push((cpu, link));
    }
    Ok(links)
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
