//! `btf dump BTF_SRC [format {raw|c}] [root_id ID]… [unsorted]`, as bpftool's
//! `do_dump` (btf.c): BTF_SRC is `id ID`, `prog PROG`, `map MAP [key|value|kv|all]`
//! or `file PATH`. Kernel BTF arrives as bytes from `sys::btf`, is parsed by
//! `crate::btf` (module BTF on top of vmlinux, as bpftool does) and printed
//! as raw text, bpftool's JSON, or C.
use std::io::Write;
use std::path::Path;

use super::{CmdError, Result};
use crate::btf::{self, Btf};
use crate::output::{Ctx, Out};
use crate::sys::handle::{self, is_prefix};
use crate::sys::{self, ObjKind};
use crate::text::JsonW;

/// bpftool's limit on `root_id` options.
const MAX_ROOT_IDS: usize = 16;

impl From<btf::BtfError> for CmdError {
    fn from(e: btf::BtfError) -> Self {
        match e {
            btf::BtfError::Io(io) => CmdError::Io(io),
            other => CmdError::Failed(other.to_string()),
        }
    }
}

/// Where the BTF comes from.
enum Source {
    Id(u32),
    File(String),
}

/// strtoul(…, 0) as bpftool parses ids: decimal, 0x… hex or 0… octal.
fn parse_u32(s: &str) -> Option<u32> {
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    u32::from_str_radix(digits, radix).ok()
}

/// Resolves a prog/map handle to exactly one object, as bpftool's
/// `prog_parse_fd`/`map_parse_fd` do.
fn one_object(kind: ObjKind, words: &[String]) -> Result<(u32, std::os::fd::OwnedFd, &[String])> {
    let (h, rest) = handle::parse(kind, words)?;
    let (id, fd) = handle::resolve_one(kind, &h)?;
    Ok((id, fd, rest))
}

pub fn run(ctx: &Ctx, args: &[String], out: &mut Out) -> Result<()> {
    // libbpf warns on stderr about malformed input; bpfscope prints one
    // error line instead (with libbpf's last warning in it), and libbpf's
    // own lines only with -d.
    crate::loader::log::set_debug(ctx.debug);
    let (res, lines) = crate::loader::log::with_capture(|| dump(ctx, args, out));
    res.map_err(|e| {
        let m = e.to_string();
        match crate::loader::log::last_error(&lines) {
            Some(last) if m.starts_with("failed to load BTF") => {
                CmdError::Failed(format!("{m} (libbpf: {last})"))
            }
            _ => e,
        }
    })
}

fn dump(ctx: &Ctx, args: &[String], out: &mut Out) -> Result<()> {
    let usage = || {
        CmdError::Usage("usage: btf dump {id ID | prog PROG | map MAP [key|value|kv|all] | file PATH} [format {raw|c}] [root_id ID] [unsorted]".into())
    };
    if args.len() < 2 {
        return Err(usage());
    }
    let src = args[0].as_str();
    let mut roots: Vec<u32> = Vec::new();
    let (source, mut rest): (Source, &[String]) = if is_prefix(src, "map") {
        let (id, fd, rest) = one_object(ObjKind::Map, &args[1..])?;
        let info = sys::map::info(&fd)?;
        if info.btf_id == 0 {
            return Err(CmdError::Failed(format!("map {id} has no BTF")));
        }
        let (k, v) = (info.btf_key_type_id, info.btf_value_type_id);
        let rest = match rest.first().map(String::as_str) {
            Some(w) if is_prefix(w, "key") => {
                roots.push(k);
                &rest[1..]
            }
            Some(w) if is_prefix(w, "value") => {
                roots.push(v);
                &rest[1..]
            }
            Some(w) if is_prefix(w, "all") => &rest[1..],
            Some(w) if is_prefix(w, "kv") => {
                roots.extend([k, v]);
                &rest[1..]
            }
            _ => {
                roots.extend([k, v]);
                rest
            }
        };
        (Source::Id(info.btf_id), rest)
    } else if is_prefix(src, "prog") {
        let (id, fd, rest) = one_object(ObjKind::Prog, &args[1..])?;
        let (info, _) = sys::prog::info(&fd)?;
        if info.btf_id == 0 {
            return Err(CmdError::Failed(format!("program {id} has no BTF")));
        }
        (Source::Id(info.btf_id), rest)
    } else if is_prefix(src, "id") {
        let id = parse_u32(&args[1])
            .ok_or_else(|| CmdError::Usage(format!("can't parse {} as ID", args[1])))?;
        (Source::Id(id), &args[2..])
    } else if is_prefix(src, "file") {
        (Source::File(args[1].clone()), &args[2..])
    } else {
        return Err(CmdError::Usage(format!(
            "unrecognized BTF source specifier: '{src}'"
        )));
    };

    let filtered_by_map = !roots.is_empty();
    let mut dump_c = false;
    let mut sorted = true;
    while let Some(w) = rest.first() {
        if is_prefix(w, "format") {
            let f = rest
                .get(1)
                .ok_or_else(|| CmdError::Usage("expecting value for 'format' option".into()))?;
            dump_c = match f.as_str() {
                "c" => true,
                "raw" => false,
                other => {
                    return Err(CmdError::Usage(format!(
                        "unrecognized format specifier: '{other}', possible values: raw, c"
                    )))
                }
            };
            rest = &rest[2..];
        } else if is_prefix(w, "root_id") {
            if filtered_by_map {
                return Err(CmdError::Usage(
                    "cannot use root_id with other type filtering".into(),
                ));
            }
            if roots.len() == MAX_ROOT_IDS {
                return Err(CmdError::Usage(format!(
                    "only {MAX_ROOT_IDS} root_id are supported"
                )));
            }
            let arg = rest
                .get(1)
                .ok_or_else(|| CmdError::Usage("expecting value for 'root_id' option".into()))?;
            let id = parse_u32(arg)
                .ok_or_else(|| CmdError::Usage(format!("can't parse {arg} as root ID")))?;
            if roots.contains(&id) {
                return Err(CmdError::Usage(format!("duplicate root_id {id} supplied")));
            }
            roots.push(id);
            rest = &rest[2..];
        } else if is_prefix(w, "unsorted") {
            sorted = false;
            rest = &rest[1..];
        } else {
            return Err(CmdError::Usage(format!("unrecognized option: '{w}'")));
        }
    }
    if dump_c && ctx.json {
        return Err(CmdError::Usage(
            "JSON output for C-syntax dump is not supported".into(),
        ));
    }

    let btf = match source {
        Source::Id(id) => sys::btf::load(id)?,
        Source::File(path) => Btf::from_file(Path::new(&path))?,
    };
    btf::check_roots(&btf, &roots)?;
    if dump_c {
        btf::dump_c(&btf, &roots, sorted, out)?;
    } else if ctx.json {
        let mut w = JsonW::new(&mut *out, ctx.pretty);
        btf::dump_raw_json(&btf, &roots, &mut w)?;
        w.finish()?;
    } else {
        btf::dump_raw_text(&btf, &roots, out)?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_u32;

    #[test]
    fn ids_parse_like_strtoul() {
        assert_eq!(parse_u32("42"), Some(42));
        assert_eq!(parse_u32("0x10"), Some(16));
        assert_eq!(parse_u32("010"), Some(8));
        assert_eq!(parse_u32("0"), Some(0));
        assert_eq!(parse_u32("4x"), None);
        assert_eq!(parse_u32(""), None);
    }
}
