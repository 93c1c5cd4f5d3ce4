//! The architecture's rules, checked on the source (no kernel needed):
//!
//! - no file in src/output refers to src/sys (records live in src/record);
//! - no file in src/btf or src/disasm refers to src/output (the JSON writer
//!   and escaping live in src/text), and none of the kernel-free libraries
//!   (src/btf, src/disasm, src/record, src/text) refers to sys, loader, cmd,
//!   output or cli;
//! - no import cycle between files;
//! - raw kernel calls (libbpf-sys's bpf(2) wrappers, syscall, mount) only in
//!   src/sys (src/loader reaches the kernel through libbpf-rs objects);
//! - BTF read one way: libbpf-rs's and libbpf's BTF API only in src/btf;
//! - no file under src/ over 800 lines, unless it mirrors a kernel table.
//!
//! A file "refers to" another when any path in it (a `use`, or a path in
//! code such as `crate::sys::errno()`) resolves into that file's module. Paths
//! are resolved the way rustc does for `crate::`, `super::`, `self::`, names
//! brought in by `use` and child modules declared with `mod`. A module's
//! re-export of its own child (`pub use ids::ObjKind` in src/sys/mod.rs) is
//! followed to the file that defines the item, so `crate::sys::ObjKind` counts
//! as a reference to src/sys/ids.rs; any other re-export is not followed (an
//! item named through src/sys is a reference to src/sys).
//!
//! Cycles: a module file declaring or re-exporting its own children (`mod x;`,
//! `pub use x::Item;` in a mod.rs) is the module's table of contents, not a
//! dependency, and is ignored. Any other reference from a parent to a child
//! counts, so a mod.rs that holds shared types (an error enum) for its
//! children must not also call into them.
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

const MAX_LINES: usize = 800;

/// Files allowed over MAX_LINES, each with the reason: only a table that
/// mirrors the kernel's, line for line. None today.
const LONG_FILES: &[(&str, &str)] = &[];

/// The verifier analysis still reads object BTF (and .BTF.ext strings)
/// through libbpf-rs and libbpf's btf handles: only the BTF rule skips it
/// until that moves to src/btf. Everything else is checked there too.
const IN_FLUX: &[&str] = &["src/loader/verifier/"];

/// Files that hand libbpf's own `struct btf` to libbpf, and why: they don't
/// read BTF, libbpf does, on objects only libbpf holds.
const BTF_HANDLE_USERS: &[(&str, &str)] = &[
    (
        "src/loader/core_relo.rs",
        "gen min_core_btf: libbpf's CO-RE calculator takes libbpf's btf and btf_ext handles",
    ),
    (
        "src/loader/objinfo.rs",
        "gen: the BTF bytes of an opened libbpf object, then parsed by src/btf",
    ),
];

fn in_flux(file: &str) -> bool {
    IN_FLUX.iter().any(|p| file.starts_with(p))
}

/// One source file: its module path and the paths it mentions.
struct File {
    rel: String,
    module: Vec<String>,
    /// Absolute module paths of the items this file refers to.
    refs: Vec<Vec<String>>,
    /// `pub use` re-exports: name → absolute path (for following).
    reexports: HashMap<String, Vec<String>>,
    /// Functions called, by their full path (external crates included).
    calls: Vec<Vec<String>>,
    /// Paths into other crates, `use`d or written in code.
    ext_paths: Vec<Vec<String>>,
    lines: usize,
}

fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .skip(1) // "src"
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    let mut m = vec!["crate".to_string()];
    m.extend(parts);
    m
}

/// Collects paths as written, resolved against the module they appear in.
struct Collector {
    /// Module path of the current position (file module + inline mods).
    scope: Vec<String>,
    /// Names in scope per module position: `use` imports and `mod` children.
    names: Vec<HashMap<String, Vec<String>>>,
    refs: Vec<Vec<String>>,
    reexports: HashMap<String, Vec<String>>,
    /// Names `use`d from other crates (`mount` → nix::mount::mount).
    externs: HashMap<String, Vec<String>>,
    calls: Vec<Vec<String>>,
    ext_paths: Vec<Vec<String>>,
    /// Length of the file's own module path (re-exports are taken at file level).
    depth0: usize,
}

impl Collector {
    /// Makes a written path absolute, or None for external crates and std.
    fn absolute(&self, segs: &[String]) -> Option<Vec<String>> {
        let first = segs.first()?;
        let mut base: Vec<String> = match first.as_str() {
            "crate" | "bpfscope" => vec!["crate".into()],
            "self" => self.scope.clone(),
            "super" => {
                let mut b = self.scope.clone();
                let mut rest = segs;
                while rest.first().map(|s| s == "super") == Some(true) {
                    b.pop();
                    rest = &rest[1..];
                }
                b.extend(rest.iter().cloned());
                return Some(b);
            }
            name => {
                let found = self.names.iter().rev().find_map(|n| n.get(name))?;
                let mut b = found.clone();
                b.extend(segs[1..].iter().cloned());
                return Some(b);
            }
        };
        base.extend(segs[1..].iter().cloned());
        Some(base)
    }

    /// A path into another crate, with a `use`d first segment expanded.
    fn external(&self, mut segs: Vec<String>) -> Vec<String> {
        match segs.first().and_then(|f| self.externs.get(f)) {
            Some(full) => {
                let mut full = full.clone();
                full.extend(segs.drain(1..));
                full
            }
            None => segs,
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, public: bool) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, public);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut full = prefix.clone();
                if name != "self" {
                    full.push(name.clone());
                }
                let bound = full.last().cloned().unwrap_or_default();
                self.bind(&bound, &full, public);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                let name = r.ident.to_string();
                if name != "self" {
                    full.push(name);
                }
                self.bind(&r.rename.to_string(), &full, public);
            }
            syn::UseTree::Glob(_) => {
                if let Some(abs) = self.absolute(prefix) {
                    self.refs.push(abs);
                }
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, public);
                }
            }
        }
    }

    fn bind(&mut self, name: &str, written: &[String], public: bool) {
        let Some(abs) = self.absolute(written) else {
            self.externs.insert(name.to_string(), written.to_vec());
            self.ext_paths.push(written.to_vec());
            return;
        };
        // A public re-export of one's own descendant is the module's table of
        // contents: followed by the resolver, not a dependency of this file.
        let own_child = abs.starts_with(&self.scope) && abs.len() > self.scope.len();
        if public && self.scope.len() == self.depth0 {
            self.reexports.insert(name.to_string(), abs.clone());
        }
        if !(public && own_child) {
            self.refs.push(abs.clone());
        }
        self.names.last_mut().unwrap().insert(name.to_string(), abs);
    }

    fn path(&mut self, p: &syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if segs.len() < 2 && !matches!(segs.first().map(String::as_str), Some("super")) {
            // A bare name: a local item, or something `use` already recorded.
            return;
        }
        match self.absolute(&segs) {
            Some(abs) => self.refs.push(abs),
            None => self.ext_paths.push(self.external(segs)),
        }
    }
}

impl Collector {
    /// One module's items: names first (`mod` children and `use` imports
    /// hold for the whole module, wherever they are written), then bodies.
    fn items(&mut self, items: &[syn::Item]) {
        for it in items {
            if let syn::Item::Mod(m) = it {
                let mut child = self.scope.clone();
                child.push(m.ident.to_string());
                self.names
                    .last_mut()
                    .unwrap()
                    .insert(m.ident.to_string(), child);
            }
        }
        for it in items {
            match it {
                syn::Item::Use(u) if u.leading_colon.is_none() => {
                    let public = !matches!(u.vis, syn::Visibility::Inherited);
                    self.use_tree(&mut Vec::new(), &u.tree, public);
                }
                _ => {}
            }
        }
        for it in items {
            match it {
                syn::Item::Use(_) => {}
                // Test modules may use anything: they are no dependency of the code.
                syn::Item::Mod(m) if is_test_mod(m) => {}
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        self.scope.push(m.ident.to_string());
                        self.names.push(HashMap::new());
                        self.items(inner);
                        self.names.pop();
                        self.scope.pop();
                    }
                }
                other => self.visit_item(other),
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_file(&mut self, f: &'ast syn::File) {
        self.items(&f.items);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func {
            let segs = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let segs = self.external(segs);
            self.calls.push(segs);
        }
        syn::visit::visit_expr_call(self, c);
    }

    /// `pub(super)` names who may see an item, not a dependency.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.path(p);
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // Paths inside format!/assert! etc. are tokens: parse what looks like
        // expressions so `crate::x::f()` inside a macro still counts.
        if let Ok(args) = m.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) {
            for e in &args {
                self.visit_expr(e);
            }
        }
        syn::visit::visit_macro(self, m);
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The parsed sources, once for all the tests of this file.
fn is_test_mod(m: &syn::ItemMod) -> bool {
    m.attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

fn load() -> &'static [File] {
    static FILES: std::sync::OnceLock<Vec<File>> = std::sync::OnceLock::new();
    FILES.get_or_init(parse_sources)
}

fn parse_sources() -> Vec<File> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    rust_files(&root.join("src"), &mut paths);
    paths.sort();
    let rels: Vec<PathBuf> = paths
        .iter()
        .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
        .collect();
    paths
        .iter()
        .zip(&rels)
        .map(|(p, rel)| {
            let text = std::fs::read_to_string(p).unwrap();
            let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
            let module = module_of(rel);
            let mut c = Collector {
                scope: module.clone(),
                names: vec![HashMap::new()],
                refs: Vec::new(),
                reexports: HashMap::new(),
                externs: HashMap::new(),
                calls: Vec::new(),
                ext_paths: Vec::new(),
                depth0: module.len(),
            };
            c.visit_file(&ast);
            File {
                rel: rel.to_string_lossy().into_owned(),
                module,
                refs: c.refs,
                reexports: c.reexports,
                calls: c.calls,
                ext_paths: c.ext_paths,
                lines: text.lines().count(),
            }
        })
        .collect()
}

/// The file an absolute path lands in: the longest module prefix that is a
/// file, following the re-exports of its own children that file makes.
fn resolve(
    files: &[File],
    by_module: &HashMap<&[String], usize>,
    path: &[String],
) -> Option<usize> {
    let mut path = path.to_vec();
    for _ in 0..8 {
        let (n, idx) = (1..=path.len())
            .rev()
            .find_map(|n| by_module.get(&path[..n]).map(|&i| (n, i)))?;
        // Only a module's re-exports of its own descendants are followed (its
        // table of contents); naming an item through any other re-export is a
        // reference to the re-exporting file.
        let own = &files[idx].module;
        let next = path.get(n).and_then(|name| files[idx].reexports.get(name));
        match next {
            Some(target)
                if target.as_slice() != &path[..=n]
                    && target.starts_with(own)
                    && target.len() > own.len() =>
            {
                let mut p = target.clone();
                p.extend(path[n + 1..].iter().cloned());
                path = p;
            }
            _ => return Some(idx),
        }
    }
    None
}

fn graph(files: &[File]) -> Vec<BTreeSet<usize>> {
    let by_module: HashMap<&[String], usize> = files
        .iter()
        .enumerate()
        // main.rs is its own crate: `crate::` there means the binary.
        .filter(|(_, f)| f.rel != "src/main.rs")
        .map(|(i, f)| (f.module.as_slice(), i))
        .collect();
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            f.refs
                .iter()
                .filter_map(|r| resolve(files, &by_module, r))
                .filter(|&j| j != i)
                .collect()
        })
        .collect()
}

fn under(f: &File, dir: &str) -> bool {
    f.rel.starts_with(dir)
}

fn offenders(files: &[File], edges: &[BTreeSet<usize>], from: &[&str], to: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if !from.iter().any(|d| under(f, d)) {
            continue;
        }
        for &j in &edges[i] {
            if under(&files[j], to) {
                bad.push(format!("{} -> {}", f.rel, files[j].rel));
            }
        }
    }
    bad
}

#[test]
fn output_does_not_import_sys() {
    let files = load();
    let edges = graph(files);
    let bad = offenders(files, &edges, &["src/output/"], "src/sys/");
    assert!(
        bad.is_empty(),
        "output must not import sys:\n{}",
        bad.join("\n")
    );
}

#[test]
fn btf_and_disasm_do_not_import_output() {
    let files = load();
    let edges = graph(files);
    let bad = offenders(files, &edges, &["src/btf/", "src/disasm/"], "src/output/");
    assert!(
        bad.is_empty(),
        "btf/disasm must not import output:\n{}",
        bad.join("\n")
    );
}

/// The kernel-free libraries (BTF, instruction decoding, records, shared
/// text) are leaves: they never reach up into the layers that use them.
#[test]
fn libraries_do_not_import_upper_layers() {
    let files = load();
    let edges = graph(files);
    let libs = ["src/btf/", "src/disasm/", "src/record/", "src/text/"];
    let mut bad = Vec::new();
    for upper in [
        "src/sys/",
        "src/loader/",
        "src/cmd/",
        "src/output/",
        "src/cli.rs",
    ] {
        bad.extend(offenders(files, &edges, &libs, upper));
    }
    assert!(
        bad.is_empty(),
        "libraries import upper layers:\n{}",
        bad.join("\n")
    );
}

/// Strongly connected components of more than one file (Tarjan).
fn cycles(edges: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    struct T<'a> {
        edges: &'a [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for &w in t.edges[v].iter() {
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut scc = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on[w] = false;
                scc.push(w);
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                t.out.push(scc);
            }
        }
    }
    let n = edges.len();
    let mut t = T {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_import_cycles_between_files() {
    let files = load();
    let edges = graph(files);
    let found: Vec<String> = cycles(&edges)
        .into_iter()
        .map(|scc| {
            let mut names: Vec<&str> = scc.iter().map(|&i| files[i].rel.as_str()).collect();
            names.sort();
            let detail: Vec<String> = scc
                .iter()
                .flat_map(|&i| {
                    edges[i]
                        .iter()
                        .filter(|j| scc.contains(j))
                        .map(move |&j| (i, j))
                })
                .map(|(i, j)| format!("    {} -> {}", files[i].rel, files[j].rel))
                .collect();
            format!("{}\n{}", names.join(" <-> "), detail.join("\n"))
        })
        .collect();
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

/// A raw kernel call: a libbpf-sys bpf(2) wrapper (`bpf_prog_load`, not the
/// object API's `bpf_object__load`), a raw syscall, or a mount.
fn is_raw_kernel_call(path: &[String]) -> bool {
    match path {
        [c, f] if c == "libbpf_sys" => f.starts_with("bpf_") && !f.contains("__"),
        [c, f] if c == "libc" => f == "syscall",
        [c, m, f] if c == "nix" && m == "mount" => f == "mount" || f == "umount",
        _ => false,
    }
}

#[test]
fn raw_kernel_calls_only_in_sys() {
    let bad: Vec<String> = load()
        .iter()
        .filter(|f| !under(f, "src/sys/"))
        .flat_map(|f| {
            f.calls
                .iter()
                .filter(|c| is_raw_kernel_call(c))
                .map(move |c| format!("{}: {}", f.rel, c.join("::")))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "raw kernel calls outside src/sys:\n{}",
        bad.join("\n")
    );
}

/// BTF is read one way: through src/btf (libbpf's parse and the safe view).
#[test]
fn btf_is_read_only_through_src_btf() {
    let files = load();
    let bad: Vec<String> = files
        .iter()
        .filter(|f| !under(f, "src/btf/") && !in_flux(&f.rel))
        .filter(|f| !BTF_HANDLE_USERS.iter().any(|(p, _)| *p == f.rel))
        .flat_map(|f| {
            f.calls
                .iter()
                .chain(&f.ext_paths)
                .filter(|p| match p.as_slice() {
                    [c, m, ..] if c == "libbpf_rs" => m == "btf",
                    [c, f, ..] if c == "libbpf_sys" => f.starts_with("btf_"),
                    _ => false,
                })
                .map(move |p| format!("{}: {}", f.rel, p.join("::")))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "BTF read outside src/btf:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_long_files() {
    let files = load();
    let allowed: BTreeMap<&str, &str> = LONG_FILES.iter().copied().collect();
    let bad: Vec<String> = files
        .iter()
        .filter(|f| f.lines > MAX_LINES && !allowed.contains_key(f.rel.as_str()))
        .map(|f| format!("{}: {} lines", f.rel, f.lines))
        .collect();
    assert!(
        bad.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        bad.join("\n")
    );
    // The allow-list stays honest: every entry exists and is still long.
    for (f, _) in LONG_FILES {
        let found = files.iter().find(|x| x.rel == *f);
        assert!(
            found.is_some_and(|x| x.lines > MAX_LINES),
            "{f} is on the long-file allow-list but is not over {MAX_LINES} lines"
        );
    }
}

/// The checker itself: a cycle through a re-export is seen.
#[test]
fn checker_follows_reexports_and_super() {
    let src = "pub use b::Thing; pub mod b; fn f() { super::x::g(); crate::sys::y(); }";
    let ast = syn::parse_file(src).unwrap();
    let mut c = Collector {
        scope: vec!["crate".into(), "a".into()],
        names: vec![HashMap::new()],
        refs: Vec::new(),
        reexports: HashMap::new(),
        externs: HashMap::new(),
        calls: Vec::new(),
        ext_paths: Vec::new(),
        depth0: 2,
    };
    c.visit_file(&ast);
    assert_eq!(c.reexports["Thing"], ["crate", "a", "b", "Thing"]);
    assert!(c
        .refs
        .contains(&vec!["crate".into(), "x".into(), "g".into()]));
    assert!(c
        .refs
        .contains(&vec!["crate".into(), "sys".into(), "y".into()]));
    let src = "use nix::mount::mount; fn g() { mount(1); libbpf_sys::bpf_obj_pin(1); libbpf_sys::bpf_object__load(1); }";
    c.visit_file(&syn::parse_file(src).unwrap());
    let raw: Vec<_> = c.calls.iter().filter(|p| is_raw_kernel_call(p)).collect();
    assert_eq!(raw.len(), 2, "{raw:?}");
    // A public re-export of a child is not a reference.
    assert!(!c
        .refs
        .iter()
        .any(|r| r.starts_with(&["crate".into(), "a".into(), "b".into()])));
}
