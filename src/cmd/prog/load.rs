//! `prog load|loadall|pin|attach|detach` (and `link pin`, which shares
//! `pin`), with bpftool's output: `null` with -j, nothing in text. Loading
//! goes through `loader::prog` (all or nothing; a rejected program shows
//! the verifier's analysis), pinning through `sys`.
use std::os::fd::AsFd;
use std::path::Path;

use super::verify::explain_rejection;
use crate::cli::request::{MapAttachType, MapSel, ProgAttach, ProgLoad};
use crate::cmd::{json_null, CmdError, Result};
use crate::loader::prog::{load_file, FileLoad, MapRef};
use crate::output::{Ctx, Out};
use crate::sys::attach::{prog_attach, prog_detach};
use crate::sys::handle::{self, Handle};
use crate::sys::{mapops, ObjKind, SysError};

/// `load|loadall OBJ PATH [type TYPE] [map {idx IDX|name NAME} MAP]... [pinmaps DIR] [autoattach]`
pub fn load(ctx: &Ctx, r: ProgLoad, out: &mut Out) -> Result<()> {
    crate::loader::log::set_debug(ctx.debug);
    if let Some(kw) = r.unsupported {
        return Err(CmdError::Usage(format!(
            "'{kw}' is not supported by bpfscope"
        )));
    }
    let mut maps = Vec::with_capacity(r.maps.len());
    for (sel, h) in &r.maps {
        let (_, fd) = handle::resolve_one(ObjKind::Map, h)?;
        let sel = match sel {
            MapSel::Idx(i) => MapRef::Idx(*i),
            MapSel::Name(n) => MapRef::Name(n.clone()),
        };
        maps.push((sel, fd));
    }
    let req = FileLoad {
        file: &r.object,
        pin: &r.path,
        all: r.all,
        prog_type: r.prog_type.as_deref(),
        maps,
        pinmaps: r.pinmaps.as_deref(),
        autoattach: r.autoattach,
    };
    let file = req.file;
    let loaded = load_file(req).map_err(|e| {
        explain_rejection(ctx, e, |prog| crate::loader::verifier::elf_info(file, prog))
    })?;
    for n in loaded.notes {
        eprintln!("{n}");
    }
    json_null(ctx, out)
}

/// `prog pin PROG FILE`, `link pin LINK FILE`.
pub fn pin(ctx: &Ctx, kind: ObjKind, h: &Handle, path: &Path, out: &mut Out) -> Result<()> {
    let (_, fd) = handle::resolve_one(kind, h)?;
    mapops::pin(fd.as_fd(), path)?;
    json_null(ctx, out)
}

/// `prog attach|detach PROG ATTACH_TYPE [MAP]`.
pub fn attach_detach(ctx: &Ctx, r: &ProgAttach, attach: bool, out: &mut Out) -> Result<()> {
    let (_, prog) = handle::resolve_one(ObjKind::Prog, &r.prog)?;
    let ty = match r.attach_type {
        MapAttachType::StreamParser => libbpf_sys::BPF_SK_SKB_STREAM_PARSER,
        MapAttachType::StreamVerdict => libbpf_sys::BPF_SK_SKB_STREAM_VERDICT,
        MapAttachType::MsgVerdict => libbpf_sys::BPF_SK_MSG_VERDICT,
        MapAttachType::FlowDissector => libbpf_sys::BPF_FLOW_DISSECTOR,
        MapAttachType::SkbVerdict => libbpf_sys::BPF_SK_SKB_VERDICT,
    };
    let map = match &r.map {
        Some(h) => Some(handle::resolve_one(ObjKind::Map, h)?.1),
        None => None,
    };
    let verb = if attach { "attach" } else { "detach" };
    let res = if attach {
        prog_attach(&prog, map.as_ref(), ty)
    } else {
        prog_detach(&prog, map.as_ref(), ty)
    };
    res.map_err(|e| {
        SysError::os(
            format!("failed prog {verb} to map"),
            e.raw_os_error().unwrap_or(0),
        )
    })?;
    json_null(ctx, out)
}
