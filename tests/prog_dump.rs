//! Live tests for `prog dump`: xlated text and JSON against bpftool's for
//! the same programs, v4 instructions, the CFG (parsed by graphviz-rust,
//! rendered by dot, structure checked on a known program), jited code
//! against objdump, and the error paths.
mod common;

use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

/// Compiles tests/fixtures/dump.bpf.c for -mcpu=v3 (atomics with fetch).
fn compile_dump() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out_dir = std::env::temp_dir().join(format!("bpfscope-dump-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let obj = out_dir.join("dump.bpf.o");
    let st = Command::new("clang")
        .args(["-target", "bpf", "-mcpu=v3", "-O2", "-g", "-c"])
        .arg(dir.join("dump.bpf.c"))
        .arg("-o")
        .arg(&obj)
        .arg(format!("-I{}", dir.display()))
        .status()
        .expect("clang is needed for the live tests (make deps installs it)");
    assert!(st.success(), "clang failed");
    obj
}

/// The fixture, loaded (not attached: dumps need no attachment). Dropping
/// it closes every fd, which unloads the programs and maps.
struct Loaded {
    _obj: libbpf_rs::Object,
    tp: u32,
    raw: u32,
    obj_path: PathBuf,
}

fn load() -> Loaded {
    let obj_path = compile_dump();
    let obj = libbpf_rs::ObjectBuilder::default()
        .open_file(&obj_path)
        .unwrap()
        .load()
        .unwrap();
    let (mut tp, mut raw) = (0, 0);
    for p in obj.progs() {
        match p.name().to_str() {
            Some("tp_main") => tp = prog_id(p.as_fd()),
            Some("raw_simple") => raw = prog_id(p.as_fd()),
            _ => {}
        }
    }
    assert!(tp != 0 && raw != 0);
    Loaded {
        _obj: obj,
        tp,
        raw,
        obj_path,
    }
}

/// A hand-assembled program loaded through libbpf-sys (clang 14 cannot
/// emit v4 instructions); closed (unloaded) on drop.
struct RawProg {
    fd: OwnedFd,
    id: u32,
}

const fn ins(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> libbpf_sys::bpf_insn {
    let mut i = libbpf_sys::bpf_insn {
        code,
        _bitfield_align_1: [],
        _bitfield_1: libbpf_sys::__BindgenBitfieldUnit::new([0]),
        off,
        imm,
    };
    i._bitfield_1 = libbpf_sys::__BindgenBitfieldUnit::new([(src << 4) | dst]);
    i
}

fn load_raw(name: &str, insns: &[libbpf_sys::bpf_insn]) -> RawProg {
    let mut log = vec![0u8; 1 << 16];
    let opts = libbpf_sys::bpf_prog_load_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_load_opts>() as _,
        log_buf: log.as_mut_ptr() as *mut _,
        log_size: log.len() as u32,
        log_level: 1,
        ..Default::default()
    };
    let cname = std::ffi::CString::new(name).unwrap();
    // SAFETY: insns and log outlive the call; opts.sz is its size.
    let fd = unsafe {
        libbpf_sys::bpf_prog_load(
            libbpf_sys::BPF_PROG_TYPE_SOCKET_FILTER,
            cname.as_ptr(),
            c"GPL".as_ptr(),
            insns.as_ptr(),
            insns.len() as _,
            &opts as *const _ as *mut _,
        )
    };
    let text = String::from_utf8_lossy(&log);
    assert!(fd >= 0, "{name} rejected: {}", text.trim_end_matches('\0'));
    // SAFETY: a fresh fd from the kernel, owned by us alone.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let id = prog_id(&fd);
    RawProg { fd, id }
}

fn bpfscope_ok(args: &[&str]) -> String {
    let o = bpfscope(args);
    assert!(o.status.success(), "bpfscope {args:?}: {}", stderr(&o));
    stdout(&o)
}

fn bpftool_ok(args: &[&str]) -> String {
    let o = run("bpftool", args);
    assert!(o.status.success(), "bpftool {args:?}: {}", stderr(&o));
    stdout(&o)
}

/// Instructions bpftool v7.1 (kernel 6.1 era disassembler) prints in an
/// older syntax; the kernel's own disassembler now prints them as we do.
fn newer_syntax(ours: &str) -> bool {
    [
        "&(void __percpu *)",
        " s/= ",
        " s%= ",
        "= (s8)",
        "= (s16)",
        "= (s32)",
        "*(s8 *)",
        "*(s16 *)",
        "*(s32 *)",
        "bswap",
        "gotol",
        "may_goto",
        "load_acquire",
        "store_release",
    ]
    .iter()
    .any(|m| ours.contains(m))
}

/// Line-by-line comparison; the only differences allowed are lines in the
/// newer kernel syntax. Returns how many lines differed that way.
fn compare_lines(ours: &str, theirs: &str, what: &str) -> usize {
    let o: Vec<&str> = ours.lines().collect();
    let t: Vec<&str> = theirs.lines().collect();
    assert_eq!(
        o.len(),
        t.len(),
        "{what}: line counts differ\n{ours}\n--\n{theirs}"
    );
    let mut newer = 0;
    for (k, (a, b)) in o.iter().zip(&t).enumerate() {
        if a != b {
            assert!(
                newer_syntax(a),
                "{what}: line {} differs:\n ours:    {a}\n bpftool: {b}",
                k + 1
            );
            newer += 1;
        }
    }
    newer
}

#[test]
fn xlated_text_matches_bpftool() {
    if !have_bpftool() {
        return;
    }
    let l = load();
    for id in [l.tp, l.raw] {
        let id = id.to_string();
        // bpftool v7.1 takes one modifier at a time.
        for m in [None, Some("opcodes"), Some("linum")] {
            let mut args = vec!["prog", "dump", "xlated", "id", id.as_str()];
            args.extend(m);
            let ours = bpfscope_ok(&args);
            let theirs = bpftool_ok(&args);
            assert!(ours.lines().count() > 10, "{ours}");
            compare_lines(&ours, &theirs, &format!("{args:?}"));
        }
    }
    // Prefixes: `p d x i N` is the same command.
    let id = l.raw.to_string();
    assert_eq!(
        bpfscope_ok(&["p", "d", "x", "i", &id]),
        bpfscope_ok(&["prog", "dump", "xlated", "id", &id])
    );
}

#[test]
fn xlated_json_matches_bpftool() {
    if !have_bpftool() {
        return;
    }
    let l = load();
    for id in [l.tp, l.raw] {
        let id = id.to_string();
        for m in [None, Some("opcodes"), Some("linum")] {
            let mut args = vec!["-j", "prog", "dump", "xlated", "id", id.as_str()];
            args.extend(m);
            let ours = json(BPFSCOPE, &args);
            let theirs = json("bpftool", &args);
            let (o, t) = (ours.as_array().unwrap(), theirs.as_array().unwrap());
            assert_eq!(o.len(), t.len(), "{args:?}");
            let mut slot = 0u64;
            for (a, b) in o.iter().zip(t) {
                let mut a = a.clone();
                let obj = a.as_object_mut().unwrap();
                // The added key: the instruction's slot index.
                assert_eq!(obj.remove("insn"), Some(Value::from(slot)), "{args:?}");
                let dis = obj["disasm"].as_str().unwrap().to_string();
                slot += if dis.starts_with("(18)") { 2 } else { 1 };
                if newer_syntax(&dis) {
                    obj.insert("disasm".into(), b["disasm"].clone());
                }
                assert_eq!(&a, b, "{args:?}");
            }
        }
    }
    // -p pretty-prints the same value.
    let id = l.raw.to_string();
    assert_eq!(
        json(BPFSCOPE, &["-p", "prog", "dump", "xlated", "id", &id]),
        json(BPFSCOPE, &["-j", "prog", "dump", "xlated", "id", &id])
    );
}

#[test]
fn several_matches_print_headers_like_bpftool() {
    if !have_bpftool() {
        return;
    }
    let a = load();
    let b = load();
    let args = ["prog", "dump", "xlated", "name", "raw_simple"];
    let ours = bpfscope_ok(&args);
    let theirs = bpftool_ok(&args);
    // Other raw_simple programs may come and go meanwhile (other tests of
    // this binary load the same fixture): compare our two programs' blocks.
    let block = |text: &str, id: u32| -> String {
        let head = format!("{id}: raw_tracepoint  name raw_simple  tag ");
        text.split("\n\n")
            .find(|b| b.starts_with(&head))
            .unwrap_or_else(|| panic!("no block for {id}:\n{text}"))
            .trim_end()
            .to_string()
    };
    for id in [a.raw, b.raw] {
        compare_lines(&block(&ours, id), &block(&theirs, id), "name match");
    }
    let v = json(
        BPFSCOPE,
        &["-j", "prog", "dump", "xlated", "name", "raw_simple"],
    );
    let arr = v.as_array().unwrap();
    assert!(arr.len() >= 2);
    for e in arr {
        assert_eq!(e["name"], "raw_simple");
        assert!(e["insns"].as_array().is_some_and(|i| !i.is_empty()));
    }
    // file and visual need exactly one program.
    let o = bpfscope(&["prog", "dump", "xlated", "name", "raw_simple", "visual"]);
    assert_eq!(o.status.code(), Some(255));
    assert!(stderr(&o).contains("several programs match this handle: ids "));
}

/// The v4 program: signed division and modulo, sign-extending moves and
/// loads, byte swaps, gotol, load-acquire and store-release.
fn v4_program() -> Vec<libbpf_sys::bpf_insn> {
    vec![
        ins(0xb7, 1, 0, 0, 7),       // r1 = 7
        ins(0xb7, 2, 0, 0, -3),      // r2 = -3
        ins(0x3f, 1, 2, 1, 0),       // r1 s/= r2
        ins(0x9c, 1, 2, 1, 0),       // w1 s%= w2
        ins(0xbf, 3, 1, 8, 0),       // r3 = (s8)r1
        ins(0xbc, 4, 1, 16, 0),      // w4 = (s16)w1
        ins(0xbf, 5, 1, 32, 0),      // r5 = (s32)r1
        ins(0x7b, 10, 1, -8, 0),     // *(u64 *)(r10 -8) = r1
        ins(0x91, 6, 10, -8, 0),     // r6 = *(s8 *)(r10 -8)
        ins(0x89, 7, 10, -8, 0),     // r7 = *(s16 *)(r10 -8)
        ins(0x81, 8, 10, -8, 0),     // r8 = *(s32 *)(r10 -8)
        ins(0xd7, 6, 0, 0, 16),      // r6 = bswap16 r6
        ins(0xd7, 7, 0, 0, 32),      // r7 = bswap32 r7
        ins(0xd7, 8, 0, 0, 64),      // r8 = bswap64 r8
        ins(0x06, 0, 0, 0, 0),       // gotol pc+0
        ins(0xdb, 0, 10, -8, 0x100), // r0 = load_acquire((u64 *)(r10 -8))
        ins(0xdb, 10, 0, -8, 0x110), // store_release((u64 *)(r10 -8), r0)
        ins(0xb7, 0, 0, 0, 0),       // r0 = 0
        ins(0x95, 0, 0, 0, 0),       // exit
    ]
}

#[test]
fn v4_instructions() {
    let p = load_raw("v4_insns", &v4_program());
    let id = p.id.to_string();
    let ours = bpfscope_ok(&["prog", "dump", "xlated", "id", &id]);
    for want in [
        "(3f) r1 s/= r2",
        "(9c) w1 s%= w2",
        "(bf) r3 = (s8)r1",
        "(bc) w4 = (s16)w1",
        "(bf) r5 = (s32)r1",
        "(91) r6 = *(s8 *)(r10 -8)",
        "(89) r7 = *(s16 *)(r10 -8)",
        "(81) r8 = *(s32 *)(r10 -8)",
        "(d7) r6 = bswap16 r6",
        "(d7) r7 = bswap32 r7",
        "(d7) r8 = bswap64 r8",
        "(06) gotol pc+0",
        "(db) r0 = load_acquire((u64 *)(r10 -8))",
        "(db) store_release((u64 *)(r10 -8), r0)",
    ] {
        // The verifier adds checks around sdiv/smod: match the text, not the index.
        assert!(
            ours.lines()
                .any(|l| l.split_once(": ").is_some_and(|(_, t)| t == want)),
            "missing {want:?} in\n{ours}"
        );
    }
    if have_bpftool() {
        // bpftool v7.1 predates these: every difference is one of them.
        let theirs = bpftool_ok(&["prog", "dump", "xlated", "id", &id]);
        let n = compare_lines(&ours, &theirs, "v4");
        eprintln!("v4: {n} lines in newer syntax than bpftool v7.1");
    }
    // The CFG of a v4 program: gotol uses imm (bpftool reads off).
    let dot = bpfscope_ok(&["prog", "dump", "xlated", "id", &id, "visual"]);
    check_dot(&dot);
    drop(p.fd);
}

/// Parses DOT with graphviz-rust and renders it with `dot -Tsvg`,
/// which must print no warning.
fn check_dot(dot: &str) -> graphviz_rust::dot_structures::Graph {
    let g = graphviz_rust::parse(dot).unwrap_or_else(|e| panic!("graphviz-rust: {e}\n{dot}"));
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("graphviz (dot) is needed (make deps installs it)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "dot failed: {}", stderr(&o));
    assert!(o.stderr.is_empty(), "dot warned: {}", stderr(&o));
    assert!(stdout(&o).contains("<svg"));
    g
}

/// Statements of a graph: (node ids, edges as (from, to, attrs)).
fn graph_parts(
    g: &graphviz_rust::dot_structures::Graph,
) -> (Vec<String>, Vec<(String, String, String)>) {
    use graphviz_rust::dot_structures::*;
    fn id(i: &Id) -> String {
        match i {
            Id::Html(s) | Id::Escaped(s) | Id::Plain(s) => s.clone(),
            Id::Anonymous(s) => s.clone(),
        }
    }
    fn walk(stmts: &[Stmt], nodes: &mut Vec<String>, edges: &mut Vec<(String, String, String)>) {
        for s in stmts {
            match s {
                Stmt::Node(n) => nodes.push(id(&n.id.0)),
                Stmt::Subgraph(sg) => walk(&sg.stmts, nodes, edges),
                Stmt::Edge(e) => {
                    if let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = &e.ty {
                        let attrs = e
                            .attributes
                            .iter()
                            .map(|Attribute(k, v)| format!("{}={}", id(k), id(v)))
                            .collect::<Vec<_>>()
                            .join(",");
                        edges.push((id(&a.0), id(&b.0), attrs));
                    }
                }
                _ => {}
            }
        }
    }
    let Graph::DiGraph { stmts, .. } = g else {
        panic!("not a digraph");
    };
    let (mut n, mut e) = (Vec::new(), Vec::new());
    walk(stmts, &mut n, &mut e);
    (n, e)
}

#[test]
fn cfg_structure_of_known_program() {
    // 0: call bpf_get_prandom_u32
    // 1: if r0 != 0 goto pc+2      (-> 4)
    // 2: r0 = 1
    // 3: exit                      (exit in the middle: ends its block)
    // 4: call pc+3                 (-> 8, a second function)
    // 5: gotol pc+0                (-> 6, offset in imm)
    // 6: r0 = 0
    // 7: exit
    // 8: r0 = 2
    // 9: exit
    let insns = [
        ins(0x85, 0, 0, 0, 7),
        ins(0x55, 0, 0, 2, 0),
        ins(0xb7, 0, 0, 0, 1),
        ins(0x95, 0, 0, 0, 0),
        ins(0x85, 0, 1, 0, 3),
        ins(0x06, 0, 0, 0, 0),
        ins(0xb7, 0, 0, 0, 0),
        ins(0x95, 0, 0, 0, 0),
        ins(0xb7, 0, 0, 0, 2),
        ins(0x95, 0, 0, 0, 0),
    ];
    let p = load_raw("cfg_known", &insns);
    let id = p.id.to_string();
    let text = bpfscope_ok(&["prog", "dump", "xlated", "id", &id]);
    assert_eq!(
        text.lines().count(),
        10,
        "verifier changed the program:\n{text}"
    );
    for extra in [&[][..], &["linum", "opcodes"][..]] {
        let mut args = vec!["prog", "dump", "xlated", "id", id.as_str(), "visual"];
        args.extend_from_slice(extra);
        let dot = bpfscope_ok(&args);
        let g = check_dot(&dot);
        let (nodes, edges) = graph_parts(&g);
        // 2 functions x (ENTRY, EXIT) + blocks [0-1] [2-3] [4-5] [6-7] [8-9].
        assert_eq!(nodes.len(), 4 + 5, "{nodes:?}");
        let blocks: Vec<&String> = nodes.iter().filter(|n| n.contains("_bb_")).collect();
        let unique: std::collections::BTreeSet<_> = blocks
            .iter()
            .map(|n| n.rsplit('_').next().unwrap())
            .collect();
        assert_eq!(unique.len(), 5, "block numbers must be unique: {blocks:?}");
        let count = |pat: &str| edges.iter().filter(|e| e.2.contains(pat)).count();
        assert_eq!(count("color=red3"), 1, "not taken: {edges:?}");
        assert_eq!(count("color=green4"), 1, "taken");
        assert_eq!(count("color=blue"), 1, "jump (gotol)");
        assert_eq!(count("dotted"), 3, "returns to EXIT");
        assert_eq!(count("dashed"), 1, "call edge");
        assert_eq!(count("invis"), 2, "layout edges");
        assert_eq!(edges.len(), 2 + 1 + 1 + 1 + 3 + 1 + 2, "{edges:?}");
        // The gotol goes to the block at 6, the call to function 1's ENTRY.
        assert!(edges
            .iter()
            .any(|e| e.2.contains("blue") && e.1.ends_with("_bb_3")));
        assert!(edges
            .iter()
            .any(|e| e.2.contains("dashed") && e.1 == "fn_1_entry"));
    }
    drop(p.fd);
}

#[test]
fn visual_of_compiled_programs_renders() {
    let l = load();
    for id in [l.tp, l.raw] {
        let id = id.to_string();
        let dot = bpfscope_ok(&["prog", "dump", "xlated", "id", &id, "visual", "linum"]);
        let g = check_dot(&dot);
        let (nodes, edges) = graph_parts(&g);
        // Every instruction of the text dump is in exactly one block.
        let text = bpfscope_ok(&["prog", "dump", "xlated", "id", &id]);
        let n_insns = text.lines().filter(|l| l.contains(": (")).count();
        let in_dot = dot.matches("\\l|").count() + dot.matches("\\l}\"").count();
        assert!(in_dot >= n_insns, "{in_dot} < {n_insns}");
        assert!(nodes.len() > 4 && !edges.is_empty());
    }
    // tp_main has bpf-to-bpf calls and a bpf_loop callback: four
    // functions, and a call edge to each callee.
    let dot = bpfscope_ok(&["prog", "dump", "xlated", "id", &l.tp.to_string(), "visual"]);
    assert_eq!(dot.matches("subgraph \"cluster_").count(), 4, "{dot}");
    for f in ["mix", "loop_cb", "bump"] {
        assert!(dot.contains(&format!(
            "label=\"{}",
            if f == "mix" { "__u64 mix" } else { "int " }
        )));
        assert!(dot.contains(f));
    }
    assert!(dot.matches("color=purple").count() >= 3);
}

#[test]
fn jited_matches_image_and_objdump() {
    let l = load();
    let dir = BpffsDir::new(); // only for a unique scratch name
    let bin = std::env::temp_dir().join(format!(
        "bpfscope-jited-{}-{}.bin",
        std::process::id(),
        dir.path.file_name().unwrap().to_string_lossy()
    ));
    let id = l.tp.to_string();
    let binp = bin.to_str().unwrap();
    bpfscope_ok(&["prog", "dump", "jited", "id", &id, "file", binp]);
    let image = std::fs::read(&bin).unwrap();
    let _ = std::fs::remove_file(&bin);
    assert!(!image.is_empty());

    let v = json(
        BPFSCOPE,
        &["-j", "prog", "dump", "jited", "id", &id, "opcodes"],
    );
    let funcs = v.as_array().unwrap();
    // One section per function, named bpf_prog_<tag>_<name>.
    let names: Vec<&str> = funcs.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for (n, f) in names.iter().zip(["tp_main", "mix", "loop_cb", "bump"]) {
        assert!(
            n.starts_with("bpf_prog_") && n.ends_with(&format!("_{f}")),
            "{n}"
        );
    }
    assert!(funcs[0]["proto"].as_str().unwrap().contains("tp_main"));
    // The opcodes, concatenated, are the image.
    let mut bytes = Vec::new();
    let mut count = 0;
    for f in funcs {
        for i in f["insns"].as_array().unwrap() {
            count += 1;
            for b in i["opcodes"].as_array().unwrap() {
                let s = b.as_str().unwrap();
                bytes.push(u8::from_str_radix(&s[2..], 16).unwrap());
            }
        }
    }
    assert_eq!(bytes, image);

    // objdump agrees on the instruction count.
    std::fs::write(&bin, &image).unwrap();
    let o = run(
        "objdump",
        &["-D", "-b", "binary", "-mi386:x86-64", bin.to_str().unwrap()],
    );
    let _ = std::fs::remove_file(&bin);
    assert!(o.status.success(), "objdump: {}", stderr(&o));
    let od = stdout(&o)
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.split(':')
                .next()
                .is_some_and(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_hexdigit()))
                && l.contains(":\t")
                && l.split('\t').nth(2).is_some()
        })
        .count();
    assert_eq!(count, od, "capstone and objdump disagree on the count");

    // Text: headers, source lines with linum, named call targets.
    let text = bpfscope_ok(&["prog", "dump", "jited", "id", &id, "linum"]);
    assert!(
        text.starts_with("int tp_main(void * ctx):\nbpf_prog_"),
        "{text}"
    );
    assert!(text.contains("line_num:"));
    assert!(
        text.contains("<bpf_prog_") && text.contains("_mix>"),
        "{text}"
    );
}

#[test]
fn file_writes_raw_xlated_image() {
    let l = load();
    let id = l.raw.to_string();
    let f = std::env::temp_dir().join(format!("bpfscope-xlated-{}.bin", std::process::id()));
    let fp = f.to_str().unwrap();
    let out = bpfscope_ok(&["prog", "dump", "xlated", "id", &id, "file", fp]);
    assert!(out.is_empty());
    let v = json(
        BPFSCOPE,
        &["-j", "prog", "dump", "xlated", "id", &id, "file", fp],
    );
    assert!(v.is_null());
    let image = std::fs::read(&f).unwrap();
    let _ = std::fs::remove_file(&f);
    let v = json(
        BPFSCOPE,
        &["-j", "prog", "dump", "xlated", "id", &id, "opcodes"],
    );
    let mut n = 0;
    for i in v.as_array().unwrap() {
        n += i["opcodes"]["imm"].as_array().unwrap().len() / 4;
    }
    // 8 bytes a slot; ld_imm64 has 12 imm bytes (3 words) for 2 slots.
    assert!(image.len().is_multiple_of(8) && image.len() / 8 <= n);
    let _ = l.obj_path;
}

#[test]
fn errors() {
    let l = load();
    let id = l.raw.to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "prog", "dump", "xlated", "id", &id, "visual", "file", "/tmp/x",
            ],
            "not compatible",
        ),
        (
            &["prog", "dump", "xlated", "id", &id, "bogus"],
            "expected 'file', 'opcodes', 'visual' or 'linum', got: 'bogus'",
        ),
        (
            &["prog", "dump", "bogus", "id", &id],
            "expected 'xlated' or 'jited'",
        ),
        (
            &["prog", "dump", "jited", "id", &id, "visual"],
            "'opcodes' or 'linum', got: 'visual'",
        ),
        (
            &["prog", "dump", "xlated", "id", "4294967295"],
            "4294967295",
        ),
        (
            &["-j", "prog", "dump", "xlated", "id", &id, "visual"],
            "not compatible with JSON",
        ),
    ];
    for (args, want) in cases {
        let o = bpfscope(args);
        assert_eq!(o.status.code(), Some(255), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.starts_with("Error: ") && e.contains(want),
            "{args:?}: {e}"
        );
        assert!(!e.contains("panicked"), "{e}");
    }
}

#[test]
fn object_file_before_loading() {
    let obj = compile_dump();
    let o = obj.to_str().unwrap();
    let text = bpfscope_ok(&["prog", "dump", "xlated", "file", o]);
    // Programs first, then .text subprograms, each with its prototype.
    for want in [
        "tp_main  section tracepoint/syscalls/sys_enter_getpid",
        "int tp_main(void * ctx):",
        "raw_simple  section raw_tracepoint/sys_enter",
        "mix  section .text  (subprogram)",
        "__u64 mix(__u64 a, __u64 b):",
        "bump  section .text  (subprogram)",
    ] {
        assert!(text.lines().any(|l| l == want), "missing {want:?}:\n{text}");
    }
    // Relocations by name: maps, global data, callbacks, subprogram calls;
    // helpers by their uapi id.
    for want in [
        "= map[totals]",
        "= map[counts]",
        "= map[.bss]+0 <hits>",
        "= map[.data]+0 <limit>",
        "= subprog[loop_cb]",
        "#mix",
        "#bump",
        "call bpf_loop#181",
        "call bpf_get_current_pid_tgid#14",
    ] {
        assert!(text.contains(want), "missing {want:?}:\n{text}");
    }
    // Source lines from .BTF.ext (the fixture is built with -g), with
    // file and line under linum, as for loaded programs.
    let src = "__u64 pid = bpf_get_current_pid_tgid() >> 32;";
    assert!(text.lines().any(|l| l == format!("; {src}")), "{text}");
    let line_num = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dump.bpf.c"),
    )
    .unwrap()
    .lines()
    .position(|l| l.contains(src))
    .unwrap()
        + 1;
    let linum = bpfscope_ok(&[
        "prog", "dump", "xlated", "file", o, "prog", "tp_main", "linum",
    ]);
    assert!(
        linum.contains(&format!("dump.bpf.c line_num:{line_num} line_col:")),
        "{linum}"
    );
    let v = json(
        BPFSCOPE,
        &["-j", "prog", "dump", "xlated", "file", o, "prog", "tp_main"],
    );
    assert_eq!(v["insns"][0]["src"], src, "{v}");
    let v = json(
        BPFSCOPE,
        &[
            "-j", "prog", "dump", "xlated", "file", o, "prog", "bump", "opcodes",
        ],
    );
    assert_eq!(v["name"], "bump");
    assert_eq!(v["subprog"], true);
    assert!(v["insns"][0]["opcodes"]["code"].is_string());
    let all = json(BPFSCOPE, &["-j", "prog", "dump", "xlated", "file", o]);
    assert_eq!(all.as_array().unwrap().len(), 5);
    let dot = bpfscope_ok(&[
        "prog", "dump", "xlated", "file", o, "prog", "tp_main", "visual",
    ]);
    check_dot(&dot);
    for (args, want) in [
        (
            vec!["prog", "dump", "xlated", "file", o, "prog", "nope"],
            "no program named nope",
        ),
        (
            vec!["prog", "dump", "xlated", "file", "/etc/hostname"],
            "not a BPF ELF object",
        ),
        (
            vec!["prog", "dump", "xlated", "file", o, "visual"],
            "one program",
        ),
        (vec!["prog", "dump", "jited", "file", o], "got: 'file'"),
    ] {
        let r = bpfscope(&args);
        assert_eq!(r.status.code(), Some(255), "{args:?}");
        assert!(stderr(&r).contains(want), "{args:?}: {}", stderr(&r));
    }
}
