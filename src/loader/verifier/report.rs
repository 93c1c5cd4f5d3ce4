//! The summary of a rejection: what a developer needs instead of a wall of
//! log. Built by [`analyze`] from the log and what the object says; shown
//! as text through `Display`, and as JSON (stable keys) through serde.

use std::fmt;

use serde::Serialize;

use super::classify::{self, Class, Input, Related};
use super::objinfo::{CoreRelo, ObjInfo};
use super::parse::{self, Reg, Stats};
use super::provenance::{self, HotInsn, How, LoopWalk, PathLine};
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

/// One step of a register's provenance, with its source line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvStep {
    pub reg: String,
    pub insn: usize,
    pub text: String,
    pub how: How,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// An instruction with many states (too complex), with its source line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HotSpot {
    #[serde(flatten)]
    pub hot: HotInsn,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// The verdict of a second verification with CAP_BPF alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Privilege {
    /// What the second load had: `CAP_BPF` (+ `CAP_NET_ADMIN`).
    pub capabilities: String,
    pub accepted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errno: Option<i32>,
    /// The kernel's message without the dropped capabilities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Accepted with the loader's capabilities, rejected with these alone.
    pub needs_more: bool,
    /// Why the verdicts differ (what the dropped capabilities allow).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Its analysis, when rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<Class>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insn: Option<usize>,
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
    /// Where the registers named in the error got their values.
    pub provenance: Vec<ProvStep>,
    /// The failing path as source lines with branch outcomes (folded).
    pub path: Vec<PathLine>,
    /// Source lines of the path left out of `path`.
    pub path_folded: usize,
    /// The instructions checked most often (for a program too complex).
    pub states: Vec<HotSpot>,
    /// The loop the walk went round most (for a program too complex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_walk: Option<LoopWalk>,
    /// The message came from libbpf: the kernel never saw the program.
    pub from_libbpf: bool,
    /// The log did not fit its buffer and the kernel kept only its end:
    /// visit counts, `path` and `path_len` cover that end only (the
    /// statistics, printed last, are whole).
    pub log_truncated: bool,
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
/// Source lines of the failing path: the last ones kept whole, at most so many in all.
const PATH_C_TAIL: usize = 6;
const PATH_C_MAX: usize = 24;

/// libbpf's lines that say what failed, the failing step first.
fn libbpf_failure(lines: &[String]) -> Vec<String> {
    const INFO: &[&str] = &[
        "skipping optional step",
        "loaded kernel BTF from",
        "failed to load object",
        "BEGIN PROG LOAD LOG",
        "END PROG LOAD LOG",
    ];
    let mut v: Vec<String> = lines
        .iter()
        .filter(|l| !INFO.iter().any(|i| l.contains(i)))
        .map(|l| l.trim_start_matches("libbpf: ").to_string())
        .collect();
    // libbpf reports the step that failed last; put it first.
    if let Some(k) = v.iter().rposition(|l| {
        l.contains("failed to create") || l.contains("not found") || l.contains("failed to")
    }) {
        let main = v.remove(k);
        v.insert(0, main);
    }
    v
}

/// The provenance of the registers the error names (and of what was added
/// to them: the index of a variable offset).
fn provenance_of(
    p: &parse::ParsedLog<'_>,
    info: &ObjInfo,
    path: &[usize],
    want: &[String],
    class: Class,
) -> Vec<ProvStep> {
    if path.is_empty() || matches!(class, Class::TooComplex | Class::UnreleasedReference) {
        return Vec::new();
    }
    let end = path.len() - 1;
    let mut out: Vec<ProvStep> = Vec::new();
    let mut regs: Vec<String> = want.iter().take(2).cloned().collect();
    let mut k = 0;
    while k < regs.len() && k < 4 {
        let steps = provenance::trace(p, path, end, &regs[k]);
        // A register only scratched by a call says nothing.
        if steps.iter().all(|s| s.how == How::Scratched) {
            k += 1;
            continue;
        }
        for s in steps {
            if let Some(a) = provenance::added_reg(&s.text) {
                if !regs.contains(&a) {
                    regs.push(a);
                }
            }
            if !out.iter().any(|o| o.insn == s.insn && o.reg == s.reg) {
                out.push(ProvStep {
                    source: source_of(info, p, s.insn),
                    reg: s.reg,
                    insn: s.insn,
                    text: s.text,
                    how: s.how,
                    value: s.value,
                });
            }
        }
        k += 1;
    }
    out
}

fn source_of(info: &ObjInfo, p: &parse::ParsedLog<'_>, insn: usize) -> Option<Source> {
    if let Some(l) = info.line_for(insn) {
        return Some(Source {
            file: l.file.clone(),
            line: l.line,
            col: Some(l.col),
            text: l.text.replace('\t', " "),
        });
    }
    // No line info in the object: the log's own `; text @ file:line`.
    let at = p.insns.iter().rposition(|i| i.idx == insn)?;
    let s = p.source_before(at)?;
    Some(Source {
        file: s.file.to_string(),
        line: s.line,
        col: None,
        text: s.text.replace('\t', " "),
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
    let mut from_libbpf = false;
    if msg_lines.is_empty() && !info.libbpf_messages.is_empty() {
        // Rejected by libbpf before the kernel saw it: its failing step,
        // without the informational lines (BPF token, kernel BTF loaded).
        msg_lines = libbpf_failure(&info.libbpf_messages);
        from_libbpf = !msg_lines.is_empty();
    }
    let accepted = msg_lines.is_empty();
    let state = p.state_before_error();
    let msg = msg_lines.join("\n");
    let path_lines = p.error_path_lines();
    let diag = classify::diagnose(&Input {
        msg: &msg,
        parsed: &p,
        info,
        state: &state,
        path: &path_lines,
        from_libbpf,
    });
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
    // Provenance is for the registers the message names; without any, for
    // those the failing instruction uses.
    let named = want.len();
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
    let path: Vec<usize> = path_lines.iter().map(|&l| p.insns[l].idx).collect();
    let traced = if named > 0 { &want[..named] } else { &want[..] };
    let provenance = provenance_of(&p, info, &path_lines, traced, diag.class);
    let line_of = |i: usize| source_of(info, &p, i).map(|s| (s.file, s.line, s.text));
    let (path_c, path_folded) = provenance::fold(
        provenance::source_path(&p, &path_lines, &line_of),
        PATH_C_TAIL,
        PATH_C_MAX,
    );
    let states = if diag.class == Class::TooComplex {
        provenance::hot_insns(&p, 5)
            .into_iter()
            .map(|h| HotSpot {
                source: source_of(info, &p, h.insn),
                hot: h,
            })
            .collect()
    } else {
        Vec::new()
    };
    let title = match (&diag.title, accepted) {
        (Some(t), false) => t.clone(),
        _ => diag.class.title().to_string(),
    };
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
        title,
        detail: diag.detail.clone(),
        cause: diag.cause.clone(),
        hint: diag.hint.clone(),
        related,
        core_relocation: insn.and_then(|i| info.core_relo_at(i)).cloned(),
        provenance,
        path: path_c,
        path_folded,
        loop_walk: if diag.class == Class::TooComplex {
            provenance::loop_walk(&p)
        } else {
            None
        },
        states,
        from_libbpf,
        log_truncated: false,
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
            let label = match (k, self.from_libbpf) {
                (0, true) => "  libbpf:    ",
                (0, false) => "  kernel:    ",
                _ => "             ",
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
        for (k, st) in self.provenance.iter().enumerate() {
            write!(
                f,
                "{}{} {}: {}",
                if k == 0 {
                    "  from:      "
                } else {
                    "             "
                },
                st.reg,
                match st.how {
                    How::Copy => "copied",
                    How::Arith => "changed",
                    How::Load => "loaded",
                    How::Fill => "refilled from the stack",
                    How::Spill => "spilled",
                    How::Call => "returned",
                    How::Scratched => "scratched",
                    How::Constant => "set",
                },
                escape(&format!("insn {} `{}`", st.insn, st.text))
            )?;
            if let Some(v) = &st.value {
                write!(f, " → {}", escape(v))?;
            }
            if let Some(s) = &st.source {
                write!(f, " (line {}: {})", s.line, escape(&s.text))?;
            }
            writeln!(f)?;
        }
        if !self.path.is_empty() {
            writeln!(
                f,
                "  path in C: {}",
                if self.path_folded > 0 {
                    format!("({} lines without branches left out)", self.path_folded)
                } else {
                    String::new()
                }
            )?;
            for l in &self.path {
                write!(f, "    {:>5}  {}", l.line, escape(&l.text))?;
                if let Some(b) = l.branch {
                    write!(f, "  → {b}")?;
                }
                if l.times > 1 {
                    write!(f, "  (×{})", l.times)?;
                }
                writeln!(f)?;
            }
        }
        for (k, h) in self.states.iter().enumerate() {
            write!(
                f,
                "{}insn {}: checked {} times",
                if k == 0 {
                    "  states:    "
                } else {
                    "             "
                },
                h.hot.insn,
                h.hot.visits,
            )?;
            // A level-1 log prints full states only where a branch resumes.
            if h.hot.states > 0 {
                write!(f, ", {} states in the log", h.hot.states)?;
            }
            if let Some(r) = &h.hot.varying_reg {
                write!(
                    f,
                    "; {r} takes {} different values there",
                    h.hot.distinct_values
                )?;
            }
            if let Some(s) = &h.source {
                write!(f, " (line {}: {})", s.line, escape(&s.text))?;
            }
            writeln!(f)?;
        }
        if let Some(l) = &self.loop_walk {
            let line = self
                .states
                .iter()
                .find(|h| h.hot.insn == l.insn)
                .and_then(|h| h.source.as_ref())
                .map(|s| format!(" (line {})", s.line))
                .unwrap_or_default();
            writeln!(
                f,
                "  loop:      the walk went round the loop from insn {}{line} {} times, {} insns a pass",
                l.insn, l.passes, l.insns_per_pass
            )?;
        }
        if self.log_truncated {
            writeln!(
                f,
                "  note:      the log did not fit its buffer and the kernel kept its end: visit counts and the path above cover only that part (the statistics are whole); --log-file keeps the whole log"
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
