//! `cgroup show CGROUP [effective]`, `cgroup tree [ROOT] [effective]`,
//! `cgroup attach CGROUP ATTACH_TYPE PROG [multi|override]` and
//! `cgroup detach CGROUP ATTACH_TYPE PROG` (bpftool's src/cgroup.c).
use std::path::{Path, PathBuf};

use std::os::fd::OwnedFd;

use super::{json_null, CmdError, Result};
use crate::cli::request::{CgroupAttachFlag, CgroupReq};
use crate::output::{self, render_cgroup, Ctx, Out};
use crate::sys::cgroup::{self, AttachBtfNames};
use crate::sys::handle::{self, Handle};
use crate::sys::{ObjKind, SysError};

pub fn run(ctx: &Ctx, req: CgroupReq, out: &mut Out) -> Result<()> {
    match req {
        CgroupReq::Show { cgroup, effective } => show(ctx, &cgroup, effective, out),
        CgroupReq::Tree { root, effective } => tree(ctx, root, effective, out),
        CgroupReq::Attach {
            cgroup,
            attach_type,
            prog,
            flag,
        } => {
            let (cg, attach_type, prog) = target(&cgroup, &attach_type, &prog)?;
            let flags = match flag {
                Some(CgroupAttachFlag::Multi) => libbpf_sys::BPF_F_ALLOW_MULTI,
                Some(CgroupAttachFlag::Override) => libbpf_sys::BPF_F_ALLOW_OVERRIDE,
                None => 0,
            };
            cgroup::attach(&cg, &prog, attach_type, flags)?;
            json_null(ctx, out)
        }
        CgroupReq::Detach {
            cgroup,
            attach_type,
            prog,
        } => {
            let (cg, attach_type, prog) = target(&cgroup, &attach_type, &prog)?;
            cgroup::detach(&cg, &prog, attach_type)?;
            json_null(ctx, out)
        }
    }
}

fn show(ctx: &Ctx, path: &Path, effective: bool, out: &mut Out) -> Result<()> {
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

fn tree(ctx: &Ctx, root: Option<PathBuf>, effective: bool, out: &mut Out) -> Result<()> {
    let root = match root {
        Some(r) => r,
        None => cgroup::cgroup2_root()
            .ok_or_else(|| CmdError::Failed("cgroup v2 isn't mounted".into()))?,
    };
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
fn target(cgroup_path: &Path, attach_type: &str, prog: &Handle) -> Result<(OwnedFd, u32, OwnedFd)> {
    let cg = cgroup::open(cgroup_path)?;
    let attach_type = cgroup::parse_attach_type(attach_type)
        .ok_or_else(|| CmdError::Usage(format!("invalid attach type '{attach_type}'")))?;
    let (_, prog) = handle::resolve_one(ObjKind::Prog, prog)?;
    Ok((cg, attach_type, prog))
}
