//! `prog verify OBJ [prog NAME] [--compare OTHER.o] [--log-level 1|2]
//! [--log-file F] [--visual] [--as-unprivileged] [--sort KEY]
//! [--filter EXPR]`: loads each program of an object without pinning and
//! reports the verifier's verdict with veristat's columns; for a rejection,
//! the summary of `loader::verifier` instead of the raw log.
//! Exit status 0 whenever the verification ran: the verdict is the output.
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CmdError, Result};
use crate::disasm::cfg::{write_dot_marked, Cfg};
use crate::disasm::printer::NoResolve;
use crate::disasm::xlated::{DumpOpts, FuncInfo, LineInfo, Xlated};
use crate::loader::verifier::load::{self, Verdict, VerifyOpts, LOG_LEVEL2};
use crate::loader::verifier::parse;
use crate::loader::verifier::record::{self, CompareRecord, Comparison, VerifyRecord};
use crate::loader::verifier::select;
use crate::output::{self, Ctx, Out};

/// The parsed command line.
#[derive(Debug, Default, PartialEq)]
struct Request {
    obj: PathBuf,
    prog: Option<String>,
    compare: Option<PathBuf>,
    log_level: Option<u32>,
    log_file: Option<PathBuf>,
    visual: bool,
    /// Verify again with CAP_BPF alone.
    as_unprivileged: bool,
    /// veristat's `-s` and `-f`.
    sort: Vec<select::Sort>,
    filter: Vec<select::Filter>,
}

fn parse_args(args: &[String]) -> Result<Request> {
    let usage = "usage: prog verify OBJ [prog NAME] [--compare OTHER.o] [--log-level 1|2] [--log-file FILE] [--visual] [--as-unprivileged] [--sort KEY[:asc|:desc]]... [--filter EXPR]...";
    let mut it = args.iter();
    let Some(obj) = it.next() else {
        return Err(CmdError::Usage(format!("missing object file ({usage})")));
    };
    let mut r = Request {
        obj: PathBuf::from(obj),
        ..Default::default()
    };
    let value = |it: &mut std::slice::Iter<'_, String>, what: &str| -> Result<String> {
        it.next()
            .cloned()
            .ok_or_else(|| CmdError::Usage(format!("'{what}' needs a value ({usage})")))
    };
    while let Some(w) = it.next() {
        // `--opt=value` as well as `--opt value`; bpftool-style bare keywords too.
        let (key, inline) = match w.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k, Some(v.to_string())),
            _ => (w.as_str(), None),
        };
        let val = |it: &mut std::slice::Iter<'_, String>| match &inline {
            Some(v) => Ok(v.clone()),
            None => value(it, key),
        };
        match key {
            "prog" | "--prog" => r.prog = Some(val(&mut it)?),
            "compare" | "--compare" => r.compare = Some(PathBuf::from(val(&mut it)?)),
            "--log-level" | "log_level" => {
                let v = val(&mut it)?;
                r.log_level = match v.as_str() {
                    "1" => Some(1),
                    "2" => Some(2),
                    _ => {
                        return Err(CmdError::Usage(format!(
                            "invalid log level '{v}' (expected 1 or 2)"
                        )))
                    }
                };
            }
            "--log-file" | "log_file" => r.log_file = Some(PathBuf::from(val(&mut it)?)),
            "--visual" | "visual" => r.visual = true,
            "--as-unprivileged" | "as_unprivileged" => r.as_unprivileged = true,
            "--sort" | "-s" | "sort" => r
                .sort
                .push(select::parse_sort(&val(&mut it)?).map_err(CmdError::Usage)?),
            "--filter" | "filter" => r
                .filter
                .push(select::parse_filter(&val(&mut it)?).map_err(CmdError::Usage)?),
            _ => return Err(CmdError::Usage(format!("unexpected '{w}' ({usage})"))),
        }
    }
    if r.visual && r.compare.is_some() {
        return Err(CmdError::Usage(
            "--visual and --compare do not go together".into(),
        ));
    }
    Ok(r)
}

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

pub fn run(ctx: &Ctx, args: &[String], out: &mut Out) -> Result<()> {
    let req = parse_args(args)?;
    let opts = VerifyOpts {
        log_level: req.log_level,
        debug: ctx.debug,
        whole_log: req.log_file.is_some(),
    };
    let a = verify_file(&req.obj, req.prog.as_deref(), opts)?;
    let b = match &req.compare {
        Some(p) => Some(verify_file(p, req.prog.as_deref(), opts)?),
        None => None,
    };
    if let Some(f) = &req.log_file {
        let all: Vec<&Verdict> = a.iter().chain(b.iter().flatten()).collect();
        write_logs(f, &all)?;
    }
    if req.visual {
        if ctx.json {
            // One JSON value: the DOT text as a string.
            let mut dot: Vec<u8> = Vec::new();
            let name = visual(&a, &mut dot)?;
            let text = String::from_utf8_lossy(&dot);
            output::write_json(ctx, out, &serde_json::json!({ "prog": name, "dot": text }))?;
            return Ok(());
        }
        visual(&a, out)?;
        return Ok(());
    }
    let file_a = req.obj.display().to_string();
    let mut recs_a = record::records(&file_a, &req.obj, &a, req.as_unprivileged);
    let Some(b) = b else {
        select::select_records(&mut recs_a, &req.filter, &req.sort);
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
    select::select_pairs(&mut programs, &req.filter, &req.sort);
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

/// Escapes text for a quoted DOT attribute.
fn dot_quote(s: &str) -> String {
    crate::output::escape(s)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

/// `--visual`: the program's CFG as DOT, the block where the verifier
/// stopped in red, and with `--log-level 2` the blocks it walked in green.
/// Returns the program's name.
fn visual<W: Write>(verdicts: &[Verdict], out: &mut W) -> Result<String> {
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
    let parsed = parse::parse(&v.log);
    let walked: BTreeSet<usize> = if v.log_level & LOG_LEVEL2 != 0 {
        parsed.visited()
    } else {
        BTreeSet::new()
    };
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
    let failing = if report.accepted { None } else { report.insn };
    let tooltip = dot_quote(&format!("{}: {}", report.title, report.message));
    let mark = |b: usize| -> Option<String> {
        let blk = &cfg.blocks[b];
        if failing.is_some_and(|i| i >= blk.start && i < blk.end) {
            return Some(format!(
                "fillcolor=\"#ff9090\",color=\"red\",penwidth=3,tooltip=\"{tooltip}\""
            ));
        }
        if walked.range(blk.start..blk.end).next().is_some() {
            return Some("fillcolor=\"#c8f0c8\"".into());
        }
        None
    };
    write_dot_marked(out, &x, &cfg, DumpOpts::default(), &mark)?;
    out.flush()?;
    Ok(v.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn grammar() {
        let r = parse_args(&words(
            "x.o prog p --compare y.o --log-level 2 --log-file l --visual",
        ));
        assert!(r.is_err(), "visual with compare");
        let r = parse_args(&words("x.o prog p --log-level=2 --log-file l visual")).unwrap();
        assert_eq!(r.prog.as_deref(), Some("p"));
        assert_eq!(r.log_level, Some(2));
        assert_eq!(r.log_file, Some(PathBuf::from("l")));
        assert!(r.visual);
        assert!(parse_args(&words("x.o --log-level 3")).is_err());
        assert!(parse_args(&words("x.o prog")).is_err());
        assert!(parse_args(&[]).is_err());
        assert!(parse_args(&words("x.o frob")).is_err());
        let r = parse_args(&words(
            "x.o --as-unprivileged --sort insns_diff:asc --filter insns>10 filter count_*",
        ))
        .unwrap();
        assert!(r.as_unprivileged);
        assert_eq!(r.sort.len(), 1);
        assert_eq!(r.filter.len(), 2);
        assert!(parse_args(&words("x.o --sort bogus")).is_err());
    }
}
