//! Control-flow graph of a program (`visual`; rendered by [`super::visual`]).
//!
//! Functions start at instruction 0, at every `func_info` record, at every
//! `call pc+N` target and at every `subprog[+N]` (callback) target. Blocks
//! end after any jump, `gotol`, `gotox`, `may_goto` and `exit`, and start at
//! every jump target. Edges are typed: fallthrough, branch taken, branch
//! not taken, unconditional jump, return (to EXIT) and call (to the callee's
//! ENTRY, across clusters). docs/cfg.md lists where this differs from
//! bpftool's cfg.c.

use std::collections::BTreeSet;

use super::insn::{flow_xlated, Flow, Insn, BPF_PSEUDO_FUNC};

/// A node of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    Entry(usize),
    Exit(usize),
    Block(usize),
}

/// Why control goes from one node to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// ENTRY to the first block, or a block that does not end in a jump.
    Fallthrough,
    /// Conditional jump, condition true.
    Taken,
    /// Conditional jump, condition false.
    NotTaken,
    /// `goto`/`gotol`.
    Jump,
    /// `exit` to the function's EXIT.
    Return,
    /// `call pc+N` or a callback reference to another function's ENTRY.
    Call,
}

#[derive(Clone, Debug)]
pub struct Function {
    /// First and one-past-last instruction slot.
    pub start: usize,
    pub end: usize,
    /// Global indexes of its blocks, in address order.
    pub blocks: std::ops::Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub func: usize,
    /// First and one-past-last instruction slot.
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: Node,
    pub to: Node,
    pub kind: EdgeKind,
}

#[derive(Clone, Debug, Default)]
pub struct Cfg {
    pub funcs: Vec<Function>,
    pub blocks: Vec<Block>,
    pub edges: Vec<Edge>,
}

/// Target of `r = subprog[+N]` at `idx`, if it is one.
fn callback_target(insns: &[Insn], idx: usize) -> Option<i64> {
    let i = insns.get(idx)?;
    (i.is_ld_imm64() && i.src_reg == BPF_PSEUDO_FUNC).then(|| idx as i64 + i64::from(i.imm) + 1)
}

/// Instruction starts (slot indexes that are not the second half of an
/// ld_imm64).
fn insn_starts(insns: &[Insn]) -> Vec<usize> {
    let mut v = Vec::with_capacity(insns.len());
    let mut i = 0;
    while i < insns.len() {
        v.push(i);
        i += if insns[i].is_ld_imm64() { 2 } else { 1 };
    }
    v
}

impl Cfg {
    /// Builds the graph. `func_starts` are the `func_info` offsets (may be
    /// empty); `jited` says that `call pc+N` keeps its offset in `off` (an
    /// xlated image of a jited program) rather than in `imm`.
    pub fn build(insns: &[Insn], func_starts: &[u32], jited: bool) -> Cfg {
        let n = insns.len();
        let starts = insn_starts(insns);
        let in_range = |t: i64| usize::try_from(t).ok().filter(|&t| t < n);

        let mut fstarts: BTreeSet<usize> = BTreeSet::new();
        if n > 0 {
            fstarts.insert(0);
        }
        fstarts.extend(func_starts.iter().map(|&s| s as usize).filter(|&s| s < n));
        for &i in &starts {
            if let Flow::Call { target } = flow_xlated(insns, i, jited) {
                fstarts.extend(in_range(target));
            }
            if let Some(t) = callback_target(insns, i) {
                fstarts.extend(in_range(t));
            }
        }
        let fvec: Vec<usize> = fstarts.into_iter().collect();
        let func_of = |i: usize| fvec.partition_point(|&s| s <= i).saturating_sub(1);

        let mut cfg = Cfg::default();
        let mut leaders: BTreeSet<usize> = fvec.iter().copied().collect();
        for &i in &starts {
            let next = i + if insns[i].is_ld_imm64() { 2 } else { 1 };
            match flow_xlated(insns, i, jited) {
                Flow::Jump { target } | Flow::Branch { target } => {
                    // A jump into another function is broken input: no block.
                    if let Some(t) = in_range(target).filter(|&t| func_of(t) == func_of(i)) {
                        leaders.insert(t);
                    }
                    leaders.insert(next);
                }
                Flow::Exit | Flow::Indirect => {
                    leaders.insert(next);
                }
                Flow::Next { .. } | Flow::Call { .. } => {}
            }
        }
        // A leader in the middle of an ld_imm64 cannot start a block.
        let is_start = |i: usize| starts.binary_search(&i).is_ok();
        let leaders: Vec<usize> = leaders
            .into_iter()
            .filter(|&l| l < n && is_start(l))
            .collect();

        for (f, &fs) in fvec.iter().enumerate() {
            let fe = fvec.get(f + 1).copied().unwrap_or(n);
            let first = cfg.blocks.len();
            let lo = leaders.partition_point(|&l| l < fs);
            let hi = leaders.partition_point(|&l| l < fe);
            for (k, &l) in leaders[lo..hi].iter().enumerate() {
                let end = leaders[lo..hi].get(k + 1).copied().unwrap_or(fe);
                cfg.blocks.push(Block {
                    func: f,
                    start: l,
                    end,
                });
            }
            cfg.funcs.push(Function {
                start: fs,
                end: fe,
                blocks: first..cfg.blocks.len(),
            });
        }

        let block_at = |cfg: &Cfg, i: usize| -> Option<usize> {
            let b = cfg
                .blocks
                .partition_point(|b| b.start <= i)
                .checked_sub(1)?;
            (cfg.blocks[b].start == i).then_some(b)
        };
        let mut edges = Vec::new();
        for (f, func) in cfg.funcs.iter().enumerate() {
            if !func.blocks.is_empty() {
                edges.push(Edge {
                    from: Node::Entry(f),
                    to: Node::Block(func.blocks.start),
                    kind: EdgeKind::Fallthrough,
                });
            }
            for b in func.blocks.clone() {
                let blk = &cfg.blocks[b];
                let next_block = (b + 1 < func.blocks.end).then_some(b + 1);
                let from = Node::Block(b);
                // Calls and callback references anywhere in the block.
                let lo = starts.partition_point(|&s| s < blk.start);
                let hi = starts.partition_point(|&s| s < blk.end);
                let mut last = blk.start;
                for &i in &starts[lo..hi] {
                    last = i;
                    let target = match flow_xlated(insns, i, jited) {
                        Flow::Call { target } => Some(target),
                        _ => callback_target(insns, i),
                    };
                    if let Some(t) = target.and_then(in_range) {
                        let callee = func_of(t);
                        if cfg.funcs[callee].start == t {
                            edges.push(Edge {
                                from,
                                to: Node::Entry(callee),
                                kind: EdgeKind::Call,
                            });
                        }
                    }
                }
                let mut push = |to: Option<usize>, kind| {
                    if let Some(to) = to {
                        edges.push(Edge {
                            from,
                            to: Node::Block(to),
                            kind,
                        });
                    }
                };
                let target_block = |t: i64| {
                    in_range(t)
                        .filter(|&t| func_of(t) == f)
                        .and_then(|t| block_at(&cfg, t))
                };
                match flow_xlated(insns, last, jited) {
                    Flow::Next { .. } | Flow::Call { .. } => {
                        push(next_block, EdgeKind::Fallthrough)
                    }
                    Flow::Jump { target } => push(target_block(target), EdgeKind::Jump),
                    Flow::Branch { target } => {
                        push(next_block, EdgeKind::NotTaken);
                        push(target_block(target), EdgeKind::Taken);
                    }
                    Flow::Exit => edges.push(Edge {
                        from,
                        to: Node::Exit(f),
                        kind: EdgeKind::Return,
                    }),
                    Flow::Indirect => {}
                }
            }
        }
        edges.sort();
        edges.dedup();
        cfg.edges = edges;
        cfg
    }

    /// The block holding instruction slot `insn`.
    pub fn block_of(&self, insn: usize) -> Option<usize> {
        let b = self
            .blocks
            .partition_point(|b| b.start <= insn)
            .checked_sub(1)?;
        (insn < self.blocks[b].end).then_some(b)
    }

    /// The function a node belongs to.
    pub fn func_of(&self, n: Node) -> usize {
        match n {
            Node::Entry(f) | Node::Exit(f) => f,
            Node::Block(b) => self.blocks[b].func,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disasm::printer::NoResolve;
    use crate::disasm::visual::{self, VisualFormat};
    use crate::disasm::xlated::{DumpOpts, Xlated};

    fn count(cfg: &Cfg, k: EdgeKind) -> usize {
        cfg.edges.iter().filter(|e| e.kind == k).count()
    }

    #[test]
    fn exit_in_middle_and_calls() {
        // 0: if r1 == 0 goto +1
        // 1: exit              <- ends a block (bpftool keeps going)
        // 2: call pc+2 (-> 5)
        // 3: gotol +0 (-> 4)
        // 4: exit
        // 5: r0 = subprog[+2] (-> 8)
        // 7: exit
        // 8: r0 = 1
        // 9: exit
        let p = [
            Insn::new(0x15, 1, 0, 1, 0),
            Insn::new(0x95, 0, 0, 0, 0),
            Insn::new(0x85, 0, 1, 0, 2),
            Insn::new(0x06, 0, 0, 0, 0),
            Insn::new(0x95, 0, 0, 0, 0),
            Insn::new(0x18, 0, 4, 0, 2),
            Insn::new(0, 0, 0, 0, 0),
            Insn::new(0x95, 0, 0, 0, 0),
            Insn::new(0xb7, 0, 0, 0, 1),
            Insn::new(0x95, 0, 0, 0, 0),
        ];
        let cfg = Cfg::build(&p, &[], false);
        assert_eq!(cfg.funcs.len(), 3);
        let spans: Vec<_> = cfg
            .blocks
            .iter()
            .map(|b| (b.func, b.start, b.end))
            .collect();
        assert_eq!(
            spans,
            [
                (0, 0, 1),
                (0, 1, 2),
                (0, 2, 4),
                (0, 4, 5),
                (1, 5, 8),
                (2, 8, 10)
            ]
        );
        assert_eq!(count(&cfg, EdgeKind::Return), 4);
        assert_eq!(count(&cfg, EdgeKind::Call), 2);
        assert_eq!(count(&cfg, EdgeKind::Taken), 1);
        assert_eq!(count(&cfg, EdgeKind::NotTaken), 1);
        assert_eq!(count(&cfg, EdgeKind::Jump), 1);
        assert!(cfg.edges.contains(&Edge {
            from: Node::Block(2),
            to: Node::Block(3),
            kind: EdgeKind::Jump
        }));

        assert_eq!(cfg.block_of(3), Some(2));
        assert_eq!(cfg.block_of(6), Some(4));
        assert_eq!(cfg.block_of(10), None);
    }

    /// Random bytes through the decoder, printer, records and graph: no
    /// panic whatever the input (the kernel never gives such programs, a
    /// file may).
    #[test]
    fn random_programs_never_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..2000 {
            let n = 1 + (next() % 40) as usize;
            let bytes: Vec<u8> = (0..n * 8).map(|_| next() as u8).collect();
            let mut insns = crate::disasm::insn::parse_insns(&bytes);
            // Bias towards control flow so the graph code is exercised.
            for i in insns.iter_mut() {
                if next() % 3 == 0 {
                    i.code =
                        [0x05, 0x06, 0x0d, 0x15, 0x85, 0x95, 0xe5, 0x18][(next() % 8) as usize];
                    i.off = (next() % 9) as i16 - 4;
                    i.imm = (next() % 9) as i32 - 4;
                }
            }
            let funcs: Vec<u32> = (0..(next() % 3)).map(|_| (next() % 50) as u32).collect();
            let cfg = Cfg::build(&insns, &funcs, round % 2 == 0);
            let x = Xlated {
                insns: &insns,
                funcs: &[],
                lines: &[],
                names: &NoResolve,
            };
            let recs = crate::disasm::xlated::records(
                &x,
                DumpOpts {
                    opcodes: true,
                    linum: true,
                },
            );
            let mut out = Vec::new();
            crate::disasm::xlated::write_plain(&mut out, &recs).unwrap();
            let graph = visual::Graph {
                x: &x,
                cfg: &cfg,
                opts: DumpOpts::default(),
                title: "random",
                verification: None,
            };
            visual::render(&mut out, VisualFormat::Dot, &graph).unwrap();
            serde_json::to_string(&recs).unwrap();
        }
    }

    #[test]
    fn jump_into_ld_imm64_half_is_ignored() {
        let p = [
            Insn::new(0x05, 0, 0, 1, 0),
            Insn::new(0x18, 0, 0, 0, 0),
            Insn::new(0, 0, 0, 0, 0),
            Insn::new(0x95, 0, 0, 0, 0),
        ];
        let cfg = Cfg::build(&p, &[], false);
        assert_eq!(cfg.blocks.len(), 2);
    }
}
