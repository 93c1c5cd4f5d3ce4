//! `prog dump {xlated|jited} PROG [file F | opcodes | visual [format FMT FILE] | linum]...`
//! and `prog dump xlated file OBJ.o [prog NAME] [opcodes | visual]...`.
//!
//! Fetches each program's image through `sys::progdump` and renders it with
//! `disasm`: text, JSON, DOT, or the raw image to a file.
use std::io::Write;

use serde::Serialize;

use crate::cli::request::{DumpImage, ProgDump};
use crate::cmd::{CmdError, Result};
use crate::disasm::cfg::Cfg;
use crate::disasm::insn::parse_insns;
use crate::disasm::jited::{self, JitedFunc, JitedLineMap};
use crate::disasm::visual::{self, VisualFormat};
use crate::disasm::xlated::{self, DumpOpts, KernelNames, Xlated};
use crate::output::{self, Ctx, Out};
use crate::record::kallsyms::KernelSymbols;
use crate::record::prog::ProgHeader;
use crate::sys::handle;
use crate::sys::progdump::{self, Image, ProgImage};
use crate::sys::ObjKind;

pub(super) fn visual_failed(e: visual::VisualError) -> CmdError {
    CmdError::Failed(e.to_string())
}

/// One program's dump, ready to render.
enum Dump {
    Xlated(Vec<xlated::XlatedInsn>),
    Jited(Vec<jited::JitedFuncRecord>),
    /// Jited image without function boundaries: bare instructions.
    JitedFlat(Vec<jited::JitedInsn>),
    /// Written to a file: JSON says null.
    None,
}

impl Serialize for Dump {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Dump::Xlated(v) => v.serialize(s),
            Dump::Jited(v) => v.serialize(s),
            Dump::JitedFlat(v) => v.serialize(s),
            Dump::None => s.serialize_none(),
        }
    }
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    header: &'a ProgHeader,
    insns: &'a Dump,
}

pub fn run(ctx: &Ctx, mods: &ProgDump, out: &mut Out) -> Result<()> {
    let image = match mods.image {
        DumpImage::Xlated => Image::Xlated,
        DumpImage::Jited => Image::Jited,
    };
    if ctx.json && mods.visual {
        return Err(CmdError::Usage(
            "'visual' is not compatible with JSON output".into(),
        ));
    }
    // `file` and `visual` take one program; text and JSON take every match.
    let progs = if mods.file.is_some() || mods.visual {
        vec![handle::resolve_one(ObjKind::Prog, &mods.prog)?]
    } else {
        handle::resolve(ObjKind::Prog, &mods.prog)?
    };
    let multi = progs.len() > 1;

    // /proc/kallsyms is read once, for all the programs.
    let syms = if mods.file.is_none() {
        progdump::kallsyms()
    } else {
        KernelSymbols::default()
    };
    let mut noted = false;
    let mut entries = Vec::new();
    for (k, (_id, fd)) in progs.iter().enumerate() {
        let img = progdump::fetch(fd, image)?;
        // With several programs, each dump follows bpftool's header line.
        let header = if multi {
            Some(crate::sys::prog::record(fd)?.header)
        } else {
            None
        };
        if !ctx.json {
            if let Some(h) = &header {
                crate::output::render::prog_header_text(h, out)?;
            }
        }
        let dump = if let Some(path) = &mods.file {
            progdump::write_image(path, &img.image)?;
            Dump::None
        } else if image == Image::Xlated {
            xlated_dump(ctx, &img, &syms, mods, out)?
        } else {
            if syms.restricted && !noted {
                // Said once per command, on stderr so that the dump stays clean.
                eprintln!(
                    "Note: kernel.kptr_restrict hides kernel addresses: call targets are not named"
                );
                noted = true;
            }
            jited_dump(ctx, &img, &syms, mods, out)?
        };
        if ctx.json {
            entries.push((header, dump));
        } else if multi && k + 1 < progs.len() {
            writeln!(out)?;
        }
    }
    if ctx.json {
        if multi {
            let list: Vec<Entry> = entries
                .iter()
                .filter_map(|(h, d)| {
                    h.as_ref().map(|h| Entry {
                        header: h,
                        insns: d,
                    })
                })
                .collect();
            output::write_json(ctx, out, &list)?;
        } else if let Some((_, d)) = entries.first() {
            output::write_json(ctx, out, d)?;
        }
    }
    Ok(())
}

/// Renders the xlated view: text and DOT are written at once (large
/// programs stream), JSON records are returned for the caller to wrap.
fn xlated_dump(
    ctx: &Ctx,
    img: &ProgImage,
    syms: &KernelSymbols,
    mods: &ProgDump,
    out: &mut Out,
) -> Result<Dump> {
    let insns = parse_insns(&img.image);
    let names = KernelNames {
        syms,
        jited_ksyms: &img.jited_ksyms,
    };
    let x = Xlated {
        insns: &insns,
        funcs: &img.funcs,
        lines: &img.lines,
        names: &names,
    };
    let opts = DumpOpts {
        opcodes: mods.opcodes,
        linum: mods.linum,
    };
    if mods.visual {
        let starts: Vec<u32> = img.funcs.iter().map(|f| f.insn_off).collect();
        let cfg = Cfg::build(&insns, &starts, img.jited);
        let name = img.funcs.first().and_then(|f| f.name.as_deref());
        let title = format!("prog id {} {}", img.id, name.unwrap_or(""));
        let graph = visual::Graph {
            x: &x,
            cfg: &cfg,
            opts,
            title: title.trim_end(),
            verification: None,
        };
        match &mods.visual_to {
            Some((fmt, file)) => visual::render_file(std::path::Path::new(file), *fmt, &graph)
                .map_err(visual_failed)?,
            None => visual::render(out, VisualFormat::Dot, &graph).map_err(visual_failed)?,
        }
        return Ok(Dump::None);
    }
    let recs = xlated::records(&x, opts);
    if ctx.json {
        return Ok(Dump::Xlated(recs));
    }
    xlated::write_plain(out, &recs)?;
    Ok(Dump::None)
}

fn jited_dump(
    ctx: &Ctx,
    img: &ProgImage,
    syms: &KernelSymbols,
    mods: &ProgDump,
    out: &mut Out,
) -> Result<Dump> {
    let fail =
        |e: jited::JitedError| CmdError::Failed(format!("can't disassemble jited code: {e}"));
    let lens = &img.jited_func_lens;
    let total: u64 = lens.iter().map(|&l| u64::from(l)).sum();
    if lens.is_empty() || total > img.image.len() as u64 {
        // No function table (or one that does not fit): one flat listing.
        let f = JitedFunc {
            image: &img.image,
            ksym: 0,
            name: String::new(),
            proto: None,
        };
        let recs = jited::disassemble(&[f], &[], None, syms, mods.opcodes, false).map_err(fail)?;
        let insns = recs.into_iter().flat_map(|r| r.insns).collect::<Vec<_>>();
        if ctx.json {
            return Ok(Dump::JitedFlat(insns));
        }
        jited::write_insns_plain(out, &insns)?;
        return Ok(Dump::None);
    }
    let have_ksyms = img.jited_ksyms.len() == lens.len();
    let mut funcs = Vec::with_capacity(lens.len());
    let mut pos = 0usize;
    for (i, &len) in lens.iter().enumerate() {
        let len = len as usize;
        let ksym = if have_ksyms { img.jited_ksyms[i] } else { 0 };
        let name = if have_ksyms {
            syms.exact(ksym)
                .map(str::to_string)
                .unwrap_or_else(|| format!("0x{ksym:016x}"))
        } else {
            "unknown".to_string()
        };
        funcs.push(JitedFunc {
            image: &img.image[pos..pos + len],
            ksym,
            name,
            proto: img.funcs.get(i).and_then(|f| f.proto.clone()),
        });
        pos += len;
    }
    let map = if have_ksyms && !img.jited_line_addrs.is_empty() {
        JitedLineMap::new(img.jited_line_addrs.clone(), &img.jited_ksyms, lens)
    } else {
        None
    };
    let recs = jited::disassemble(
        &funcs,
        &img.lines,
        map.as_ref(),
        syms,
        mods.opcodes,
        mods.linum,
    )
    .map_err(fail)?;
    if ctx.json {
        return Ok(Dump::Jited(recs));
    }
    jited::write_plain(out, &recs)?;
    Ok(Dump::None)
}
