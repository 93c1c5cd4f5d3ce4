//! The VFS group of issue 21's group B (fileslower, filelife, dcstat,
//! dcsnoop, vfsstat, vfscount, capable, swapin): tools that need fentry or
//! kprobes. On a kernel with neither, `tool load` and `tool run` refuse
//! each with one line naming what is missing, and leave nothing loaded or
//! pinned; their kprobe programs still pass this kernel's verifier (a
//! kprobe program loads where kprobes can't attach). Where the kernel has
//! fentry or kprobes, each loads, attaches and unloads cleanly instead.

mod common;

use std::path::PathBuf;

use serde_json::Value;

use common::lifecycle::*;
use common::toolroot::Root;
use common::BPFSCOPE;

/// Each tool with arguments that make it do something where it can run.
const TOOLS: &[(&str, &[&str])] = &[
    ("fileslower", &["0"]),
    ("filelife", &["-F"]),
    ("dcstat", &[]),
    ("dcsnoop", &["-a"]),
    ("vfsstat", &[]),
    ("vfscount", &[]),
    ("capable", &["-x"]),
    ("swapin", &["-T"]),
];

fn array(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// Ids of the loaded programs whose metadata names `tool`.
fn progs_of(tool: &str) -> Vec<u64> {
    let v = common::json(BPFSCOPE, &["-j", "prog", "show"]);
    array(&v)
        .iter()
        .filter(|p| p["metadata"]["tool"] == tool)
        .filter_map(|p| p["id"].as_u64())
        .collect()
}

/// `tool list`'s entry for `tool`.
fn listed(root: &Root, tool: &str) -> Value {
    array(&root.json(&["tool", "list"]))
        .into_iter()
        .find(|t| t["name"] == tool)
        .unwrap_or_else(|| panic!("{tool} not in tool list"))
}

/// A failing command: exit 255, one `Error:` line naming the tool and the
/// missing attach points (`missing`, as `tool list` gives them), nothing
/// left under the root nor loaded.
fn refused(root: &Root, tool: &str, args: &[&str], missing: &str) {
    let o = root.run(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(255), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    assert!(
        err.starts_with(&format!(
            "Error: tool '{tool}' is not supported by this kernel"
        )) && err.contains("needs fentry or kprobes")
            && err.contains(&format!("({missing} missing)")),
        "{args:?}: {err}"
    );
    assert!(o.stdout.is_empty(), "{args:?}: stdout {:?}", o.stdout);
    assert!(
        root.entries("").is_empty(),
        "{args:?} left {:?}",
        root.entries("")
    );
    assert!(progs_of(tool).is_empty(), "{args:?} left programs loaded");
}

fn check_refused_or_lifecycle(tool: &str, args: &[&str]) {
    let root = Root::new();
    let me = listed(&root, tool);
    if me["supported"] == true {
        // A kernel with fentry or kprobes: the tool loads and unloads cleanly.
        let loaded = load_attach(&root, tool, args);
        unload(&root, loaded);
        return;
    }
    let missing = array(&me["missing"]);
    assert_eq!(missing.len(), 1, "{me}");
    let missing = missing[0].as_str().unwrap_or_default();
    let (f, k) = missing.split_once(" or ").unwrap_or_default();
    assert!(
        (f.starts_with("fentry/") || f.starts_with("fexit/")) && k.starts_with("kprobe/"),
        "{me}"
    );
    let mut load = vec!["tool", "load", tool];
    load.extend_from_slice(args);
    refused(&root, tool, &load, missing);
    let mut run = vec!["tool", "run", tool];
    run.extend_from_slice(args);
    refused(&root, tool, &run, missing);
    // -j: the same error as one JSON value.
    let mut json = vec!["-j"];
    json.extend_from_slice(&load);
    let o = root.run(&json);
    assert_eq!(o.status.code(), Some(255));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON error");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains(tool) && e.contains("fentry or kprobes")),
        "{v}"
    );
    assert!(root.entries("").is_empty());
}

/// A read-only variable of a tool's object and a value for it.
type Var<'a> = (&'a str, &'a [u8]);

/// `object` with the initial values of some read-only variables replaced
/// (what `tool load` sets before load), so the verifier sees the code paths
/// an option switches on instead of pruning them as dead.
fn with_rodata(object: &[u8], vars: &[Var]) -> Vec<u8> {
    use object::{Object, ObjectSection, ObjectSymbol};
    let file = object::File::parse(object).expect("tool object");
    let mut out = object.to_vec();
    for (name, value) in vars {
        let sym = file
            .symbols()
            .find(|s| s.name() == Ok(*name))
            .unwrap_or_else(|| panic!("no symbol {name}"));
        assert_eq!(sym.size(), value.len() as u64, "{name}");
        let section = file
            .section_by_index(sym.section_index().expect("defined"))
            .expect("its section");
        assert_eq!(section.name(), Ok(".rodata"), "{name}");
        let (start, _) = section.file_range().expect("data in the file");
        let at = (start + sym.address() - section.address()) as usize;
        out[at..at + value.len()].copy_from_slice(value);
    }
    out
}

/// Every kprobe program of `tool`, loaded alone (`prog verify`), passes
/// this kernel's verifier, with the object's defaults and with each of
/// `vars` set; nothing stays loaded.
fn kprobes_verify(tool: &str, vars: &[Var]) {
    let t = tracing_tools::find(tool).unwrap();
    let obj = PathBuf::from(format!(
        "/tmp/bpfscope-catalog-vfs-{}-{tool}.bpf.o",
        std::process::id()
    ));
    let path = obj.to_string_lossy().into_owned();
    let kprobes: Vec<&str> = t
        .programs
        .iter()
        .filter(|p| p.attach.is_kprobe())
        .map(|p| p.name)
        .collect();
    assert!(!kprobes.is_empty(), "{tool}: no kprobe set");
    // Instructions the verifier walked over the programs.
    let walk = |bytes: &[u8], what: &str| -> Vec<u64> {
        std::fs::write(&obj, bytes).unwrap();
        kprobes
            .iter()
            .map(|prog| {
                let v = common::json(BPFSCOPE, &["-j", "prog", "verify", &path, "prog", prog]);
                assert_eq!(v["verdict"], "success", "{tool} {prog} {what}: {v}");
                assert_eq!(v["type"], "kprobe", "{tool} {prog}: {v}");
                v["processed_insns"].as_u64().unwrap_or(0)
            })
            .collect()
    };
    let defaults = walk(t.object, "defaults");
    for var in vars {
        let what = format!("{}={:?}", var.0, var.1);
        let set = walk(&with_rodata(t.object, &[*var]), &what);
        // The value must reach the verifier and change what it walks.
        assert_ne!(defaults, set, "{tool}: {what} changed nothing");
    }
    let _ = std::fs::remove_file(&obj);
    assert!(progs_of(tool).is_empty(), "{tool}: verify left programs");
}

#[test]
fn vfs_tools_refused_without_fentry_or_kprobes() {
    for (tool, args) in TOOLS {
        check_refused_or_lifecycle(tool, args);
    }
}

#[test]
fn vfs_tools_kprobe_programs_pass_the_verifier() {
    // The options that switch code on: -F's dentry walk, -a, -p, -u, -c.
    let vars: &[(&str, &[Var])] = &[
        (
            "fileslower",
            &[("all_files", &[1]), ("targ_tgid", &[1, 0, 0, 0])],
        ),
        (
            "filelife",
            &[("full_path", &[1]), ("targ_tgid", &[1, 0, 0, 0])],
        ),
        ("dcstat", &[]),
        ("dcsnoop", &[("trace_all", &[1])]),
        ("vfsstat", &[]),
        ("vfscount", &[]),
        (
            "capable",
            &[
                ("unique_type", &[2, 0, 0, 0]),
                ("targ_pid", &[1, 0, 0, 0]),
                ("filter_cg", &[1]),
            ],
        ),
        ("swapin", &[]),
    ];
    assert_eq!(vars.len(), TOOLS.len());
    for (tool, v) in vars {
        kprobes_verify(tool, v);
    }
}

#[test]
fn vfs_tools_bad_options_are_one_line() {
    let root = Root::new();
    let bad: &[(&str, &[&str])] = &[
        ("fileslower", &["x"]),
        ("fileslower", &["-p", "0"]),
        ("filelife", &["-p", "-1"]),
        ("dcstat", &["0"]),
        ("dcsnoop", &["-p", "1"]),
        ("vfsstat", &["1", "2", "3"]),
        ("vfscount", &["0"]),
        ("capable", &["-u", "thread"]),
        ("capable", &["-K"]),
        ("swapin", &["-x"]),
    ];
    for (tool, words) in bad {
        for verb in ["load", "run"] {
            let mut args = vec!["tool", verb, tool];
            args.extend_from_slice(words);
            let err = root.fails(&args);
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(err.contains(tool), "{args:?}: {err}");
            assert!(root.entries("").is_empty(), "{args:?}");
        }
    }
}

/// Every tool of the group is listed, with its summary.
#[test]
fn vfs_tools_listed() {
    let root = Root::new();
    for (tool, _) in TOOLS {
        let me = listed(&root, tool);
        assert!(
            me["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{me}"
        );
        assert_eq!(me["state"], "not loaded", "{me}");
    }
}

/// Each program the tool lists is a function of its object in the section
/// its attach point names (`fentry/vfs_read`, …): the fentry set, which
/// this kernel can't load, is checked at least this far.
#[test]
fn vfs_tools_programs_match_their_objects() {
    use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};
    for (tool, _) in TOOLS {
        let t = tracing_tools::find(tool).unwrap();
        let file = object::File::parse(t.object).expect("tool object");
        let mut found: Vec<(String, String)> = file
            .symbols()
            .filter(|s| s.kind() == SymbolKind::Text && s.is_global())
            .filter_map(|s| {
                let section = file.section_by_index(s.section_index()?).ok()?;
                Some((s.name().ok()?.to_string(), section.name().ok()?.to_string()))
            })
            .collect();
        let mut listed: Vec<(String, String)> = t
            .programs
            .iter()
            .map(|p| (p.name.to_string(), p.attach.to_string()))
            .collect();
        listed.sort();
        found.sort();
        assert_eq!(listed, found, "{tool}");
        assert!(t.programs.iter().any(|p| p.attach.is_fentry()), "{tool}");
    }
}
