//! BPF_PROG_QUERY: what is attached to a cgroup, a network namespace or a
//! device (tcx, netkit), with per-program flags and link ids where the kernel
//! reports them. Used by `cgroup show|tree` and `net show`.
use std::os::fd::RawFd;

use super::{errno, Result, SysError};

/// The kernel's answer for one (target, attach type).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attached {
    /// Flags of the attach point (cgroup: BPF_F_ALLOW_MULTI/OVERRIDE).
    pub attach_flags: u32,
    pub prog_ids: Vec<u32>,
    /// Per-program flags; empty when not asked for (effective queries).
    pub prog_flags: Vec<u32>,
    /// Link ids (0 for a program attached without a link); empty when not asked for.
    pub link_ids: Vec<u32>,
    pub link_flags: Vec<u32>,
}

/// What to ask for besides program ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ask {
    /// BPF_F_QUERY_EFFECTIVE (cgroups: what runs, inherited included).
    pub effective: bool,
    pub prog_flags: bool,
    pub links: bool,
}

/// Queries `target` (a cgroup or netns fd, or an ifindex for tcx/netkit).
/// The count is asked first and the buffers sized from it; programs attached
/// between the two calls (ENOSPC) make it ask again with room to spare.
pub fn query(target: RawFd, attach_type: u32, ask: Ask) -> Result<Attached> {
    let flags = if ask.effective {
        libbpf_sys::BPF_F_QUERY_EFFECTIVE
    } else {
        0
    };
    let mut cap = count(target, attach_type, flags)? as usize;
    for _ in 0..8 {
        if cap == 0 {
            return Ok(Attached::default());
        }
        let mut out = Attached {
            prog_ids: vec![0; cap],
            prog_flags: if ask.prog_flags { vec![0; cap] } else { vec![] },
            link_ids: if ask.links { vec![0; cap] } else { vec![] },
            link_flags: if ask.links { vec![0; cap] } else { vec![] },
            ..Default::default()
        };
        let ptr = |v: &mut Vec<u32>| {
            if v.is_empty() {
                std::ptr::null_mut()
            } else {
                v.as_mut_ptr()
            }
        };
        let mut opts = libbpf_sys::bpf_prog_query_opts {
            sz: std::mem::size_of::<libbpf_sys::bpf_prog_query_opts>() as _,
            query_flags: flags,
            prog_ids: out.prog_ids.as_mut_ptr(),
            prog_attach_flags: ptr(&mut out.prog_flags),
            link_ids: ptr(&mut out.link_ids),
            link_attach_flags: ptr(&mut out.link_flags),
            ..Default::default()
        };
        opts.__bindgen_anon_1.prog_cnt = cap as u32;
        // SAFETY: every non-null array has `cap` elements, as prog_cnt says,
        // and lives across the call.
        let ret = unsafe { libbpf_sys::bpf_prog_query_opts(target, attach_type, &mut opts) };
        // SAFETY: prog_cnt and count share storage; both are u32.
        let n = unsafe { opts.__bindgen_anon_1.prog_cnt } as usize;
        if ret < 0 {
            let e = errno();
            if e == libc::ENOSPC {
                cap = n.max(cap) + 16;
                continue;
            }
            return Err(SysError::os(query_what(attach_type), e));
        }
        let n = n.min(cap);
        out.attach_flags = opts.attach_flags;
        for v in [
            &mut out.prog_ids,
            &mut out.prog_flags,
            &mut out.link_ids,
            &mut out.link_flags,
        ] {
            if !v.is_empty() {
                v.truncate(n);
            }
        }
        return Ok(out);
    }
    Err(SysError::Msg(format!(
        "{}: attachments keep changing",
        query_what(attach_type)
    )))
}

/// How many programs are attached (no ids).
pub fn count(target: RawFd, attach_type: u32, flags: u32) -> Result<u32> {
    let mut opts = libbpf_sys::bpf_prog_query_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_query_opts>() as _,
        query_flags: flags,
        ..Default::default()
    };
    // SAFETY: no arrays are passed; the kernel only writes the count and flags.
    let ret = unsafe { libbpf_sys::bpf_prog_query_opts(target, attach_type, &mut opts) };
    if ret < 0 {
        return Err(SysError::os(query_what(attach_type), errno()));
    }
    // SAFETY: prog_cnt and count share storage; both are u32.
    Ok(unsafe { opts.__bindgen_anon_1.prog_cnt })
}

fn query_what(attach_type: u32) -> String {
    format!(
        "can't query {} programs",
        super::names::attach_type(attach_type)
    )
}
