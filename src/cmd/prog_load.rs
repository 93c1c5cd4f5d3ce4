//! `prog load|loadall|pin|attach|detach` and `link pin|detach`, with
//! bpftool's grammar and output (`null` with -j, nothing in text). Loading
//! goes through `loader::prog` (all or nothing; a rejected program shows
//! the verifier's last lines), pinning through `sys`.

use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use super::tool::loader_error;
use super::{no_more_args, CmdError, Result};
use crate::loader::attach::{link_detach, prog_attach, prog_detach, MAP_ATTACH_TYPES};
use crate::loader::prog::{load_file, FileLoad, MapRef};
use crate::output::{self, Ctx};
use crate::sys::handle::{self, is_prefix};
use crate::sys::{mapops, ObjKind, SysError};

pub fn run(ctx: &Ctx, command: &str, args: &[String]) -> Result<()> {
    crate::loader::log::set_debug(ctx.debug);
    let mut out = output::stdout();
    match command {
        "load" => load(ctx, args, false)?,
        "loadall" => load(ctx, args, true)?,
        "pin" => pin(ObjKind::Prog, args)?,
        "attach" => attach_detach(args, true)?,
        "detach" => attach_detach(args, false)?,
        "link-pin" => pin(ObjKind::Link, args)?,
        "link-detach" => detach_link(args)?,
        other => {
            return Err(CmdError::Failed(format!(
                "'{other}' is not implemented yet"
            )))
        }
    }
    if ctx.json {
        writeln!(out, "null")?;
    }
    out.flush()?;
    Ok(())
}

/// Exactly one object for the handle at the front of `words`.
fn one(kind: ObjKind, words: &[String]) -> Result<(OwnedFd, &[String])> {
    let (h, rest) = handle::parse(kind, words)?;
    let mut fds = handle::resolve(kind, &h)?;
    if fds.len() != 1 {
        let ids: Vec<String> = fds.iter().map(|(id, _)| id.to_string()).collect();
        return Err(CmdError::Usage(format!(
            "several {}s match this handle (ids {}): use 'id ID' or 'pinned PATH'",
            kind.noun(),
            ids.join(", ")
        )));
    }
    let (_, fd) = fds
        .pop()
        .ok_or_else(|| SysError::Msg(format!("no {} found", kind.noun())))?;
    Ok((fd, rest))
}

/// `load|loadall OBJ PATH [type TYPE] [map {idx IDX|name NAME} MAP]... [pinmaps DIR] [autoattach]`
fn load(ctx: &Ctx, args: &[String], all: bool) -> Result<()> {
    let [file, pin, rest @ ..] = args else {
        return Err(CmdError::Usage("expected OBJ PATH: load OBJ PATH [type TYPE] [map {idx IDX | name NAME} MAP] [pinmaps DIR] [autoattach]".into()));
    };
    let mut req = FileLoad {
        file: Path::new(file),
        pin: Path::new(pin),
        all,
        prog_type: None,
        maps: Vec::new(),
        pinmaps: None,
        autoattach: false,
    };
    let mut words = rest;
    while let Some(w) = words.first() {
        let arg = |i: usize| {
            words
                .get(i)
                .ok_or_else(|| CmdError::Usage(format!("'{w}' needs an argument")))
        };
        if is_prefix(w, "type") {
            if req.prog_type.is_some() {
                return Err(CmdError::Usage("program type already specified".into()));
            }
            req.prog_type = Some(arg(1)?.as_str());
            words = &words[2..];
        } else if is_prefix(w, "map") {
            let sel = arg(1)?;
            let target = arg(2)?;
            let r = if is_prefix(sel, "idx") {
                MapRef::Idx(
                    target
                        .parse()
                        .map_err(|_| CmdError::Usage(format!("can't parse {target} as IDX")))?,
                )
            } else if is_prefix(sel, "name") {
                MapRef::Name(target.clone())
            } else {
                return Err(CmdError::Usage(format!(
                    "expected 'idx' or 'name', got: '{sel}'?"
                )));
            };
            let (fd, rest) = one(ObjKind::Map, &words[3..])?;
            req.maps.push((r, fd));
            words = rest;
        } else if is_prefix(w, "pinmaps") {
            req.pinmaps = Some(Path::new(arg(1)?.as_str()));
            words = &words[2..];
        } else if is_prefix(w, "autoattach") {
            req.autoattach = true;
            words = &words[1..];
        } else if is_prefix(w, "offload_dev")
            || is_prefix(w, "xdpmeta_dev")
            || is_prefix(w, "kernel_btf")
            || is_prefix(w, "dev")
        {
            return Err(CmdError::Usage(format!(
                "'{w}' is not supported by bpfscope"
            )));
        } else {
            return Err(CmdError::Usage(format!(
                "expected no more arguments, 'type', 'map', 'pinmaps' or 'autoattach', got: '{w}'?"
            )));
        }
    }
    let file = req.file;
    let loaded = load_file(req).map_err(|e| {
        explain_rejection(ctx, e, |prog| crate::loader::verifier::elf_info(file, prog))
    })?;
    for n in loaded.notes {
        eprintln!("{n}");
    }
    Ok(())
}

/// `prog pin PROG FILE`, `link pin LINK FILE`.
fn pin(kind: ObjKind, args: &[String]) -> Result<()> {
    let (fd, rest) = one(kind, args)?;
    let [path, extra @ ..] = rest else {
        return Err(CmdError::Usage(format!(
            "'pin' needs a path: pin {} FILE",
            kind.noun().to_uppercase()
        )));
    };
    no_more_args(extra)?;
    mapops::pin(fd.as_fd(), Path::new(path))?;
    Ok(())
}

/// bpftool's attach type words, in its table (enum) order for prefixes.
fn attach_type(word: &str) -> Result<u32> {
    const ORDER: [&str; 5] = [
        "stream_parser",
        "stream_verdict",
        "msg_verdict",
        "flow_dissector",
        "skb_verdict",
    ];
    ORDER
        .iter()
        .find(|n| is_prefix(word, n))
        .and_then(|n| MAP_ATTACH_TYPES.iter().find(|(m, _)| m == n))
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            CmdError::Usage(format!(
                "invalid attach/detach type '{word}' (expected one of: {})",
                ORDER.join(", ")
            ))
        })
}

/// `prog attach|detach PROG ATTACH_TYPE [MAP]`.
fn attach_detach(args: &[String], attach: bool) -> Result<()> {
    let (prog, rest) = one(ObjKind::Prog, args)?;
    let [ty, rest @ ..] = rest else {
        return Err(CmdError::Usage("expected ATTACH_TYPE".into()));
    };
    let ty = attach_type(ty)?;
    let map = if ty == libbpf_sys::BPF_FLOW_DISSECTOR {
        no_more_args(rest)?;
        None
    } else {
        let (map, rest) = one(ObjKind::Map, rest)?;
        no_more_args(rest)?;
        Some(map)
    };
    let verb = if attach { "attach" } else { "detach" };
    let r = if attach {
        prog_attach(&prog, map.as_ref(), ty)
    } else {
        prog_detach(&prog, map.as_ref(), ty)
    };
    r.map_err(|e| {
        SysError::os(
            format!("failed prog {verb} to map"),
            e.raw_os_error().unwrap_or(0),
        )
    })?;
    Ok(())
}

/// `link detach LINK`.
fn detach_link(args: &[String]) -> Result<()> {
    let (link, rest) = one(ObjKind::Link, args)?;
    no_more_args(rest)?;
    link_detach(&link)
        .map_err(|e| SysError::os("failed link detach", e.raw_os_error().unwrap_or(0)))?;
    Ok(())
}

/// On a verifier rejection, analyses the log libbpf already got (the
/// program is not verified again) with what the ELF says of the failing
/// program (`info`), and prints the analysis — instruction, source line,
/// cause, fix — instead of the raw log tail; other errors pass through.
pub fn explain_rejection(
    ctx: &Ctx,
    e: crate::loader::LoaderError,
    info: impl FnOnce(&str) -> crate::loader::verifier::ObjInfo,
) -> CmdError {
    use crate::loader::{verifier, LoaderError};
    let LoaderError::Load {
        prog: Some(prog),
        object,
        source,
        log,
        full_log,
    } = &e
    else {
        return loader_error(e);
    };
    if log.is_empty() {
        return loader_error(e);
    }
    let report = verifier::analyze(full_log, &info(prog));
    if report.accepted {
        return loader_error(e);
    }
    let why = source.to_string();
    let why = why.split(" (os error").next().unwrap_or(&why);
    let head = format!("can't load object '{object}' (program '{prog}'): {why}");
    if !ctx.json {
        eprintln!("{report}");
    }
    CmdError::Detailed {
        msg: format!(
            "{head} (rejected by the verifier: {}; `bpfscope prog verify` for more)",
            report.title
        ),
        json: serde_json::json!({ "error": head, "verifier": report }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attach_types_by_prefix() {
        assert_eq!(
            attach_type("stream_p").unwrap(),
            libbpf_sys::BPF_SK_SKB_STREAM_PARSER
        );
        assert_eq!(
            attach_type("stream").unwrap(),
            libbpf_sys::BPF_SK_SKB_STREAM_PARSER
        );
        assert_eq!(attach_type("msg").unwrap(), libbpf_sys::BPF_SK_MSG_VERDICT);
        assert_eq!(attach_type("skb").unwrap(), libbpf_sys::BPF_SK_SKB_VERDICT);
        assert!(attach_type("xdp").is_err());
    }
}
