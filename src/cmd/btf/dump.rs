//! `btf dump BTF_SRC [format {raw|c}] [root_id ID]… [unsorted]`, as bpftool's
//! `do_dump` (btf.c): BTF_SRC is `id ID`, `prog PROG`, `map MAP [key|value|kv|all]`
//! or `file PATH`. Kernel BTF arrives as bytes from `sys::btf`, is parsed by
//! `crate::btf` (module BTF on top of vmlinux, as bpftool does) and printed
//! as raw text, bpftool's JSON, or C.
use std::io::Write;
use std::path::Path;

use crate::btf::{self, Btf};
use crate::cli::request::{BtfSource, MapBtfPart};
use crate::cmd::{CmdError, Result};
use crate::output::{Ctx, Out};
use crate::sys::handle;
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
    File(std::path::PathBuf),
}

#[allow(clippy::too_many_arguments)]
pub fn dump(
    ctx: &Ctx,
    source: &BtfSource,
    format_c: bool,
    roots: Vec<u32>,
    sorted: bool,
    base_btf: Option<&Path>,
    out: &mut Out,
) -> Result<()> {
    // libbpf warns on stderr about malformed input; bpfscope prints one
    // error line instead (with libbpf's last warning in it), and libbpf's
    // own lines only with -d.
    crate::loader::log::set_debug(ctx.debug);
    let (res, lines) = crate::loader::log::with_capture(|| {
        dump_inner(ctx, source, format_c, roots, sorted, base_btf, out)
    });
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

fn dump_inner(
    ctx: &Ctx,
    source: &BtfSource,
    dump_c: bool,
    mut roots: Vec<u32>,
    sorted: bool,
    base_btf: Option<&Path>,
    out: &mut Out,
) -> Result<()> {
    if roots.len() > MAX_ROOT_IDS {
        return Err(CmdError::Usage(format!(
            "only {MAX_ROOT_IDS} root_id are supported"
        )));
    }
    let source = match source {
        BtfSource::Map(h, part) => {
            let (id, fd) = handle::resolve_one(ObjKind::Map, h)?;
            let info = sys::map::info(&fd)?;
            if info.btf_id == 0 {
                return Err(CmdError::Failed(format!("map {id} has no BTF")));
            }
            let (k, v) = (info.btf_key_type_id, info.btf_value_type_id);
            match part {
                MapBtfPart::Key => roots.push(k),
                MapBtfPart::Value => roots.push(v),
                MapBtfPart::Kv => roots.extend([k, v]),
                MapBtfPart::All => {}
            }
            Source::Id(info.btf_id)
        }
        BtfSource::Prog(h) => {
            let (id, fd) = handle::resolve_one(ObjKind::Prog, h)?;
            let (info, _) = sys::prog::info(&fd)?;
            if info.btf_id == 0 {
                return Err(CmdError::Failed(format!("program {id} has no BTF")));
            }
            Source::Id(info.btf_id)
        }
        BtfSource::Id(id) => Source::Id(*id),
        BtfSource::File(p) => Source::File(p.clone()),
    };
    if dump_c && ctx.json {
        return Err(CmdError::Usage(
            "JSON output for C-syntax dump is not supported".into(),
        ));
    }

    let btf = match source {
        Source::Id(id) => sys::btf::load(id)?,
        Source::File(path) => match base_btf {
            Some(base) => {
                Btf::parse_file(&path, Some(std::rc::Rc::new(Btf::parse_file(base, None)?)))?
            }
            None => Btf::from_file(&path)?,
        },
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
