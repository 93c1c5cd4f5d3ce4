//! Bad input to every command that reads a file or a handle, unprivileged
//! use of every command, and hostile names in files and paths.
//!
//! Every failure must be one line `Error: …` on stderr, exit 255, valid
//! `{"error": …}` JSON with -j, never a panic, nothing raw from a file
//! reaching the terminal, and nothing left behind: our bpffs directory holds
//! exactly what the test put there, and no program or map of the fixture
//! (named `badin_*`) outlives the test.
mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use common::*;
use serde_json::Value;

/// The tests here count the fixture's objects: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A scratch directory for the bad files, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("bpfscope-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Names of loaded programs and maps of the fixture (`badin_*`).
fn ours_loaded() -> Vec<String> {
    let mut v = Vec::new();
    for obj in ["prog", "map"] {
        let list = json(BPFSCOPE, &["-j", obj, "show"]);
        for o in list.as_array().into_iter().flatten() {
            if let Some(n) = o["name"].as_str().filter(|n| n.starts_with("badin")) {
                v.push(format!("{obj} {n} (id {})", o["id"]));
            }
        }
    }
    v.sort();
    v
}

/// Everything under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let p = e.path();
            out.push(p.strip_prefix(base).unwrap().display().to_string());
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                walk(base, &p, out);
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// The command fails as the output contract says, text and JSON.
fn fails(args: &[&str], want: &str) {
    let o = bpfscope(args);
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert_eq!(o.status.code(), Some(255), "{args:?}: {err}");
    assert!(
        err.starts_with("Error: ") && err.lines().count() == 1,
        "{args:?}: not one error line: {err:?}"
    );
    assert!(err.contains(want), "{args:?}: {err:?} lacks {want:?}");
    assert!(
        !err.chars().any(|c| c.is_control() && c != '\n'),
        "{args:?}: raw control character on stderr: {err:?}"
    );
    let mut j = vec!["-j"];
    j.extend(args);
    let o = bpfscope(&j);
    assert_eq!(o.status.code(), Some(255), "{j:?}");
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{j:?}: stdout is not JSON ({e}): {}", stdout(&o)));
    // JSON carries the message unescaped (serde_json escapes it).
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| escape(e).contains(want)),
        "{j:?}: {v}"
    );
}

/// What the text output does to control characters.
fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_control() {
            let mut b = [0u8; 4];
            for x in c.encode_utf8(&mut b).bytes() {
                out.push_str(&format!("\\x{x:02x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Bad object files: the fixture cut short, corrupted, or not BPF at all.
struct BadFiles {
    _dir: Scratch,
    good: PathBuf,
    cases: Vec<(&'static str, PathBuf, &'static str)>,
}

/// File offset and size of a section of an ELF file.
fn section(elf: &[u8], name: &str) -> (usize, usize) {
    use object::{Object, ObjectSection};
    let f = object::File::parse(elf).unwrap();
    let s = f.section_by_name(name).unwrap();
    let (off, size) = s.file_range().unwrap();
    (off as usize, size as usize)
}

fn bad_files() -> BadFiles {
    let dir = Scratch::new("badin");
    let good = compile("bad_input");
    let bytes = std::fs::read(&good).unwrap();
    let empty = dir.write("empty.o", b"");
    let head = dir.write("head.o", &bytes[..200]);
    let half = dir.write("half.o", &bytes[..bytes.len() / 2]);
    let text = dir.write("text.o", b"this is not an ELF file\n");
    // An ELF with no BPF sections: a host object.
    let host = dir.0.join("host.o");
    let src = dir.write("host.c", b"int f(void) { return 1; }\n");
    let st = std::process::Command::new("clang")
        .args(["-c", "-o"])
        .arg(&host)
        .arg(&src)
        .status()
        .unwrap();
    assert!(st.success(), "clang could not build a host object");
    // A .BTF whose header is fine but whose types are garbage.
    let (off, size) = section(&bytes, ".BTF");
    let mut bad = bytes.clone();
    for b in &mut bad[off + 24 + 16..(off + 24 + 200).min(off + size)] {
        *b = 0xff;
    }
    let badbtf = dir.write("badbtf.o", &bad);
    // A .BTF with a broken magic.
    let mut bad = bytes.clone();
    bad[off] ^= 0xff;
    let badmagic = dir.write("badmagic.o", &bad);
    let missing = dir.0.join("missing.o");
    let cases = vec![
        ("empty", empty, "empty"),
        ("first 200 bytes", head, ""),
        ("first half", half, ""),
        ("not ELF", text, ""),
        ("no BPF sections", host, ""),
        ("corrupted .BTF", badbtf, ""),
        ("bad .BTF magic", badmagic, ""),
        ("missing", missing, "No such file or directory"),
        ("a directory", dir.0.clone(), ""),
    ];
    BadFiles {
        _dir: dir,
        good,
        cases,
    }
}

#[test]
fn bad_object_files_fail_cleanly_and_leave_nothing() {
    let _g = serial();
    let files = bad_files();
    let bpffs = BpffsDir::new();
    let before = ours_loaded();
    let pin = bpffs.join("p");
    let pin_s = pin.to_str().unwrap();
    let all = bpffs.join("all");
    let all_s = all.to_str().unwrap();
    for (what, path, want) in &files.cases {
        let f = path.to_str().unwrap();
        eprintln!("== {what}: {f}");
        fails(&["prog", "load", f, pin_s], want);
        fails(&["prog", "loadall", f, all_s], want);
        fails(&["prog", "verify", f], want);
        // The corrupted-.BTF objects still have readable instructions: the
        // dump works, without libbpf's complaints between its lines.
        if what.contains("BTF") {
            let o = bpfscope(&["prog", "dump", "xlated", "file", f]);
            assert!(o.status.success(), "{what}: {}", stderr(&o));
            assert!(stdout(&o).contains("badin_tp"), "{what}: {}", stdout(&o));
            assert_eq!(stderr(&o), "", "{what}: chatter on stderr");
        } else {
            fails(&["prog", "dump", "xlated", "file", f], want);
        }
        if *what != "bad .BTF magic" {
            fails(&["btf", "dump", "file", f], want);
            // (-j has no C format: the JSON error says so instead.)
            fails(&["btf", "dump", "file", f, "format", "c"], "");
        }
        assert_eq!(tree(&bpffs.path), Vec::<String>::new(), "{what}: pins left");
    }
    // Bad destinations for a good object: nothing pinned, nothing loaded.
    let good = files.good.to_str().unwrap();
    let sub = bpffs.join("no/such/dir/p");
    fails(&["prog", "load", good, sub.to_str().unwrap()], "");
    fails(&["prog", "load", good, "/tmp/not-bpffs-bpfscope"], "");
    fails(&["prog", "loadall", good, "/tmp/not-bpffs-bpfscope"], "");
    fails(&["prog", "load", good, pin_s, "type", "no_such_type"], "");
    fails(&["prog", "load", good, pin_s, "garbage"], "garbage");
    fails(
        &["prog", "verify", good, "prog", "no_such_prog"],
        "no_such_prog",
    );
    fails(&["prog", "verify", good, "garbage"], "garbage");
    fails(
        &["prog", "dump", "xlated", "file", good, "prog", "nope"],
        "nope",
    );
    fails(
        &["btf", "dump", "file", good, "format", "garbage"],
        "garbage",
    );
    fails(&["btf", "dump", "file", good, "root_id", "99999"], "99999");
    fails(&["btf", "dump", "file", good, "garbage"], "garbage");
    assert_eq!(tree(&bpffs.path), Vec::<String>::new(), "pins left");
    // A load that works, then one onto the same path: refused, the first kept.
    let o = bpfscope(&["prog", "load", good, pin_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    fails(&["prog", "load", good, pin_s], "");
    assert_eq!(tree(&bpffs.path), vec!["p".to_string()]);
    std::fs::remove_file(&pin).unwrap();
    // The kernel frees maps of a closed object from a workqueue: give it time.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut left = ours_loaded();
    while left != before && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(100));
        left = ours_loaded();
    }
    assert_eq!(left, before, "objects of the fixture left loaded");
}

#[test]
fn bad_handles_fail_cleanly() {
    let _g = serial();
    let bpffs = BpffsDir::new();
    let scratch = Scratch::new("badin-h");
    let regular = scratch.write("regular", b"x");
    let regular = regular.to_str().unwrap();
    let dir = bpffs.join("dir");
    std::fs::create_dir(&dir).unwrap();
    let dir = dir.to_str().unwrap();
    let missing = bpffs.join("missing");
    let missing = missing.to_str().unwrap();
    // One real pin of each kind we can make cheaply: a map, and a program.
    let m = bpffs.join("m");
    let m = m.to_str().unwrap();
    let o = bpfscope(&[
        "map", "create", m, "type", "hash", "key", "4", "value", "8", "entries", "4", "name",
        "badin_m",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let good = compile("bad_input");
    let p = bpffs.join("p");
    let p = p.to_str().unwrap();
    let o = bpfscope(&["prog", "load", good.to_str().unwrap(), p]);
    assert!(o.status.success(), "{}", stderr(&o));

    let handle_cmds: &[&[&str]] = &[
        &["prog", "show"],
        &["prog", "dump", "xlated"],
        &["prog", "dump", "jited"],
        &["map", "show"],
        &["map", "dump"],
        &["map", "getnext"],
        &["map", "freeze"],
        &["map", "peek"],
        &["map", "pop"],
        &["link", "show"],
        &["link", "detach"],
        &["btf", "show"],
    ];
    let bad_handles: &[(&[&str], &str)] = &[
        (&["id", "4294967295"], "No such file or directory"),
        (&["id", "99999999999"], "can't parse 99999999999 as ID"),
        (&["id", "-1"], "can't parse -1 as ID"),
        (&["id", "12abc"], "can't parse 12abc as ID"),
        (&["id", ""], "can't parse  as ID"),
        (&["pinned", dir], "is a directory"),
        (&["pinned", regular], "not on a BPF file system"),
        (&["pinned", missing], "No such file or directory"),
    ];
    for cmd in handle_cmds {
        for (h, want) in bad_handles {
            let mut args = cmd.to_vec();
            args.extend(*h);
            fails(&args, want);
        }
    }
    // Pins of the wrong kind.
    fails(&["prog", "show", "pinned", m], "not a prog pin");
    fails(&["prog", "dump", "xlated", "pinned", m], "not a prog pin");
    fails(&["map", "dump", "pinned", p], "not a map pin");
    fails(&["link", "show", "pinned", m], "not a link pin");
    fails(
        &["btf", "dump", "id", "4294967295"],
        "No such file or directory",
    );
    fails(&["btf", "dump", "prog", "pinned", m], "not a prog pin");
    fails(&["btf", "dump", "map", "pinned", p], "not a map pin");
    // Commands that write through a handle, with bad targets.
    fails(&["prog", "pin", "pinned", p, dir], "exists");
    fails(&["prog", "pin", "pinned", p, regular], "");
    fails(&["map", "pin", "pinned", m, m], "exists");
    fails(
        &["map", "update", "pinned", m, "key", "1", "0", "0", "0"],
        "",
    );
    fails(
        &[
            "map", "update", "pinned", m, "key", "1", "0", "0", "0", "value", "1",
        ],
        "",
    );
    fails(&["map", "lookup", "pinned", m, "key", "1", "0"], "");
    fails(&["map", "lookup", "pinned", m, "key", "hex", "zz"], "zz");
    fails(
        &["map", "delete", "pinned", m, "key", "9", "9", "9", "9"],
        "",
    );
    fails(&["map", "peek", "pinned", m], "with keys");
    // Trailing garbage after a complete, valid command.
    let garbage: &[&[&str]] = &[
        &["prog", "show", "pinned", p, "garbage"],
        &["prog", "dump", "xlated", "pinned", p, "garbage"],
        &["prog", "dump", "jited", "pinned", p, "opcodes", "garbage"],
        &["prog", "pin", "pinned", p, "/sys/fs/bpf/x", "garbage"],
        &["map", "show", "pinned", m, "garbage"],
        &["map", "dump", "pinned", m, "garbage"],
        &[
            "map", "lookup", "pinned", m, "key", "0", "0", "0", "0", "garbage",
        ],
        &["map", "getnext", "pinned", m, "garbage"],
        &["map", "freeze", "pinned", m, "garbage"],
        &["map", "pin", "pinned", m, "/sys/fs/bpf/x", "garbage"],
        &["btf", "show", "id", "1", "garbage"],
        &["btf", "dump", "id", "1", "garbage"],
        &["link", "show", "garbage"],
        &["perf", "show", "garbage"],
        &["tool", "load", "no_such_tool"],
        &["tool", "unload", "../../etc"],
        &["cgroup", "show", "/nonexistent-bpfscope"],
        &["cgroup", "show", "/sys/fs/cgroup", "garbage"],
        &["cgroup", "tree", "/nonexistent-bpfscope"],
        &["net", "show", "dev", "nosuchdev0"],
        &["net", "show", "garbage"],
        &["feature", "probe", "garbage"],
    ];
    for args in garbage {
        fails(args, "");
    }
    let mut left = tree(&bpffs.path);
    left.sort();
    assert_eq!(left, vec!["dir", "m", "p"], "something was pinned");
}

/// Runs bpfscope as nobody.
fn unprivileged(args: &[&str]) -> std::process::Output {
    let mut full = vec!["--reuid=65534", "--regid=65534", "--clear-groups", BPFSCOPE];
    full.extend(args);
    run("setpriv", &full)
}

#[test]
fn every_command_unprivileged_names_the_capability() {
    let _g = serial();
    let ok = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok();
    assert!(ok, "setpriv (util-linux) is needed");
    let bpffs = BpffsDir::new();
    let m = bpffs.join("m");
    let m = m.to_str().unwrap();
    let o = bpfscope(&[
        "map", "create", m, "type", "queue", "key", "0", "value", "8", "entries", "4", "name",
        "badin_q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Readable by nobody, so the failure is the kernel's, not the file's.
    let obj = compile("bad_input");
    let dir = Scratch::new("badin-u");
    let objc = dir.write("x.o", &std::fs::read(&obj).unwrap());
    let _ = std::process::Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(&dir.0)
        .status();
    let f = objc.to_str().unwrap();
    let target = bpffs.join("u");
    let target = target.to_str().unwrap();
    let cmds: &[&[&str]] = &[
        &["prog", "show"],
        &["prog", "show", "id", "1"],
        &["prog", "show", "name", "x"],
        &["prog", "dump", "xlated", "id", "1"],
        &["prog", "dump", "jited", "id", "1"],
        &["prog", "pin", "id", "1", target],
        &["prog", "load", f, target],
        &["prog", "loadall", f, target],
        &["prog", "verify", f],
        &["prog", "attach", "id", "1", "stream_parser", "id", "2"],
        &["prog", "detach", "id", "1", "stream_parser", "id", "2"],
        &["map", "show"],
        &["map", "show", "pinned", m],
        &["map", "dump", "pinned", m],
        &["map", "dump", "id", "1"],
        &["map", "lookup", "id", "1", "key", "0", "0", "0", "0"],
        &[
            "map", "update", "id", "1", "key", "0", "0", "0", "0", "value", "0",
        ],
        &["map", "delete", "id", "1", "key", "0", "0", "0", "0"],
        &["map", "getnext", "id", "1"],
        &[
            "map", "create", target, "type", "array", "key", "4", "value", "8", "entries", "1",
            "name", "x",
        ],
        &["map", "pin", "id", "1", target],
        &["map", "freeze", "id", "1"],
        &["map", "peek", "pinned", m],
        &[
            "map", "push", "pinned", m, "value", "0", "0", "0", "0", "0", "0", "0", "0",
        ],
        &["map", "pop", "pinned", m],
        &[
            "map", "enqueue", "pinned", m, "value", "0", "0", "0", "0", "0", "0", "0", "0",
        ],
        &["map", "dequeue", "pinned", m],
        &["link", "show"],
        &["link", "show", "id", "1"],
        &["link", "pin", "id", "1", target],
        &["link", "detach", "id", "1"],
        &["perf", "show"],
        &["btf", "show"],
        &["btf", "show", "id", "1"],
        &["btf", "dump", "id", "1"],
        &["btf", "dump", "prog", "id", "1"],
        &["btf", "dump", "map", "id", "1"],
        &["tool", "load", "biolatency"],
        &["tool", "attach", "biolatency"],
        &["tool", "detach", "biolatency"],
        &["tool", "report", "biolatency"],
        &["tool", "unload", "biolatency"],
        &["tool", "run", "biolatency", "1", "1"],
        &["net", "show"],
        &["cgroup", "show", "/sys/fs/cgroup"],
        &["cgroup", "tree"],
        &["feature", "probe"],
    ];
    for args in cmds {
        let o = unprivileged(args);
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
        assert_eq!(o.status.code(), Some(255), "{args:?}: {err}");
        assert!(
            err.starts_with("Error: ") && err.lines().count() == 1 && err.contains("CAP_BPF"),
            "{args:?}: {err:?}"
        );
    }
    // What needs no privilege works without it.
    let free: &[&[&str]] = &[
        &["prog", "dump", "xlated", "file", f],
        &["btf", "dump", "file", f],
        &[
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "root_id",
            "1",
        ],
        &["tool", "list"],
        &["feature", "probe", "unprivileged"],
        &["completions", "bash"],
    ];
    for args in free {
        let o = unprivileged(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(
        tree(&bpffs.path),
        vec!["m".to_string()],
        "something was pinned"
    );
}

/// Raw BTF with one INT and one STRUCT whose names carry an escape
/// sequence, a newline, quotes, a backslash and a NUL-free DEL.
fn hostile_btf() -> Vec<u8> {
    let names: &[&[u8]] = &[b"\x1b[31mint\n\"q\"\\", b"st\x7fru\x08ct\t{x}"];
    let mut strs = vec![0u8];
    let mut offs = Vec::new();
    for n in names {
        offs.push(strs.len() as u32);
        strs.extend_from_slice(n);
        strs.push(0);
    }
    let member = strs.len() as u32;
    strs.extend_from_slice(b"m\x1b]0;title\x07\0");
    let mut types = Vec::new();
    let mut push = |v: u32| types.extend_from_slice(&v.to_le_bytes());
    // [1] INT size 4, 32 bits, signed
    push(offs[0]);
    push(1 << 24);
    push(4);
    push((1 << 24) | 32);
    // [2] STRUCT size 4, one member of type 1
    push(offs[1]);
    push((4 << 24) | 1);
    push(4);
    push(member);
    push(1);
    push(0);
    let mut out = Vec::new();
    out.extend_from_slice(&0xeb9fu16.to_le_bytes());
    out.push(1);
    out.push(0);
    for v in [
        24u32,
        0,
        types.len() as u32,
        types.len() as u32,
        strs.len() as u32,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&types);
    out.extend_from_slice(&strs);
    out
}

#[test]
fn hostile_btf_names_and_paths() {
    let _g = serial();
    let dir = Scratch::new("badin-names");
    // The file's own name is hostile too.
    let path = dir.write("we\x1b[2Jird \"name\"\n.btf", &hostile_btf());
    let f = path.to_str().unwrap();
    for format in ["raw", "c"] {
        let o = bpfscope(&["btf", "dump", "file", f, "format", format]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{format}: raw control characters reached the terminal: {text:?}"
        );
        let want = if format == "raw" {
            "\\x1b[31mint"
        } else {
            "?[31mint"
        };
        assert!(text.contains(want), "{format}: {text}");
    }
    let v = json(BPFSCOPE, &["-j", "btf", "dump", "file", f]);
    let types = v["types"].as_array().unwrap();
    assert_eq!(types[0]["name"], "\x1b[31mint\n\"q\"\\", "{v}");
    assert_eq!(types[1]["members"][0]["name"], "m\x1b]0;title\x07", "{v}");
    // The path in an error message is escaped as well.
    let missing = dir.0.join("no\x1b[31msuch\n.o");
    let m = missing.to_str().unwrap();
    fails(&["btf", "dump", "file", m], "no\\x1b[31msuch\\x0a.o");
    fails(&["prog", "load", m, "/sys/fs/bpf/x"], "no\\x1b[31msuch");
    fails(&["prog", "verify", m], "no\\x1b[31msuch");
    // An ELF section name with an escape sequence and a newline.
    let src = dir.write(
        "odd.bpf.c",
        b"#include \"mini.h\"\n\
          SEC(\"tracepoint/\\x1b[31mevil\\nsec\") int odd_prog(void *ctx) { return 0; }\n\
          char LICENSE[] SEC(\"license\") = \"GPL\";\n",
    );
    let obj = dir.0.join("odd.o");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let st = std::process::Command::new("clang")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .arg(format!("-I{}", fixtures.display()))
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .status()
        .unwrap();
    assert!(st.success());
    let o = obj.to_str().unwrap();
    for args in [
        vec!["prog", "dump", "xlated", "file", o],
        vec!["prog", "verify", o],
    ] {
        let out = bpfscope(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.contains('\x1b'), "{args:?}: {text:?}");
    }
    let out = bpfscope(&["prog", "dump", "xlated", "file", o]);
    assert!(
        stdout(&out).contains("tracepoint/\\x1b[31mevil\\x0asec"),
        "{}",
        stdout(&out)
    );
    let v = json(BPFSCOPE, &["-j", "prog", "verify", o]);
    assert_eq!(v[0]["section"], "tracepoint/\x1b[31mevil\nsec", "{v}");
    // A pin path with odd characters: -f shows it escaped, JSON keeps it.
    let bpffs = BpffsDir::new();
    let pin = bpffs.join("odd\x1b[1m pin\n\"x\"");
    let o = bpfscope(&[
        "map",
        "create",
        pin.to_str().unwrap(),
        "type",
        "array",
        "key",
        "4",
        "value",
        "4",
        "entries",
        "1",
        "name",
        "badin_odd",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = bpfscope(&["-f", "map", "show", "pinned", pin.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("odd\\x1b[1m pin\\x0a"), "{text}");
    assert!(!text.contains('\x1b'), "{text:?}");
    let v = json(
        BPFSCOPE,
        &["-j", "-f", "map", "show", "pinned", pin.to_str().unwrap()],
    );
    assert_eq!(v["pinned"][0], pin.to_str().unwrap(), "{v}");
}
