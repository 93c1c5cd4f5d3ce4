//! `feature probe [kernel | dev NAME] [full] [unprivileged] [macros [prefix PREFIX]]`
//! (bpftool's src/feature.c).
use std::io::Write;

use super::Result;
use crate::cli::request::{BuiltinGroup, FeatureProbe};
use crate::disasm::helpers::HELPER_NAMES;
use crate::output::{self, render_feature, Ctx, Out};
use crate::sys::feature::{self, ProbeOpts};
use crate::sys::names;

/// `feature list_builtins GROUP`: one name a line, or a JSON array of them.
pub fn list_builtins(ctx: &Ctx, group: BuiltinGroup, out: &mut Out) -> Result<()> {
    let list = match group {
        BuiltinGroup::ProgTypes => names::table(names::prog_type),
        BuiltinGroup::MapTypes => names::table(names::map_type),
        BuiltinGroup::AttachTypes => names::table(names::attach_type),
        BuiltinGroup::LinkTypes => names::table(names::link_type),
        BuiltinGroup::Helpers => HELPER_NAMES.iter().map(|s| s.to_string()).collect(),
    };
    if ctx.json {
        output::write_json(ctx, out, &list)?;
    } else {
        for name in list {
            writeln!(out, "{name}")?;
        }
    }
    Ok(())
}

/// `token show` (an object of its own, as in bpftool): delegating bpffs mounts.
pub fn token_show(ctx: &Ctx, out: &mut Out) -> Result<()> {
    let tokens = crate::sys::token::show()?;
    if ctx.json {
        output::write_json(ctx, out, &tokens)?;
    } else {
        output::token::text(out, &tokens)?;
    }
    Ok(())
}

pub fn probe(ctx: &Ctx, req: &FeatureProbe, out: &mut Out) -> Result<()> {
    let mut opts = ProbeOpts {
        full: req.full,
        unprivileged: req.unprivileged,
        ..Default::default()
    };
    if let Some(dev) = &req.dev {
        opts.ifindex = Some(crate::sys::net::dev_ifindex(dev)?);
    }
    let prefix = req.macros.clone();
    // JSON has no macros (bpftool drops the prefix with -j).
    let prefix = if ctx.json { None } else { prefix };
    opts.macros = prefix.is_some();
    feature::handle_perms(opts.unprivileged)?;
    let report = feature::probe(&opts, &HELPER_NAMES);
    if !ctx.json {
        if let Some(note) = report
            .system_config
            .as_ref()
            .and_then(|s| s.config_note.as_ref())
        {
            render_feature::info(note);
        }
        if report
            .system_config
            .as_ref()
            .is_some_and(|s| s.sysctls.is_none())
            && !opts.macros
        {
            render_feature::info("/* procfs not mounted, skipping related probes */");
        }
    }
    if ctx.json {
        output::write_json(ctx, out, &report)?;
    } else if ctx.table {
        render_feature::table(out, &report)?;
    } else {
        render_feature::text(out, &report, prefix.as_deref())?;
    }
    Ok(())
}
