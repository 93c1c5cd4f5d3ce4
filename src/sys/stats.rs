//! Run-time statistics of programs (run_cnt, run_time_ns): BPF_ENABLE_STATS.
//!
//! The kernel counts only while some BPF_ENABLE_STATS fd is open or the
//! `kernel.bpf_stats_enabled` sysctl is 1. Holding an fd (rather than
//! writing the sysctl) means the previous state comes back by itself when
//! the fd closes — on return, on SIGTERM, and even on SIGKILL.
use std::os::fd::OwnedFd;

use super::{fd_result, Result};

const SYSCTL: &str = "/proc/sys/kernel/bpf_stats_enabled";

/// While alive, the kernel keeps run-time stats on (for everyone).
#[derive(Debug)]
pub struct StatsGuard {
    _fd: OwnedFd,
}

/// Turns run-time stats on until the guard is dropped.
pub fn enable() -> Result<StatsGuard> {
    // SAFETY: plain syscall wrapper taking an enum value.
    let ret = unsafe { libbpf_sys::bpf_enable_stats(libbpf_sys::BPF_STATS_RUN_TIME) };
    fd_result(ret, || "can't enable BPF run-time stats".to_string())
        .map(|fd| StatsGuard { _fd: fd })
}

/// The `kernel.bpf_stats_enabled` sysctl; None if it can't be read. It
/// reads back only what was written to it: stats held on through
/// BPF_ENABLE_STATS fds (ours or another process's) do not show there.
pub fn sysctl_enabled() -> Option<bool> {
    let s = std::fs::read_to_string(SYSCTL).ok()?;
    Some(s.trim() != "0")
}
