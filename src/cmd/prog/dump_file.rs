//! `prog dump xlated file OBJ.o [prog NAME] [opcodes | visual [format FMT FILE] | linum]`:
//! the programs of an ELF object before loading, through `loader::objdump`.
use serde::Serialize;

use crate::cli::request::ProgDumpFile;
use crate::cmd::{CmdError, Result};
use crate::disasm::cfg::Cfg;
use crate::disasm::visual::{self, VisualFormat};
use crate::disasm::xlated::{self, DumpOpts, Xlated, XlatedInsn};
use crate::loader::objdump::{self, ObjFunc, ObjNames};
use crate::output::{self, Ctx, Out};

#[derive(Serialize)]
struct FuncDump {
    name: String,
    section: String,
    subprog: bool,
    insns: Vec<XlatedInsn>,
}

pub fn run(ctx: &Ctx, r: &ProgDumpFile, out: &mut Out) -> Result<()> {
    use std::io::Write;
    let path = r.object.display().to_string();
    let name = r.prog.as_deref();
    let visual = r.visual;
    let opts = DumpOpts {
        opcodes: r.opcodes,
        linum: r.linum,
    };
    let visual_to = r.visual_to.clone();
    if ctx.json && visual {
        return Err(CmdError::Usage(
            "'visual' is not compatible with JSON output".into(),
        ));
    }
    let all = objdump::read(&r.object).map_err(|e| CmdError::Failed(e.to_string()))?;
    let funcs: Vec<&ObjFunc> = match name {
        Some(n) => {
            let f: Vec<&ObjFunc> = all.iter().filter(|f| f.name == n).collect();
            if f.is_empty() {
                return Err(CmdError::Failed(format!("no program named {n} in {path}")));
            }
            f
        }
        None => all.iter().collect(),
    };
    if visual && funcs.len() != 1 {
        return Err(CmdError::Usage(
            "'visual' needs one program: add 'prog NAME'".into(),
        ));
    }
    let mut dumps = Vec::new();
    for (k, f) in funcs.iter().enumerate() {
        let names = ObjNames::new(f);
        let info = [objdump::func_info(f)];
        let x = Xlated {
            insns: &f.insns,
            funcs: &info,
            lines: &f.lines,
            names: &names,
        };
        if visual {
            // Relocated calls and callback references point into other
            // sections (libbpf appends those functions at load): they are
            // not edges inside this function's graph.
            let mut local = f.insns.clone();
            for (&i, _) in f.relocs.iter() {
                if let Some(insn) = local.get_mut(i) {
                    insn.src_reg = 0;
                }
            }
            // Before loading, `call pc+N` keeps its offset in imm.
            let g = Cfg::build(&local, &[0], false);
            let title = format!("{path}: {}", f.name);
            let graph = visual::Graph {
                x: &x,
                cfg: &g,
                opts,
                title: &title,
                verification: None,
            };
            match &visual_to {
                Some((fmt, file)) => visual::render_file(std::path::Path::new(file), *fmt, &graph),
                None => visual::render(out, VisualFormat::Dot, &graph),
            }
            .map_err(super::dump::visual_failed)?;
            return Ok(());
        }
        let recs = xlated::records(&x, opts);
        if ctx.json {
            dumps.push(FuncDump {
                name: f.name.clone(),
                section: f.section.clone(),
                subprog: f.subprog,
                insns: recs,
            });
        } else {
            if k > 0 {
                writeln!(out)?;
            }
            writeln!(
                out,
                "{}  section {}{}",
                output::escape(&f.name),
                output::escape(&f.section),
                if f.subprog { "  (subprogram)" } else { "" }
            )?;
            if f.proto.is_none() {
                writeln!(out, "{}:", output::escape(&f.name))?;
            }
            xlated::write_plain(out, &recs)?;
        }
    }
    if ctx.json {
        if name.is_some() && dumps.len() == 1 {
            output::write_json(ctx, out, &dumps[0])?;
        } else {
            output::write_json(ctx, out, &dumps)?;
        }
    }
    Ok(())
}
