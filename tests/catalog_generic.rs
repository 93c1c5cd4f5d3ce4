//! Live tests of the generic tools (funccount, funclatency, stackcount,
//! argdist, trace) and tplist: each loads with -p of a workload the test
//! starts (tests/fixtures/generic_workload.c, which waits for a line on
//! stdin), lets it run once attached, and checks the report shows exactly
//! that workload; then unload must leave nothing.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::lifecycle::{array, ids, load_attach, unload, Kid, Loaded};
use common::toolroot::Root;
use serde_json::Value;

/// tests/fixtures/generic_workload.c, built once per test process.
fn workload_bin() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/generic_workload.c");
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bpfscope-generic");
        std::fs::create_dir_all(&dir).expect("workload dir");
        let tmp = dir.join(format!("generic_workload.{}", std::process::id()));
        let out = dir.join("generic_workload");
        let st = Command::new("clang")
            .args(["-O1", "-g", "-fno-omit-frame-pointer", "-o"])
            .arg(&tmp)
            .arg(&src)
            .status()
            .expect("clang is needed for the live tests (make deps installs it)");
        assert!(st.success(), "clang failed on {}", src.display());
        std::fs::rename(&tmp, &out).expect("rename workload");
        out
    })
    .clone()
}

/// A workload started and waiting for [`Waiting::go`]; killed on drop.
struct Waiting {
    kid: Kid,
    pid: String,
}

impl Waiting {
    fn start(args: &[&str]) -> Waiting {
        let child = Command::new(workload_bin())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn workload");
        Waiting {
            pid: child.id().to_string(),
            kid: Kid(child),
        }
    }

    /// Lets it run, and waits until its work is done (it stays alive).
    fn go(&mut self) {
        let stdin = self.kid.0.stdin.as_mut().expect("stdin");
        stdin.write_all(b"go\n").expect("write to workload");
        stdin.flush().expect("flush");
        let mut line = String::new();
        let stdout = self.kid.0.stdout.as_mut().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read workload");
        assert_eq!(line, "done\n", "workload failed");
    }
}

/// [`load_attach`] for arguments with spaces (trace's format strings):
/// `args` in `tool list` and the load record shows them escaped.
fn load_attach_words(root: &Root, tool: &str, args: &[&str]) -> Loaded {
    let mut all = vec!["tool", "load", tool];
    all.extend_from_slice(args);
    let v = root.json(&all);
    let escaped: Vec<String> = args
        .iter()
        .map(|a| a.replace('\\', "\\\\").replace(' ', "\\ "))
        .collect();
    assert_eq!(v["args"], escaped.join(" "), "{v}");
    let a = root.json(&["tool", "attach", tool]);
    assert!(a["links"].as_array().is_some_and(|l| !l.is_empty()), "{a}");
    Loaded {
        tool: tool.to_string(),
        progs: ids(&v, "progs"),
        maps: ids(&v, "maps"),
    }
}

fn rows(v: &Value) -> Vec<Value> {
    array(&v["rows"])
}

#[test]
fn funccount_counts_a_tracepoint_exactly() {
    let root = Root::new();
    let mut w = Waiting::start(&["getpid", "500"]);
    let loaded = load_attach(
        &root,
        "funccount",
        &["-p", &w.pid, "t:syscalls:sys_enter_getpid"],
    );
    w.go();
    let v = root.json(&["tool", "report", "funccount"]);
    assert_eq!(v["tool"], "funccount", "{v}");
    let r = rows(&v);
    assert_eq!(r.len(), 1, "{v}");
    assert_eq!(r[0]["func"], "syscalls:sys_enter_getpid");
    assert_eq!(r[0]["count"], 500, "{v}");
    let text = root.ok(&["tool", "report", "funccount"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["FUNC", "COUNT"]
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["syscalls:sys_enter_getpid", "500"],
        "{text}"
    );
    // An interval report clears: the next one is empty.
    let series = root.ndjson(&["tool", "report", "funccount", "1", "1"]);
    assert_eq!(rows(&series[0]), rows(&v));
    assert!(rows(&root.json(&["tool", "report", "funccount"])).is_empty());
    unload(&root, loaded);
}

#[test]
fn funccount_wildcards_count_each_tracepoint() {
    let root = Root::new();
    let mut w = Waiting::start(&["getpid", "300"]);
    let loaded = load_attach(
        &root,
        "funccount",
        &["-p", &w.pid, "t:syscalls:sys_enter_getp*"],
    );
    // One link per tracepoint the pattern matched.
    let links = root.entries("funccount/links");
    assert!(links.len() >= 3, "{links:?}");
    w.go();
    let v = root.json(&["tool", "report", "funccount"]);
    let getpid: Vec<Value> = rows(&v)
        .into_iter()
        .filter(|r| r["func"] == "syscalls:sys_enter_getpid")
        .collect();
    assert_eq!(getpid.len(), 1, "{v}");
    assert_eq!(getpid[0]["count"], 300, "{v}");
    unload(&root, loaded);
}

#[test]
fn kprobe_targets_are_refused_cleanly() {
    if Path::new("/sys/bus/event_source/devices/kprobe/type").exists() {
        common::lifecycle::cannot_run("this kernel has kprobes: nothing to refuse");
        return;
    }
    let root = Root::new();
    for verb in ["load", "run"] {
        // BCC's kprobe forms of every generic tool.
        for args in [
            vec!["funccount", "p:vfs_read"],
            vec!["funccount", "vfs_read"],
            vec!["stackcount", "p:vfs_read"],
            vec!["funclatency", "vfs_read"],
            vec!["trace", r#"r::vfs_read "%d", retval"#],
            vec!["argdist", "-C", "p::vfs_read(int fd):int:fd"],
        ] {
            let mut all = vec!["tool", verb];
            all.extend(&args);
            let o = root.run(&all);
            assert_eq!(o.status.code(), Some(255), "{all:?}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(err.lines().count(), 1, "one line: {err}");
            assert!(
                err.starts_with("Error: ") && err.contains("kprobes"),
                "{err}"
            );
            assert!(
                root.entries("").is_empty(),
                "{all:?} left {:?}",
                root.entries("")
            );
        }
    }
}

#[test]
fn tplist_lists_tracepoints_and_fields() {
    let root = Root::new();
    let text = root.ok(&["tool", "run", "tplist", "syscalls:sys_enter_getp*"]);
    let lines: Vec<&str> = text.lines().collect();
    for tp in ["syscalls:sys_enter_getpid", "syscalls:sys_enter_getppid"] {
        assert!(lines.contains(&tp), "{text}");
    }
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("syscalls:sys_enter_getp")),
        "{text}"
    );
    let v = root.ok(&["tool", "run", "tplist", "-v", "syscalls:sys_enter_read"]);
    assert_eq!(
        v.lines().collect::<Vec<_>>(),
        [
            "syscalls:sys_enter_read",
            "    int __syscall_nr;",
            "    unsigned int fd;",
            "    char * buf;",
            "    size_t count;"
        ],
        "{v}"
    );
    // Nothing to load, said in one line; `tool list` shows it as printing only.
    let err = root.fails(&["tool", "load", "tplist"]);
    assert!(err.contains("loads nothing"), "{err}");
    assert!(root.entries("").is_empty());
    let list = root.json(&["tool", "list"]);
    let me = array(&list)
        .into_iter()
        .find(|t| t["name"] == "tplist")
        .expect("tplist in tool list");
    assert_eq!(me["state"], "prints only", "{me}");
    assert_eq!(me["supported"], true, "{me}");
    assert!(root
        .fails(&["tool", "run", "tplist", "-l", "c"])
        .contains("USDT"));
}

#[test]
fn stackcount_counts_the_workloads_stacks() {
    let root = Root::new();
    let mut w = Waiting::start(&["getpid", "200"]);
    let loaded = load_attach(
        &root,
        "stackcount",
        &["-p", &w.pid, "t:syscalls:sys_enter_getpid"],
    );
    w.go();
    let v = root.json(&["tool", "report", "stackcount"]);
    let stacks = array(&v["stacks"]);
    assert!(!stacks.is_empty(), "{v}");
    let total: u64 = stacks.iter().filter_map(|s| s["count"].as_u64()).sum();
    assert_eq!(total, 200, "{v}");
    for s in &stacks {
        assert_eq!(
            s["pid"].as_u64().map(|p| p.to_string()),
            Some(w.pid.clone())
        );
        assert_eq!(s["comm"], "generic_workloa", "{s}");
        let kernel = array(&s["kernel"]);
        assert!(
            kernel
                .iter()
                .any(|f| f.as_str().is_some_and(|f| f.starts_with("do_syscall_64"))),
            "{s}"
        );
    }
    // The user stack goes through the workload's loop (frame pointers on).
    let user: Vec<String> = stacks
        .iter()
        .flat_map(|s| array(&s["user"]))
        .filter_map(|f| f.as_str().map(String::from))
        .collect();
    assert!(
        user.iter()
            .any(|f| f.contains("bpfscope_getpid_loop") || f.contains("main")),
        "{v}"
    );
    let text = root.ok(&["tool", "report", "stackcount"]);
    assert!(text.contains("do_syscall_64"), "{text}");
    assert!(
        text.contains(&format!("generic_workloa ({})", w.pid)),
        "{text}"
    );
    let folded = root.ok(&["tool", "report", "stackcount", "-f"]);
    assert!(
        folded.lines().all(|l| l.starts_with("generic_workloa;")),
        "{folded}"
    );
    unload(&root, loaded);
}

#[test]
fn funccount_counts_a_library_function() {
    let root = Root::new();
    let mut w = Waiting::start(&["getpid", "250"]);
    // libc's getpid(), in this process only (-p also limits the uprobe).
    let loaded = load_attach(&root, "funccount", &["-p", &w.pid, "u:c:getpid"]);
    w.go();
    let v = root.json(&["tool", "report", "funccount"]);
    let r = rows(&v);
    assert_eq!(r.len(), 1, "{v}");
    assert_eq!(r[0]["func"], "c:getpid");
    assert_eq!(r[0]["count"], 250, "{v}");
    unload(&root, loaded);
    // A wildcard: every function of libc it matches, one link each.
    let mut w = Waiting::start(&["getpid", "120"]);
    let loaded = load_attach(&root, "funccount", &["-p", &w.pid, "u:c:getp*id"]);
    let links = root.entries("funccount/links");
    assert!(links.len() >= 3, "getpid, getppid, getpgid…: {links:?}");
    w.go();
    let v = root.json(&["tool", "report", "funccount"]);
    let getpid: Vec<Value> = rows(&v)
        .into_iter()
        .filter(|r| r["func"] == "c:getpid")
        .collect();
    assert_eq!(getpid.len(), 1, "{v}");
    assert_eq!(getpid[0]["count"], 120, "{v}");
    unload(&root, loaded);
    // A function the library lacks: one line, nothing left.
    let err = root.fails(&["tool", "load", "funccount", "u:c:bpfscope_no_such_function"]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bpfscope_no_such_function"), "{err}");
    assert!(root.entries("").is_empty());
}

#[test]
fn funclatency_times_a_user_function() {
    let root = Root::new();
    let mut w = Waiting::start(&["call", "10", "20"]);
    // libbpf-tools' :FUNCTION form: a function of the binary of -p PID.
    let loaded = load_attach(
        &root,
        "funclatency",
        &["-m", "-p", &w.pid, ":bpfscope_generic_target"],
    );
    // An entry and a return link.
    assert_eq!(root.entries("funclatency/links").len(), 2);
    w.go();
    let v = root.json(&["tool", "report", "funclatency"]);
    let hists = array(&v["histograms"]);
    assert_eq!(hists.len(), 1, "{v}");
    assert_eq!(hists[0]["unit"], "msecs", "{v}");
    // Ten calls of 20 ms (a little more, never less): all in 16 -> 31.
    assert_eq!(hists[0]["total"], 10, "{v}");
    let full: Vec<Value> = array(&hists[0]["buckets"])
        .into_iter()
        .filter(|b| b["count"] != 0)
        .collect();
    assert_eq!(full.len(), 1, "{v}");
    assert_eq!(
        (&full[0]["low"], &full[0]["count"]),
        (&16.into(), &10.into()),
        "{v}"
    );
    let text = root.ok(&["tool", "report", "funclatency"]);
    assert!(text.contains("msecs"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("16 -> 31") && l.contains(": 10 ")),
        "{text}"
    );
    unload(&root, loaded);
    // Tracepoints have no return to time: refused in one line.
    let err = root.fails(&["tool", "load", "funclatency", "t:syscalls:sys_enter_read"]);
    assert!(err.contains("no return"), "{err}");
    assert!(root.entries("").is_empty());
}

#[test]
fn trace_prints_tracepoint_fields_and_function_arguments() {
    let root = Root::new();
    let path = format!("/nonexistent/bpfscope-trace-{}", std::process::id());
    let mut w = Waiting::start(&["open", &path, "5"]);
    let loaded = load_attach_words(
        &root,
        "trace",
        &[
            "-p",
            &w.pid,
            r#"t:syscalls:sys_enter_openat "open %s", args->filename"#,
        ],
    );
    w.go();
    let v = root.json(&["tool", "report", "trace", "duration", "0"]);
    let ours: Vec<Value> = array(&v)
        .into_iter()
        .filter(|e| e["msg"] == format!("open {path}"))
        .collect();
    assert_eq!(ours.len(), 5, "{v}");
    assert_eq!(ours[0]["func"], "sys_enter_openat");
    assert_eq!(ours[0]["comm"], "generic_workloa");
    assert_eq!(
        ours[0]["pid"].as_u64().map(|p| p.to_string()),
        Some(w.pid.clone())
    );
    assert_eq!(ours[0]["args"], serde_json::json!([path]));
    unload(&root, loaded);

    // A function of the workload: its arguments on entry (filtered), its
    // return value on return.
    let bin = workload_bin().display().to_string();
    let mut w = Waiting::start(&["call", "3", "1"]);
    let entry = format!(r#"u:{bin}:bpfscope_generic_target (arg1 >= 1) "i=%d ms=%d", arg1, arg2"#);
    let ret = format!(r#"r:{bin}:bpfscope_generic_target "ret %d", retval"#);
    let loaded = load_attach_words(&root, "trace", &["-p", &w.pid, &entry, &ret]);
    w.go();
    let text = root.ok(&["tool", "report", "trace", "duration", "0"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["PID", "TID", "COMM", "FUNC", "-"]
    );
    let msgs: Vec<String> = lines[1..]
        .iter()
        .filter(|l| l.contains("bpfscope_generic_target"))
        .map(|l| {
            l.split("bpfscope_generic_target")
                .nth(1)
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect();
    assert_eq!(
        msgs,
        ["ret 0", "i=1 ms=1", "ret 2", "i=2 ms=1", "ret 4"],
        "{text}"
    );
    unload(&root, loaded);
    // A field the tracepoint lacks: one line naming it, nothing loaded.
    let err = root.fails(&[
        "tool",
        "load",
        "trace",
        r#"t:syscalls:sys_enter_openat "%d", args->nosuch"#,
    ]);
    assert!(err.contains("no field 'nosuch'"), "{err}");
    assert!(root.entries("").is_empty());
}

#[test]
fn argdist_counts_and_histograms_values() {
    let root = Root::new();
    // -C: a count per read(2) size (the filter leaves out stdin's reads).
    let mut w = Waiting::start(&["read", "40"]);
    let spec = "t:syscalls:sys_enter_read():u64:args->count:args->count<=8";
    let loaded = load_attach(&root, "argdist", &["-p", &w.pid, "-C", spec]);
    w.go();
    let v = root.json(&["tool", "report", "argdist"]);
    let got: Vec<(i64, u64)> = rows(&v)
        .iter()
        .filter_map(|r| Some((r["value"].as_i64()?, r["count"].as_u64()?)))
        .collect();
    assert_eq!(got.len(), 4, "{v}");
    for size in [1, 2, 4, 8] {
        assert!(got.contains(&(size, 10)), "{size}: {v}");
    }
    let text = root.ok(&["tool", "report", "argdist"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with('[') && lines[0].ends_with(']'),
        "{text}"
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["COUNT", "EVENT"]
    );
    assert!(lines.contains(&"10         args->count = 8"), "{text}");
    unload(&root, loaded);

    // -H: the same sizes as a log2 histogram, labelled.
    let mut w = Waiting::start(&["read", "40"]);
    let spec = format!("{spec}#sizes");
    let loaded = load_attach(&root, "argdist", &["-p", &w.pid, "-H", &spec]);
    w.go();
    let v = root.json(&["tool", "report", "argdist"]);
    let hists = array(&v["histograms"]);
    assert_eq!(hists.len(), 1, "{v}");
    assert_eq!(hists[0]["probe"], "sizes", "{v}");
    assert_eq!(hists[0]["total"], 40, "{v}");
    let counts: Vec<(u64, u64)> = array(&hists[0]["buckets"])
        .iter()
        .filter_map(|b| Some((b["low"].as_u64()?, b["count"].as_u64()?)))
        .filter(|(_, n)| *n > 0)
        .collect();
    // 1 -> slot 0 (with 0), 2 -> 2..3, 4 -> 4..7, 8 -> 8..15.
    assert_eq!(counts, [(0, 10), (2, 10), (4, 10), (8, 10)], "{v}");
    unload(&root, loaded);

    // A function's argument, named by its signature.
    let bin = workload_bin().display().to_string();
    let mut w = Waiting::start(&["call", "3", "1"]);
    let spec = format!("u:{bin}:bpfscope_generic_target(int i, int ms):int:i");
    let loaded = load_attach_words(&root, "argdist", &["-p", &w.pid, "-C", &spec]);
    w.go();
    let v = root.json(&["tool", "report", "argdist"]);
    let mut got: Vec<(i64, u64)> = rows(&v)
        .iter()
        .filter_map(|r| Some((r["value"].as_i64()?, r["count"].as_u64()?)))
        .collect();
    got.sort();
    assert_eq!(got, [(0, 1), (1, 1), (2, 1)], "{v}");
    unload(&root, loaded);
}

/// The `LOW -> HIGH : COUNT` lines of a histogram, as (low, high, count).
fn buckets(text: &str) -> Vec<(u64, u64, u64)> {
    text.lines()
        .filter_map(|l| {
            let (range, rest) = l.split_once(':')?;
            let (lo, hi) = range.split_once("->")?;
            let count = rest.split_whitespace().next()?;
            Some((
                lo.trim().parse().ok()?,
                hi.trim().parse().ok()?,
                count.parse().ok()?,
            ))
        })
        .collect()
}

#[test]
fn funclatency_matches_libbpf_tools() {
    let theirs = Path::new("/usr/sbin/funclatency");
    if !theirs.exists() {
        common::lifecycle::cannot_run("libbpf-tools' funclatency is not installed");
        return;
    }
    let root = Root::new();
    let mut w = Waiting::start(&["call", "10", "20"]);
    let args = ["-m", "-p", &w.pid, "-d", "4", ":bpfscope_generic_target"];
    let spawn = |cmd: &mut Command| {
        cmd.args(args)
            .env("BPFSCOPE_TOOL_ROOT", root.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn funclatency")
    };
    let a = spawn(&mut Command::new(theirs));
    let b = spawn(Command::new(common::BPFSCOPE).args(["tool", "run", "funclatency"]));
    // Both attach well within this; the workload then takes ~0.2 s.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    w.go();
    let out = |c: std::process::Child| {
        let o = c.wait_with_output().expect("wait funclatency");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let (a, b) = (out(a), out(b));
    let (ta, tb) = (buckets(&a), buckets(&b));
    // Same calls timed by both: the same buckets, the same counts (exact).
    assert_eq!(ta, tb, "libbpf-tools:\n{a}\nbpfscope:\n{b}");
    assert_eq!(ta.iter().map(|b| b.2).sum::<u64>(), 10, "{a}");
}

#[test]
fn trace_run_stops_after_max_events() {
    let root = Root::new();
    let path = format!("/nonexistent/bpfscope-trace-run-{}", std::process::id());
    let mut w = Waiting::start(&["open", &path, "5"]);
    let probe = r#"t:syscalls:sys_enter_openat "%s", args->filename"#;
    let run = Command::new("timeout")
        .args(["-s", "INT", "15", common::BPFSCOPE, "tool", "run", "trace"])
        .args(["-M", "2", "-p", &w.pid, probe])
        .env("BPFSCOPE_TOOL_ROOT", root.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bpfscope");
    // Wait until the run's program has its link (held, not pinned).
    // The instance is `trace-runPID` once loaded (`…-loadingPID` while staged).
    let instance = |d: &&String| d.starts_with("trace-run") && !d.contains("loading");
    let prog_of = |d: &String| root.path().join(d).join("progs/trace_tp");
    common::lifecycle::wait_until("trace run loaded", || {
        root.entries("")
            .iter()
            .filter(instance)
            .any(|d| prog_of(d).exists())
    });
    let prog = root
        .entries("")
        .iter()
        .find(instance)
        .map(prog_of)
        .expect("the run's directory");
    let shown = common::json(
        common::BPFSCOPE,
        &["-j", "prog", "show", "pinned", &prog.display().to_string()],
    );
    let id = shown["id"].clone();
    common::lifecycle::wait_until("trace run attached", || {
        let links = common::json(common::BPFSCOPE, &["-j", "link", "show"]);
        array(&links).iter().any(|l| l["prog_id"] == id)
    });
    w.go();
    let o = run.wait_with_output().expect("wait run");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "header and two events: {text}");
    assert!(lines[1..].iter().all(|l| l.ends_with(&path)), "{text}");
    // The run removed its instance.
    assert!(root.entries("").is_empty(), "{:?}", root.entries(""));
}
