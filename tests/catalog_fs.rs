//! Live tests of issue 21's file-system and other kprobe tools (group B:
//! xfsslower, ext4dist, nfsdist, …, tcpconnlat, solisten, mdflush,
//! sofdsnoop, klockstat). This kernel has neither kprobes nor fentry, so
//! each tool must be refused by `tool load` and `tool run` with one line
//! naming what is missing, leaving nothing loaded or pinned; a kernel that
//! has them loads and unloads each cleanly instead.
//!
//! A kprobe program still loads here (only attaching needs kprobes), so
//! every kprobe/kretprobe program of these tools is put through the
//! verifier (`prog verify OBJ prog NAME`): the fallback set is known to be
//! accepted, not just to compile.

mod common;

use std::path::PathBuf;

use serde_json::Value;

use common::lifecycle::*;
use common::toolroot::Root;
use common::BPFSCOPE;

/// The tools of this group, in `tool list` order of the family first.
const TOOLS: &[&str] = &[
    "ext4slower",
    "ext4dist",
    "xfsslower",
    "xfsdist",
    "btrfsslower",
    "btrfsdist",
    "nfsslower",
    "nfsdist",
    "zfsslower",
    "zfsdist",
    "tcpconnlat",
    "solisten",
    "mdflush",
    "sofdsnoop",
    "klockstat",
];

/// Kernel function names of /proc/kallsyms (built-in and loaded modules).
fn kallsyms() -> std::collections::HashSet<String> {
    std::fs::read_to_string("/proc/kallsyms")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(String::from))
        .collect()
}

/// The kernel functions a tool's fentry/kprobe programs attach to.
fn functions(tool: &tracing_tools::Tool) -> Vec<&'static str> {
    use tracing_tools::AttachPoint::*;
    tool.programs
        .iter()
        .filter_map(|p| match p.attach {
            Fentry(f) | Fexit(f) | Kprobe(f) | Kretprobe(f) => Some(f),
            _ => None,
        })
        .collect()
}

/// Programs, by id, whose `bpf_metadata_tool` is `name`: what a load of
/// the tool would have left in the kernel.
fn loaded_progs_of(name: &str) -> Vec<u64> {
    let all = common::json(BPFSCOPE, &["-j", "prog", "show"]);
    array(&all)
        .iter()
        .filter(|p| p["metadata"]["tool"] == name)
        .filter_map(|p| p["id"].as_u64())
        .collect()
}

/// `tool load NAME` and `tool run NAME` are refused in one line naming the
/// missing kernel feature, and leave nothing pinned or loaded; where the
/// kernel supports the tool, it loads, attaches and unloads cleanly.
fn refused_or_clean(root: &Root, name: &str, kallsyms: &std::collections::HashSet<String>) {
    let tool = tracing_tools::find(name).unwrap_or_else(|| panic!("{name} is not bundled"));
    let list = root.json(&["tool", "list"]);
    let me = array(&list)
        .into_iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in tool list"));
    if me["supported"] == true {
        let loaded = load_attach(root, name, &[]);
        unload(root, loaded);
        return;
    }
    let before = loaded_progs_of(name);
    // What is missing: the fentry or kprobe alternative; the refusal also
    // names the first function this kernel does not have at all, if any.
    let missing = array(&me["missing"]);
    let alternatives: Vec<&Value> = missing
        .iter()
        .filter(|m| m.as_str().is_some_and(|m| m.contains(" or kprobe/")))
        .collect();
    assert_eq!(alternatives.len(), 1, "{name}: {me}");
    let line = alternatives[0].as_str().unwrap_or_default();
    assert!(
        line.starts_with("fentry/") || line.starts_with("fexit/"),
        "{name}: {line}"
    );
    let absent = functions(tool).into_iter().find(|f| !kallsyms.contains(*f));
    for args in [&["tool", "load", name][..], &["tool", "run", name, "1"][..]] {
        let err = root.fails(args);
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(
            err.starts_with(&format!(
                "Error: tool '{name}' is not supported by this kernel"
            )) && err.contains("it needs fentry or kprobes")
                && err.contains(line),
            "{args:?}: {err}"
        );
        if let Some(f) = absent {
            let note = format!("; {f} is not in the kernel's BTF (a module not loaded?)");
            assert!(
                err.trim_end().ends_with(&note),
                "{args:?}: {f} is not in /proc/kallsyms, the refusal should say so: {err}"
            );
        }
        assert!(
            root.entries("").is_empty(),
            "{args:?} left {:?}",
            root.entries("")
        );
    }
    // -j: the same error as JSON on stdout.
    let o = root.run(&["-j", "tool", "load", name]);
    assert_eq!(o.status.code(), Some(255));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON error");
    assert!(v["error"].as_str().is_some_and(|e| e.contains(name)), "{v}");
    // Refused before anything was opened: no program of it in the kernel.
    assert_eq!(loaded_progs_of(name), before, "{name} left programs loaded");
    assert!(
        before.is_empty(),
        "programs of {name} loaded by someone: {before:?}"
    );
}

#[test]
fn refused_without_fentry_or_kprobes() {
    let root = Root::new();
    let syms = kallsyms();
    if syms.is_empty() {
        cannot_run("/proc/kallsyms is not readable");
        return;
    }
    for name in TOOLS {
        refused_or_clean(&root, name, &syms);
    }
}

#[test]
fn bad_options_are_one_line_errors() {
    let root = Root::new();
    for (name, args) in [
        ("xfsslower", &["-p", "0"][..]),
        ("nfsslower", &["-m", "x"][..]),
        ("ext4slower", &["-t", "xfs"][..]),
        ("btrfsdist", &["1", "2", "3"][..]),
        ("zfsdist", &["-m", "-5"][..]),
        ("tcpconnlat", &["0"][..]),
        ("solisten", &["-p", "x"][..]),
        ("mdflush", &["-p", "1"][..]),
        ("sofdsnoop", &["-n", "0123456789abcdef"][..]),
        ("klockstat", &["-L", "cgroup_mutex"][..]),
        ("klockstat", &["-S", "acq_min"][..]),
    ] {
        let mut all = vec!["tool", "load", name];
        all.extend_from_slice(args);
        let err = root.fails(&all);
        assert_eq!(err.lines().count(), 1, "{all:?}: {err}");
        assert!(!err.contains("not supported"), "options come first: {err}");
        assert!(root.entries("").is_empty());
    }
    // --help works though the tool can't run here.
    let out = root.ok(&["tool", "run", "xfsdist", "--help"]);
    assert!(
        out.contains("--milliseconds") && out.contains("[INTERVAL [COUNT]]"),
        "{out}"
    );
    let out = root.ok(&["tool", "load", "nfsslower", "-h"]);
    assert!(out.contains("--csv") && out.contains("--min=MIN"), "{out}");
}

/// The object of `name`, written where `prog verify` can read it.
fn object_file(dir: &std::path::Path, name: &str) -> PathBuf {
    let tool = tracing_tools::find(name).unwrap_or_else(|| panic!("{name} is not bundled"));
    let path = dir.join(format!("{name}.bpf.o"));
    std::fs::write(&path, tool.object).expect("write object");
    path
}

#[test]
fn kprobe_programs_pass_the_verifier() {
    let dir = std::env::temp_dir().join(format!("bpfscope-catalog-fs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut failures = Vec::new();
    let (mut verified, mut kprobes) = (0, 0);
    for name in TOOLS {
        let tool = tracing_tools::find(name).unwrap_or_else(|| panic!("{name}"));
        let obj = object_file(&dir, name);
        let obj = obj.to_string_lossy();
        // The kprobe set and the programs both sets share (tracepoints).
        for p in tool.programs.iter().filter(|p| !p.attach.is_fentry()) {
            // A rejection exits 255 with its verdict on stdout all the same.
            let o = std::process::Command::new(BPFSCOPE)
                .args(["-j", "prog", "verify", &obj, "prog", p.name])
                .output()
                .expect("run bpfscope");
            let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
                panic!(
                    "{name}/{}: no verdict ({e}): {}",
                    p.name,
                    String::from_utf8_lossy(&o.stderr)
                )
            });
            let kind = if p.attach.is_kprobe() {
                "kprobe"
            } else {
                "tracepoint"
            };
            assert_eq!(v["type"], kind, "{name}/{}: {v}", p.name);
            assert_eq!(v["section"], p.attach.to_string(), "{name}/{}", p.name);
            kprobes += usize::from(p.attach.is_kprobe());
            if v["verdict"] == "success" {
                verified += 1;
            } else {
                // The text report names the rejected instruction and why.
                let o = std::process::Command::new(BPFSCOPE)
                    .args(["prog", "verify", &obj, "prog", p.name])
                    .output()
                    .expect("run bpfscope");
                failures.push(format!(
                    "{name}/{}: {}",
                    p.name,
                    String::from_utf8_lossy(&o.stdout)
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "rejected:\n{}", failures.join("\n"));
    assert!(kprobes >= TOOLS.len() * 2, "{kprobes} kprobe programs");
    eprintln!("{verified} programs verified, {kprobes} of them kprobes");
}
