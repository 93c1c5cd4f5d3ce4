//! `visual format html`: one self-contained page, the graph as inline SVG
//! (laid out by `dot`), the program as JSON, and the page's own script and
//! style (page.js, page.css, ours: no third-party code, no network).
//!
//! Program-derived text reaches the page in three places, each escaped for
//! where it lands: the title (HTML text escaping), the SVG (Graphviz
//! escapes XML text), and the JSON (serde_json, then `<`, `>` and `&` as
//! `\u` escapes so that nothing in it can close its `<script>` element).
//! The script only ever sets `textContent`. A Content-Security-Policy with a
//! fresh nonce lets only the page's own script run and forbids every load.
use std::io::Write;

use serde::Serialize;

use super::dot::{func_title, svg_id};
use super::graph::{Graph, PathStep};
use super::marks::Marks;
use crate::disasm::cfg::EdgeKind;
use crate::disasm::printer::write_insn;
use crate::disasm::xlated::{line_plain, sanitize};

const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");

#[derive(Serialize)]
struct Page<'a> {
    title: &'a str,
    funcs: Vec<PageFunc>,
    blocks: Vec<PageBlock>,
    edges: Vec<PageEdge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verifier: Option<PageVerifier<'a>>,
}

#[derive(Serialize)]
struct PageFunc {
    name: String,
    start: usize,
    end: usize,
    /// Its blocks: `first..last` (global indexes).
    first: usize,
    last: usize,
}

#[derive(Serialize)]
struct PageInsn {
    i: usize,
    t: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    src: Option<String>,
    /// `file:line` of the source line.
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<String>,
}

#[derive(Serialize)]
struct PageBlock {
    func: usize,
    start: usize,
    end: usize,
    insns: Vec<PageInsn>,
    /// Edge indexes leaving and entering the block.
    out: Vec<usize>,
    #[serde(rename = "in")]
    into: Vec<usize>,
}

#[derive(Serialize)]
struct PageEdge {
    /// SVG ids of the ends (`b3`, `f1_entry`, `f0_exit`).
    from: String,
    to: String,
    kind: &'static str,
    /// The function of each end.
    ff: usize,
    tf: usize,
}

#[derive(Serialize)]
struct PageVerifier<'a> {
    accepted: bool,
    insn: Option<usize>,
    block: Option<usize>,
    title: &'a str,
    message: &'a [String],
    path_len: usize,
    path_blocks: Vec<usize>,
    path_edges: Vec<usize>,
    walked: Vec<usize>,
    steps: &'a [PathStep],
    steps_omitted: usize,
}

fn kind_name(k: EdgeKind) -> &'static str {
    match k {
        EdgeKind::Fallthrough => "fallthrough",
        EdgeKind::Taken => "taken",
        EdgeKind::NotTaken => "not taken",
        EdgeKind::Jump => "jump",
        EdgeKind::Return => "return",
        EdgeKind::Call => "call",
    }
}

fn page_data<'a>(g: &'a Graph, marks: &Marks) -> Page<'a> {
    let (x, cfg) = (g.x, g.cfg);
    let funcs = cfg
        .funcs
        .iter()
        .enumerate()
        .map(|(f, func)| PageFunc {
            name: sanitize(&func_title(x, cfg, f)).into_owned(),
            start: func.start,
            end: func.end,
            first: func.blocks.start,
            last: func.blocks.end,
        })
        .collect();
    let mut blocks: Vec<PageBlock> = cfg
        .blocks
        .iter()
        .map(|b| {
            let mut insns = Vec::new();
            let mut last_line = None;
            let mut i = b.start;
            while i < b.end && i < x.insns.len() {
                let mut t = String::new();
                write_insn(&mut t, x.names, x.insns, i);
                let covering = x.lines.partition_point(|l| l.insn_off as usize <= i);
                let line = covering.checked_sub(1).filter(|&l| last_line != Some(l));
                last_line = covering.checked_sub(1);
                let li = line.map(|l| &x.lines[l]);
                insns.push(PageInsn {
                    i,
                    t: sanitize(&t).into_owned(),
                    src: li
                        .and_then(|l| line_plain(l, false))
                        .filter(|s| !s.is_empty())
                        .map(|s| sanitize(&s).into_owned()),
                    at: li.map(|l| {
                        let file = l.file.as_deref().unwrap_or("");
                        let base = file.rsplit('/').next().unwrap_or(file);
                        sanitize(&format!("{base}:{}", l.line_num)).into_owned()
                    }),
                });
                i += if x.insns[i].is_ld_imm64() { 2 } else { 1 };
            }
            PageBlock {
                func: b.func,
                start: b.start,
                end: b.end,
                insns,
                out: Vec::new(),
                into: Vec::new(),
            }
        })
        .collect();
    let mut edges = Vec::with_capacity(cfg.edges.len());
    for (k, e) in cfg.edges.iter().enumerate() {
        if let crate::disasm::cfg::Node::Block(b) = e.from {
            blocks[b].out.push(k);
        }
        if let crate::disasm::cfg::Node::Block(b) = e.to {
            blocks[b].into.push(k);
        }
        edges.push(PageEdge {
            from: svg_id(e.from),
            to: svg_id(e.to),
            kind: kind_name(e.kind),
            ff: cfg.func_of(e.from),
            tf: cfg.func_of(e.to),
        });
    }
    let verifier = g.verification.map(|v| PageVerifier {
        accepted: v.accepted,
        insn: v.failing_insn,
        block: marks.failing_block,
        title: &v.title,
        message: &v.message,
        path_len: v.path.len(),
        path_blocks: marks.path_blocks.iter().copied().collect(),
        path_edges: marks.path_edges.iter().copied().collect(),
        walked: marks.walked_blocks.iter().copied().collect(),
        steps: &v.steps,
        steps_omitted: v.steps_omitted,
    });
    Page {
        title: g.title,
        funcs,
        blocks,
        edges,
        verifier,
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in sanitize(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside a `<script>` element: no `<`, `>` or `&`
/// (they only occur inside strings, where `\u` escapes mean the same).
fn script_json<T: Serialize>(v: &T) -> serde_json::Result<String> {
    let s = serde_json::to_string(v)?;
    Ok(s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

/// The `<svg>` element of `dot -Tsvg` output, ready to sit inside HTML:
/// without the XML prolog and DOCTYPE, without the fixed size (the page
/// sizes it) and without the namespace declarations (HTML does not need
/// them; they are the only URLs Graphviz writes).
fn inline_svg(svg: &str) -> String {
    let body = svg.find("<svg").map_or(svg, |p| &svg[p..]);
    let Some(end) = body.find('>') else {
        return String::new();
    };
    let mut head = String::from("<svg");
    let key = " viewBox=\"";
    if let Some(p) = body[..end].find(key) {
        let v = &body[p + key.len()..end];
        if let Some(q) = v.find('"') {
            head.push_str(&format!("{key}{}\"", &v[..q]));
        }
    }
    head.push_str(" id=\"graph\" preserveAspectRatio=\"xMinYMin meet\">");
    head + &body[end + 1..]
}

/// A CSP nonce: 128 random bits, hex.
fn nonce() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // No randomness (never on Linux ≥ 3.17): a fixed nonce still keeps
        // out loads and inline handlers; escaping is the first defence.
        return String::from("bpfscope");
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Writes the page for `g`, `svg` being `dot -Tsvg` of its DOT with ids.
pub fn write_page(
    w: &mut impl Write,
    g: &Graph,
    marks: &Marks,
    svg: &str,
) -> Result<(), super::graph::VisualError> {
    let data = script_json(&page_data(g, marks)).map_err(std::io::Error::other)?;
    let nonce = nonce();
    let title = escape_html(g.title);
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'nonce-{nonce}'\">\n\
         <meta name=\"generator\" content=\"bpfscope\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <header><span id=\"title\">{title}</span>\
         <input id=\"search\" type=\"search\" placeholder=\"insn index, helper, source text\" autocomplete=\"off\">\
         <span id=\"count\"></span>\
         <button id=\"fit\" type=\"button\">whole graph</button>\
         <button id=\"top\" type=\"button\">1:1</button></header>\n\
         <div id=\"verdict\" hidden></div>\n\
         <main><div id=\"view\">\n{}\n</div>\n\
         <aside id=\"side\"><section id=\"funcs\"></section><section id=\"results\"></section>\
         <section id=\"panel\"><p class=\"hint\">Click a block to see its instructions.</p></section></aside></main>\n\
         <script type=\"application/json\" id=\"cfg-data\">{data}</script>\n\
         <script nonce=\"{nonce}\">\n{SCRIPT}</script>\n</body>\n</html>\n",
        inline_svg(svg)
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_its_script() {
        let s = script_json(&vec!["</script><img src=x onerror=alert(1)> & co"]).unwrap();
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><img src=x onerror=alert(1)> & co");
    }

    #[test]
    fn svg_loses_prolog_size_and_urls() {
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\"\n \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg width=\"126pt\" height=\"87pt\"\n viewBox=\"0.00 0.00 126.00 87.00\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n<g id=\"graph0\"></g>\n</svg>\n";
        let s = inline_svg(svg);
        assert!(
            s.starts_with("<svg viewBox=\"0.00 0.00 126.00 87.00\" id=\"graph\""),
            "{s}"
        );
        assert!(!s.contains("http") && !s.contains("width=") && s.contains("<g id=\"graph0\">"));
    }

    #[test]
    fn html_escaping() {
        assert_eq!(
            escape_html("<img src=x onerror='a()'> & \"q\"\x07"),
            "&lt;img src=x onerror=&#39;a()&#39;&gt; &amp; &quot;q&quot;\\x07"
        );
        assert_eq!(nonce().len(), 32);
    }
}
