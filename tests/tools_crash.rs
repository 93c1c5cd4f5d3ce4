//! Live tests of how tool commands end: `tool run` killed (SIGKILL) or
//! hung up (SIGHUP), its stdout closed (`| head`), a following report whose
//! tool is unloaded elsewhere, and `tool load`/`attach` killed at each step
//! (fault points of debug builds, `BPFSCOPE_FAULT`). After each, nothing
//! attached may survive, and the next tool command reports and removes what
//! was left. Also the usage (`--help`) and the small argument messages.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::toolroot::Root;
use common::BPFSCOPE;
use serde_json::Value;

fn wait_until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < end, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn spawn(root: &Root, args: &[&str], stdout: Stdio) -> Child {
    Command::new(BPFSCOPE)
        .args(args)
        .env("BPFSCOPE_TOOL_ROOT", root.path())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bpfscope")
}

/// Waits for `child` to exit within `secs`, killing it (and failing) if not.
fn exits_within(child: &mut Child, secs: u64, what: &str) -> std::process::ExitStatus {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(st) = child.try_wait().expect("wait") {
            return st;
        }
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Ids of the programs pinned under `dir`.
fn prog_ids(dir: &std::path::Path) -> Vec<u64> {
    let mut ids = Vec::new();
    for e in std::fs::read_dir(dir.join("progs")).into_iter().flatten() {
        let Ok(e) = e else { continue };
        let v = common::json(
            BPFSCOPE,
            &[
                "-j",
                "prog",
                "show",
                "pinned",
                e.path().to_str().unwrap_or(""),
            ],
        );
        ids.extend(v["id"].as_u64());
    }
    ids
}

/// Links of the kernel whose program is one of `progs`.
fn links_of(progs: &[u64]) -> Vec<u64> {
    let v = common::json(BPFSCOPE, &["-j", "link", "show"]);
    v.as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["prog_id"].as_u64().is_some_and(|p| progs.contains(&p)))
        .filter_map(|l| l["id"].as_u64())
        .collect()
}

fn list(root: &Root) -> Vec<Value> {
    root.json(&["tool", "list"])
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn entry<'a>(list: &'a [Value], name: &str) -> Option<&'a Value> {
    list.iter().find(|t| t["name"] == name)
}

/// Starts `tool run TOOL`, waits until it is attached; returns the child,
/// its instance directory name and its program ids.
fn start_run(root: &Root, tool: &str) -> (Child, String, Vec<u64>) {
    let child = spawn(root, &["tool", "run", tool], Stdio::null());
    let dir = format!("{tool}-run{}", child.id());
    let path = root.path().join(&dir);
    let mut progs = Vec::new();
    wait_until("run attached", 20, || {
        progs = prog_ids(&path);
        !progs.is_empty() && !links_of(&progs).is_empty()
    });
    (child, dir, progs)
}

#[test]
fn run_killed_leaves_no_links_and_is_swept() {
    let root = Root::new();
    let (mut child, dir, progs) = start_run(&root, "runqlat");
    // The run's links are held, not pinned: none is in bpffs.
    assert!(root.entries(&format!("{dir}/links")).is_empty());
    let listed = list(&root);
    let me = entry(&listed, &dir).expect("running instance listed");
    assert_eq!(me["state"], "running", "{me}");
    assert_eq!(me["pid"].as_u64(), Some(u64::from(child.id())));

    child.kill().expect("SIGKILL");
    let st = child.wait().expect("wait");
    assert_eq!(st.signal(), Some(9));
    // Its links died with it: nothing fires on sched_switch any more.
    wait_until("links of the killed run gone", 10, || {
        links_of(&progs).is_empty()
    });
    // Its programs and maps stay pinned until the next tool command,
    // which lists the orphan and removes it.
    assert!(root.path().join(&dir).exists());
    let listed = list(&root);
    let orphan = entry(&listed, &dir).expect("orphan listed");
    assert!(
        orphan["state"]
            .as_str()
            .is_some_and(|s| s.contains("orphan")),
        "{orphan}"
    );
    assert!(!root.path().join(&dir).exists(), "orphan not removed");
    assert!(entry(&list(&root), &dir).is_none());
}

#[test]
fn run_hung_up_cleans_up() {
    let root = Root::new();
    let (mut child, dir, progs) = start_run(&root, "execsnoop");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .expect("SIGHUP");
    let st = exits_within(&mut child, 5, "run after SIGHUP");
    assert!(st.success(), "{st:?}");
    assert!(!root.path().join(&dir).exists(), "SIGHUP left {dir}");
    wait_until("links gone", 10, || links_of(&progs).is_empty());
}

#[test]
fn unload_of_a_running_instance_by_name() {
    let root = Root::new();
    let (mut child, dir, _) = start_run(&root, "execsnoop");
    // `tool unload NAME-runPID` is understood (it used to be "unknown tool"),
    // and the run, its report gone, ends.
    root.ok(&["tool", "unload", &dir]);
    let st = exits_within(&mut child, 5, "run whose instance was unloaded");
    assert!(st.success(), "{st:?}");
    assert!(!root.path().join(&dir).exists());
}

#[test]
fn closed_stdout_ends_run() {
    let root = Root::new();
    // `tool run execsnoop | head -2`: events keep coming, head is gone.
    let mut child = spawn(&root, &["tool", "run", "execsnoop"], Stdio::piped());
    let dir = format!("execsnoop-run{}", child.id());
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let spawner = std::thread::spawn(|| {
        for _ in 0..100 {
            let _ = Command::new("true").status();
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let header = lines.next().expect("a header line").expect("read");
    assert!(header.starts_with("PCOMM"), "{header}");
    let _first = lines.next().expect("an event line").expect("read");
    drop(lines); // head exits
    let st = exits_within(&mut child, 5, "run with its reader gone");
    assert!(st.success(), "{st:?}");
    assert!(!root.path().join(&dir).exists(), "left {dir}");
    spawner.join().expect("spawner");

    // No event at all (a pid that doesn't exist): the closed pipe is
    // still noticed, without a write.
    let mut child = spawn(
        &root,
        &["tool", "run", "opensnoop", "-p", "2147483647"],
        Stdio::piped(),
    );
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut header = String::new();
    out.read_line(&mut header).expect("header");
    drop(out);
    let st = exits_within(&mut child, 5, "silent run with its reader gone");
    assert!(st.success(), "{st:?}");
    assert!(root.entries("").is_empty(), "left {:?}", root.entries(""));
}

#[test]
fn following_report_ends_when_unloaded_elsewhere() {
    let root = Root::new();
    root.ok(&["tool", "load", "execsnoop"]);
    root.ok(&["tool", "attach", "execsnoop"]);
    let mut child = spawn(&root, &["tool", "report", "execsnoop"], Stdio::null());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "report ended early"
    );
    root.ok(&["tool", "unload", "execsnoop"]);
    let st = exits_within(&mut child, 5, "report of an unloaded tool");
    assert!(st.success(), "{st:?}");

    // An interval report too.
    root.ok(&["tool", "load", "runqlat"]);
    let mut child = spawn(&root, &["tool", "report", "runqlat", "1"], Stdio::null());
    std::thread::sleep(Duration::from_millis(500));
    root.ok(&["tool", "unload", "runqlat"]);
    let st = exits_within(&mut child, 5, "interval report of an unloaded tool");
    assert!(st.success(), "{st:?}");
}

/// Runs `args` with a fault point that SIGKILLs the process there.
fn killed_at(root: &Root, point: &str, args: &[&str]) {
    let o = Command::new(BPFSCOPE)
        .args(args)
        .env("BPFSCOPE_TOOL_ROOT", root.path())
        .env("BPFSCOPE_FAULT", point)
        .output()
        .expect("run");
    assert_eq!(
        o.status.signal(),
        Some(9),
        "{point}: not killed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn load_killed_at_each_step_leaves_nothing_loaded() {
    let root = Root::new();
    for point in ["load-pinned-prog", "load-pinned"] {
        killed_at(&root, point, &["tool", "load", "runqlat"]);
        // Half-pinned programs sit in a staging directory, not under the name.
        assert!(!root.path().join("runqlat").exists(), "{point}");
        let staged = root.entries("");
        assert_eq!(staged.len(), 1, "{point}: {staged:?}");
        let progs = prog_ids(&root.path().join(&staged[0]));
        // The next command reports the leftover and removes it.
        let listed = list(&root);
        let e = entry(&listed, &staged[0]).expect("leftover listed");
        assert!(
            e["state"]
                .as_str()
                .is_some_and(|s| s.contains("orphan of a killed load")),
            "{e}"
        );
        assert_eq!(entry(&listed, "runqlat").unwrap()["state"], "not loaded");
        assert!(root.entries("").is_empty(), "{point}: not swept");
        assert!(links_of(&progs).is_empty());
        // And a load works again.
        root.ok(&["tool", "load", "runqlat"]);
        root.ok(&["tool", "unload", "runqlat"]);
    }
}

#[test]
fn attach_killed_at_each_step_leaves_nothing_attached() {
    let root = Root::new();
    root.ok(&["tool", "load", "runqlat"]);
    let progs = prog_ids(&root.path().join("runqlat"));
    for point in ["attach-pinned-link", "attach-staged"] {
        killed_at(&root, point, &["tool", "attach", "runqlat"]);
        assert!(root.entries("runqlat/links").is_empty(), "{point}");
        assert!(!links_of(&progs).is_empty(), "{point}: staged links live");
        let listed = list(&root);
        let e = entry(&listed, "runqlat").expect("listed");
        assert_eq!(e["state"], "loaded", "{point}: {e}");
        assert!(
            listed
                .iter()
                .any(|t| t["state"] == "orphan of a killed attach (removed)"),
            "{point}: {listed:?}"
        );
        assert_eq!(
            root.entries("runqlat"),
            vec!["links".to_string(), "maps".into(), "progs".into()]
        );
        wait_until("staged links detached", 10, || links_of(&progs).is_empty());
    }
    root.ok(&["tool", "attach", "runqlat"]);
    assert!(!links_of(&progs).is_empty());
    root.ok(&["tool", "unload", "runqlat"]);
}

#[test]
fn usage_on_help() {
    let root = Root::new();
    // (`tool --help` alone is answered by the command-line grammar.)
    for args in [
        &["tool", "run", "runqlat", "--help"][..],
        &["tool", "load", "runqlat", "-h"],
        &["tool", "load", "runqlat", "-m", "--bogus", "-h"],
    ] {
        let u = root.ok(args);
        assert!(
            u.contains("runqlat") && u.contains("--milliseconds"),
            "{args:?}: {u}"
        );
    }
    assert!(root.entries("").is_empty(), "help loaded something");
}

#[test]
fn small_argument_messages() {
    let root = Root::new();
    let err = root.fails(&["tool", "load", "."]);
    assert!(err.contains("'.' is not allowed"), "{err}");
    let long = "x".repeat(5000);
    let err = root.fails(&["tool", "load", &long]);
    assert!(err.len() < 300, "name echoed in full: {} bytes", err.len());
    let err = root.fails(&["tool", "run", "runqlat", "1", "0"]);
    assert!(
        err.contains("count '0'") && !err.contains("seconds"),
        "{err}"
    );
    // --force over an attached tool says it detached it.
    root.ok(&["tool", "load", "runqlat"]);
    root.ok(&["tool", "attach", "runqlat"]);
    let o = root.run(&["tool", "load", "runqlat", "--force"]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("detached its"), "{err}");
    root.ok(&["tool", "unload", "runqlat"]);
}

#[test]
fn list_shows_details_and_pins() {
    let root = Root::new();
    root.ok(&["tool", "load", "execsnoop", "-x"]);
    root.ok(&["tool", "attach", "execsnoop"]);
    // Events in JSON carry the wall clock beside the monotonic ts.
    let _ = Command::new("/bin/true").status();
    let _ = Command::new("/bin/false").status();
    let ev = root.json(&["tool", "report", "execsnoop", "duration", "0"]);
    let now_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let first = &ev[0];
    assert!(first["ts"].as_u64().is_some(), "{ev}");
    assert!(
        first["unix_ns"]
            .as_u64()
            .is_some_and(|u| u <= now_ns && now_ns - u < 60_000_000_000),
        "{ev}"
    );
    let v = root.json(&["tool", "list", "execsnoop"]);
    assert_eq!(v["state"], "attached", "{v}");
    assert_eq!(v["args"], "-x", "{v}");
    assert_eq!(v["lost"], 0, "{v}");
    // At least the one exec above was handed over (others may run too).
    assert!(v["events"].as_u64().is_some_and(|n| n >= 1), "{v}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    assert!(
        v["loaded_at"]
            .as_i64()
            .is_some_and(|t| (now - t).abs() < 120),
        "{v}"
    );
    // Each prog id is the one bpftool-style `prog show pinned` reports.
    for p in v["progs"].as_array().into_iter().flatten() {
        let shown = common::json(
            BPFSCOPE,
            &[
                "-j",
                "prog",
                "show",
                "pinned",
                p["pinned"].as_str().unwrap_or(""),
            ],
        );
        assert_eq!(shown["id"], p["id"], "{p}");
    }
    assert_eq!(v["links"].as_array().map(Vec::len), Some(2), "{v}");
    assert!(v["maps"]
        .as_array()
        .is_some_and(|m| m.iter().any(|m| m["name"] == "events")));
    let text = root.ok(&["tool", "list", "execsnoop"]);
    assert!(text.starts_with("execsnoop  attached  since "), "{text}");
    assert!(text.contains("\tlink id "), "{text}");
    // The whole list carries the same details.
    let all = list(&root);
    assert_eq!(
        entry(&all, "execsnoop").map(|e| &e["progs"]),
        Some(&v["progs"])
    );
    root.ok(&["tool", "unload", "execsnoop"]);

    // A running instance: its programs, no pinned links, its pid.
    let (mut child, dir, progs) = start_run(&root, "execsnoop");
    let v = root.json(&["tool", "list", &dir]);
    assert_eq!(v["state"], "running", "{v}");
    assert_eq!(v["pid"].as_u64(), Some(u64::from(child.id())));
    let ids: Vec<u64> = v["progs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_u64())
        .collect();
    assert_eq!(ids.len(), progs.len(), "{v}");
    assert!(v.get("links").is_none(), "{v}");
    let _ = child.kill();
    let _ = child.wait();
    list(&root); // sweeps the killed run (a note on stderr)
    let err = root.fails(&["tool", "list", "nosuch"]);
    assert!(err.contains("no tool or 'tool run' instance"), "{err}");
}
