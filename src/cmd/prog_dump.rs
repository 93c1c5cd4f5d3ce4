//! `prog dump {xlated|jited} PROG [file F | opcodes | visual [format FMT FILE] | linum]...`
//! and `prog dump xlated file OBJ.o [prog NAME] [opcodes | visual]...`.
//!
//! Parses the words (bpftool's prefixes and checks), fetches each program's
//! image through `sys::progdump`, and renders it with `disasm`: text, JSON,
//! DOT, or the raw image to a file.
use std::io::Write;

use serde::Serialize;

use super::{CmdError, Result};
use crate::disasm::cfg::Cfg;
use crate::disasm::insn::parse_insns;
use crate::disasm::jited::{self, JitedFunc, JitedLineMap};
use crate::disasm::symbols::KernelSymbols;
use crate::disasm::visual::{self, VisualFormat};
use crate::disasm::xlated::{self, DumpOpts, KernelNames, Xlated};
use crate::output::{self, Ctx, Out};
use crate::sys::handle::{self, is_prefix};
use crate::sys::progdump::{self, Image, ProgImage};
use crate::sys::ObjKind;

/// Modifiers after the program.
#[derive(Debug, Default, Clone)]
struct Mods {
    file: Option<String>,
    opcodes: bool,
    visual: bool,
    /// `visual format FMT FILE`: render to FILE instead of DOT on stdout.
    visual_to: Option<(VisualFormat, String)>,
    linum: bool,
}

/// `format {dot|svg|png|html} FILE` after `visual` (the words after `format`).
pub(super) fn visual_target<'a>(
    it: &mut impl Iterator<Item = &'a String>,
) -> Result<(VisualFormat, String)> {
    let usage = || {
        CmdError::Usage(format!(
            "expected 'format FMT FILE', FMT one of {}",
            VisualFormat::NAMES
        ))
    };
    let fmt: VisualFormat = it
        .next()
        .ok_or_else(usage)?
        .parse()
        .map_err(CmdError::Usage)?;
    let file = it.next().ok_or_else(usage)?;
    Ok((fmt, file.clone()))
}

pub(super) fn visual_failed(e: visual::VisualError) -> CmdError {
    CmdError::Failed(e.to_string())
}

fn parse_mods(words: &[String]) -> Result<Mods> {
    let mut m = Mods::default();
    let mut it = words.iter();
    while let Some(w) = it.next() {
        if is_prefix(w, "file") {
            let f = it
                .next()
                .ok_or_else(|| CmdError::Usage("expected file path".into()))?;
            m.file = Some(f.clone());
        } else if is_prefix(w, "opcodes") {
            m.opcodes = true;
        } else if is_prefix(w, "visual") {
            m.visual = true;
        } else if is_prefix(w, "format") {
            if !m.visual {
                return Err(CmdError::Usage("'format' goes after 'visual'".into()));
            }
            m.visual_to = Some(visual_target(&mut it)?);
        } else if is_prefix(w, "linum") {
            m.linum = true;
        } else {
            return Err(CmdError::Usage(format!(
                "unknown word '{w}': expected file FILE, opcodes, visual or linum"
            )));
        }
    }
    if m.file.is_some() && (m.opcodes || m.visual || m.linum) {
        return Err(CmdError::Usage(
            "'file' is not compatible with 'opcodes', 'visual', or 'linum'".into(),
        ));
    }
    Ok(m)
}

/// bpftool's header for one of several matched programs.
#[derive(Serialize)]
struct Header {
    id: u32,
    #[serde(rename = "type")]
    prog_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    tag: String,
    gpl_compatible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_time_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_cnt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recursion_misses: Option<u64>,
}

impl Header {
    fn text(&self, w: &mut impl Write) -> std::io::Result<()> {
        write!(w, "{}: {}  ", self.id, self.prog_type)?;
        if let Some(n) = &self.name {
            write!(w, "name {}  ", output::escape(n))?;
        }
        write!(w, "tag {}", self.tag)?;
        if self.gpl_compatible {
            write!(w, "  gpl")?;
        }
        if let (Some(t), Some(c)) = (self.run_time_ns, self.run_cnt) {
            write!(w, " run_time_ns {t} run_cnt {c}")?;
        }
        if let Some(m) = self.recursion_misses {
            write!(w, " recursion_misses {m}")?;
        }
        writeln!(w)
    }
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
    header: &'a Header,
    insns: &'a Dump,
}

pub fn run(ctx: &Ctx, args: &[String], out: &mut Out) -> Result<()> {
    let Some(first) = args.first() else {
        return Err(CmdError::Usage(
            "expected 'xlated' or 'jited', got nothing".into(),
        ));
    };
    let image = if is_prefix(first, "jited") {
        Image::Jited
    } else if is_prefix(first, "xlated") {
        Image::Xlated
    } else {
        return Err(CmdError::Usage(format!(
            "expected 'xlated' or 'jited', got: {first}"
        )));
    };
    let rest = &args[1..];
    if rest.first().is_some_and(|w| is_prefix(w, "file")) {
        if image == Image::Jited {
            return Err(CmdError::Usage(
                "an object file has no jited code before it is loaded: use 'xlated'".into(),
            ));
        }
        return super::prog_dump_elf::run(ctx, &rest[1..], out);
    }
    if rest.len() < 2 {
        return Err(CmdError::Usage(
            "expected PROG: id ID | pinned FILE | tag TAG | name NAME".into(),
        ));
    }
    let (h, rest) = handle::parse(ObjKind::Prog, rest)?;
    let mods = parse_mods(rest)?;
    if mods.visual && image == Image::Jited {
        return Err(CmdError::Usage("'visual' works with 'xlated' only".into()));
    }
    if ctx.json && mods.visual {
        return Err(CmdError::Usage(
            "'visual' is not compatible with JSON output".into(),
        ));
    }
    let progs = handle::resolve(ObjKind::Prog, &h)?;
    let multi = progs.len() > 1;
    if multi && (mods.file.is_some() || mods.visual) {
        return Err(CmdError::Usage("several programs matched".into()));
    }

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
        let header = if multi {
            let r = crate::sys::prog::record(fd)?;
            Some(Header {
                id: r.id,
                prog_type: r.prog_type.to_string(),
                name: r.name,
                tag: r.tag,
                gpl_compatible: r.gpl_compatible,
                run_time_ns: r.run_time_ns,
                run_cnt: r.run_cnt,
                recursion_misses: r.recursion_misses,
            })
        } else {
            None
        };
        if !ctx.json {
            if let Some(h) = &header {
                h.text(out)?;
            }
        }
        let dump = if let Some(path) = &mods.file {
            progdump::write_image(std::path::Path::new(path), &img.image)?;
            Dump::None
        } else if image == Image::Xlated {
            xlated_dump(ctx, &img, &syms, &mods, out)?
        } else {
            if syms.restricted && !noted {
                // Said once per command, on stderr so that the dump stays clean.
                eprintln!(
                    "Note: kernel.kptr_restrict hides kernel addresses: call targets are not named"
                );
                noted = true;
            }
            jited_dump(ctx, &img, &syms, &mods, out)?
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
    mods: &Mods,
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
    mods: &Mods,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn w(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn modifiers() {
        let m = parse_mods(&w(&["op", "li", "v"])).unwrap();
        assert!(m.opcodes && m.linum && m.visual && m.file.is_none());
        assert_eq!(
            parse_mods(&w(&["file", "/tmp/x"])).unwrap().file.as_deref(),
            Some("/tmp/x")
        );
        assert!(parse_mods(&w(&["file"])).is_err());
        assert!(parse_mods(&w(&["file", "x", "opcodes"]))
            .unwrap_err()
            .to_string()
            .contains("not compatible"));
        assert!(parse_mods(&w(&["bogus"])).is_err());
    }
}
