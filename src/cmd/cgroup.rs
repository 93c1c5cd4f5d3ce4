//! `cgroup show CGROUP [effective]`, `cgroup tree [ROOT] [effective]`,
//! `cgroup attach CGROUP ATTACH_TYPE PROG [multi|override]` and
//! `cgroup detach CGROUP ATTACH_TYPE PROG` (bpftool's src/cgroup.c).
use std::path::{Path, PathBuf};

use super::{CmdError, Result};
use crate::output::{self, render_cgroup, Ctx, Out};
use crate::sys::cgroup::{self, AttachBtfNames};
use crate::sys::handle::{self, is_prefix};
use crate::sys::{ObjKind, SysError};

/// Parses the words after the cgroup path: only `effective`, once.
fn parse_effective(words: &[String]) -> Result<bool> {
    let mut effective = false;
    for w in words {
        if is_prefix(w, "effective") {
            if effective {
                return Err(CmdError::Usage(format!("duplicated argument: {w}")));
            }
            effective = true;
        } else {
            return Err(CmdError::Usage(format!(
                "expected no more arguments, 'effective', got: '{w}'?"
            )));
        }
    }
    Ok(effective)
}

pub fn show(ctx: &Ctx, args: &[String], out: &mut Out) -> Result<()> {
    let Some((path, rest)) = args.split_first() else {
        return Err(CmdError::Usage(
            "'cgroup show' needs a cgroup path: show CGROUP [effective]".into(),
        ));
    };
    let effective = parse_effective(rest)?;
    let path = Path::new(path);
    let fd = cgroup::open(path)?;
    let attached = cgroup::has_attached(&fd, effective).map_err(|e| {
        CmdError::Sys(SysError::os(
            format!("can't query bpf programs attached to {}", path.display()),
            e.errno().unwrap_or(libc::EIO),
        ))
    })?;
    let progs = if attached {
        cgroup::programs(&fd, effective, 0, &mut AttachBtfNames::default())?
    } else {
        vec![]
    };
    if ctx.json {
        // bpftool prints nothing at all for a cgroup without programs; one
        // JSON value per command is bpfscope's contract, so `[]`.
        output::write_json(ctx, out, &progs)?;
    } else if ctx.table {
        render_cgroup::show_table(out, &progs, effective)?;
    } else {
        render_cgroup::show_text(out, &progs, effective)?;
    }
    Ok(())
}

pub fn tree(ctx: &Ctx, args: &[String], out: &mut Out) -> Result<()> {
    // bpftool reads `effective` only after an explicit root; a lone
    // `effective` that is not a directory here means the flag.
    let (root, rest) = match args.split_first() {
        Some((first, rest)) if !is_prefix(first, "effective") || Path::new(first).exists() => {
            (PathBuf::from(first), rest)
        }
        _ => (
            cgroup::cgroup2_root()
                .ok_or_else(|| CmdError::Failed("cgroup v2 isn't mounted".into()))?,
            args,
        ),
    };
    let effective = parse_effective(rest)?;
    let entries = cgroup::tree(&root, effective)?;
    if ctx.json {
        output::write_json(ctx, out, &entries)?;
    } else if ctx.table {
        render_cgroup::tree_table(out, &entries, effective)?;
    } else {
        render_cgroup::tree_text(out, &entries, effective)?;
    }
    Ok(())
}

/// CGROUP ATTACH_TYPE PROG: the cgroup fd, the attach type and the one program.
fn target(
    command: &str,
    args: &[String],
) -> Result<(std::os::fd::OwnedFd, u32, std::os::fd::OwnedFd, Vec<String>)> {
    if args.len() < 4 {
        return Err(CmdError::Usage(format!(
            "too few parameters for cgroup {command}"
        )));
    }
    let cg = cgroup::open(Path::new(&args[0]))?;
    let attach_type = cgroup::parse_attach_type(&args[1])
        .ok_or_else(|| CmdError::Usage(format!("invalid attach type '{}'", args[1])))?;
    let (h, rest) = handle::parse(ObjKind::Prog, &args[2..])?;
    let (_, prog) = handle::resolve_one(ObjKind::Prog, &h)?;
    Ok((cg, attach_type, prog, rest.to_vec()))
}

pub fn attach(ctx: &Ctx, args: &[String], out: &mut Out) -> Result<()> {
    let (cg, attach_type, prog, rest) = target("attach", args)?;
    let mut flags = 0;
    for w in &rest {
        if is_prefix(w, "multi") {
            flags |= libbpf_sys::BPF_F_ALLOW_MULTI;
        } else if is_prefix(w, "override") {
            flags |= libbpf_sys::BPF_F_ALLOW_OVERRIDE;
        } else {
            return Err(CmdError::Usage(format!("unknown option: {w}")));
        }
    }
    cgroup::attach(&cg, &prog, attach_type, flags)?;
    if ctx.json {
        output::write_json(ctx, out, &serde_json::Value::Null)?;
    }
    Ok(())
}

pub fn detach(ctx: &Ctx, args: &[String], out: &mut Out) -> Result<()> {
    let (cg, attach_type, prog, rest) = target("detach", args)?;
    super::no_more_args(&rest)?;
    cgroup::detach(&cg, &prog, attach_type)?;
    if ctx.json {
        output::write_json(ctx, out, &serde_json::Value::Null)?;
    }
    Ok(())
}
