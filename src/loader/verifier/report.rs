//! The summary of a rejection: what a developer needs instead of a wall of
//! log. Built by [`analyze`] from the log and what the object says; shown
//! as text through `Display`, and as JSON (stable keys) through serde.

use std::fmt;

use serde::Serialize;

use super::classify::{self, Class, Related};
use super::objinfo::{CoreRelo, ObjInfo};
use super::parse::{self, Reg, Stats};
use crate::disasm::printer::{insn_text, NoResolve};
use crate::output::escape;

/// A source position with its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: String,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
    pub text: String,
}

/// An instruction the report points at, with its text and source line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InsnRef {
    pub insn: usize,
    pub what: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// The analysis of one rejected (or accepted) program.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub prog_name: String,
    pub section: String,
    pub accepted: bool,
    /// The failing instruction's index.
    pub insn: Option<usize>,
    /// Its text, from our printer over the instructions given to the kernel.
    pub insn_text: Option<String>,
    /// Its text as the verifier log printed it.
    pub log_insn_text: Option<String>,
    pub source: Option<Source>,
    /// The registers that matter at the failing instruction (named by the
    /// message, or used by the instruction), as the verifier last saw them.
    pub registers: Vec<Reg>,
    /// The kernel's message (first line), and all its lines.
    pub message: String,
    pub message_lines: Vec<String>,
    pub class: Class,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub cause: String,
    pub hint: String,
    pub related: Vec<InsnRef>,
    /// The CO-RE record at the failing instruction, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_relocation: Option<CoreRelo>,
    /// The instructions walked from the entry to the failing one.
    pub path_len: usize,
    /// Its last instructions (at most [`PATH_TAIL`]).
    pub path_tail: Vec<usize>,
    pub stats: Stats,
    /// Lines of log analysed.
    pub log_lines: usize,
}

/// Instructions of the path kept in a report.
pub const PATH_TAIL: usize = 32;

fn source_of(info: &ObjInfo, p: &parse::ParsedLog<'_>, insn: usize) -> Option<Source> {
    if let Some(l) = info.line_for(insn) {
        return Some(Source {
            file: l.file.clone(),
            line: l.line,
            col: Some(l.col),
            text: l.text.clone(),
        });
    }
    // No line info in the object: the log's own `; text @ file:line`.
    let at = p.insns.iter().rposition(|i| i.idx == insn)?;
    let s = p.source_before(at)?;
    Some(Source {
        file: s.file.to_string(),
        line: s.line,
        col: None,
        text: s.text.to_string(),
    })
}

fn printed(info: &ObjInfo, insn: usize) -> Option<String> {
    (insn < info.insns.len()).then(|| insn_text(&NoResolve, &info.insns, insn))
}

/// Registers an instruction reads or writes (from its log text).
fn regs_in_text(text: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    // `rD = …` only writes rD: its old value does not matter.
    let read = match text.split_once(" = ") {
        Some((lhs, rhs)) if lhs.starts_with(['r', 'w']) && !lhs.contains(' ') => rhs,
        _ => text,
    };
    for w in read.split(|c: char| !c.is_ascii_alphanumeric()) {
        if let Some(n) = w.strip_prefix('r').or_else(|| w.strip_prefix('w')) {
            if let Ok(n) = n.parse::<u8>() {
                if n < 10 {
                    let r = format!("R{n}");
                    if !v.contains(&r) {
                        v.push(r);
                    }
                }
            }
        }
    }
    if text.starts_with("call ") {
        for n in 1..=5 {
            v.push(format!("R{n}"));
        }
    }
    if text == "exit" {
        v.push("R0".into());
    }
    v
}

/// Analyses a verifier log against what the object says about the program.
/// Works on any log: `prog verify`'s, or one captured by a failed load.
pub fn analyze(log: &str, info: &ObjInfo) -> Report {
    let p = parse::parse(log);
    let mut msg_lines: Vec<String> = p
        .error
        .as_ref()
        .map(|e| e.lines.iter().map(|l| l.to_string()).collect())
        .unwrap_or_default();
    if msg_lines.is_empty() && !info.libbpf_messages.is_empty() {
        // Rejected by libbpf before the kernel saw it.
        msg_lines = info
            .libbpf_messages
            .iter()
            .map(|l| l.trim_start_matches("libbpf: ").to_string())
            .collect();
    }
    let accepted = msg_lines.is_empty();
    let state = p.state_before_error();
    let msg = msg_lines.join("\n");
    let diag = classify::diagnose(&msg, &p, info, &state);
    let insn = diag
        .insn_override
        .or_else(|| p.error.as_ref().and_then(|e| e.insn));
    let log_insn_text = insn.and_then(|i| {
        p.insns
            .iter()
            .rev()
            .find(|x| x.idx == i)
            .map(|x| format!("({:02x}) {}", x.code, x.text))
    });

    let mut want: Vec<String> = Vec::new();
    // Registers the message names (not its `cur state:` dumps).
    for l in msg_lines.iter().filter(|l| !l.contains("state:")) {
        for w in l.split(|c: char| !c.is_ascii_alphanumeric()) {
            if w.len() >= 2
                && w.starts_with('R')
                && w[1..].parse::<u8>().is_ok_and(|n| n <= 10)
                && !want.contains(&w.to_string())
            {
                want.push(w.to_string());
            }
        }
    }
    if let Some(t) = log_insn_text.as_deref().or(None) {
        for r in regs_in_text(t.get(5..).unwrap_or("")) {
            if !want.contains(&r) {
                want.push(r);
            }
        }
    }
    let registers: Vec<Reg> = want.iter().filter_map(|r| state.reg(r).cloned()).collect();

    let related = diag
        .related
        .iter()
        .map(|Related { insn, what }| InsnRef {
            insn: *insn,
            what: what.clone(),
            text: printed(info, *insn).or_else(|| {
                p.insns
                    .iter()
                    .rev()
                    .find(|x| x.idx == *insn)
                    .map(|x| format!("({:02x}) {}", x.code, x.text))
            }),
            source: source_of(info, &p, *insn),
        })
        .collect();
    let path = p.error_path();
    Report {
        prog_name: info.prog_name.clone(),
        section: info.section.clone(),
        accepted,
        insn,
        insn_text: insn.and_then(|i| printed(info, i)),
        log_insn_text,
        source: insn.and_then(|i| source_of(info, &p, i)),
        registers,
        message: msg_lines.first().cloned().unwrap_or_default(),
        message_lines: msg_lines,
        class: diag.class,
        title: diag.class.title().to_string(),
        detail: diag.detail.clone(),
        cause: diag.cause.clone(),
        hint: diag.hint.clone(),
        related,
        core_relocation: insn.and_then(|i| info.core_relo_at(i)).cloned(),
        path_len: path.len(),
        path_tail: path[path.len().saturating_sub(PATH_TAIL)..].to_vec(),
        stats: p.stats.clone(),
        log_lines: p.line_count,
    }
}

impl fmt::Display for Report {
    /// The summary: where, what the kernel said, why, and what to change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.accepted {
            return writeln!(
                f,
                "prog '{}' ({}): accepted",
                escape(&self.prog_name),
                escape(&self.section)
            );
        }
        writeln!(
            f,
            "prog '{}' ({}): rejected: {}",
            escape(&self.prog_name),
            escape(&self.section),
            self.title
        )?;
        if let Some(i) = self.insn {
            let text = self
                .insn_text
                .as_deref()
                .or(self.log_insn_text.as_deref())
                .unwrap_or("");
            writeln!(f, "  insn:      {i}: {}", escape(text))?;
        }
        if let Some(s) = &self.source {
            writeln!(f, "  source:    {}:{}", escape(&s.file), s.line)?;
            if !s.text.is_empty() {
                writeln!(f, "             {}", escape(&s.text))?;
            }
        }
        if !self.registers.is_empty() {
            let regs: Vec<String> = self
                .registers
                .iter()
                .map(|r| format!("{}={}", r.name, r.value))
                .collect();
            writeln!(f, "  registers: {}", escape(&regs.join(" ")))?;
        }
        for (k, l) in self.message_lines.iter().enumerate() {
            let label = if k == 0 {
                "  kernel:    "
            } else {
                "             "
            };
            writeln!(f, "{label}{}", escape(l))?;
        }
        writeln!(f, "  cause:     {}", escape(&self.cause))?;
        writeln!(f, "  fix:       {}", escape(&self.hint))?;
        for r in &self.related {
            write!(f, "  see:       insn {}", r.insn)?;
            if let Some(t) = &r.text {
                write!(f, ": {}", escape(t))?;
            }
            write!(f, " ({})", r.what)?;
            if let Some(s) = &r.source {
                write!(f, " at {}:{}: {}", escape(&s.file), s.line, escape(&s.text))?;
            }
            writeln!(f)?;
        }
        if let Some(c) = &self.core_relocation {
            writeln!(
                f,
                "  co-re:     {} {} (access {}) in section {} insn {}",
                c.kind,
                escape(&c.spec),
                c.access,
                escape(&c.section),
                c.section_insn
            )?;
        }
        if self.path_len > 0 {
            let shown: Vec<String> = self.path_tail.iter().map(|i| i.to_string()).collect();
            writeln!(
                f,
                "  path:      {}{} ({} insns from the entry)",
                if self.path_len > self.path_tail.len() {
                    "… "
                } else {
                    ""
                },
                shown.join(" "),
                self.path_len
            )?;
        }
        Ok(())
    }
}
