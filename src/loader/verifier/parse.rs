//! The verifier log, parsed into a structure: every instruction line with
//! its state comment, the state lines, the source-line comments, the path
//! segments (`from X to Y`), the error message at the end and the closing
//! statistics.
//!
//! One pass over the lines, no copies: the structure borrows from the log
//! text, so a log of many MB parses in milliseconds. Register states are kept
//! as text and parsed on demand ([`parse_state`]) for the few that a report
//! shows. The formats are those of kernel/bpf/verifier.c and log.c (6.x):
//!
//! ```text
//! func#0 @0
//! 0: R1=ctx() R10=fp0                                  full state
//! ; *count += 1; @ null_check.bpf.c:16                  source line
//! 8: (79) r1 = *(u64 *)(r0 +0)   ; R1=scalar()          instruction, changed registers
//! from 10 to 14: R0=1 R6=ringbuf_mem(...) R10=fp0       a pushed branch resumes
//! 21: safe                                              pruned: equal to a checked state
//! R0 invalid mem access 'map_value_or_null'             the error
//! processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0
//! ```

use serde::Serialize;

pub use super::state::{parse_state, Reg, RegState, StackSlot};

/// Closing statistics (`BPF_LOG_STATS`), veristat's columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub processed_insns: Option<u64>,
    pub insn_limit: Option<u64>,
    pub max_states_per_insn: Option<u64>,
    pub total_states: Option<u64>,
    pub peak_states: Option<u64>,
    pub mark_read: Option<u64>,
    pub verification_time_usec: Option<u64>,
    /// Stack depth of each subprogram (`stack depth 0+320+320`).
    pub stack_depths: Vec<u32>,
}

impl Stats {
    /// Sum of the subprograms' stack depths, as veristat reports it.
    pub fn stack_depth(&self) -> Option<u32> {
        (!self.stack_depths.is_empty()).then(|| self.stack_depths.iter().sum())
    }
}

/// A source-line comment of the log (`; text @ file:line`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LogSrc<'a> {
    pub text: &'a str,
    pub file: &'a str,
    pub line: u32,
}

/// One instruction line: the verifier checked instruction `idx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InsnLine<'a> {
    pub idx: usize,
    /// Opcode byte as printed (`(79)`).
    pub code: u8,
    /// The instruction's text without index and opcode: `r1 = *(u64 *)(r0 +0)`.
    pub text: &'a str,
    /// The registers it changed (`; R1=scalar()`), when printed.
    pub state: Option<&'a str>,
    /// Line number (0-based) of this line in the log.
    pub log_line: usize,
}

/// A full state line (`N: R1=… R10=fp0`, `from X to Y: …`, a frame under
/// `caller:`/`callee:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StateLine<'a> {
    /// The instruction the state is at (`None` for frame lines).
    pub idx: Option<usize>,
    pub state: &'a str,
    /// Index into `insns` of the next instruction line after it.
    pub next_insn: usize,
    pub log_line: usize,
}

/// A stretch of the walk: from the start, or from a pushed branch
/// (`from X to Y`), to where it ended (exit, prune, error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// The branch instruction that pushed this state (`None` for the first).
    pub from: Option<usize>,
    pub to: usize,
    /// Range of indexes into `insns`.
    pub first_insn: usize,
    pub end_insn: usize,
}

/// The error that ended verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogError<'a> {
    /// The instruction being checked when it happened, if any.
    pub insn: Option<usize>,
    /// Index into `insns` of that instruction's line.
    pub insn_line: Option<usize>,
    /// The message lines (the first is the main one).
    pub lines: Vec<&'a str>,
}

impl LogError<'_> {
    pub fn message(&self) -> &str {
        self.lines.first().copied().unwrap_or("")
    }
}

/// The parsed log.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ParsedLog<'a> {
    pub insns: Vec<InsnLine<'a>>,
    pub states: Vec<StateLine<'a>>,
    /// Source comments, each with the index into `insns` of the instruction it precedes.
    pub sources: Vec<(usize, LogSrc<'a>)>,
    pub segments: Vec<Segment>,
    /// Subprograms (`func#N @START`).
    pub subprogs: Vec<usize>,
    pub error: Option<LogError<'a>>,
    pub stats: Stats,
    /// Number of lines in the log.
    pub line_count: usize,
}

/// What one line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'a> {
    Insn(InsnLine<'a>),
    /// A jump whose line goes on with the state of the branch resumed
    /// (`N: (xx) if … goto pc+3 M: state`).
    InsnThen(InsnLine<'a>, usize, &'a str),
    /// `N: <invalid CO-RE relocation>` and friends (libbpf's log fixups).
    Fixup(usize),
    State(Option<usize>, &'a str),
    From(usize, usize, Option<&'a str>),
    Safe,
    Source(LogSrc<'a>),
    Func(usize),
    Stat,
    /// Lines that belong to the walk but say nothing we keep
    /// (mark_precise, liveness listing, caller/callee headers, …).
    Walk,
    Empty,
    Other(&'a str),
}

/// Leading decimal number and the rest.
fn num_prefix(s: &str) -> Option<(usize, &str)> {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    if end == 0 || end > 9 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

fn hex2(s: &str) -> Option<u8> {
    u8::from_str_radix(s.get(..2)?, 16).ok()
}

/// ` 14: R0=1 …` after an instruction's text: where it starts, the
/// instruction index and the state (instruction text never has `: `).
fn inline_resume(body: &str) -> Option<(usize, usize, &str)> {
    let colon = body.find(": ")?;
    let digits = body[..colon]
        .bytes()
        .rev()
        .take_while(u8::is_ascii_digit)
        .count();
    let start = colon - digits;
    if digits == 0 || start == 0 || body.as_bytes()[start - 1] != b' ' {
        return None;
    }
    let state = &body[colon + 2..];
    if !is_state_start(state) {
        return None;
    }
    let idx = body[start..colon].parse().ok()?;
    Some((start, idx, state.trim()))
}

/// Does a state text start here (`R1=`, `frame1:`, `fp-8=`, `refs=`)?
fn is_state_start(s: &str) -> bool {
    let b = s.as_bytes();
    (b.first() == Some(&b'R') && b.get(1).is_some_and(u8::is_ascii_digit))
        || s.starts_with("frame")
        || s.starts_with("fp")
        || s.starts_with("refs=")
        || s.starts_with("cb")
        || s.starts_with("async_cb")
}

fn classify(line: &str) -> Kind<'_> {
    if line.trim().is_empty() {
        return Kind::Empty;
    }
    let b = line.as_bytes();
    if b[0].is_ascii_digit() {
        if let Some((idx, rest)) = num_prefix(line) {
            if let Some(rest) = rest.strip_prefix(": ") {
                if rest.starts_with('(') && rest.as_bytes().get(3) == Some(&b')') {
                    if let Some(code) = hex2(&rest[1..]) {
                        let body = rest.get(5..).unwrap_or("");
                        // At level 1 the kernel rewinds the log over a branch
                        // it proved safe, so the state of the other branch it
                        // resumes continues the jump's line: `10: (55) if r0
                        // != 0x0 goto pc+3 14: R0=1 …`.
                        if let Some((at, to, state)) = inline_resume(body) {
                            return Kind::InsnThen(
                                InsnLine {
                                    idx,
                                    code,
                                    text: body[..at].trim_end(),
                                    state: None,
                                    log_line: 0,
                                },
                                to,
                                state,
                            );
                        }
                        // The state comment follows the padded text after ';'
                        // (instruction text never contains ';').
                        let (text, state) = match body.find(';') {
                            Some(p) => (body[..p].trim_end(), Some(body[p + 1..].trim())),
                            None => (body.trim_end(), None),
                        };
                        return Kind::Insn(InsnLine {
                            idx,
                            code,
                            text,
                            state,
                            log_line: 0,
                        });
                    }
                }
                if rest.starts_with('<') {
                    return Kind::Fixup(idx);
                }
                if rest == "safe" {
                    return Kind::Safe;
                }
                if is_state_start(rest) {
                    return Kind::State(Some(idx), rest);
                }
            }
            // `(2,5) live stack update …` has no leading digit; other
            // numbered lines are messages.
        }
        return Kind::Other(line);
    }
    if let Some(rest) = line.strip_prefix("from ") {
        if let Some((from, rest)) = num_prefix(rest) {
            if let Some(rest) = rest.strip_prefix(" to ") {
                if let Some((to, rest)) = num_prefix(rest) {
                    // `from 10 to 14: state`, `from 14 to 3: safe`, and the
                    // speculative variant `from 3 to 5 (speculative execution): …`.
                    let after = rest.split_once(": ").map(|(_, s)| s.trim());
                    let state = after.filter(|s| *s != "safe" && !s.is_empty());
                    return Kind::From(from, to, state);
                }
            }
        }
        return Kind::Other(line);
    }
    if let Some(rest) = line.strip_prefix("; ") {
        // `; text @ file:line`; the text may itself contain " @ ".
        if let Some(p) = rest.rfind(" @ ") {
            let (text, loc) = (&rest[..p], &rest[p + 3..]);
            if let Some(c) = loc.rfind(':') {
                if let Ok(n) = loc[c + 1..].trim().parse() {
                    return Kind::Source(LogSrc {
                        text: text.trim(),
                        file: &loc[..c],
                        line: n,
                    });
                }
            }
        }
        return Kind::Source(LogSrc {
            text: rest.trim(),
            file: "",
            line: 0,
        });
    }
    if let Some(rest) = line.strip_prefix("func#") {
        if let Some((_, rest)) = num_prefix(rest) {
            if let Some((start, _)) = rest.strip_prefix(" @").and_then(num_prefix) {
                return Kind::Func(start);
            }
        }
    }
    if line.starts_with("processed ")
        || line.starts_with("verification time ")
        || line.starts_with("stack depth ")
    {
        return Kind::Stat;
    }
    // Indented: the liveness listing, frames under caller:/callee:.
    if b[0] == b' ' || b[0] == b'\t' {
        let t = line.trim_start();
        if is_state_start(t) {
            return Kind::State(None, t);
        }
        return Kind::Walk;
    }
    const WALK: &[&str] = &[
        "mark_precise:",
        "Live regs before insn",
        "caller:",
        "callee:",
        "returning from callee:",
        "to caller at ",
        "propagating ",
        "frame ",
        "SCC exit",
        "arg#",
        "Func#",
        "Validating ",
        "Global function ",
        "last_idx ",
        "parent ",
        "regs=",
        "(",
    ];
    if WALK.iter().any(|w| line.starts_with(w)) {
        return Kind::Walk;
    }
    Kind::Other(line)
}

fn parse_stat(line: &str, st: &mut Stats) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let num = |i: usize| {
        words
            .get(i)
            .and_then(|w| w.trim_end_matches(')').parse().ok())
    };
    if line.starts_with("processed ") {
        // processed N insns (limit L) max_states_per_insn M total_states T peak_states P mark_read R
        st.processed_insns = num(1);
        for (k, w) in words.iter().enumerate() {
            match *w {
                "(limit" => st.insn_limit = num(k + 1),
                "max_states_per_insn" => st.max_states_per_insn = num(k + 1),
                "total_states" => st.total_states = num(k + 1),
                "peak_states" => st.peak_states = num(k + 1),
                "mark_read" => st.mark_read = num(k + 1),
                _ => {}
            }
        }
    } else if let Some(rest) = line.strip_prefix("verification time ") {
        st.verification_time_usec = rest.split_whitespace().next().and_then(|n| n.parse().ok());
    } else if let Some(rest) = line.strip_prefix("stack depth ") {
        st.stack_depths = rest
            .trim()
            .split('+')
            .filter_map(|n| n.trim().parse().ok())
            .collect();
    }
}

/// Parses a verifier log.
pub fn parse(log: &str) -> ParsedLog<'_> {
    let mut p = ParsedLog::default();
    // The last lines' kinds, for finding the error block at the end (the
    // message and the instruction it is about are always near the end).
    const TAIL: usize = 4096;
    let mut kinds: std::collections::VecDeque<(usize, Kind<'_>)> =
        std::collections::VecDeque::with_capacity(TAIL);
    let mut seg_start: (Option<usize>, usize, usize) = (None, 0, 0);
    let mut seg_open = false;
    let mut n = 0;
    for (ln, line) in log.lines().enumerate() {
        n = ln + 1;
        let k = classify(line);
        match k {
            Kind::Insn(mut i) => {
                i.log_line = ln;
                if !seg_open {
                    seg_open = true;
                    seg_start = (None, i.idx, p.insns.len());
                }
                p.insns.push(i);
            }
            Kind::InsnThen(mut i, to, state) => {
                i.log_line = ln;
                if !seg_open {
                    seg_start = (None, i.idx, p.insns.len());
                }
                let from = i.idx;
                p.insns.push(i);
                p.segments.push(Segment {
                    from: seg_start.0,
                    to: seg_start.1,
                    first_insn: seg_start.2,
                    end_insn: p.insns.len(),
                });
                seg_open = true;
                seg_start = (Some(from), to, p.insns.len());
                p.states.push(StateLine {
                    idx: Some(to),
                    state,
                    next_insn: p.insns.len(),
                    log_line: ln,
                });
            }
            Kind::State(idx, state) => p.states.push(StateLine {
                idx,
                state,
                next_insn: p.insns.len(),
                log_line: ln,
            }),
            Kind::From(from, to, state) => {
                if seg_open {
                    p.segments.push(Segment {
                        from: seg_start.0,
                        to: seg_start.1,
                        first_insn: seg_start.2,
                        end_insn: p.insns.len(),
                    });
                }
                seg_open = true;
                seg_start = (Some(from), to, p.insns.len());
                if let Some(s) = state {
                    p.states.push(StateLine {
                        idx: Some(to),
                        state: s,
                        next_insn: p.insns.len(),
                        log_line: ln,
                    });
                }
            }
            Kind::Source(s) => p.sources.push((p.insns.len(), s)),
            Kind::Func(start) => p.subprogs.push(start),
            Kind::Stat => parse_stat(line, &mut p.stats),
            Kind::Other(l) if l.starts_with("BPF program is too large. Processed ") => {}
            _ => {}
        }
        if !matches!(k, Kind::Empty) {
            if kinds.len() == TAIL {
                kinds.pop_front();
            }
            kinds.push_back((ln, k));
        }
    }
    if seg_open {
        p.segments.push(Segment {
            from: seg_start.0,
            to: seg_start.1,
            first_insn: seg_start.2,
            end_insn: p.insns.len(),
        });
    }
    p.line_count = n;
    p.error = find_error(kinds.make_contiguous(), &p.insns);
    p
}

/// The error: the message lines after the last line of the walk (statistics
/// and blank lines aside), and the instruction being checked then.
fn find_error<'a>(kinds: &[(usize, Kind<'a>)], insns: &[InsnLine<'a>]) -> Option<LogError<'a>> {
    let mut lines = Vec::new();
    let mut stop = 0;
    for (k, (_, kind)) in kinds.iter().enumerate().rev() {
        match kind {
            Kind::Stat => continue,
            Kind::Other(l) => lines.push(*l),
            // A "safe" prune or a state line right before the statistics means the walk ended fine.
            _ => {
                stop = k + 1;
                break;
            }
        }
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    // The instruction: the last instruction line (or fixup) before the message.
    let mut insn = None;
    let mut insn_line = None;
    for (_, kind) in kinds[..stop].iter().rev() {
        match kind {
            Kind::Insn(i) | Kind::InsnThen(i, _, _) => {
                insn = Some(i.idx);
                insn_line = insns.iter().rposition(|x| x.idx == i.idx);
                break;
            }
            Kind::Fixup(idx) => {
                insn = Some(*idx);
                insn_line = insns.iter().rposition(|x| x.idx == *idx);
                break;
            }
            _ => {}
        }
    }
    // A message that names its instruction is right over the last line
    // printed (`infinite loop detected at insn 9` comes while checking 9,
    // before its line; checks before the walk print no line at all).
    if let Some(i) = lines.first().and_then(|l| insn_in_message(l)) {
        if insn != Some(i) {
            insn = Some(i);
            insn_line = insns.iter().rposition(|x| x.idx == i);
        }
    }
    Some(LogError {
        insn,
        insn_line,
        lines,
    })
}

/// `… at insn 5`, `back-edge from insn 5 to 3`, `unreachable insn 7`.
fn insn_in_message(l: &str) -> Option<usize> {
    ["at insn ", "from insn ", "unreachable insn "]
        .iter()
        .find_map(|k| l.find(k).map(|p| p + k.len()))
        .and_then(|p| num_prefix(&l[p..]))
        .map(|(n, _)| n)
}

impl<'a> ParsedLog<'a> {
    /// Every instruction index the log shows checked (the blocks walked).
    pub fn visited(&self) -> std::collections::BTreeSet<usize> {
        self.insns.iter().map(|i| i.idx).collect()
    }

    /// The path to the error: instruction indexes from the program's entry
    /// to the failing one, following the segments back through the branches
    /// that pushed them (the verifier pops the latest pushed state first).
    pub fn error_path(&self) -> Vec<usize> {
        self.error_path_lines()
            .into_iter()
            .map(|l| self.insns[l].idx)
            .collect()
    }

    /// [`Self::error_path`] as indexes into `insns` (the log's lines of it).
    pub fn error_path_lines(&self) -> Vec<usize> {
        let Some(err) = &self.error else {
            return Vec::new();
        };
        let Some(end) = err.insn_line.map(|l| l + 1) else {
            return Vec::new();
        };
        let Some(mut s) = self
            .segments
            .iter()
            .rposition(|g| g.first_insn < end || (g.first_insn == end && g.end_insn == end))
        else {
            return Vec::new();
        };
        // Pieces, last first: (segment, one-past-last insns index).
        let mut pieces = vec![(s, end.min(self.segments[s].end_insn))];
        let mut guard = 0;
        while let Some(from) = self.segments[s].from {
            guard += 1;
            if guard > 100_000 {
                break;
            }
            // The latest earlier segment where `from` was checked.
            let found = self.segments[..s]
                .iter()
                .enumerate()
                .rev()
                .find_map(|(k, g)| {
                    self.insns[g.first_insn..g.end_insn]
                        .iter()
                        .rposition(|i| i.idx == from)
                        .map(|p| (k, g.first_insn + p + 1))
                });
            let Some((k, cut)) = found else { break };
            pieces.push((k, cut));
            s = k;
        }
        let mut path = Vec::new();
        for &(k, cut) in pieces.iter().rev() {
            let g = &self.segments[k];
            path.extend(g.first_insn..cut);
        }
        path
    }

    /// Register and stack state just before the failing instruction: the
    /// last full state line before it, updated by the changes printed on the
    /// instruction lines in between.
    pub fn state_before_error(&self) -> RegState {
        let Some(line) = self.error.as_ref().and_then(|e| e.insn_line) else {
            return self
                .states
                .last()
                .map(|s| parse_state(s.state))
                .unwrap_or_default();
        };
        let log_line = self.insns[line].log_line;
        let base = self
            .states
            .iter()
            .rposition(|s| s.log_line < log_line && s.idx.is_some());
        let (mut st, from) = match base {
            Some(b) => (parse_state(self.states[b].state), self.states[b].next_insn),
            None => (RegState::default(), 0),
        };
        for i in &self.insns[from.min(line)..line] {
            if let Some(s) = i.state {
                st.merge(&parse_state(s));
            }
        }
        st
    }

    /// The source comment that precedes instruction line `line` of `insns`.
    pub fn source_before(&self, line: usize) -> Option<LogSrc<'a>> {
        let k = self.sources.partition_point(|(at, _)| *at <= line);
        self.sources[..k]
            .last()
            .map(|(_, s)| *s)
            .filter(|s| !s.text.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NULL_LOG: &str = "func#0 @0
Live regs before insn:
      0: .......... (85) call bpf_get_current_pid_tgid#14
arg#0 reference type('UNKNOWN ') size cannot be determined: -22
0: R1=ctx() R10=fp0
; __u32 pid = bpf_get_current_pid_tgid() >> 32; @ null_check.bpf.c:14
0: (85) call bpf_get_current_pid_tgid#14      ; R0=scalar()
1: (77) r0 >>= 32                     ; R0=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))
2: (63) *(u32 *)(r10 -4) = r0         ; R0=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R10=fp0 fp-8=mmmm????
3: (bf) r2 = r10                      ; R2=fp0 R10=fp0
4: (07) r2 += -4                      ; R2=fp-4
; __u64 *count = bpf_map_lookup_elem(&seen, &pid); @ null_check.bpf.c:15
5: (18) r1 = 0xffff888139febc00       ; R1=map_ptr(map=seen,ks=4,vs=8)
7: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,map=seen,ks=4,vs=8)
; *count += 1; /* count may be NULL */ @ null_check.bpf.c:16
8: (79) r1 = *(u64 *)(r0 +0)
R0 invalid mem access 'map_value_or_null'
verification time 119 usec
stack depth 8
processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0
";

    #[test]
    fn parses_null_check_log() {
        let p = parse(NULL_LOG);
        assert_eq!(p.insns.len(), 8);
        assert_eq!(p.insns[7].idx, 8);
        assert_eq!(p.insns[7].code, 0x79);
        assert_eq!(p.insns[7].text, "r1 = *(u64 *)(r0 +0)");
        assert_eq!(
            p.insns[6].state,
            Some("R0=map_value_or_null(id=1,map=seen,ks=4,vs=8)")
        );
        let e = p.error.as_ref().unwrap();
        assert_eq!(e.insn, Some(8));
        assert_eq!(e.lines, vec!["R0 invalid mem access 'map_value_or_null'"]);
        assert_eq!(p.stats.processed_insns, Some(8));
        assert_eq!(p.stats.total_states, Some(1));
        assert_eq!(p.stats.verification_time_usec, Some(119));
        assert_eq!(p.stats.stack_depth(), Some(8));
        let st = p.state_before_error();
        let r0 = st.reg("R0").unwrap();
        assert_eq!(r0.ty, "map_value_or_null");
        assert!(r0.attrs.contains(&("map".into(), "seen".into())));
        assert_eq!(
            st.reg("R2").unwrap().attrs,
            vec![("off".into(), "-4".into())]
        );
        let src = p.source_before(7).unwrap();
        assert_eq!((src.file, src.line), ("null_check.bpf.c", 16));
        assert_eq!(src.text, "*count += 1; /* count may be NULL */");
        assert_eq!(p.error_path(), vec![0, 1, 2, 3, 4, 5, 7, 8]);
    }

    #[test]
    fn follows_branches_back_for_the_path() {
        let log = "0: R1=ctx() R10=fp0
0: (b7) r0 = 0
1: (55) if r1 != 0x0 goto pc+2
2: (95) exit

from 1 to 4: R0=0 R1=scalar() R10=fp0
4: (b7) r2 = 1
5: (95) exit
Unreleased reference id=2 alloc_insn=0
";
        let p = parse(log);
        assert_eq!(p.segments.len(), 2);
        assert_eq!(p.error.as_ref().unwrap().insn, Some(5));
        assert_eq!(p.error_path(), vec![0, 1, 4, 5]);
        assert_eq!(p.visited().len(), 5);
    }

    #[test]
    fn level1_rewound_branch() {
        let log = "4: (85) call bpf_ringbuf_reserve#131          ; R0=ringbuf_mem_or_null(id=2,ref_obj_id=2,sz=8) refs=2
6: (15) if r6 == 0x0 goto pc+7        ; R6=ringbuf_mem(ref_obj_id=2,sz=8) refs=2
10: (55) if r0 != 0x0 goto pc+3 14: R0=1 R6=ringbuf_mem(ref_obj_id=2,sz=8) R10=fp0 refs=2
14: (b7) r0 = 0                       ; R0=0 refs=2
15: (95) exit
Unreleased reference id=2 alloc_insn=4
";
        let p = parse(log);
        assert_eq!(p.insns[2].text, "if r0 != 0x0 goto pc+3");
        assert_eq!(p.segments.len(), 2);
        assert_eq!(p.segments[1].from, Some(10));
        assert_eq!(p.error_path(), vec![4, 6, 10, 14, 15]);
        let st = p.state_before_error();
        assert_eq!(st.reg("R0").and_then(|r| r.constant), Some(0));
        assert_eq!(st.refs, vec![2]);
    }

    #[test]
    fn accepted_log_has_no_error() {
        let log = "0: (b7) r0 = 0\n1: (95) exit\nverification time 5 usec\nstack depth 0+320+320\nprocessed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";
        let p = parse(log);
        assert!(p.error.is_none());
        assert_eq!(p.stats.stack_depths, vec![0, 320, 320]);
        assert_eq!(p.stats.stack_depth(), Some(640));
    }

    #[test]
    fn fixup_and_early_errors() {
        let log = "3: R1=0 R10=fp0\n3: <invalid CO-RE relocation>\nfailed to resolve CO-RE relocation <byte_off> [5] struct t.f (0:0 @ offset 0)\nprocessed 4 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";
        let p = parse(log);
        let e = p.error.unwrap();
        assert_eq!(e.insn, Some(3));
        assert!(e.lines[0].starts_with("failed to resolve CO-RE"));
        let p = parse("back-edge from insn 7 to 3\nprocessed 0 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n");
        assert_eq!(p.error.unwrap().insn, Some(7));
    }
}
