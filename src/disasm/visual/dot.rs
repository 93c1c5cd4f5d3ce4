//! The DOT text of a CFG, in bpftool's layout (clusters per function,
//! ENTRY/EXIT diamonds, record blocks), tuned for `dot`'s layout time:
//!
//! - Edge kinds are told by colour and style, branch sides by `taillabel`
//!   (`T`/`F` by the branch). A `label` would make `dot` turn every edge
//!   into two with a virtual label node between them, doubling the ranks:
//!   execsnoop (730 insns, 204 labelled edges) took over 200 s.
//! - `nslimit` bounds the network-simplex passes that place nodes
//!   horizontally (to 10 × the node count). Long edges (every error path
//!   jumps to the one block that returns) become thousands of virtual
//!   nodes there; unbounded, the passes are 95% of the layout time, and
//!   the bounded layout is as readable (docs/cfg.md has the figures).
//! - Record shapes, `:s`/`:n` ports, weights and clusters cost little and
//!   stay.
use std::io::{self, Write};

use super::graph::Verification;
use super::marks::Marks;
use crate::disasm::cfg::{Block, Cfg, Edge, EdgeKind, Node};
use crate::disasm::printer::write_insn;
use crate::disasm::xlated::{line_plain, sanitize, DumpOpts, Xlated};

/// How to write the DOT.
pub struct DotOpts<'a> {
    pub dump: DumpOpts,
    /// `id` attributes on clusters (`fF`), blocks (`bN`), ENTRY/EXIT
    /// (`fF_entry`, `fF_exit`) and edges (`eK`, K the index in
    /// `cfg.edges`): Graphviz copies them into the SVG, where the HTML
    /// page finds its elements.
    pub ids: bool,
    pub marks: &'a Marks,
    pub verification: Option<&'a Verification>,
}

/// Escapes text for a field of a DOT record label: the record syntax
/// characters, quotes, backslashes and `&` (entities), as bpftool does;
/// control characters are replaced.
pub(super) fn escape_record(out: &mut String, s: &str) {
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

/// The id the HTML page knows a node by.
pub fn svg_id(n: Node) -> String {
    match n {
        Node::Entry(f) => format!("f{f}_entry"),
        Node::Exit(f) => format!("f{f}_exit"),
        Node::Block(b) => format!("b{b}"),
    }
}

fn edge_attrs(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Fallthrough => "style=\"solid\", color=black, weight=10",
        EdgeKind::NotTaken => {
            "style=\"solid\", color=red3, weight=10, taillabel=\"F\", labelangle=-40"
        }
        EdgeKind::Taken => {
            "style=\"solid,bold\", color=green4, weight=5, taillabel=\"T\", labelangle=40"
        }
        EdgeKind::Jump => "style=\"solid,bold\", color=blue, weight=5",
        EdgeKind::Return => "style=\"dotted\", color=black, weight=1",
        EdgeKind::Call => "style=\"dashed\", color=purple, constraint=false",
    }
}

/// The function's title: prototype from BTF, else name, else `func_N ()`.
pub fn func_title(x: &Xlated, cfg: &Cfg, f: usize) -> String {
    let start = cfg.funcs[f].start;
    x.funcs
        .iter()
        .find(|i| i.insn_off as usize == start)
        .and_then(|i| i.proto.clone().or_else(|| i.name.clone()))
        .unwrap_or_else(|| format!("func_{f} ()"))
}

fn write_edge(w: &mut impl Write, cfg: &Cfg, k: usize, e: &Edge, o: &DotOpts) -> io::Result<()> {
    let ports = if e.kind == EdgeKind::Call {
        ("", "")
    } else {
        (":s", ":n")
    };
    write!(
        w,
        "\t{}{} -> {}{} [{}",
        node_id(e.from, cfg),
        ports.0,
        node_id(e.to, cfg),
        ports.1,
        edge_attrs(e.kind)
    )?;
    if o.marks.path_edges.contains(&k) {
        write!(w, ", penwidth=4")?;
    }
    if o.ids {
        write!(w, ", id=\"e{k}\"")?;
    }
    writeln!(w, "];")
}

/// Writes the graph as DOT. Source lines from line info appear in the
/// blocks (with file and line under `linum`); `opcodes` adds raw bytes.
/// With a verdict, the failing block is red (with the verifier's message
/// under the failing instruction), the walked blocks green, and the
/// path's edges thick.
pub fn write_dot(w: &mut impl Write, x: &Xlated, cfg: &Cfg, o: &DotOpts) -> io::Result<()> {
    writeln!(w, "digraph \"DOT graph for eBPF program\" {{")?;
    writeln!(w, "\tnslimit=10;")?;
    writeln!(w, "\tnode [fontname=\"monospace\"];")?;
    writeln!(w, "\tedge [fontname=\"monospace\"];")?;
    let note = o.verification.and_then(|v| {
        let i = v.failing_insn.filter(|_| !v.accepted)?;
        let msg = v.message.first().map(String::as_str).unwrap_or(&v.title);
        Some((i, format!("^ verifier: {msg}")))
    });
    let tooltip = o
        .verification
        .map(|v| escape_quoted(&format!("{}: {}", v.title, v.message.join(" "))))
        .unwrap_or_default();
    let mut label = String::new();
    for (f, func) in cfg.funcs.iter().enumerate() {
        writeln!(w, "subgraph \"cluster_{f}\" {{")?;
        writeln!(w, "\tstyle=\"dashed\";\n\tcolor=\"black\";")?;
        writeln!(w, "\tlabel=\"{}\";", escape_quoted(&func_title(x, cfg, f)))?;
        let id = |n: Node| {
            if o.ids {
                format!(",id=\"{}\"", svg_id(n))
            } else {
                String::new()
            }
        };
        if o.ids {
            writeln!(w, "\tid=\"f{f}\";")?;
        }
        writeln!(
            w,
            "\tfn_{f}_entry [shape=Mdiamond,style=filled,label=\"ENTRY\"{}];",
            id(Node::Entry(f))
        )?;
        for b in func.blocks.clone() {
            label.clear();
            let blk = &cfg.blocks[b];
            let here = note
                .as_ref()
                .filter(|(i, _)| (blk.start..blk.end).contains(i));
            block_label(&mut label, x, blk, o.dump, here);
            let extra = if o.marks.failing_block == Some(b) {
                format!(",fillcolor=\"#ff9090\",color=\"red\",penwidth=3,tooltip=\"{tooltip}\"")
            } else if o.marks.walked_blocks.contains(&b) {
                ",fillcolor=\"#c8f0c8\"".to_string()
            } else {
                String::new()
            };
            writeln!(
                w,
                "\tfn_{f}_bb_{b} [shape=record,style=filled{extra}{},label=\"{{{label}}}\"];",
                id(Node::Block(b))
            )?;
        }
        writeln!(
            w,
            "\tfn_{f}_exit [shape=Mdiamond,style=filled,label=\"EXIT\"{}];",
            id(Node::Exit(f))
        )?;
        for (k, e) in cfg.edges.iter().enumerate() {
            if e.kind != EdgeKind::Call && cfg.func_of(e.from) == f {
                write_edge(w, cfg, k, e, o)?;
            }
        }
        // Keeps EXIT below ENTRY in the layout (as bpftool does).
        writeln!(
            w,
            "\tfn_{f}_entry:s -> fn_{f}_exit:n [style=\"invis\", constraint=true];"
        )?;
        writeln!(w, "}}")?;
    }
    for (k, e) in cfg.edges.iter().enumerate() {
        if e.kind == EdgeKind::Call {
            write_edge(w, cfg, k, e, o)?;
        }
    }
    writeln!(w, "}}")
}

/// The record label of a block: one field per instruction, source lines
/// and the function prototype in the field of the instruction they
/// precede, and `note` under its instruction.
fn block_label(
    out: &mut String,
    x: &Xlated,
    blk: &Block,
    opts: DumpOpts,
    note: Option<&(usize, String)>,
) {
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
        if let Some((_, n)) = note.filter(|(at, _)| *at == i) {
            escape_record(out, n);
            out.push_str("\\l");
        }
        i += if double { 2 } else { 1 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disasm::insn::Insn;
    use crate::disasm::printer::NoResolve;

    fn program() -> [Insn; 5] {
        // 0: if r1 == 0 goto +1
        // 1: exit
        // 2: call pc+1 (-> 4)
        // 3: exit
        // 4: exit
        [
            Insn::new(0x15, 1, 0, 1, 0),
            Insn::new(0x95, 0, 0, 0, 0),
            Insn::new(0x85, 0, 1, 0, 1),
            Insn::new(0x95, 0, 0, 0, 0),
            Insn::new(0x95, 0, 0, 0, 0),
        ]
    }

    fn dot(v: Option<&Verification>, ids: bool) -> String {
        let p = program();
        let cfg = Cfg::build(&p, &[], false);
        let x = Xlated {
            insns: &p,
            funcs: &[],
            lines: &[],
            names: &NoResolve,
        };
        let marks = Marks::new(&cfg, v);
        let o = DotOpts {
            dump: DumpOpts::default(),
            ids,
            marks: &marks,
            verification: v,
        };
        let mut out = Vec::new();
        write_dot(&mut out, &x, &cfg, &o).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn layout_cheap_attributes() {
        let d = dot(None, false);
        assert!(d.contains("fn_0_bb_1 [shape=record,style=filled,label=\"{1: (95) exit\\l}\"];"));
        assert!(d.contains("fn_0_bb_2 -> fn_1_entry [style=\"dashed\""));
        assert!(d.contains("nslimit=10;"));
        // Branch sides by the tail, never as an edge label.
        assert!(d.contains("taillabel=\"T\"") && d.contains("taillabel=\"F\""));
        assert!(!d.contains(" label=\"T\"") && !d.contains(", label="));
        assert!(!d.contains("id=\""));
    }

    #[test]
    fn ids_and_verdict_marks() {
        let v = Verification {
            failing_insn: Some(3),
            title: "Bad \"thing\"".into(),
            message: vec!["R0 !read_ok {x|y}".into()],
            path: vec![0, 2, 4, 3],
            walked: [0, 2, 3, 4].into(),
            ..Verification::default()
        };
        let d = dot(Some(&v), true);
        for want in [
            "id=\"f0\";",
            ",id=\"b2\",",
            ",id=\"f1_entry\"",
            "id=\"e0\"",
            "penwidth=4",
            "fillcolor=\"#c8f0c8\"",
            "tooltip=\"Bad \\\"thing\\\": R0 !read_ok {x|y}\"",
            "3: (95) exit\\l^ verifier: R0 !read_ok \\{x\\|y\\}\\l",
        ] {
            assert!(d.contains(want), "missing {want}:\n{d}");
        }
        assert_eq!(d.matches("#ff9090").count(), 1);
    }

    /// Every variant parses with graphviz-rust and `dot` renders it
    /// without a warning.
    #[test]
    fn parses_and_renders_cleanly() {
        let v = Verification {
            failing_insn: Some(3),
            title: "t".into(),
            message: vec!["m <x> {y}".into()],
            path: vec![0, 2, 4, 3],
            walked: [0, 2].into(),
            ..Verification::default()
        };
        for d in [
            dot(None, false),
            dot(None, true),
            dot(Some(&v), true),
            dot(Some(&v), false),
        ] {
            graphviz_rust::parse(&d).unwrap_or_else(|e| panic!("{e}\n{d}"));
            let Ok(mut child) = std::process::Command::new("dot")
                .arg("-Tsvg")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
            else {
                eprintln!("NOTE: graphviz (dot) is not installed: render check skipped");
                return;
            };
            child.stdin.take().unwrap().write_all(d.as_bytes()).unwrap();
            let o = child.wait_with_output().unwrap();
            assert!(
                o.status.success() && o.stderr.is_empty(),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }

    #[test]
    fn record_escaping() {
        let mut s = String::new();
        escape_record(&mut s, "w2 &= 1 {a|b} <x> \"q\" \\ \x07\t");
        assert_eq!(s, "w2 \\&= 1 \\{a\\|b\\} \\<x\\> \\\"q\\\" \\\\ \\\\x07 ");
    }
}
