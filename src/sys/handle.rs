//! Object handles (`id N`, `pinned PATH`, `tag TAG`, `name NAME`), as
//! `cli` parsed them, resolved to fds: every match, or exactly one.
use std::os::fd::OwnedFd;
use std::path::PathBuf;

use super::{ids, pins, ObjKind, Result, SysError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handle {
    Id(u32),
    Pinned(PathBuf),
    Tag([u8; 8]),
    Name(String),
}

/// bpftool's is_prefix: a non-empty word that starts `full`.
pub fn is_prefix(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

/// Opens a pinned object and checks it is of the expected kind.
pub fn open_pinned(kind: ObjKind, path: &std::path::Path) -> Result<OwnedFd> {
    let fd = super::obj_get(path)?;
    match pins::fd_kind(&fd) {
        Some(k) if k == kind => Ok(fd),
        _ => Err(SysError::Msg(format!(
            "incorrect object type: {} is not a {} pin",
            path.display(),
            kind.noun()
        ))),
    }
}

/// Resolves a handle to (id, fd) pairs. Name/tag match everything that fits;
/// none matching is an error, as with bpftool.
pub fn resolve(kind: ObjKind, h: &Handle) -> Result<Vec<(u32, OwnedFd)>> {
    match h {
        Handle::Id(id) => Ok(vec![(*id, ids::fd_by_id(kind, *id)?)]),
        Handle::Pinned(p) => {
            let fd = open_pinned(kind, p)?;
            let id =
                pins::id_of(kind, &fd).ok_or_else(|| SysError::last("can't get object info"))?;
            Ok(vec![(id, fd)])
        }
        Handle::Tag(tag) => {
            let out = filter(kind, |fd| {
                let mut i = libbpf_sys::bpf_prog_info::default();
                super::get_info(fd, &mut i).is_ok() && i.tag == *tag
            })?;
            if out.is_empty() {
                let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
                return Err(SysError::Msg(format!("no program with tag {hex} found")));
            }
            Ok(out)
        }
        Handle::Name(name) => {
            let out = filter(kind, |fd| match kind {
                ObjKind::Prog => super::prog::full_name(fd)
                    .is_some_and(|(short, full)| &short == name || &full == name),
                ObjKind::Map => {
                    let mut i = libbpf_sys::bpf_map_info::default();
                    super::get_info(fd, &mut i).is_ok() && &super::cstr_name(&i.name) == name
                }
                _ => false,
            })?;
            if out.is_empty() {
                return Err(SysError::Msg(format!(
                    "no {} with name {name} found",
                    kind.noun()
                )));
            }
            Ok(out)
        }
    }
}

/// Resolves a handle that must name exactly one object, as bpftool's
/// `prog_parse_fd`/`map_parse_fd` require (every command but show and dump).
/// A name or tag that matches several objects is refused, with their ids.
pub fn resolve_one(kind: ObjKind, h: &Handle) -> Result<(u32, OwnedFd)> {
    let mut all = resolve(kind, h)?;
    if all.len() > 1 {
        return Err(several(kind, all.iter().map(|(id, _)| *id)));
    }
    // resolve() reports "not found" itself; an empty list cannot reach here.
    all.pop()
        .ok_or_else(|| SysError::Msg(format!("no {} found", kind.noun())))
}

/// The one message for a handle that matches several objects where one is needed.
fn several(kind: ObjKind, ids: impl Iterator<Item = u32>) -> SysError {
    let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    SysError::Msg(format!(
        "several {}s match this handle: ids {} (use 'id ID' or 'pinned PATH')",
        kind.plural(),
        ids.join(", ")
    ))
}

fn filter(kind: ObjKind, mut pred: impl FnMut(&OwnedFd) -> bool) -> Result<Vec<(u32, OwnedFd)>> {
    let mut out = Vec::new();
    for item in ids::iter(kind) {
        let (id, fd) = item?;
        if pred(&fd) {
            out.push((id, fd));
        }
    }
    Ok(out)
}
