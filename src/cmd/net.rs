//! `net show [dev NAME]` (bpftool's src/net.c): XDP, tcx/netkit, tc filters,
//! flow dissector and netfilter attachments of the current network namespace.
use super::{CmdError, Result};
use crate::output::{self, render_net, Ctx, Out};
use crate::sys::net;

pub fn show(ctx: &Ctx, dev: Option<&str>, out: &mut Out) -> Result<()> {
    let filter = dev
        .map(|name| {
            net::ifindex(name).ok_or_else(|| CmdError::Usage(format!("invalid devname {name}")))
        })
        .transpose()?;
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
