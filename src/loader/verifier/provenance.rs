//! Where a register's value came from, and the path the verifier walked,
//! read from the log alone: each step is an instruction line of the log on
//! the failing path, so nothing here is inferred beyond what it printed.
//!
//! A register is traced backwards from the failing instruction through the
//! instructions that wrote it: copies (`r2 = r6`) hand over to their source,
//! stack fills (`r1 = *(u64 *)(r10 -8)`) to the store that filled the slot,
//! in-place arithmetic (`r2 += -16`) is a step on the way; a call, a load from
//! memory or a constant ends the trace.

use serde::Serialize;

use super::parse::{InsnLine, ParsedLog};

/// How an instruction produced the value it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// `rX = rY`: the value is rY's.
    Copy,
    /// `rX op= …`: the value was changed in place.
    Arith,
    /// `rX = *(size *)(rY +off)`: loaded from memory.
    Load,
    /// `rX = *(u64 *)(r10 -off)` after a store there: a spill refilled.
    Fill,
    /// `*(u64 *)(r10 -off) = rY`: the spill of the value.
    Spill,
    /// `call f`: returned by a helper, kfunc or subprogram (R0).
    Call,
    /// `call f` scratched R1-R5.
    Scratched,
    /// `rX = imm`.
    Constant,
}

/// One instruction on the way to a register's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The register this step is about (`R2`).
    pub reg: String,
    pub insn: usize,
    /// The log's text of the instruction.
    pub text: String,
    pub how: How,
    /// The register's value right after it, as the log printed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Index into the log's instruction lines (not serialised).
    #[serde(skip)]
    pub line: usize,
}

/// `r2`/`w2` → 2.
fn reg_num(tok: &str) -> Option<u8> {
    let n = tok.strip_prefix('r').or_else(|| tok.strip_prefix('w'))?;
    n.parse::<u8>().ok().filter(|n| *n <= 10)
}

/// What an instruction text writes: (register, how, source register or
/// stack offset it took the value from).
fn writes(text: &str) -> Option<(u8, How, Option<Src>)> {
    if let Some(rest) = text.strip_prefix("call ") {
        let _ = rest;
        return Some((0, How::Call, None));
    }
    if text.starts_with('*') {
        // A store: `*(u64 *)(r10 -8) = r1` writes a stack slot.
        let (lhs, rhs) = text.split_once(" = ")?;
        let src = reg_num(rhs.trim())?;
        let off = stack_off(lhs)?;
        return Some((255, How::Spill, Some(Src::SpillOf(off, src))));
    }
    let mut w = text.split_whitespace();
    let dst = reg_num(w.next()?)?;
    let op = w.next()?;
    let rhs = text.split_once(op).map(|(_, r)| r.trim()).unwrap_or("");
    if op == "=" {
        if let Some(s) = reg_num(rhs) {
            return Some((dst, How::Copy, Some(Src::Reg(s))));
        }
        if rhs.starts_with("*(") {
            if let Some(off) = stack_off(rhs) {
                return Some((dst, How::Fill, Some(Src::Stack(off))));
            }
            return Some((dst, How::Load, None));
        }
        return Some((dst, How::Constant, None));
    }
    if op.ends_with('=') {
        return Some((dst, How::Arith, reg_num(rhs).map(Src::Reg)));
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Src {
    Reg(u8),
    Stack(i64),
    SpillOf(i64, u8),
}

/// `*(u64 *)(r10 -8)` → -8 (only frame-pointer addresses).
fn stack_off(s: &str) -> Option<i64> {
    let p = s.find("(r10 ")?;
    let rest = &s[p + 5..];
    let end = rest.find(')')?;
    rest[..end].trim().parse().ok()
}

/// The value of register `reg` in a state comment (`R2=fp-16`).
fn value_in(state: Option<&str>, reg: &str) -> Option<String> {
    let st = super::parse::parse_state(state?);
    st.reg(reg).map(|r| r.value.clone())
}

/// Traces `reg` back from position `end` of `path` (indexes into the log's
/// instruction lines; `end` itself excluded).
pub fn trace(p: &ParsedLog<'_>, path: &[usize], end: usize, reg: &str) -> Vec<Step> {
    let Some(mut want) = reg
        .strip_prefix(['R', 'r'])
        .and_then(|n| n.parse::<u8>().ok())
    else {
        return Vec::new();
    };
    let mut steps = Vec::new();
    let mut pos = end.min(path.len());
    let mut want_slot: Option<i64> = None;
    while steps.len() < 12 && pos > 0 {
        let found = path[..pos].iter().rposition(|&l| {
            let t = p.insns[l].text;
            match (writes(t), want_slot) {
                (Some((_, How::Spill, Some(Src::SpillOf(off, _)))), Some(slot)) => off == slot,
                (Some((_, How::Spill, _)), _) | (_, Some(_)) => false,
                (Some((d, How::Call, _)), None) => d == want || (1..=5).contains(&want),
                (Some((d, _, _)), None) => d == want,
                (None, _) => false,
            }
        });
        let Some(k) = found else { break };
        pos = k;
        let line: &InsnLine<'_> = &p.insns[path[k]];
        let (_, how, src) = writes(line.text).unwrap_or((want, How::Load, None));
        let how = if how == How::Call && want != 0 {
            How::Scratched
        } else {
            how
        };
        let name = format!("R{want}");
        steps.push(Step {
            reg: name.clone(),
            insn: line.idx,
            text: line.text.to_string(),
            how,
            value: if how == How::Spill {
                None
            } else {
                value_in(line.state, &name)
            },
            line: path[k],
        });
        want_slot = None;
        match (how, src) {
            (How::Copy, Some(Src::Reg(s))) => want = s,
            (How::Arith, _) => {}
            (How::Fill, Some(Src::Stack(off))) => want_slot = Some(off),
            (How::Spill, Some(Src::SpillOf(_, s))) => want = s,
            _ => break,
        }
    }
    steps
}

/// The register an arithmetic step added (`r2 += r1` → `R1`), if any.
pub fn added_reg(text: &str) -> Option<String> {
    match writes(text) {
        Some((_, How::Arith, Some(Src::Reg(s)))) => Some(format!("R{s}")),
        _ => None,
    }
}

/// One source line of the failing path, with the branch taken there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathLine {
    pub file: String,
    pub line: u32,
    pub text: String,
    /// First and last instruction of this stretch.
    pub first_insn: usize,
    pub last_insn: usize,
    /// `taken`/`not taken` for the conditional jump that ends the stretch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<&'static str>,
    /// Times the path passed here with this outcome (a loop walked again).
    pub times: usize,
}

/// `goto pc+3` → 3.
fn jump_off(text: &str) -> Option<i64> {
    let p = text.rfind("goto pc")?;
    text[p + 7..].trim().parse().ok()
}

/// The failing path as source lines: consecutive instructions of one line
/// folded into one entry, and each conditional jump's outcome from the next
/// instruction the verifier walked.
pub fn source_path(
    p: &ParsedLog<'_>,
    path: &[usize],
    line_of: &dyn Fn(usize) -> Option<(String, u32, String)>,
) -> Vec<PathLine> {
    let mut out: Vec<PathLine> = Vec::new();
    for (k, &l) in path.iter().enumerate() {
        let i = &p.insns[l];
        let Some((file, line, text)) = line_of(i.idx) else {
            continue;
        };
        let branch = if i.text.starts_with("if ") {
            match (jump_off(i.text), path.get(k + 1).map(|&n| p.insns[n].idx)) {
                (Some(off), Some(next)) => {
                    let target = i.idx as i64 + off + 1;
                    if next as i64 == target && off != 0 {
                        Some("taken")
                    } else if next == i.idx + 1 {
                        Some("not taken")
                    } else {
                        None
                    }
                }
                _ => None,
            }
        } else {
            None
        };
        match out.last_mut() {
            Some(last) if last.line == line && last.file == file && last.branch.is_none() => {
                last.last_insn = i.idx;
                last.branch = branch;
            }
            _ => out.push(PathLine {
                file,
                line,
                text,
                first_insn: i.idx,
                last_insn: i.idx,
                branch,
                times: 1,
            }),
        }
    }
    out
}

/// Folds a long path to what matters: a line walked again (a loop) is
/// kept once, at its last pass, with the count; then every line with a
/// branch outcome and the last `tail` lines, at most `max` in all (the
/// latest kept). Returns the kept lines and how many were left out.
pub fn fold(lines: Vec<PathLine>, tail: usize, max: usize) -> (Vec<PathLine>, usize) {
    use std::collections::HashMap;
    let n = lines.len();
    let key = |l: &PathLine| (l.file.clone(), l.line, l.branch);
    let mut last: HashMap<(String, u32, Option<&'static str>), (usize, usize)> = HashMap::new();
    for (k, l) in lines.iter().enumerate() {
        let e = last.entry(key(l)).or_insert((k, 0));
        e.0 = k;
        e.1 += 1;
    }
    let unique: Vec<PathLine> = lines
        .into_iter()
        .enumerate()
        .filter_map(|(k, mut l)| {
            let (at, times) = last[&key(&l)];
            (at == k).then(|| {
                l.times = times;
                l
            })
        })
        .collect();
    let u = unique.len();
    let keep: Vec<PathLine> = unique
        .into_iter()
        .enumerate()
        .filter(|(k, l)| l.branch.is_some() || *k + tail >= u)
        .map(|(_, l)| l)
        .collect();
    let start = keep.len().saturating_sub(max);
    let kept: Vec<PathLine> = keep[start..].to_vec();
    let folded = n - kept.iter().map(|l| l.times).sum::<usize>().min(n);
    (kept, folded)
}

/// The instructions the verifier checked most often and how many states
/// it had for them, with the register whose value differs most between
/// those states (what keeps them from being pruned as equal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HotInsn {
    pub insn: usize,
    /// Times the log shows the instruction checked.
    pub visits: usize,
    /// Full states the log printed at it.
    pub states: usize,
    /// The register with the most distinct values in those states, and how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub varying_reg: Option<String>,
    pub distinct_values: usize,
}

/// The `n` instructions checked most often (only those checked twice or more).
pub fn hot_insns(p: &ParsedLog<'_>, n: usize) -> Vec<HotInsn> {
    use std::collections::HashMap;
    let mut visits: HashMap<usize, usize> = HashMap::new();
    for i in &p.insns {
        *visits.entry(i.idx).or_default() += 1;
    }
    let mut nstates: HashMap<usize, usize> = HashMap::new();
    for s in &p.states {
        if let Some(i) = s.idx {
            *nstates.entry(i).or_default() += 1;
        }
    }
    let mut top: Vec<(usize, usize)> = visits.into_iter().filter(|&(_, v)| v > 1).collect();
    // Most states first (where the walk branched and could not prune), then most visits.
    top.sort_by_key(|&(idx, v)| {
        (
            std::cmp::Reverse(nstates.get(&idx).copied().unwrap_or(0)),
            std::cmp::Reverse(v),
            idx,
        )
    });
    top.truncate(n);
    top.into_iter()
        .map(|(idx, v)| {
            let states: Vec<&str> = p
                .states
                .iter()
                .filter(|s| s.idx == Some(idx))
                .map(|s| s.state)
                .collect();
            let mut per_reg: HashMap<String, std::collections::HashSet<String>> = HashMap::new();
            for s in &states {
                for r in super::parse::parse_state(s).regs {
                    // Ids differ between otherwise equal states: ignore them.
                    let v: Vec<String> = r
                        .attrs
                        .iter()
                        .filter(|(k, _)| k != "id" && k != "ref_obj_id")
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    let key = format!("{}:{:?}:{}", r.ty, r.constant, v.join(","));
                    per_reg.entry(r.name).or_default().insert(key);
                }
            }
            let best = per_reg
                .into_iter()
                .filter(|(_, vals)| vals.len() > 1)
                .max_by_key(|(name, vals)| (vals.len(), std::cmp::Reverse(name.clone())));
            HotInsn {
                insn: idx,
                visits: v,
                states: states.len(),
                distinct_values: best.as_ref().map(|(_, v)| v.len()).unwrap_or(0),
                varying_reg: best.map(|(r, _)| r),
            }
        })
        .collect()
}

/// A loop the walk went round: its first instruction, how many passes
/// the log shows, and how many instructions a pass checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LoopWalk {
    pub insn: usize,
    pub passes: usize,
    pub insns_per_pass: usize,
}

/// The loop walked most often: the instructions checked about as often as
/// the most checked one (one pass fewer at most) form its body.
pub fn loop_walk(p: &ParsedLog<'_>) -> Option<LoopWalk> {
    use std::collections::HashMap;
    let mut visits: HashMap<usize, usize> = HashMap::new();
    for i in &p.insns {
        *visits.entry(i.idx).or_default() += 1;
    }
    let passes = visits.values().copied().max().filter(|&m| m > 2)?;
    let body: Vec<usize> = visits
        .iter()
        .filter(|&(_, &v)| v + 1 >= passes)
        .map(|(&i, _)| i)
        .collect();
    Some(LoopWalk {
        insn: body.iter().copied().min()?,
        passes,
        insns_per_pass: body.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::verifier::parse::parse;

    #[test]
    fn writes_of_texts() {
        assert_eq!(writes("r2 = r10"), Some((2, How::Copy, Some(Src::Reg(10)))));
        assert_eq!(writes("r2 += -16").map(|w| w.1), Some(How::Arith));
        assert_eq!(writes("r2 += r1"), Some((2, How::Arith, Some(Src::Reg(1)))));
        assert_eq!(writes("call bpf_get_current_task#35").map(|w| w.0), Some(0));
        assert_eq!(
            writes("r1 = *(u64 *)(r10 -8)"),
            Some((1, How::Fill, Some(Src::Stack(-8))))
        );
        assert_eq!(
            writes("*(u64 *)(r10 -8) = r6"),
            Some((255, How::Spill, Some(Src::SpillOf(-8, 6))))
        );
        assert_eq!(writes("r0 = *(u32 *)(r1 +4)").map(|w| w.1), Some(How::Load));
        assert_eq!(writes("w1 = 7").map(|w| w.1), Some(How::Constant));
        assert_eq!(writes("if r1 > r2 goto pc+3"), None);
    }

    #[test]
    fn traces_through_copy_spill_and_arith() {
        let log = "0: (85) call bpf_get_current_task#35 ; R0=scalar()
1: (7b) *(u64 *)(r10 -8) = r0 ; R0=scalar() fp-8=mmmmmmmm
2: (b7) r1 = 0 ; R1=0
3: (79) r6 = *(u64 *)(r10 -8) ; R6=scalar()
4: (bf) r2 = r6 ; R2=scalar()
5: (07) r2 += 8 ; R2=scalar()
6: (61) r0 = *(u32 *)(r2 +0)
R2 invalid mem access 'scalar'
";
        let p = parse(log);
        let path = p.error_path_lines();
        let steps = trace(&p, &path, path.len() - 1, "R2");
        let hows: Vec<How> = steps.iter().map(|s| s.how).collect();
        assert_eq!(
            hows,
            [How::Arith, How::Copy, How::Fill, How::Spill, How::Call]
        );
        assert_eq!(steps.last().unwrap().insn, 0);
        assert_eq!(steps.last().unwrap().reg, "R0");
    }

    #[test]
    fn loop_passes() {
        let mut log = String::from("0: (b7) r1 = 0\n");
        for _ in 0..5 {
            log.push_str("1: (07) r1 += 1\n2: (a5) if r1 < 0x64 goto pc-2\n");
        }
        log.push_str("BPF program is too large. Processed 1000001 insn\n");
        let w = loop_walk(&parse(&log)).unwrap();
        assert_eq!((w.insn, w.passes, w.insns_per_pass), (1, 5, 2));
    }

    #[test]
    fn branch_outcomes() {
        let log = "0: (b7) r0 = 0
1: (55) if r1 != 0x0 goto pc+2
4: (b7) r2 = 1
5: (95) exit
Unreleased reference id=2 alloc_insn=0
";
        let p = parse(log);
        let path = p.error_path_lines();
        let lines = source_path(&p, &path, &|i| {
            Some((
                "f.c".into(),
                [10, 11, 11, 11, 12, 13][i] as u32,
                String::new(),
            ))
        });
        assert_eq!(lines[1].line, 11);
        assert_eq!(lines[1].branch, Some("taken"));
        assert_eq!(lines.len(), 4);
        let (kept, folded) = fold(lines, 1, 10);
        assert_eq!((kept.len(), folded), (2, 2));
        // A loop: the same lines again, kept once with their count.
        let l = |line: u32, branch| PathLine {
            file: "f.c".into(),
            line,
            text: String::new(),
            first_insn: 0,
            last_insn: 0,
            branch,
            times: 1,
        };
        let lines = vec![
            l(9, Some("not taken")),
            l(10, None),
            l(9, Some("not taken")),
            l(10, None),
            l(11, None),
        ];
        let (kept, folded) = fold(lines, 2, 10);
        assert_eq!(
            kept.iter().map(|l| (l.line, l.times)).collect::<Vec<_>>(),
            [(9, 2), (10, 2), (11, 1)]
        );
        assert_eq!(folded, 0);
    }
}
