//! `prog profile` (bpftool's do_profile): its metrics, the hardware
//! counters it reads, and the function its programs attach to.
//!
//! bpftool measures a program by attaching fentry and fexit programs to it
//! (src/loader/profiler.rs loads them) that read one hardware perf counter
//! per metric and CPU around each run; the counters are opened here.
use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd};

use super::{get_info, Result, SysError};
pub use crate::record::profile::*;

/// A counter of `metric` on `cpu` for every process, counting kernel code
/// only (bpftool's attr: exclude_user). `Ok(None)`: the CPU is offline
/// (ENODEV), which bpftool skips.
pub fn open_counter(metric: &Metric, cpu: u32) -> Result<Option<OwnedFd>> {
    let mut attr = libbpf_sys::perf_event_attr {
        type_: metric.perf_type,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config: metric.config,
        ..Default::default()
    };
    attr.set_exclude_user(1);
    // SAFETY: attr is complete and lives across the call.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const libbpf_sys::perf_event_attr,
            -1 as libc::c_int,
            cpu as libc::c_int,
            -1 as libc::c_int,
            libbpf_sys::PERF_FLAG_FD_CLOEXEC as libc::c_ulong,
        )
    };
    if fd < 0 {
        let e = super::errno();
        if e == libc::ENODEV {
            return Ok(None);
        }
        return Err(SysError::os(
            format!("no hardware counter for {} on CPU {cpu}", metric.name),
            e,
        ));
    }
    // SAFETY: a fresh fd from the kernel.
    Ok(Some(unsafe { OwnedFd::from_raw_fd(fd as i32) }))
}

/// Whether this process runs as root: a load refused to root with EPERM is
/// the kernel's no (no fentry here), not a missing capability.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// The name of `prog`'s main function (its first BTF func info), which the
/// fentry/fexit programs attach to (bpftool's profile_target_name).
pub fn target_func(prog: BorrowedFd<'_>) -> Result<String> {
    let mut info = libbpf_sys::bpf_prog_info::default();
    get_info(&prog, &mut info)?;
    if info.btf_id == 0 || info.nr_func_info == 0 {
        return Err(SysError::Msg(
            "the program has no BTF function info, which fentry needs to attach to it".into(),
        ));
    }
    let btf_id = info.btf_id;
    let mut finfo = libbpf_sys::bpf_func_info::default();
    let rec_size = info.func_info_rec_size;
    let mut info = libbpf_sys::bpf_prog_info {
        nr_func_info: 1,
        func_info_rec_size: rec_size,
        func_info: &mut finfo as *mut libbpf_sys::bpf_func_info as u64,
        ..Default::default()
    };
    get_info(&prog, &mut info)?;
    let view = super::btf::view(btf_id)?;
    let name = view
        .ty(finfo.type_id)
        .map(|t| view.name(t.name_off).to_vec())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            SysError::Msg(format!(
                "BTF {btf_id} has no name for the program's function [{}]",
                finfo.type_id
            ))
        })?;
    Ok(String::from_utf8_lossy(&name).into_owned())
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
