//! Capabilities: this process's effective set (capget/capset), and what
//! an EPERM from the kernel means given it. Needs nothing else of `sys`,
//! so the error type can ask it for its hints.

pub const CAP_NET_ADMIN: u32 = 12;
pub const CAP_SYS_ADMIN: u32 = 21;
pub const CAP_PERFMON: u32 = 38;
pub const CAP_BPF: u32 = 39;
const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

/// One of the two 32-bit words of each capability set (v3).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct CapData {
    pub effective: u32,
    pub permitted: u32,
    pub inheritable: u32,
}

/// This process's capability sets.
pub fn capget() -> std::io::Result<[CapData; 2]> {
    let mut hdr = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    // SAFETY: hdr and data are the v3 header and its two data words.
    let ret = unsafe { libc::syscall(libc::SYS_capget, &mut hdr, data.as_mut_ptr()) };
    if ret < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(data)
}

/// Sets this process's capability sets.
pub fn capset(data: &[CapData; 2]) -> std::io::Result<()> {
    let mut hdr = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    // SAFETY: hdr and data are the v3 header and its two data words.
    let ret = unsafe { libc::syscall(libc::SYS_capset, &mut hdr, data.as_ptr()) };
    if ret < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

pub fn has_cap(data: &[CapData; 2], cap: u32) -> bool {
    data[(cap / 32) as usize].effective & (1 << (cap % 32)) != 0
}

/// Whether the running kernel knows CAP_BPF (5.8+).
pub fn cap_bpf_supported() -> bool {
    // SAFETY: PR_CAPBSET_READ takes a capability number and nothing else.
    unsafe { libc::prctl(libc::PR_CAPBSET_READ, CAP_BPF as libc::c_ulong, 0, 0, 0) >= 0 }
}

/// What to say of an EPERM from a program load, in one phrase: a missing
/// capability (and how to get it), or, when this process has them all,
/// that the kernel itself refused (so "run as root" is never said to root).
pub fn eperm_hint() -> &'static str {
    let needed: &[u32] = if cap_bpf_supported() {
        &[CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON]
    } else {
        &[CAP_SYS_ADMIN]
    };
    let privileged = capget().is_ok_and(|d| needed.iter().all(|c| has_cap(&d, *c)));
    if privileged {
        "refused although this process has CAP_SYS_ADMIN, CAP_BPF and CAP_PERFMON: \
         kernel lockdown or an LSM policy, or, for fentry/fexit/LSM programs, \
         a kernel without BPF trampolines"
    } else {
        "CAP_BPF and CAP_SYS_ADMIN are needed: run as root"
    }
}
