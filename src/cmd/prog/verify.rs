//! `prog verify OBJ [prog NAME] [--compare OTHER.o] [--log-level 1|2]
//! [--log-file F] [--visual [format FMT FILE]] [--as-unprivileged]
//! [--sort KEY]… [--filter EXPR]…`: loads each program of an object without
//! pinning and reports the verifier's verdict with veristat's columns; for a
//! rejection, the summary of `loader::verifier` instead of the raw log.
//! Exit status 0 whenever the verification ran: the verdict is the output.
use std::io::Write;
use std::path::Path;

use crate::cli::request::ProgVerify;
use crate::cmd::{CmdError, Result};
use crate::disasm::cfg::Cfg;
use crate::disasm::printer::NoResolve;
use crate::disasm::visual::{self, VisualFormat};
use crate::disasm::xlated::{DumpOpts, FuncInfo, LineInfo, Xlated};
use crate::loader::verifier::load::{self, Verdict, VerifyOpts};
use crate::loader::verifier::record::{self, CompareRecord, Comparison, VerifyRecord};
use crate::loader::verifier::select;
use crate::loader::LoaderError;
use crate::output::{self, Ctx, Out};

fn failed(e: impl std::fmt::Display) -> CmdError {
    CmdError::Failed(e.to_string())
}

/// Verifies the chosen program, or every program of the object.
fn verify_file(path: &Path, prog: Option<&str>, opts: VerifyOpts) -> Result<Vec<Verdict>> {
    if !path.exists() {
        return Err(CmdError::Failed(format!(
            "can't open object '{}': No such file or directory",
            path.display()
        )));
    }
    let names: Vec<String> = match prog {
        Some(p) => vec![p.to_string()],
        None => load::programs(path)
            .map_err(failed)?
            .into_iter()
            .map(|p| p.name)
            .collect(),
    };
    names
        .iter()
        .map(|n| load::verify(path, n, opts).map_err(failed))
        .collect()
}

fn write_logs(file: &Path, verdicts: &[&Verdict]) -> Result<()> {
    let mut text = String::new();
    for v in verdicts {
        if verdicts.len() > 1 {
            text.push_str(&format!("== prog {} ({}) ==\n", v.name, v.section));
        }
        text.push_str(&v.log);
        if !v.log.ends_with('\n') && !v.log.is_empty() {
            text.push('\n');
        }
        for l in &v.info.libbpf_messages {
            text.push_str(l);
            text.push('\n');
        }
    }
    std::fs::write(file, text)
        .map_err(|e| CmdError::Failed(format!("can't write log file '{}': {e}", file.display())))
}

pub fn run(ctx: &Ctx, req: &ProgVerify, out: &mut Out) -> Result<()> {
    // The page shows the register states along the path: a level-2 log.
    let page = matches!(req.visual_to, Some((VisualFormat::Html, _)));
    let opts = VerifyOpts {
        log_level: req.log_level.or(page.then_some(2)),
        debug: ctx.debug,
        whole_log: req.log_file.is_some(),
    };
    let a = verify_file(&req.object, req.prog.as_deref(), opts)?;
    let b = match &req.compare {
        Some(p) => Some(verify_file(p, req.prog.as_deref(), opts)?),
        None => None,
    };
    if let Some(f) = &req.log_file {
        let all: Vec<&Verdict> = a.iter().chain(b.iter().flatten()).collect();
        write_logs(f, &all)?;
    }
    if req.visual {
        if ctx.json && req.visual_to.is_none() {
            // One JSON value: the DOT text as a string.
            let mut dot: Vec<u8> = Vec::new();
            let name = visual(req, &a, &mut dot)?;
            let text = String::from_utf8_lossy(&dot);
            output::write_json(ctx, out, &serde_json::json!({ "prog": name, "dot": text }))?;
            return Ok(());
        }
        visual(req, &a, out)?;
        return Ok(());
    }
    let sort = req
        .sort
        .iter()
        .map(|s| select::parse_sort(s).map_err(CmdError::Usage))
        .collect::<Result<Vec<_>>>()?;
    let filter = req
        .filter
        .iter()
        .map(|f| select::parse_filter(f).map_err(CmdError::Usage))
        .collect::<Result<Vec<_>>>()?;
    let file_a = req.object.display().to_string();
    let mut recs_a = record::records(&file_a, &req.object, &a, req.as_unprivileged);
    let Some(b) = b else {
        select::select_records(&mut recs_a, &filter, &sort);
        if ctx.json {
            if req.prog.is_some() && recs_a.len() == 1 {
                output::write_json(ctx, out, &recs_a[0])?;
            } else {
                output::write_json(ctx, out, &recs_a)?;
            }
        } else {
            output::verify::write_verdicts(out, &recs_a, ctx.table)?;
        }
        return Ok(());
    };
    let file_b = req
        .compare
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut recs_b: Vec<Option<VerifyRecord>> = b
        .iter()
        .map(|v| Some(VerifyRecord::new(&file_b, v)))
        .collect();
    let mut programs = Vec::new();
    for ra in recs_a {
        let rb = recs_b
            .iter_mut()
            .find(|r| r.as_ref().is_some_and(|r| r.name == ra.name))
            .and_then(Option::take);
        programs.push(CompareRecord::new(ra.name.clone(), Some(ra), rb));
    }
    for rb in recs_b.into_iter().flatten() {
        programs.push(CompareRecord::new(rb.name.clone(), None, Some(rb)));
    }
    select::select_pairs(&mut programs, &filter, &sort);
    if ctx.json {
        output::write_json(
            ctx,
            out,
            &Comparison {
                a: file_a,
                b: file_b,
                programs,
            },
        )?;
    } else {
        output::verify::write_comparison(out, &file_a, &file_b, &programs, ctx.table)?;
    }
    Ok(())
}

/// `--visual`: the program's CFG with the verdict on it (the block where
/// the verifier stopped, the path to it, and with `--log-level 2` the
/// blocks it walked and its states), as DOT on stdout or in a file.
/// Returns the program's name.
fn visual<W: Write>(req: &ProgVerify, verdicts: &[Verdict], out: &mut W) -> Result<String> {
    let v = match verdicts {
        [one] => one,
        many => many.iter().find(|v| !v.accepted).ok_or_else(|| {
            CmdError::Usage(
                "the object has several programs, all accepted: choose one with 'prog NAME'".into(),
            )
        })?,
    };
    let info = &v.info;
    if info.insns.is_empty() {
        return Err(CmdError::Failed(format!(
            "no instructions for prog '{}': libbpf rejected it before the kernel saw it",
            v.name
        )));
    }
    let report = crate::loader::verifier::analyze(&v.log, info);
    let verification = crate::loader::verifier::path::verification(&v.log, v.log_level, &report);
    let funcs: Vec<FuncInfo> = info
        .funcs
        .iter()
        .map(|f| FuncInfo {
            insn_off: f.insn as u32,
            proto: None,
            name: Some(f.name.clone()),
        })
        .collect();
    let lines: Vec<LineInfo> = info
        .lines
        .iter()
        .map(|l| LineInfo {
            insn_off: l.insn as u32,
            src: Some(l.text.clone()),
            file: Some(l.file.clone()),
            line_num: l.line,
            line_col: l.col,
        })
        .collect();
    let starts: Vec<u32> = funcs.iter().map(|f| f.insn_off).collect();
    let cfg = Cfg::build(&info.insns, &starts, false);
    let x = Xlated {
        insns: &info.insns,
        funcs: &funcs,
        lines: &lines,
        names: &NoResolve,
    };
    let title = format!("{}: prog {} ({})", req.object.display(), v.name, v.section);
    let graph = visual::Graph {
        x: &x,
        cfg: &cfg,
        opts: DumpOpts::default(),
        title: &title,
        verification: Some(&verification),
    };
    match &req.visual_to {
        Some((fmt, file)) => visual::render_file(Path::new(file), *fmt, &graph),
        None => visual::render(out, VisualFormat::Dot, &graph),
    }
    .map_err(super::dump::visual_failed)?;
    out.flush()?;
    Ok(v.name.clone())
}

// Loader failures as command errors, shared by `prog load` and `tool`:
// here, beside the verifier analysis they lead to, so that neither of those
// commands imports the other.

/// A loader error as one message: `what: why (hint)`, then the verifier's
/// last lines when a load was rejected.
pub fn loader_error(e: LoaderError) -> CmdError {
    let mut msg = e.to_string();
    if let Some(h) = e.hint() {
        msg.push_str(&format!(" ({h})"));
    }
    let log = e.verifier_log();
    if !log.is_empty() {
        return CmdError::Rejected {
            msg,
            log: log.to_vec(),
        };
    }
    match e {
        LoaderError::InvalidName { .. } | LoaderError::InvalidRoot { .. } => CmdError::Usage(msg),
        _ => CmdError::Failed(msg),
    }
}

/// On a verifier rejection, analyses the log libbpf already got (the
/// program is not verified again) with what the ELF says of the failing
/// program (`info`), and prints the analysis — instruction, source line,
/// cause, fix — instead of the raw log tail; other errors pass through.
pub fn explain_rejection(
    ctx: &Ctx,
    e: LoaderError,
    info: impl FnOnce(&str) -> crate::loader::verifier::ObjInfo,
) -> CmdError {
    use crate::loader::verifier;
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
