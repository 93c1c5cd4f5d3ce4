//! Object handles (`id N`, `pinned PATH`, `tag TAG`, `name NAME`): parsing
//! the words once for every command, and resolving them to fds.
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

/// Error for malformed handle words; the cmd layer turns it into a usage error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HandleError(pub String);

/// Parses a handle from the front of `words`, returning it and the rest.
/// `allowed` lists the keywords valid for this object (in bpftool's order).
pub fn parse(
    kind: ObjKind,
    words: &[String],
) -> std::result::Result<(Handle, &[String]), HandleError> {
    let allowed: &[&str] = match kind {
        ObjKind::Prog => &["id", "pinned", "tag", "name"],
        ObjKind::Map => &["id", "pinned", "name"],
        ObjKind::Link | ObjKind::Btf => &["id", "pinned"],
    };
    let expected = || {
        let quoted: Vec<String> = allowed.iter().map(|k| format!("'{k}'")).collect();
        match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => quoted.join(""),
        }
    };
    let Some(kw) = words.first() else {
        return Err(HandleError(format!("expected {}, got nothing", expected())));
    };
    let Some(&key) = allowed.iter().find(|k| is_prefix(kw, k)) else {
        return Err(HandleError(format!(
            "expected {}, got: '{kw}'?",
            expected()
        )));
    };
    let Some(arg) = words.get(1) else {
        return Err(HandleError(format!("'{key}' needs an argument")));
    };
    let h = match key {
        "id" => Handle::Id(
            arg.parse::<u32>()
                .map_err(|_| HandleError(format!("can't parse {arg} as ID")))?,
        ),
        "pinned" => Handle::Pinned(PathBuf::from(arg)),
        "tag" => Handle::Tag(
            parse_tag(arg).ok_or_else(|| HandleError(format!("can't parse tag {arg}")))?,
        ),
        _ => {
            if arg.is_empty() {
                return Err(HandleError("empty name".into()));
            }
            Handle::Name(arg.clone())
        }
    };
    Ok((h, &words[2..]))
}

/// A tag is 8 bytes in hex, either run together (`a04f5eef06a7f555`) or in
/// separate words is not supported; bpftool prints it run together.
fn parse_tag(s: &str) -> Option<[u8; 8]> {
    if s.len() != 16 {
        return None;
    }
    let mut tag = [0u8; 8];
    for (i, b) in tag.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(tag)
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

#[cfg(test)]
mod tests {
    use super::*;
    fn w(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }
    #[test]
    fn parses_handles_with_prefixes() {
        let words = w(&["i", "42", "rest"]);
        let (h, rest) = parse(ObjKind::Prog, &words).unwrap();
        assert_eq!(h, Handle::Id(42));
        assert_eq!(rest, &words[2..]);
        let (h, _) = parse(ObjKind::Prog, &w(&["ta", "0102030405060708"])).unwrap();
        assert_eq!(h, Handle::Tag([1, 2, 3, 4, 5, 6, 7, 8]));
        let (h, _) = parse(ObjKind::Map, &w(&["pinned", "/sys/fs/bpf/x"])).unwrap();
        assert_eq!(h, Handle::Pinned("/sys/fs/bpf/x".into()));
        assert!(parse(ObjKind::Map, &w(&["tag", "00"])).is_err());
        assert!(parse(ObjKind::Prog, &w(&["id", "x"]))
            .unwrap_err()
            .0
            .contains("can't parse x as ID"));
        assert!(parse(ObjKind::Link, &w(&["id"])).is_err());
    }
}
