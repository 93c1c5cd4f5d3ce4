//! The verifier's verdict as the CFG views show it
//! ([`crate::disasm::visual::Verification`]): the failing instruction, the
//! path to it, the instructions walked, and, from a level-2 log, the
//! register state before each instruction of the path.
use super::load::LOG_LEVEL2;
use super::parse::{parse, parse_state, ParsedLog, RegState};
use super::report::Report;
use crate::disasm::visual::{PathStep, Verification};

/// Path steps given with their states: the last ones (nearest the error);
/// a long path (a program too complex to verify) would make a huge page.
pub const MAX_STEPS: usize = 4000;

/// What to show on the graph for the log of a verification.
pub fn verification(log: &str, log_level: u32, report: &Report) -> Verification {
    let p = parse(log);
    let lines = if report.accepted {
        Vec::new()
    } else {
        p.error_path_lines()
    };
    let level2 = log_level & LOG_LEVEL2 != 0;
    let tail = &lines[lines.len().saturating_sub(MAX_STEPS)..];
    Verification {
        accepted: report.accepted,
        failing_insn: if report.accepted { None } else { report.insn },
        title: report.title.clone(),
        message: report.message_lines.clone(),
        path: lines.iter().map(|&l| p.insns[l].idx).collect(),
        steps: if level2 { steps(&p, tail) } else { Vec::new() },
        steps_omitted: if level2 { lines.len() - tail.len() } else { 0 },
        walked: if level2 {
            p.visited()
        } else {
            Default::default()
        },
    }
}

/// The state before each of `lines` (indexes into `p.insns`, in path
/// order): the last full state line before it, updated by the changes the
/// instruction lines print in between.
pub fn steps(p: &ParsedLog, lines: &[usize]) -> Vec<PathStep> {
    let mut out = Vec::with_capacity(lines.len());
    let mut st = RegState::default();
    let mut base: Option<usize> = None;
    let mut cursor = 0usize;
    for &l in lines {
        let at = p.insns[l].log_line;
        let b = p.states[..p.states.partition_point(|s| s.log_line < at)]
            .iter()
            .rposition(|s| s.idx.is_some());
        if b != base || cursor > l {
            base = b;
            match b {
                Some(b) => {
                    st = parse_state(p.states[b].state);
                    cursor = p.states[b].next_insn;
                }
                None => {
                    st = RegState::default();
                    cursor = 0;
                }
            }
        }
        for i in &p.insns[cursor.min(l)..l] {
            if let Some(s) = i.state {
                st.merge(&parse_state(s));
            }
        }
        cursor = l;
        out.push(PathStep {
            insn: p.insns[l].idx,
            state: state_text(&st),
            changed: p.insns[l].state.map(str::to_string),
        });
    }
    out
}

/// A state as the log writes it: `R1=ctx() R10=fp0 fp-8=mmmmmmmm refs=2`.
fn state_text(st: &RegState) -> String {
    let mut parts: Vec<String> = Vec::new();
    if st.frame > 0 {
        parts.push(format!("frame{}:", st.frame));
    }
    parts.extend(st.regs.iter().map(|r| format!("{}={}", r.name, r.value)));
    parts.extend(st.stack.iter().map(|s| format!("fp{}={}", s.off, s.value)));
    if !st.refs.is_empty() {
        let refs: Vec<String> = st.refs.iter().map(u32::to_string).collect();
        parts.push(format!("refs={}", refs.join(",")));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "func#0 @0
0: R1=ctx() R10=fp0
0: (b7) r6 = 0                        ; R6_w=0
1: (85) call bpf_get_prandom_u32#7    ; R0_w=scalar()
2: (55) if r0 != 0x0 goto pc+2        ; R0_w=scalar()
3: (b7) r0 = 1                        ; R0_w=1
4: (95) exit
from 2 to 5: R0_w=scalar() R6_w=0 R10=fp0
5: R0_w=scalar() R6_w=0 R10=fp0
5: (79) r1 = *(u64 *)(r6 +0)
R6 invalid mem access 'scalar'
processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
";

    #[test]
    fn states_along_the_failing_path() {
        let p = parse(LOG);
        let lines = p.error_path_lines();
        let s = steps(&p, &lines);
        let insns: Vec<usize> = s.iter().map(|s| s.insn).collect();
        assert_eq!(insns, [0, 1, 2, 5]);
        assert_eq!(s[0].state, "R1=ctx() R10=fp0");
        assert_eq!(s[0].changed.as_deref(), Some("R6_w=0"));
        // Before 2: r6 and r0 as the instructions before changed them.
        assert!(
            s[2].state.contains("R0") && s[2].state.contains("R6"),
            "{:?}",
            s[2]
        );
        // The failing instruction: the state of the resumed branch.
        assert!(
            s[3].state.contains("R6") && s[3].state.contains("R10=fp0"),
            "{:?}",
            s[3]
        );
        assert!(s[3].changed.is_none());
    }
}
