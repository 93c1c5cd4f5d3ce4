//! `gen`: skeletons compiled with gcc -Wall -Werror into loaders that run
//! the bundled tools on a workload (bpfscope's header and bpftool's must
//! give the same results), a subskeleton linked as in upstream's
//! test_subskeleton, static linking compared with bpftool's, minimal CO-RE
//! BTF compared with bpftool's and loaded through btf_custom_path, and
//! one `Error:` line with nothing written for bad input.
mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use libbpf_rs::MapCore;

/// A scratch directory, removed on drop.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new() -> Self {
        Scratch(
            tempfile::Builder::new()
                .prefix("bpfscope-gen-")
                .tempdir()
                .unwrap(),
        )
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// libbpf-sys's build output (headers and the static libbpf bpfscope
/// links), under this test's own target directory.
fn libbpf_out() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let build = exe.parent().unwrap().parent().unwrap().join("build");
    let mut outs: Vec<PathBuf> = std::fs::read_dir(&build)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("libbpf-sys-"))
        .map(|e| e.path().join("out"))
        .filter(|p| p.join("libbpf.a").exists())
        .collect();
    outs.sort_by_key(|p| {
        std::fs::metadata(p.join("libbpf.a"))
            .and_then(|m| m.modified())
            .ok()
    });
    outs.pop()
        .expect("libbpf-sys build output (libbpf.a) under target/*/build")
}

/// A bundled tool's object, written as NAME.bpf.o.
fn tool_object(dir: &Scratch, name: &str) -> PathBuf {
    let tool = tracing_tools::find(name).unwrap();
    let p = dir.path(&format!("{name}.bpf.o"));
    std::fs::write(&p, tool.object).unwrap();
    p
}

fn ok_stdout(bin: &str, args: &[&str]) -> String {
    let o = run(bin, args);
    assert!(o.status.success(), "{bin} {args:?}: {}", stderr(&o));
    stdout(&o)
}

/// Compiles `src` (tests/fixtures/gen/) with the headers of `include`.
fn gcc(src: &str, include: &Path, out: &Path) {
    let lb = libbpf_out();
    let o = Command::new("gcc")
        .args(["-Wall", "-Werror", "-O1"])
        .arg(format!("-I{}", include.display()))
        .arg(format!("-I{}", lb.join("include").display()))
        .arg(format!("-I{FIXTURES}/gen"))
        .arg(format!("{FIXTURES}/gen/{src}"))
        .arg(lb.join("libbpf.a"))
        .args(["-lelf", "-lz", "-o"])
        .arg(out)
        .output()
        .expect("gcc is needed for the gen tests");
    assert!(
        o.status.success(),
        "gcc {src} with {}: {}",
        include.display(),
        stderr(&o)
    );
}

fn run_loader(bin: &Path, args: &[&str]) -> String {
    let o = Command::new(bin).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{}: {}{}",
        bin.display(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Embedded bytes replaced, the generator comment made the same, and map
/// entries written one way (bpftool 7.1's `s->maps[i].name = …` and
/// upstream's `map = …; map->name = …` both become `map->name = …`), so the
/// map table itself is still compared.
fn normalize(header: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in header.lines() {
        let mut l = line.replace("BPFTOOL!", "BPFSCOPE!");
        let bytes = l.starts_with('\\')
            && l.trim_end_matches('\\')
                .split('\\')
                .skip(1)
                .all(|p| p == "0" || (p.len() == 3 && p.starts_with('x')));
        if bytes {
            if out.last().map(String::as_str) != Some("<BYTES>") {
                out.push("<BYTES>".into());
            }
            continue;
        }
        if l.starts_with("\tmap = (struct bpf_map_skeleton *)((char *)s->maps + ") {
            continue;
        }
        if let Some(rest) = l.strip_prefix("\ts->maps[") {
            if let Some((_, field)) = rest.split_once("].") {
                l = format!("\tmap->{field}");
            }
        }
        out.push(l);
    }
    out
}

/// Lines one side has more of than the other.
fn extra(a: &[String], b: &[String]) -> Vec<String> {
    let mut count: HashMap<&str, i32> = HashMap::new();
    for l in a {
        *count.entry(l).or_default() += 1;
    }
    for l in b {
        *count.entry(l).or_default() -= 1;
    }
    let mut v: Vec<String> = count
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(l, _)| l.to_string())
        .collect();
    v.sort();
    v
}

/// The differences docs/gen.md explains: upstream's layout past bpftool
/// 7.1 (map skeleton entries by stride, the aligned static array), and
/// libbpf 1.7 not memory-mapping data sections with only static variables.
fn explained(line: &str) -> bool {
    let t = line.trim_start_matches('\t');
    line.is_empty()
        || t.starts_with("#define BPF_SKEL_SUPPORTS_MAP_AUTO_ATTACH")
        || t.starts_with("struct bpf_map_skeleton *map __attribute__((unused));")
        || t.starts_with("s->map_skel_sz = ")
        || t.starts_with("s->maps = (struct bpf_map_skeleton *)calloc(s->map_cnt")
        || t.starts_with("sizeof(*s->maps) > ")
        || t == "map->mmaped = (void **)&obj->bss;"
        || (t.starts_with("s->data = ") && t.contains("__elf_bytes(&s->data_sz);"))
        || t.starts_with("static const char data[] __attribute__((__aligned__(8))) = \"\\")
        || t == "*sz = sizeof(data) - 1;"
        || t == "return (const void *)data;"
        || (t.starts_with("*sz = ") && t.ends_with(';'))
        || t == "return (const void *)\"\\"
        || (t.starts_with("struct ") && t.ends_with("__bss {"))
        || t == "} *bss;"
}

#[test]
fn skeletons_compile_run_and_agree_with_bpftool() {
    let bpftool = have_bpftool();
    let dir = Scratch::new();
    for tool in ["execsnoop", "syscount", "runqlat"] {
        let obj = tool_object(&dir, tool);
        let obj_s = obj.to_str().unwrap();
        let ours = ok_stdout(BPFSCOPE, &["gen", "skeleton", obj_s]);
        let inc = dir.path(&format!("ours-{tool}"));
        std::fs::create_dir_all(&inc).unwrap();
        std::fs::write(inc.join("skel.h"), &ours).unwrap();
        let bin = inc.join("loader");
        gcc(&format!("{tool}.c"), &inc, &bin);
        let ours_out = run_loader(&bin, &[]);
        assert!(ours_out.contains(&format!("tool={tool}\n")), "{ours_out}");
        assert!(ours_out.ends_with("ok\n"), "{ours_out}");
        match tool {
            "execsnoop" => assert!(ours_out.contains("execs=5\n"), "{ours_out}"),
            "syscount" => assert!(ours_out.contains("getppid=100 latency=yes\n"), "{ours_out}"),
            _ => assert!(ours_out.contains("waits=many"), "{ours_out}"),
        }

        // The minimal BTF is all the loader needs for CO-RE.
        let min = dir.path(&format!("{tool}.min.btf"));
        ok_stdout(
            BPFSCOPE,
            &[
                "gen",
                "min_core_btf",
                "/sys/kernel/btf/vmlinux",
                min.to_str().unwrap(),
                obj_s,
            ],
        );
        assert_eq!(run_loader(&bin, &[min.to_str().unwrap()]), ours_out);

        if !bpftool {
            continue;
        }
        let theirs = ok_stdout("bpftool", &["gen", "skeleton", obj_s]);
        let inc_t = dir.path(&format!("bpftool-{tool}"));
        std::fs::create_dir_all(&inc_t).unwrap();
        std::fs::write(inc_t.join("skel.h"), &theirs).unwrap();
        let bin_t = inc_t.join("loader");
        gcc(&format!("{tool}.c"), &inc_t, &bin_t);
        assert_eq!(
            run_loader(&bin_t, &[]),
            ours_out,
            "{tool}: loaders disagree"
        );

        let (a, b) = (normalize(&ours), normalize(&theirs));
        for l in extra(&a, &b).iter().chain(extra(&b, &a).iter()) {
            assert!(explained(l), "{tool}: unexplained header difference: {l:?}");
        }
    }
}

/// Compiles a fixture with clang into `dir`.
fn clang(dir: &Scratch, name: &str, debug: bool) -> PathBuf {
    let out = dir.path(&format!("{name}.bpf.o"));
    let mut c = Command::new("clang");
    c.args(["-target", "bpf", "-O2", "-c"]);
    if debug {
        c.arg("-g");
    }
    let st = c
        .arg(format!("{FIXTURES}/{name}.bpf.c"))
        .arg(format!("-I{FIXTURES}"))
        .arg("-o")
        .arg(&out)
        .status()
        .expect("clang");
    assert!(st.success());
    out
}

/// Sections (name, type, size), symbols (name, section, value, size) and
/// the BTF of an object, for comparison.
fn elf_summary(path: &Path) -> (Vec<String>, Vec<String>, String) {
    use object::{Object, ObjectSection, ObjectSymbol};
    let data = std::fs::read(path).unwrap();
    let f = object::File::parse(&*data).unwrap();
    let sections = f
        .sections()
        .map(|s| format!("{} {:?} {}", s.name().unwrap_or("?"), s.kind(), s.size()))
        .collect();
    let symbols = f
        .symbols()
        .map(|s| {
            let sec = s
                .section_index()
                .and_then(|i| f.section_by_index(i).ok())
                .and_then(|s| s.name().ok().map(str::to_string));
            format!(
                "{} {:?} {} {}",
                s.name().unwrap_or("?"),
                sec,
                s.address(),
                s.size()
            )
        })
        .collect();
    let btf = ok_stdout(BPFSCOPE, &["btf", "dump", "file", path.to_str().unwrap()]);
    (sections, symbols, btf)
}

#[test]
fn object_links_an_extern_like_bpftool_and_loads() {
    let dir = Scratch::new();
    let main = clang(&dir, "gen_main", true);
    let lib = clang(&dir, "gen_lib", true);
    let ours = dir.path("linked.o");
    let args = [main.to_str().unwrap(), lib.to_str().unwrap()];
    ok_stdout(
        BPFSCOPE,
        &["gen", "object", ours.to_str().unwrap(), args[0], args[1]],
    );
    if have_bpftool() {
        let theirs = dir.path("bpftool.o");
        ok_stdout(
            "bpftool",
            &["gen", "object", theirs.to_str().unwrap(), args[0], args[1]],
        );
        assert_eq!(elf_summary(&ours), elf_summary(&theirs));
    }

    // The linked object loads, and its program calls the library's function.
    let mut open = libbpf_rs::ObjectBuilder::default()
        .open_file(&ours)
        .unwrap();
    for mut m in open.maps_mut() {
        if m.name().to_string_lossy().ends_with(".rodata") {
            // main_pid comes first: the main object is linked first.
            let mut init = m.initial_value().unwrap().to_vec();
            init[..4].copy_from_slice(&std::process::id().to_ne_bytes());
            m.set_initial_value(&init).unwrap();
        }
    }
    let obj = open.load().expect("the linked object loads");
    let prog = obj.progs_mut().find(|p| p.name() == "handler").unwrap();
    let link = prog.attach().unwrap();
    // SAFETY: a plain system call.
    unsafe { libc::syscall(libc::SYS_getppid) };
    drop(link);
    let bss = obj
        .maps()
        .find(|m| m.name().to_string_lossy().ends_with(".bss"))
        .unwrap();
    let v = bss
        .lookup(&0u32.to_ne_bytes(), libbpf_rs::MapFlags::ANY)
        .unwrap()
        .unwrap();
    // lib_routine sums var2 (1) and zeros: out1 is the first .bss word
    // of the main object.
    let out1 = i32::from_ne_bytes(v[..4].try_into().unwrap());
    assert_eq!(out1, 1, "out1 from the linked lib_routine");
}

#[test]
fn subskeleton_compiles_and_links_as_in_test_subskeleton() {
    let dir = Scratch::new();
    let main = clang(&dir, "gen_main", true);
    let lib = clang(&dir, "gen_lib", true);
    let final_o = dir.path("final.o");
    ok_stdout(
        BPFSCOPE,
        &[
            "gen",
            "object",
            final_o.to_str().unwrap(),
            main.to_str().unwrap(),
            lib.to_str().unwrap(),
        ],
    );
    let skel = ok_stdout(
        BPFSCOPE,
        &[
            "gen",
            "skeleton",
            final_o.to_str().unwrap(),
            "name",
            "final",
        ],
    );
    let sub = ok_stdout(
        BPFSCOPE,
        &["gen", "subskeleton", lib.to_str().unwrap(), "name", "lib"],
    );
    let inc = dir.path("inc");
    std::fs::create_dir_all(&inc).unwrap();
    std::fs::write(inc.join("final.skel.h"), skel).unwrap();
    std::fs::write(inc.join("lib.subskel.h"), &sub).unwrap();
    let bin = dir.path("subskel");
    gcc("subskel.c", &inc, &bin);
    assert_eq!(run_loader(&bin, &[]), "out1=21 libout=21 map1[1]=2\n");

    if have_bpftool() {
        let theirs = ok_stdout(
            "bpftool",
            &["gen", "subskeleton", lib.to_str().unwrap(), "name", "lib"],
        );
        let (a, b) = (normalize(&sub), normalize(&theirs));
        for l in extra(&a, &b).iter().chain(extra(&b, &a).iter()) {
            // bpftool 7.1 spells __typeof__ as typeof (upstream changed it).
            let typeof_spelling = l.contains("typeof") && l.ends_with("(int[4]) *var4;");
            assert!(
                explained(l) || typeof_spelling,
                "unexplained subskeleton difference: {l:?}"
            );
        }
    }
}

#[test]
fn min_core_btf_is_small_equals_bpftool_and_loads() {
    let dir = Scratch::new();
    let vmlinux = std::fs::metadata("/sys/kernel/btf/vmlinux").unwrap().len();
    let bpftool = have_bpftool();
    // tplist loads nothing: it has no object.
    for tool in tracing_tools::tools().iter().filter(|t| !t.loads_nothing()) {
        let obj = tool_object(&dir, tool.name);
        let min = dir.path(&format!("{}.btf", tool.name));
        let args = [
            "gen",
            "min_core_btf",
            "/sys/kernel/btf/vmlinux",
            min.to_str().unwrap(),
            obj.to_str().unwrap(),
        ];
        ok_stdout(BPFSCOPE, &args);
        let ours = std::fs::read(&min).unwrap();
        assert!(
            (ours.len() as u64) * 1000 < vmlinux,
            "{}: {} bytes against vmlinux's {vmlinux}",
            tool.name,
            ours.len()
        );
        eprintln!(
            "{}: minimal BTF {} bytes (vmlinux {vmlinux})",
            tool.name,
            ours.len()
        );
        if bpftool {
            let theirs = dir.path(&format!("{}.bpftool.btf", tool.name));
            let mut a = args;
            a[3] = theirs.to_str().unwrap();
            ok_stdout("bpftool", &a);
            assert_eq!(
                ours,
                std::fs::read(&theirs).unwrap(),
                "{}: differs from bpftool's",
                tool.name
            );
        }
        // Every tool that loads against the kernel's BTF loads against its
        // minimal BTF too (the tools' defaults; nothing is attached).
        let plain = libbpf_rs::ObjectBuilder::default()
            .open_memory(tool.object)
            .and_then(|o| o.load());
        if plain.is_err() {
            eprintln!(
                "NOTE: {} does not load on this kernel; custom BTF not tried",
                tool.name
            );
            continue;
        }
        drop(plain);
        let mut b = libbpf_rs::ObjectBuilder::default();
        b.btf_custom_path(&min).unwrap();
        b.open_memory(tool.object)
            .and_then(|o| o.load())
            .unwrap_or_else(|e| panic!("{} with btf_custom_path: {e}", tool.name));
    }
}

/// One `Error:` line, exit 255, nothing on stdout.
fn assert_one_error(args: &[&str]) -> String {
    let o = bpfscope(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(255), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("Error: "), "{args:?}: {err}");
    assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
    err
}

#[test]
fn bad_input_is_one_error_and_writes_nothing() {
    let dir = Scratch::new();
    let good = clang(&dir, "gen_main", true);
    // Without -g clang writes no BTF.
    let nobtf_copy = dir.path("nobtf.bpf.o");
    std::fs::rename(clang(&dir, "gen_lib", false), &nobtf_copy).unwrap();
    let lib = clang(&dir, "gen_lib", true);
    let text = dir.path("text.o");
    std::fs::write(&text, "not an object\n").unwrap();
    let missing = dir.path("missing.o");
    let (g, l, t, m, n) = (
        good.to_str().unwrap(),
        lib.to_str().unwrap(),
        text.to_str().unwrap(),
        missing.to_str().unwrap(),
        nobtf_copy.to_str().unwrap(),
    );

    // An existing output survives a failed run untouched; a new one is
    // never created.
    let out = dir.path("out.o");
    std::fs::write(&out, "previous\n").unwrap();
    let o = out.to_str().unwrap();
    let fresh = dir.path("fresh.o");
    let f = fresh.to_str().unwrap();
    for args in [
        vec!["gen", "object", o, g, t],
        vec!["gen", "object", o, g, m],
        vec!["gen", "object", f, t],
        vec!["gen", "object", "/nonexistent-dir/x.o", g, l],
        vec!["gen", "object", dir.0.path().to_str().unwrap(), g, l],
        vec!["gen", "skeleton", t],
        vec!["gen", "skeleton", m],
        vec!["gen", "skeleton", n],
        vec!["gen", "skeleton", g, "name", "not-an-identifier"],
        vec!["gen", "skeleton", g, "name", "1abc"],
        vec!["gen", "skeleton", "--rust", t],
        vec!["gen", "skeleton", "--rust", n],
        vec!["gen", "subskeleton", n, "name", "lib"],
        vec!["gen", "subskeleton", l, "name", "a.b"],
        vec!["gen", "min_core_btf", "/sys/kernel/btf/vmlinux", o, t],
        vec!["gen", "min_core_btf", "/sys/kernel/btf/vmlinux", o, n],
        vec!["gen", "min_core_btf", "/sys/kernel/btf/vmlinux", f, m],
        vec!["gen", "min_core_btf", t, f, g],
        vec!["gen", "min_core_btf", m, f, g],
        vec![
            "gen",
            "min_core_btf",
            "/sys/kernel/btf/vmlinux",
            "/nonexistent-dir/x.btf",
            g,
        ],
    ] {
        assert_one_error(&args);
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "previous\n",
            "{args:?}"
        );
        assert!(!fresh.exists(), "{args:?} created its output");
    }
    // A section name that is not UTF-8 reaches libbpf's log (libbpf-rs's
    // print callback used to panic on it, aborting): a skeleton results.
    let runqlat = std::fs::read(tool_object(&dir, "runqlat")).unwrap();
    let mut odd = Vec::new();
    let mut rest = runqlat.as_slice();
    while let Some(at) = rest.windows(8).position(|w| w == b"license\0") {
        odd.extend_from_slice(&rest[..at]);
        odd.extend_from_slice(b"licens\xff\0");
        rest = &rest[at + 8..];
    }
    odd.extend_from_slice(rest);
    let odd_path = dir.path("odd_names.bpf.o");
    std::fs::write(&odd_path, odd).unwrap();
    let o = bpfscope(&["gen", "skeleton", odd_path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    // No temporary file is left behind either.
    let left: Vec<String> = std::fs::read_dir(dir.0.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".bpfscope-gen-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The Rust skeleton builds in a fresh crate (libbpf-rs from the offline
/// registry, the workspace's Cargo.lock; its own target directory under
/// the workspace's target, kept between runs so only the first one
/// compiles libbpf-rs) and loads and runs the object.
#[test]
fn rust_skeleton_builds_in_a_crate_and_loads() {
    let dir = Scratch::new();
    let obj = tool_object(&dir, "syscount");
    let skel = ok_stdout(
        BPFSCOPE,
        &["gen", "skeleton", "--rust", obj.to_str().unwrap()],
    );
    let krate = dir.path("skeltest");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(krate.join("src/syscount.skel.rs"), skel).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"skeltest\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nlibbpf-rs = \"0.27\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"),
        krate.join("Cargo.lock"),
    )
    .unwrap();
    let getppid = if cfg!(target_arch = "aarch64") {
        173
    } else {
        110
    };
    std::fs::write(
        krate.join("src/main.rs"),
        format!(
            r#"mod syscount {{
    include!("syscount.skel.rs");
}}
use libbpf_rs::skel::{{OpenSkel, Skel, SkelBuilder}};
use libbpf_rs::MapCore;

fn main() {{
    let mut storage = std::mem::MaybeUninit::uninit();
    let mut open = syscount::SyscountSkelBuilder::default()
        .open(&mut storage)
        .expect("open");
    let ro = open.maps.rodata_data.as_deref_mut().expect("rodata");
    ro.filter_pid = std::process::id();
    ro.measure_latency = true;
    let mut skel = open.load().expect("load");
    skel.attach().expect("attach");
    assert!(skel.links.sys_enter.is_some() && skel.links.sys_exit.is_some());
    for _ in 0..100 {{
        std::os::unix::process::parent_id();
    }}
    skel.links = syscount::SyscountLinks {{ sys_enter: None, sys_exit: None }};
    let key: u32 = {getppid};
    let v = skel
        .maps
        .data
        .lookup(&key.to_ne_bytes(), libbpf_rs::MapFlags::ANY)
        .expect("lookup")
        .expect("counted");
    let count = u64::from_ne_bytes(v[..8].try_into().unwrap());
    println!("getppid={{count}}");
}}
"#
        ),
    )
    .unwrap();
    let target = std::env::current_exe()
        .unwrap()
        .ancestors()
        .nth(3)
        .unwrap()
        .join("gen-rust-crate");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let o = Command::new(&cargo)
        .args(["build", "--offline", "--quiet"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(o.status.success(), "cargo build: {}", stderr(&o));
    let out = run_loader(&target.join("debug/skeltest"), &[]);
    assert_eq!(out, "getppid=100\n");
}

/// libbpf's UAPI headers (skel_internal.h needs a newer linux/bpf.h than
/// the system's): the vendored copy in libbpf-sys's source.
fn libbpf_uapi() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let o = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(o.status.success(), "cargo metadata: {}", stderr(&o));
    let meta: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let manifest = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "libbpf-sys")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("libbpf-sys in cargo metadata");
    Path::new(manifest)
        .parent()
        .unwrap()
        .join("libbpf/include/uapi")
}

/// `-L`: the light skeleton compiles without libbpf (skel_internal.h only),
/// loads through its loader program and attaches runqlat's tp_btf programs.
#[test]
fn light_skeleton_loads_and_runs() {
    let dir = Scratch::new();
    let obj = tool_object(&dir, "runqlat");
    let skel = ok_stdout(BPFSCOPE, &["-L", "gen", "skeleton", obj.to_str().unwrap()]);
    assert!(skel.contains("#include <bpf/skel_internal.h>"));
    let inc = dir.path("light");
    std::fs::create_dir_all(&inc).unwrap();
    std::fs::write(inc.join("skel.h"), skel).unwrap();
    let bin = inc.join("loader");
    let o = Command::new("gcc")
        .args(["-Wall", "-Werror", "-O1"])
        .arg(format!("-I{}", inc.display()))
        .arg(format!("-I{}", libbpf_out().join("include").display()))
        .arg(format!("-I{}", libbpf_uapi().display()))
        .arg(format!("{FIXTURES}/gen/runqlat_light.c"))
        .arg("-o")
        .arg(&bin)
        .output()
        .unwrap();
    assert!(o.status.success(), "gcc: {}", stderr(&o));
    assert_eq!(
        run_loader(&bin, &[]),
        "tool=runqlat\nwaits=many comm=loader\nok\n"
    );
    // Light skeletons are C only, and not for subskeletons.
    assert_one_error(&["-L", "gen", "skeleton", "--rust", obj.to_str().unwrap()]);
    assert_one_error(&["-L", "gen", "subskeleton", obj.to_str().unwrap()]);
}

/// Upstream's struct_ops additions: the shadow type (programs for function
/// pointers, scalars as declared, the rest opaque), set after open, and
/// the map's link slot.
#[test]
fn struct_ops_skeleton_has_the_shadow_type_and_loads() {
    let dir = Scratch::new();
    let obj = dir.path("gen_st_ops.bpf.o");
    let arch = if cfg!(target_arch = "aarch64") {
        "arm64"
    } else {
        "x86"
    };
    let st = Command::new("clang")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .arg(format!("-D__TARGET_ARCH_{arch}"))
        .arg(concat!(
            "-I",
            env!("CARGO_MANIFEST_DIR"),
            "/tracing-tools/src/bpf"
        ))
        .arg(format!("-I{}", libbpf_out().join("include").display()))
        .arg(format!("{FIXTURES}/gen_st_ops.bpf.c"))
        .arg("-o")
        .arg(&obj)
        .status()
        .unwrap();
    assert!(st.success());
    let skel = ok_stdout(BPFSCOPE, &["gen", "skeleton", obj.to_str().unwrap()]);
    for line in [
        "\t\tstruct gen_st_ops_bpf__bpfscope_cc__tcp_congestion_ops {\n",
        "\t\t\tstruct bpf_program *ssthresh;\n",
        "\t\t\tchar __unsupported_11[16];\n",
        "\t\t\tunsigned int flags;\n",
        "\t\t} *bpfscope_cc;\n\t} struct_ops;\n",
        "\t\tstruct bpf_link *bpfscope_cc;\n",
        "\tmap->link = &obj->links.bpfscope_cc;\n",
        "\ts->map_skel_sz = 32;\n",
    ] {
        assert!(skel.contains(line), "missing {line:?}");
    }
    let inc = dir.path("inc");
    std::fs::create_dir_all(&inc).unwrap();
    std::fs::write(inc.join("skel.h"), skel).unwrap();
    let bin = inc.join("loader");
    gcc("st_ops.c", &inc, &bin);
    assert_eq!(run_loader(&bin, &[]), "flags=0 name=bpfscope_cc\nok\n");
    // libbpf's loader generator can't do struct_ops (bpftool crashes): -L
    // refuses it.
    let err = assert_one_error(&["-L", "gen", "skeleton", obj.to_str().unwrap()]);
    assert!(err.contains("struct_ops"), "{err}");
}
