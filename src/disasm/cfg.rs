//! Control-flow graph of a program and its DOT rendering (`visual`).
//!
//! Functions start at instruction 0, at every `func_info` record, at every
//! `call pc+N` target and at every `subprog[+N]` (callback) target. Blocks
//! end after any jump, `gotol`, `gotox`, `may_goto` and `exit`, and start at
//! every jump target. Edges are typed: fallthrough, branch taken, branch
//! not taken, unconditional jump, return (to EXIT) and call (to the callee's
//! ENTRY, across clusters). docs/cfg.md lists where this differs from
//! bpftool's cfg.c.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::insn::{flow_xlated, Flow, Insn, BPF_PSEUDO_FUNC};
use super::printer::write_insn;
use super::xlated::{line_plain, sanitize, DumpOpts, Xlated};

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
}

/// Escapes text for a field of a DOT record label: the record syntax
/// characters, quotes, backslashes and `&` (entities), as bpftool does;
/// control characters are replaced.
fn escape_record(out: &mut String, s: &str) {
    for c in sanitize(s).chars() {
        match c {
            '\\' | '"' | '{' | '}' | '<' | '>' | '|' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
}

/// Escapes text for an ordinary quoted DOT string.
fn escape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in sanitize(s).chars() {
        match c {
            '\\' | '"' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn node_id(n: Node, cfg: &Cfg) -> String {
    match n {
        Node::Entry(f) => format!("fn_{f}_entry"),
        Node::Exit(f) => format!("fn_{f}_exit"),
        Node::Block(b) => format!("fn_{}_bb_{b}", cfg.blocks[b].func),
    }
}

fn node_func(n: Node, cfg: &Cfg) -> usize {
    match n {
        Node::Entry(f) | Node::Exit(f) => f,
        Node::Block(b) => cfg.blocks[b].func,
    }
}

fn edge_attrs(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Fallthrough => "style=\"solid\", color=black, weight=10",
        EdgeKind::NotTaken => "style=\"solid\", color=red3, weight=10, label=\"F\"",
        EdgeKind::Taken => "style=\"solid,bold\", color=green4, weight=5, label=\"T\"",
        EdgeKind::Jump => "style=\"solid,bold\", color=blue, weight=5",
        EdgeKind::Return => "style=\"dotted\", color=black, weight=1",
        EdgeKind::Call => "style=\"dashed\", color=purple, constraint=false",
    }
}

/// Writes the graph as DOT. Source lines from line info appear in the
/// blocks (with file and line under `linum`); `opcodes` adds raw bytes.
pub fn write_dot(w: &mut impl Write, x: &Xlated, cfg: &Cfg, opts: DumpOpts) -> io::Result<()> {
    write_dot_marked(w, x, cfg, opts, &|_| None)
}

/// [`write_dot`] with extra DOT attributes for some blocks (by block
/// index), e.g. `fillcolor="#ff9090"` for the block where the verifier
/// stopped; `None` leaves a block as it is.
pub fn write_dot_marked(
    w: &mut impl Write,
    x: &Xlated,
    cfg: &Cfg,
    opts: DumpOpts,
    mark: &dyn Fn(usize) -> Option<String>,
) -> io::Result<()> {
    writeln!(w, "digraph \"DOT graph for eBPF program\" {{")?;
    writeln!(w, "\tnode [fontname=\"monospace\"];")?;
    writeln!(w, "\tedge [fontname=\"monospace\"];")?;
    let mut label = String::new();
    for (f, func) in cfg.funcs.iter().enumerate() {
        let info = x.funcs.iter().find(|i| i.insn_off as usize == func.start);
        let title = info
            .and_then(|i| i.proto.clone().or_else(|| i.name.clone()))
            .unwrap_or_else(|| format!("func_{f} ()"));
        writeln!(w, "subgraph \"cluster_{f}\" {{")?;
        writeln!(w, "\tstyle=\"dashed\";\n\tcolor=\"black\";")?;
        writeln!(w, "\tlabel=\"{}\";", escape_quoted(&title))?;
        writeln!(
            w,
            "\tfn_{f}_entry [shape=Mdiamond,style=filled,label=\"ENTRY\"];"
        )?;
        for b in func.blocks.clone() {
            label.clear();
            block_label(&mut label, x, &cfg.blocks[b], opts);
            let extra = mark(b).map(|m| format!(",{m}")).unwrap_or_default();
            writeln!(
                w,
                "\tfn_{f}_bb_{b} [shape=record,style=filled{extra},label=\"{{{label}}}\"];"
            )?;
        }
        writeln!(
            w,
            "\tfn_{f}_exit [shape=Mdiamond,style=filled,label=\"EXIT\"];"
        )?;
        let local = |e: &&Edge| e.kind != EdgeKind::Call && node_func(e.from, cfg) == f;
        for e in cfg.edges.iter().filter(local) {
            writeln!(
                w,
                "\t{}:s -> {}:n [{}];",
                node_id(e.from, cfg),
                node_id(e.to, cfg),
                edge_attrs(e.kind)
            )?;
        }
        // Keeps EXIT below ENTRY in the layout (as bpftool does).
        writeln!(
            w,
            "\tfn_{f}_entry:s -> fn_{f}_exit:n [style=\"invis\", constraint=true];"
        )?;
        writeln!(w, "}}")?;
    }
    for e in cfg.edges.iter().filter(|e| e.kind == EdgeKind::Call) {
        writeln!(
            w,
            "\t{} -> {} [{}];",
            node_id(e.from, cfg),
            node_id(e.to, cfg),
            edge_attrs(e.kind)
        )?;
    }
    writeln!(w, "}}")
}

/// The record label of a block: one field per instruction, source lines
/// and the function prototype in the field of the instruction they precede.
fn block_label(out: &mut String, x: &Xlated, blk: &Block, opts: DumpOpts) {
    let mut last_line: Option<usize> = None;
    let mut i = blk.start;
    let mut text = String::new();
    let mut first = true;
    while i < blk.end && i < x.insns.len() {
        if !first {
            out.push('|');
        }
        first = false;
        if let Some(p) = x
            .funcs
            .iter()
            .find(|f| f.insn_off as usize == i)
            .and_then(|f| f.proto.as_deref())
        {
            out.push_str("; ");
            escape_record(out, p);
            out.push_str(":\\l");
        }
        // The line covering this instruction, shown when it changes.
        let covering = x.lines.partition_point(|l| l.insn_off as usize <= i);
        if let Some(l) = covering.checked_sub(1) {
            if last_line != Some(l) {
                last_line = Some(l);
                let li = &x.lines[l];
                if opts.linum {
                    out.push_str("; [");
                    escape_record(out, li.file.as_deref().unwrap_or(""));
                    out.push_str(&format!(" line:{} col:{}]\\l", li.line_num, li.line_col));
                }
                if let Some(src) = line_plain(li, false).filter(|s| !s.is_empty()) {
                    out.push_str("; ");
                    escape_record(out, &src);
                    out.push_str("\\l");
                }
            }
        }
        text.clear();
        text.push_str(&format!("{i}: "));
        write_insn(&mut text, x.names, x.insns, i);
        escape_record(out, &text);
        out.push_str("\\l");
        let double = x.insns[i].is_ld_imm64();
        if opts.opcodes {
            out.push_str("\\ \\ \\ \\ ");
            let mut b = x.insns[i].to_bytes().to_vec();
            if double {
                if let Some(n) = x.insns.get(i + 1) {
                    b.extend_from_slice(&n.to_bytes());
                }
            }
            let hex: Vec<String> = b.iter().map(|b| format!("{b:02x}")).collect();
            out.push_str(&hex.join(" "));
            out.push_str("\\l");
        }
        i += if double { 2 } else { 1 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disasm::printer::NoResolve;

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

        let x = Xlated {
            insns: &p,
            funcs: &[],
            lines: &[],
            names: &NoResolve,
        };
        let mut out = Vec::new();
        write_dot(&mut out, &x, &cfg, DumpOpts::default()).unwrap();
        let dot = String::from_utf8(out).unwrap();
        assert!(dot.contains("fn_0_bb_1 [shape=record,style=filled,label=\"{1: (95) exit\\l}\"];"));
        assert!(dot.contains("fn_0_bb_2 -> fn_1_entry [style=\"dashed\""));
    }

    #[test]
    fn record_escaping() {
        let mut s = String::new();
        escape_record(&mut s, "w2 &= 1 {a|b} <x> \"q\" \\ \x07\t");
        assert_eq!(s, "w2 \\&= 1 \\{a\\|b\\} \\<x\\> \\\"q\\\" \\\\ \\\\x07 ");
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
            write_dot(&mut out, &x, &cfg, DumpOpts::default()).unwrap();
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
