//! `visual` beyond DOT: `format svg|png|html FILE` for a loaded program and
//! for `prog verify` on a rejected object. The HTML page is opened in
//! headless Chromium: the graph renders, search finds instructions, the
//! failing block and path are highlighted, and markup in the program's
//! source lines stays text. Without Chromium (`make deps-browser` installs
//! it) the browser checks are skipped with a note; the file checks run.
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// Compiles tests/fixtures/visual.bpf.c (with `-DREJECT` when `reject`).
fn compile_visual(reject: bool) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = std::env::temp_dir().join(format!("bpfscope-visual-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let obj = out.join(if reject { "bad.bpf.o" } else { "ok.bpf.o" });
    let mut c = Command::new("clang");
    c.args(["-target", "bpf", "-O2", "-g", "-c"]);
    if reject {
        c.arg("-DREJECT");
    }
    let st = c
        .arg(dir.join("visual.bpf.c"))
        .arg("-o")
        .arg(&obj)
        .arg(format!("-I{}", dir.display()))
        .status()
        .expect("clang is needed for the live tests (make deps installs it)");
    assert!(st.success(), "clang failed");
    obj
}

fn out_file(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bpfscope-visual-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// The installed Chromium, or `None` with a note saying why the browser
/// checks do not run.
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        eprintln!(
            "NOTE: Chromium is not installed: the browser checks of the HTML page are skipped \
             (`make deps-browser` installs Debian's chromium)"
        );
    }
    found
}

/// The page's DOM after its script ran, from headless Chromium (a fresh
/// profile, no network services).
fn dump_dom(browser: &str, page: &Path, fragment: &str) -> String {
    // A fresh profile per run: two at once must not share one.
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let profile = out_file(&format!("chromium-profile-{n}"));
    let url = format!("file://{}#{fragment}", page.display());
    let o = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1400,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    let _ = std::fs::remove_dir_all(&profile);
    let dom = stdout(&o);
    assert!(
        o.status.success() && dom.contains("</html>"),
        "chromium failed on {url}: {}",
        stderr(&o)
    );
    dom
}

/// The SVG groups of the DOM: (id, class, content up to the next group).
fn groups(dom: &str) -> Vec<(String, String, String)> {
    let mut v = Vec::new();
    // Graphviz wraps a node with a tooltip in `<g id="a_ID"><a …>`: part
    // of the node.
    let next = |s: &str| {
        s.match_indices("<g id=\"")
            .map(|(p, _)| p)
            .find(|&p| !s[p + 7..].starts_with("a_"))
    };
    let mut rest = dom;
    while let Some(p) = next(rest) {
        rest = &rest[p + 7..];
        let id = rest[..rest.find('"').unwrap()].to_string();
        let head_end = rest.find('>').unwrap();
        let class = rest[..head_end]
            .split("class=\"")
            .nth(1)
            .and_then(|c| c.split('"').next())
            .unwrap_or("")
            .to_string();
        let end = next(rest).unwrap_or(rest.len());
        v.push((id, class, rest[..end].to_string()));
    }
    v
}

fn has_class(class: &str, c: &str) -> bool {
    class.split_whitespace().any(|x| x == c)
}

/// What every page must hold: nothing loaded from the network, a policy
/// that runs only its own script, and no markup from the source lines.
fn check_page_file(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    for bad in ["http://", "https://", "//www.", "src=\"", "href=\""] {
        assert!(!html.contains(bad), "page holds {bad:?}");
    }
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    // The fixture's markup is in the page, as text only.
    assert!(html.contains("onerror"), "the source lines are missing");
    for raw in ["<img", "</script><script>", "</script><img"] {
        assert!(!html.contains(raw), "raw {raw:?} in the page");
    }
    assert_eq!(
        html.matches("<script").count(),
        2,
        "data and page script only"
    );
}

/// The markup did not run: no element made of it, title unchanged.
fn check_not_injected(dom: &str) {
    assert!(!dom.contains("<img"), "an <img> element was created");
    assert!(!dom.contains("pwned</title>"), "injected script ran");
    assert_eq!(dom.matches("<script").count(), 2);
}

#[test]
fn formats_and_page_of_a_loaded_program() {
    let obj = compile_visual(false);
    let dir = BpffsDir::new();
    let pin = dir.join("visual_main");
    let o = bpfscope(&["prog", "load", obj.to_str().unwrap(), pin.to_str().unwrap()]);
    assert!(o.status.success(), "prog load: {}", stderr(&o));
    let pinned = pin.to_str().unwrap();
    let dump = |extra: &[&str]| {
        let mut a = vec!["prog", "dump", "xlated", "pinned", pinned, "visual"];
        a.extend_from_slice(extra);
        bpfscope(&a)
    };

    // DOT on stdout and in a file are the same text.
    let dot = dump(&[]);
    assert!(dot.status.success(), "{}", stderr(&dot));
    let dot_file = out_file("g.dot");
    assert!(dump(&["format", "dot", dot_file.to_str().unwrap()])
        .status
        .success());
    assert_eq!(std::fs::read(&dot_file).unwrap(), dot.stdout);

    let svg_file = out_file("g.svg");
    let o = dump(&["format", "svg", svg_file.to_str().unwrap()]);
    assert!(o.status.success() && o.stdout.is_empty(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&svg_file).unwrap();
    assert!(svg.contains("<svg") && svg.contains("visual_main"));
    let png_file = out_file("g.png");
    assert!(dump(&["format", "png", png_file.to_str().unwrap()])
        .status
        .success());
    assert!(std::fs::read(&png_file)
        .unwrap()
        .starts_with(b"\x89PNG\r\n"));

    // Errors: one line, exit 255, no file left behind.
    let missing = out_file("missing.svg");
    let o = Command::new(BPFSCOPE)
        .args([
            "prog", "dump", "xlated", "pinned", pinned, "visual", "format", "svg",
        ])
        .arg(&missing)
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(255));
    assert!(
        stderr(&o).starts_with("Error: Graphviz is not installed"),
        "{}",
        stderr(&o)
    );
    assert!(!missing.exists());
    for (args, want) in [
        (
            &["format", "jpg", "x.jpg"][..],
            "expected FORMAT (dot, svg, png, html), got: 'jpg'",
        ),
        (&["format", "svg"][..], "'svg' needs an argument (FILE)"),
        (
            &["format", "svg", "/nonexistent/dir/g.svg"][..],
            "can't write '/nonexistent/dir/g.svg'",
        ),
    ] {
        let o = dump(args);
        assert_eq!(o.status.code(), Some(255), "{args:?}");
        assert!(
            stderr(&o).starts_with("Error: ") && stderr(&o).contains(want),
            "{args:?}: {}",
            stderr(&o)
        );
    }

    let page = out_file("loaded.html");
    let o = dump(&["format", "html", page.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    check_page_file(&html);
    // pick() is its own function, with a call edge to its ENTRY.
    assert!(html.contains("id=\"f1\"") && html.contains("\"kind\":\"call\""));

    let Some(browser) = chromium() else { return };
    // Search by helper name: the blocks calling it light up, the first is
    // selected and its instructions are in the panel.
    let dom = dump_dom(browser, &page, "search=bpf_ktime_get_ns");
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page script did not finish"
    );
    let gs = groups(&dom);
    let nodes = gs.iter().filter(|g| has_class(&g.1, "node")).count();
    assert!(nodes >= 2 + 2 + 3, "{nodes} nodes");
    assert!(
        dom.contains(&format!("data-nodes=\"{nodes}\"")),
        "not every node was laid out"
    );
    let hits: Vec<_> = gs.iter().filter(|g| has_class(&g.1, "hit")).collect();
    assert!(!hits.is_empty(), "no block lit up");
    assert!(hits.iter().all(|g| g.2.contains("bpf_ktime_get_ns")));
    assert!(hits.iter().any(|g| g.2.contains("call bpf_ktime_get_ns#")));
    assert_eq!(
        hits.iter().filter(|g| has_class(&g.1, "selected")).count(),
        1
    );
    // The call, and the source line above it.
    assert!(!dom.contains("id=\"count\">0 matches<") && dom.contains("id=\"count\">"));
    assert!(dom.contains("(85) call bpf_ktime_get_ns#"), "results");
    assert!(dom.contains("class=\"insn target\""), "panel");
    check_not_injected(&dom);

    // Search by instruction index: exactly that instruction.
    let dom = dump_dom(browser, &page, "search=3");
    assert!(dom.contains("id=\"count\">1 match<"));
    assert!(dom.contains("data-insn=\"3\""));
    assert!(dom.contains("id=\"insn-3\""));
    // Folding and call edges, driven by a script that carries the page's
    // nonce: fold pick(), then click the call edge, which unfolds it and
    // selects its first block.
    let nonce = html
        .split("<script nonce=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let driver = format!(
        "<script nonce=\"{nonce}\">\n\
         const d = JSON.parse(document.getElementById('cfg-data').textContent);\n\
         document.querySelector('button.fold[data-f=\"1\"]').click();\n\
         document.body.dataset.folded = document.querySelectorAll('.folded-away').length + ' ' +\n\
           document.getElementById('f1').getAttribute('class');\n\
         const k = d.edges.findIndex((e) => e.kind === 'call');\n\
         document.querySelector('#e' + k + ' path').dispatchEvent(new MouseEvent('click', {{ bubbles: true }}));\n\
         document.body.dataset.after = String(document.querySelectorAll('.folded-away').length);\n\
         document.body.dataset.first = String(d.funcs[1].first);\n\
         </script>\n</body>"
    );
    let driven = out_file("driven.html");
    std::fs::write(&driven, html.replace("</body>", &driver)).unwrap();
    let dom = dump_dom(browser, &driven, "");
    let attr = |name: &str| {
        dom.split(&format!("data-{name}=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("no data-{name}"))
            .to_string()
    };
    let folded = attr("folded");
    let (n, class) = folded.split_once(' ').unwrap();
    assert!(
        n.parse::<usize>().unwrap() >= 2 && has_class(class, "folded"),
        "{folded}"
    );
    assert_eq!(attr("after"), "0", "the call edge unfolds the callee");
    let first = format!("b{}", attr("first"));
    let g = groups(&dom);
    let callee = g.iter().find(|g| g.0 == first).unwrap();
    assert!(has_class(&callee.1, "selected"), "{callee:?}");
    assert!(dom.contains("pick(__u64 a)</h3>"), "panel names the callee");

    // Search by source text finds the markup, as text.
    let dom = dump_dom(browser, &page, "search=onerror");
    assert!(!dom.contains("id=\"count\">0 matches<") && dom.contains("onerror"));
    check_not_injected(&dom);
}

#[test]
fn page_of_a_rejected_object() {
    let obj = compile_visual(true);
    let page = out_file("rejected.html");
    let o = bpfscope(&[
        "prog",
        "verify",
        obj.to_str().unwrap(),
        "--visual",
        "format",
        "html",
        page.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    check_page_file(&html);
    // The level-2 log's states ride along (the page asks for level 2).
    assert!(
        html.contains("\"steps\":[{\"insn\":0,\"state\":\"R1=ctx() R10=fp0\""),
        "states"
    );
    // The DOT and SVG of the same verdict mark the failing block too.
    let o = bpfscope(&["prog", "verify", obj.to_str().unwrap(), "--visual"]);
    let dot = stdout(&o);
    assert_eq!(dot.matches("#ff9090").count(), 1, "{dot}");
    assert!(dot.contains("^ verifier: R6 invalid mem access"), "{dot}");

    let Some(browser) = chromium() else { return };
    let dom = dump_dom(browser, &page, "");
    assert!(dom.contains("data-ready=\"1\""));
    check_not_injected(&dom);
    let gs = groups(&dom);
    let failing: Vec<_> = gs.iter().filter(|g| has_class(&g.1, "failing")).collect();
    assert_eq!(failing.len(), 1, "one failing block");
    assert!(
        failing[0].2.contains("^ verifier: R6 invalid mem access"),
        "the message sits under the failing instruction: {}",
        failing[0].2
    );
    // The path: through the call to pick() and back.
    let path_edges: Vec<_> = gs.iter().filter(|g| has_class(&g.1, "path")).collect();
    assert!(path_edges.len() >= 3, "{path_edges:?}");
    assert!(
        gs.iter().any(|g| has_class(&g.1, "edge")
            && has_class(&g.1, "path")
            && g.2.contains("fn_0_bb_")
            && g.2.contains("fn_1_entry")),
        "call edge on the path"
    );
    assert!(gs.iter().filter(|g| has_class(&g.1, "onpath")).count() >= 3);
    // The panel: the failing instruction, the message beside it, states.
    let rows: Vec<&str> = dom
        .split("class=\"insn ")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .collect();
    assert_eq!(
        rows.iter()
            .filter(|c| has_class(c, "failing") && has_class(c, "target") && has_class(c, "onpath"))
            .count(),
        1,
        "failing insn row: {rows:?}"
    );
    assert!(dom.contains("class=\"msg\">↑ verifier: R6 invalid mem access"));
    assert!(dom.contains("class=\"state\">") && dom.contains("R6=map_value_or_null"));
    assert!(dom.contains("Rejected: pointer used without a NULL check"));
}
