//! From a verifier verdict to what the graph highlights: the failing
//! block, the blocks the verifier walked, and the blocks and edges of the
//! path it took to the error.
use std::collections::{BTreeMap, BTreeSet};

use super::graph::Verification;
use crate::disasm::cfg::{Cfg, EdgeKind, Node};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    pub failing_block: Option<usize>,
    pub walked_blocks: BTreeSet<usize>,
    pub path_blocks: BTreeSet<usize>,
    /// Indexes into `cfg.edges`.
    pub path_edges: BTreeSet<usize>,
}

impl Marks {
    pub fn new(cfg: &Cfg, v: Option<&Verification>) -> Marks {
        let Some(v) = v else {
            return Marks::default();
        };
        let mut m = Marks {
            failing_block: v
                .failing_insn
                .filter(|_| !v.accepted)
                .and_then(|i| cfg.block_of(i)),
            walked_blocks: v.walked.iter().filter_map(|&i| cfg.block_of(i)).collect(),
            ..Marks::default()
        };
        let edge_of: BTreeMap<(Node, Node), usize> = cfg
            .edges
            .iter()
            .enumerate()
            .map(|(k, e)| ((e.from, e.to), k))
            .collect();
        let mut prev: Option<(usize, usize)> = None;
        for &i in &v.path {
            let Some(b) = cfg.block_of(i) else {
                prev = None;
                continue;
            };
            m.path_blocks.insert(b);
            if let Some((pi, pb)) = prev {
                // Staying inside a block going forward crosses no edge.
                if pb != b || i <= pi {
                    m.link(cfg, &edge_of, pb, b);
                }
            }
            prev = Some((i, b));
        }
        m
    }

    /// Marks the edges that take control from block `a` to block `b`: a
    /// local edge, or a call (caller → ENTRY → first block), or a return
    /// (callee → EXIT).
    fn link(&mut self, cfg: &Cfg, edge_of: &BTreeMap<(Node, Node), usize>, a: usize, b: usize) {
        let (from, to) = (Node::Block(a), Node::Block(b));
        if let Some(&k) = edge_of.get(&(from, to)) {
            self.path_edges.insert(k);
            return;
        }
        let (fa, fb) = (cfg.blocks[a].func, cfg.blocks[b].func);
        if fa == fb {
            return;
        }
        if cfg.funcs[fb].blocks.start == b {
            if let Some(&k) = edge_of.get(&(from, Node::Entry(fb))) {
                self.path_edges.insert(k);
                self.path_edges
                    .extend(edge_of.get(&(Node::Entry(fb), to)).copied());
                return;
            }
        }
        if let Some(&k) = edge_of.get(&(from, Node::Exit(fa))) {
            if cfg.edges[k].kind == EdgeKind::Return {
                self.path_edges.insert(k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disasm::insn::Insn;

    #[test]
    fn path_through_a_call_and_a_branch() {
        // 0: if r1 == 0 goto +2   (-> 3)
        // 1: call pc+3            (-> 5)
        // 2: exit
        // 3: r0 = *(u64 *)(r1 +0) <- fails
        // 4: exit
        // 5: r0 = 0
        // 6: exit
        let p = [
            Insn::new(0x15, 1, 0, 2, 0),
            Insn::new(0x85, 0, 1, 0, 3),
            Insn::new(0x95, 0, 0, 0, 0),
            Insn::new(0x79, 0, 1, 0, 0),
            Insn::new(0x95, 0, 0, 0, 0),
            Insn::new(0xb7, 0, 0, 0, 0),
            Insn::new(0x95, 0, 0, 0, 0),
        ];
        let cfg = Cfg::build(&p, &[], false);
        // Through the call and back, then the exit at 2 fails.
        let v = Verification {
            failing_insn: Some(2),
            path: vec![0, 1, 5, 6, 2],
            walked: [0, 1, 2, 5, 6].into(),
            ..Verification::default()
        };
        let m = Marks::new(&cfg, Some(&v));
        assert_eq!(m.failing_block, cfg.block_of(2));
        assert_eq!(m.walked_blocks.len(), 3, "{m:?}");
        assert_eq!(m.path_blocks.len(), 3, "{m:?}");
        let kinds = |m: &Marks| -> Vec<EdgeKind> {
            let mut v: Vec<EdgeKind> = m.path_edges.iter().map(|&k| cfg.edges[k].kind).collect();
            v.sort();
            v
        };
        // 0 -> 1 not taken, 1 -> callee ENTRY -> its block, callee -> EXIT.
        assert_eq!(
            kinds(&m),
            [
                EdgeKind::Fallthrough,
                EdgeKind::NotTaken,
                EdgeKind::Return,
                EdgeKind::Call
            ],
            "{m:?}"
        );
        // The branch taken to 3.
        let taken = Verification {
            failing_insn: Some(3),
            path: vec![0, 3],
            ..Verification::default()
        };
        assert_eq!(kinds(&Marks::new(&cfg, Some(&taken))), [EdgeKind::Taken]);
        assert!(Marks::new(&cfg, None).path_edges.is_empty());
        let ok = Verification {
            accepted: true,
            failing_insn: Some(3),
            ..v
        };
        assert_eq!(Marks::new(&cfg, Some(&ok)).failing_block, None);
    }
}
