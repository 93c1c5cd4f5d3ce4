//! `net attach|detach` (bpftool's net.c): XDP through netlink in one of its
//! modes, tcx through BPF_PROG_ATTACH on the device. Both outlive the
//! command, as with bpftool: they stay until detached or the device goes.
use std::os::fd::{AsRawFd, BorrowedFd};

use super::{Result, SysError};

/// bpftool's net ATTACH_TYPE words, in its order (prefixes pick the first).
pub const NET_ATTACH_TYPES: &[&str] = &[
    "xdp",
    "xdpgeneric",
    "xdpdrv",
    "xdpoffload",
    "tcx_ingress",
    "tcx_egress",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetAttachType {
    /// The kernel picks: native when the driver has it, generic otherwise.
    Xdp,
    XdpGeneric,
    XdpDriver,
    XdpOffload,
    TcxIngress,
    TcxEgress,
}

impl NetAttachType {
    pub fn from_word(w: &str) -> Option<Self> {
        use NetAttachType::*;
        let i = NET_ATTACH_TYPES.iter().position(|t| *t == w)?;
        Some(
            [
                Xdp, XdpGeneric, XdpDriver, XdpOffload, TcxIngress, TcxEgress,
            ][i],
        )
    }
    pub fn word(self) -> &'static str {
        NET_ATTACH_TYPES[self as usize]
    }
    pub fn is_xdp(self) -> bool {
        !matches!(self, NetAttachType::TcxIngress | NetAttachType::TcxEgress)
    }
    fn xdp_mode(self) -> u32 {
        match self {
            NetAttachType::XdpGeneric => libbpf_sys::XDP_FLAGS_SKB_MODE,
            NetAttachType::XdpDriver => libbpf_sys::XDP_FLAGS_DRV_MODE,
            NetAttachType::XdpOffload => libbpf_sys::XDP_FLAGS_HW_MODE,
            _ => 0,
        }
    }
    fn tcx(self) -> u32 {
        match self {
            NetAttachType::TcxEgress => libbpf_sys::BPF_TCX_EGRESS,
            _ => libbpf_sys::BPF_TCX_INGRESS,
        }
    }
}

/// How an attachment meets what is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Placement {
    /// XDP: fail if a program is attached; tcx: append.
    #[default]
    Default,
    /// XDP only: replace the attached program.
    Overwrite,
    /// tcx only: put the program first.
    Prepend,
}

fn failed(what: &str, t: NetAttachType, ret: i32) -> SysError {
    let errno = if ret < 0 { -ret } else { super::errno() };
    SysError::os(format!("interface {} {what} failed", t.word()), errno)
}

pub fn attach(
    prog: BorrowedFd<'_>,
    t: NetAttachType,
    ifindex: u32,
    placement: Placement,
) -> Result<()> {
    let ret = if t.is_xdp() {
        let mut flags = t.xdp_mode();
        if placement != Placement::Overwrite {
            flags |= libbpf_sys::XDP_FLAGS_UPDATE_IF_NOEXIST;
        }
        // SAFETY: plain integers; no options.
        unsafe {
            libbpf_sys::bpf_xdp_attach(ifindex as i32, prog.as_raw_fd(), flags, std::ptr::null())
        }
    } else {
        let opts = libbpf_sys::bpf_prog_attach_opts {
            sz: std::mem::size_of::<libbpf_sys::bpf_prog_attach_opts>() as _,
            flags: if placement == Placement::Prepend {
                libbpf_sys::BPF_F_BEFORE
            } else {
                0
            },
            ..Default::default()
        };
        // SAFETY: valid fd and ifindex; opts is complete and lives across the call.
        unsafe {
            libbpf_sys::bpf_prog_attach_opts(prog.as_raw_fd(), ifindex as i32, t.tcx(), &opts)
        }
    };
    if ret < 0 {
        return Err(failed("attach", t, ret));
    }
    Ok(())
}

/// Detaches what `t` names on the device: the XDP program of that mode, or
/// the last tcx program attached without a link (the kernel's choice).
pub fn detach(t: NetAttachType, ifindex: u32) -> Result<()> {
    let ret = if t.is_xdp() {
        // SAFETY: plain integers; fd -1 detaches.
        unsafe {
            libbpf_sys::bpf_xdp_attach(
                ifindex as i32,
                -1,
                t.xdp_mode() | libbpf_sys::XDP_FLAGS_UPDATE_IF_NOEXIST,
                std::ptr::null(),
            )
        }
    } else {
        // SAFETY: plain integers.
        unsafe { libbpf_sys::bpf_prog_detach(ifindex as i32, t.tcx()) }
    };
    if ret < 0 {
        return Err(failed("detach", t, ret));
    }
    Ok(())
}
