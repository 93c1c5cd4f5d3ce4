//! `net show [dev NAME]` (bpftool's src/net.c): XDP, tcx/netkit, tc filters,
//! flow dissector and netfilter attachments of the current network namespace;
//! `net attach|detach` for XDP and tcx.
use std::os::fd::AsFd;

use super::{json_null, CmdError, Result};
use crate::cli::request::NetAttach;
use crate::output::{self, render_net, Ctx, Out};
use crate::sys::netattach::{self, NetAttachType};
use crate::sys::{handle, net, ObjKind};

fn dev_index(name: &str) -> Result<u32> {
    net::ifindex(name).ok_or_else(|| CmdError::Usage(format!("invalid devname {name}")))
}

/// Runs a netlink-backed call with libbpf's messages kept: the kernel's
/// extended ack ("XDP program already attached") joins the one error line.
fn with_kernel_message(f: impl FnOnce() -> crate::sys::Result<()>) -> Result<()> {
    let (r, lines) = crate::loader::log::with_capture(f);
    r.map_err(|e| {
        let ack = lines.iter().find_map(|l| {
            l.split_once("Kernel error message: ")
                .map(|(_, m)| m.trim())
        });
        match ack {
            Some(m) => CmdError::Failed(format!("{e} ({m})")),
            None => e.into(),
        }
    })
}

/// `net attach ATTACH_TYPE PROG dev NAME [overwrite | prepend]`: `null` with -j, nothing in text.
pub fn attach(ctx: &Ctx, r: &NetAttach, out: &mut Out) -> Result<()> {
    let (_, prog) = handle::resolve_one(ObjKind::Prog, &r.prog)?;
    let ifindex = dev_index(&r.dev)?;
    with_kernel_message(|| netattach::attach(prog.as_fd(), r.attach_type, ifindex, r.placement))?;
    json_null(ctx, out)
}

/// `net detach ATTACH_TYPE dev NAME`.
pub fn detach(ctx: &Ctx, t: NetAttachType, dev: &str, out: &mut Out) -> Result<()> {
    let ifindex = dev_index(dev)?;
    with_kernel_message(|| netattach::detach(t, ifindex))?;
    json_null(ctx, out)
}

pub fn show(ctx: &Ctx, dev: Option<&str>, out: &mut Out) -> Result<()> {
    let filter = dev.map(dev_index).transpose()?;
    let r = net::show(filter)?;
    if ctx.json {
        // bpftool wraps the sections in a one-element array.
        output::write_json(ctx, out, std::slice::from_ref(&r))?;
    } else if ctx.table {
        render_net::table(out, &r)?;
    } else {
        render_net::text(out, &r)?;
    }
    Ok(())
}
