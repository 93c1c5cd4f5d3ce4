//! `prog profile` (bpftool's do_profile): its metrics, what the kernel
//! must offer to measure them, and the arithmetic on the readings.
//!
//! bpftool measures a program by attaching fentry and fexit programs to it
//! that read hardware perf counters around each run. That needs BPF
//! trampolines on BPF programs and the CPU's counters; `check` tries both
//! with throw-away objects (closed before it returns) and says which is
//! missing.
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::{get_info, Result, SysError};
pub use crate::record::profile::*;

fn perf_open(m: &Metric) -> std::result::Result<OwnedFd, i32> {
    let mut attr = libbpf_sys::perf_event_attr {
        type_: m.perf_type,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config: m.config,
        ..Default::default()
    };
    attr.set_exclude_user(1);
    // SAFETY: attr is complete and lives across the call; counting on CPU 0.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const libbpf_sys::perf_event_attr,
            -1 as libc::c_int,
            0 as libc::c_int,
            -1 as libc::c_int,
            libbpf_sys::PERF_FLAG_FD_CLOEXEC as libc::c_ulong,
        )
    };
    if fd < 0 {
        return Err(super::errno());
    }
    // SAFETY: a fresh fd from the kernel.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// The BTF id of `prog`'s main function, which fentry attaches to.
fn main_func_btf_id(prog: BorrowedFd<'_>) -> Result<u32> {
    let mut info = libbpf_sys::bpf_prog_info::default();
    get_info(&prog, &mut info)?;
    if info.btf_id == 0 || info.nr_func_info == 0 {
        return Err(SysError::Msg(
            "the program has no BTF function info, which fentry needs to attach to it".into(),
        ));
    }
    let mut finfo = libbpf_sys::bpf_func_info::default();
    let rec_size = info.func_info_rec_size;
    let mut info = libbpf_sys::bpf_prog_info {
        nr_func_info: 1,
        func_info_rec_size: rec_size,
        func_info: &mut finfo as *mut libbpf_sys::bpf_func_info as u64,
        ..Default::default()
    };
    get_info(&prog, &mut info)?;
    Ok(finfo.type_id)
}

/// Can `metrics` be measured on `prog` here? Loads an empty fentry program
/// for it, attaches it, opens each counter on CPU 0, and closes them all.
pub fn check(prog: BorrowedFd<'_>, metrics: &[usize]) -> Result<()> {
    let btf_id = main_func_btf_id(prog)?;
    let fd = super::attach::load_tracing_probe(false, btf_id, Some(prog));
    let probe = super::fd_result(fd, || {
        "this kernel can't load fentry programs for it".to_string()
    })
    .map_err(|e| match e.errno() {
        // Refused to root: not a missing capability but a kernel without fentry.
        // SAFETY: geteuid has no preconditions.
        Some(libc::EPERM) if unsafe { libc::geteuid() } == 0 => SysError::Msg(
            "this kernel does not allow fentry programs (refused with EPERM to root)".into(),
        ),
        _ => e,
    })?;
    // SAFETY: valid fd; no target (the program carries it); no options.
    let link = unsafe {
        libbpf_sys::bpf_link_create(
            probe.as_raw_fd(),
            0,
            libbpf_sys::BPF_TRACE_FENTRY,
            std::ptr::null(),
        )
    };
    super::fd_result(link, || {
        "this kernel can't attach fentry programs (no BPF trampoline)".to_string()
    })?;
    for &m in metrics {
        let metric = &METRICS[m];
        perf_open(metric).map_err(|errno| {
            SysError::os(
                format!("no hardware counter for {} here", metric.name),
                errno,
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn metrics_by_prefix_once_each_in_table_order() {
        assert_eq!(select(&words("instructions cycles")), Ok(vec![0, 1]));
        assert_eq!(select(&words("c i c")), Ok(vec![0, 1]));
        assert_eq!(select(&words("l1 ll it dt")), Ok(vec![2, 3, 4, 5]));
        // `l` is l1d_loads, the first that starts with it.
        assert_eq!(select(&words("l")), Ok(vec![2]));
        assert_eq!(
            select(&words("cycles bogus")),
            Err("unknown metric bogus".into())
        );
        assert!(select(&words("c i l1 ll it"))
            .unwrap_err()
            .starts_with("too many (5) metrics"));
        assert!(select(&[]).is_err());
    }

    #[test]
    fn readings_add_up_and_ratios_follow_bpftool() {
        let r = |c, e, run| Reading {
            counter: c,
            enabled: e,
            running: run,
        };
        assert_eq!(sum(&[r(10, 100, 100), r(5, 50, 25)]), r(15, 150, 125));
        let readings = [(0, r(1000, 1, 1)), (1, r(2500, 1, 1)), (3, r(5, 1, 1))];
        assert_eq!(ratio(1, &readings), Some(2.5));
        assert_eq!(ratio(3, &readings), Some(2000.0));
        assert_eq!(ratio(0, &readings), None);
        // No base measured, or a zero base: no ratio.
        assert_eq!(ratio(4, &[(4, r(1, 1, 1))]), None);
        assert_eq!(ratio(1, &[(0, r(0, 1, 1)), (1, r(9, 1, 1))]), None);
        assert_eq!(running_pct(&r(1, 200, 50)), Some(25.0));
        assert_eq!(running_pct(&r(1, 200, 200)), None);
    }
}
