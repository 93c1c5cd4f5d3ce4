//! Live-kernel tests of the bundled tools: per tool, load -> pins and
//! metadata (bpfscope and bpftool) -> attach -> a workload this test makes
//! -> report shows it -> detach -> report still reads -> unload -> every
//! program, map and link the tool made is gone. Plus the failure paths:
//! an existing load, an attach failing midway, bad names and roots.
//! Killed runs, loads and attaches are in tools_crash.rs.
//!
//! Each test uses its own tool root (`BPFSCOPE_TOOL_ROOT`, a
//! /sys/fs/bpf/bpfscope-test-<pid>-<n> directory removed on drop), so tests
//! run in parallel and never meet an operator's tools.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::BPFSCOPE;
use serde_json::Value;

use common::toolroot::Root;

fn bpftool_json(args: &[&str]) -> Option<Value> {
    let o = Command::new("bpftool").arg("-j").args(args).output().ok()?;
    if !o.status.success() {
        return None;
    }
    serde_json::from_slice(&o.stdout).ok()
}

/// What a load made: program and map ids.
struct Loaded {
    progs: Vec<(String, u64)>,
    maps: Vec<(String, u64)>,
}

fn ids(v: &Value, key: &str) -> Vec<(String, u64)> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or("").to_string(),
                        p["id"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `tool load`, then checks pins, ids and metadata with bpfscope and bpftool.
fn load(root: &Root, tool: &str, args: &[&str]) -> Loaded {
    let mut all = vec!["tool", "load", tool];
    all.extend_from_slice(args);
    let v = root.json(&all);
    let loaded = Loaded {
        progs: ids(&v, "progs"),
        maps: ids(&v, "maps"),
    };
    assert!(!loaded.progs.is_empty() && !loaded.maps.is_empty(), "{v}");
    let want_args = args.join(" ");
    assert_eq!(v["args"], want_args.as_str());

    let progs = root.entries(&format!("{tool}/progs"));
    assert_eq!(progs.len(), loaded.progs.len(), "{progs:?}");
    assert!(
        root.entries(&format!("{tool}/links")).is_empty(),
        "load must not attach"
    );
    for (name, id) in &loaded.progs {
        assert!(progs.contains(name), "{name} not pinned");
        let pin = root.path().join(tool).join("progs").join(name);
        let pin = pin.to_str().unwrap_or_default();
        // bpfscope's prog show names the tool in its metadata.
        let ours = common::json(BPFSCOPE, &["-j", "prog", "show", "pinned", pin]);
        assert_eq!(ours["id"].as_u64(), Some(*id));
        assert_eq!(ours["metadata"]["tool"], tool, "{ours}");
        assert_eq!(ours["metadata"]["args"], want_args.as_str(), "{ours}");
        if common::have_bpftool() {
            let theirs =
                bpftool_json(&["prog", "show", "pinned", pin]).expect("bpftool prog show pinned");
            assert_eq!(theirs["id"].as_u64(), Some(*id));
            assert_eq!(theirs["metadata"]["tool"], tool, "{theirs}");
            assert_eq!(theirs["metadata"]["version"], ours["metadata"]["version"]);
            assert_eq!(theirs["metadata"]["args"], want_args.as_str());
        }
    }
    // `tool list` reads the state back from bpffs.
    let list = root.json(&["tool", "list"]);
    let me = list
        .as_array()
        .and_then(|a| a.iter().find(|t| t["name"] == tool))
        .cloned()
        .unwrap_or_default();
    assert_eq!(me["state"], "loaded", "{me}");
    loaded
}

/// Ids of kernel links whose program is one of ours.
fn our_links(loaded: &Loaded) -> Vec<u64> {
    let links = common::json(BPFSCOPE, &["-j", "link", "show"]);
    links
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|l| {
                    loaded
                        .progs
                        .iter()
                        .any(|(_, id)| l["prog_id"].as_u64() == Some(*id))
                })
                .filter_map(|l| l["id"].as_u64())
                .collect()
        })
        .unwrap_or_default()
}

fn attach(root: &Root, tool: &str, loaded: &Loaded) -> Vec<u64> {
    root.ok(&["tool", "attach", tool]);
    assert_eq!(
        root.entries(&format!("{tool}/links")).len(),
        loaded.progs.len()
    );
    let links = our_links(loaded);
    assert_eq!(
        links.len(),
        loaded.progs.len(),
        "one kernel link per program"
    );
    let list = root.json(&["tool", "list"]);
    let me = list
        .as_array()
        .and_then(|a| a.iter().find(|t| t["name"] == tool))
        .cloned()
        .unwrap_or_default();
    assert_eq!(me["state"], "attached", "{me}");
    links
}

fn detach(root: &Root, tool: &str, loaded: &Loaded) {
    root.ok(&["tool", "detach", tool]);
    assert!(root.entries(&format!("{tool}/links")).is_empty());
    assert!(
        !root.entries(&format!("{tool}/maps")).is_empty(),
        "detach keeps the data"
    );
    wait_until("links gone after detach", || our_links(loaded).is_empty());
}

/// Unloads, then every id the tool had must be gone (the kernel frees
/// links and programs asynchronously: wait a little).
fn unload(root: &Root, tool: &str, loaded: &Loaded, links: &[u64]) {
    root.ok(&["tool", "unload", tool]);
    assert!(!root.path().join(tool).exists());
    let gone = |what: &str, id: u64| {
        !Command::new(BPFSCOPE)
            .args([what, "show", "id", &id.to_string()])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    wait_until("programs freed", || {
        loaded.progs.iter().all(|(_, id)| gone("prog", *id))
    });
    wait_until("maps freed", || {
        loaded.maps.iter().all(|(_, id)| gone("map", *id))
    });
    wait_until("links freed", || links.iter().all(|id| gone("link", *id)));
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(Instant::now() < end, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A directory on a real block device, for direct I/O; None (with the
/// reason) if there is none.
fn block_device_dir() -> Option<(PathBuf, String)> {
    for dir in ["/var/tmp", "/root", "/"] {
        let o = Command::new("findmnt")
            .args(["-n", "-o", "SOURCE", "--target", dir])
            .output()
            .ok()?;
        let src = String::from_utf8_lossy(&o.stdout).trim().to_string();
        if let Some(dev) = src.strip_prefix("/dev/") {
            let dev = dev.split('[').next().unwrap_or(dev).to_string();
            return Some((PathBuf::from(dir), dev));
        }
    }
    None
}

/// The disk name biolatency reports for a partition or disk device name.
fn disk_of(dev: &str) -> String {
    // /sys/class/block/<part>/.. is the whole disk for partitions.
    let p = PathBuf::from("/sys/class/block").join(dev);
    if p.join("partition").exists() {
        if let Ok(real) = std::fs::canonicalize(p.join("..")) {
            if let Some(n) = real.file_name() {
                return n.to_string_lossy().into_owned();
            }
        }
    }
    dev.to_string()
}

fn need_block_device() -> Option<(PathBuf, String)> {
    let found = block_device_dir();
    if found.is_none() {
        let msg = "no filesystem on a block device here (findmnt): direct-I/O workload impossible";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("NOTE: block tool test not run: {msg}");
    }
    found
}

/// dd with O_DIRECT: `count` 4 KiB writes that reach the device. Returns dd's pid.
fn direct_writes(dir: &Path, count: u32) -> u32 {
    let file = dir.join(format!(
        "bpfscope-tools-test-{}-{count}",
        std::process::id()
    ));
    let child = Command::new("dd")
        .arg("if=/dev/zero")
        .arg(format!("of={}", file.display()))
        .args([
            "bs=4k",
            &format!("count={count}"),
            "oflag=direct,sync",
            "status=none",
        ])
        .spawn()
        .expect("dd");
    let pid = child.id();
    let out = child.wait_with_output().expect("dd");
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success(), "dd failed");
    pid
}

fn events(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[test]
fn biolatency_lifecycle() {
    let Some((dir, dev)) = need_block_device() else {
        return;
    };
    let disk = disk_of(&dev);
    let root = Root::new();
    let loaded = load(&root, "biolatency", &["-D"]);
    // Loaded but not attached: nothing is counted.
    direct_writes(&dir, 8);
    let r = root.json(&["tool", "report", "biolatency"]);
    assert!(
        events(&r["histograms"]).iter().all(|h| h["total"] == 0),
        "counted before attach: {r}"
    );

    let links = attach(&root, "biolatency", &loaded);
    direct_writes(&dir, 64);
    let total_for_disk = |r: &Value| {
        events(&r["histograms"])
            .iter()
            .filter(|h| h["disk"] == disk.as_str())
            .map(|h| h["total"].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    let r = root.json(&["tool", "report", "biolatency"]);
    assert!(
        total_for_disk(&r) >= 64,
        "expected >= 64 I/Os on {disk}: {r}"
    );
    let text = root.ok(&["tool", "report", "biolatency"]);
    assert!(text.contains(&format!("disk = {disk}")), "{text}");
    assert!(
        text.contains("usecs               : count    distribution"),
        "{text}"
    );
    assert!(text.lines().any(|l| l.contains("|*")), "no stars: {text}");
    let table = root.ok(&["--table", "tool", "report", "biolatency"]);
    assert!(
        table.contains("DISTRIBUTION") && table.contains(&disk),
        "{table}"
    );

    detach(&root, "biolatency", &loaded);
    let before = total_for_disk(&root.json(&["tool", "report", "biolatency"]));
    assert!(before >= 64);
    direct_writes(&dir, 8);
    let after = total_for_disk(&root.json(&["tool", "report", "biolatency"]));
    assert_eq!(before, after, "detached tool still counting");
    unload(&root, "biolatency", &loaded, &links);
}

#[test]
fn biosnoop_lifecycle() {
    let Some((dir, dev)) = need_block_device() else {
        return;
    };
    let disk = disk_of(&dev);
    let root = Root::new();
    let loaded = load(&root, "biosnoop", &["-Q"]);
    let links = attach(&root, "biosnoop", &loaded);
    let pid = direct_writes(&dir, 16);
    let ev = events(&root.json(&["tool", "report", "biosnoop", "duration", "0"]));
    let ours: Vec<&Value> = ev
        .iter()
        .filter(|e| e["pid"].as_u64() == Some(pid.into()))
        .collect();
    assert!(
        ours.len() >= 16,
        "expected dd's 16 writes (pid {pid}): {ev:?}"
    );
    assert!(
        ours.iter()
            .all(|e| e["comm"] == "dd" && e["disk"] == disk.as_str()),
        "{ours:?}"
    );
    assert!(
        ours.iter().any(|e| e["type"] == "W" && e["bytes"] == 4096),
        "{ours:?}"
    );
    assert!(ours[0].get("que_ms").is_some(), "-Q adds QUE(ms)");

    let pid2 = direct_writes(&dir, 4);
    detach(&root, "biosnoop", &loaded);
    // Events buffered before detach are still there to read.
    let text = root.ok(&["tool", "report", "biosnoop", "duration", "0"]);
    assert!(text.starts_with("TIME(s)"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("dd") && l.contains(&pid2.to_string())),
        "{text}"
    );
    unload(&root, "biosnoop", &loaded, &links);
}

#[test]
fn execsnoop_lifecycle() {
    let root = Root::new();
    let loaded = load(&root, "execsnoop", &["-x"]);
    let links = attach(&root, "execsnoop", &loaded);
    let marker = format!("bpfscope-exec-{}", std::process::id());
    let child = Command::new("/bin/true")
        .arg(&marker)
        .spawn()
        .expect("spawn /bin/true");
    let pid = child.id();
    let _ = child.wait_with_output();
    // -x: failed execs too.
    let _ = Command::new("/nonexistent/bpfscope-x")
        .arg(&marker)
        .status();
    let ev = events(&root.json(&["tool", "report", "execsnoop", "duration", "0"]));
    let ok = ev
        .iter()
        .find(|e| e["pid"].as_u64() == Some(pid.into()))
        .unwrap_or_else(|| panic!("no event for pid {pid}: {ev:?}"));
    assert_eq!(ok["args"], format!("/bin/true {marker}"));
    assert_eq!(ok["ret"], 0);
    assert_eq!(ok["ppid"].as_u64(), Some(std::process::id().into()));
    assert!(
        ev.iter().any(|e| e["ret"] == -2
            && e["args"]
                .as_str()
                .is_some_and(|a| a.contains("/nonexistent/bpfscope-x"))),
        "{ev:?}"
    );

    let child = Command::new("/bin/true")
        .arg(format!("{marker}-2"))
        .spawn()
        .expect("spawn");
    let pid2 = child.id();
    let _ = child.wait_with_output();
    detach(&root, "execsnoop", &loaded);
    let text = root.ok(&["tool", "report", "execsnoop", "duration", "0"]);
    assert!(text.starts_with("PCOMM"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("true")
            && l.contains(&pid2.to_string())
            && l.contains(&format!("{marker}-2"))),
        "{text}"
    );
    unload(&root, "execsnoop", &loaded, &links);
}

#[test]
fn opensnoop_lifecycle() {
    let root = Root::new();
    let me = std::process::id().to_string();
    // -p: the kernel side filters on this test process.
    let loaded = load(&root, "opensnoop", &["-p", &me]);
    let links = attach(&root, "opensnoop", &loaded);
    let path = format!("/nonexistent-bpfscope-{me}");
    assert!(std::fs::File::open(&path).is_err());
    let ok_path = format!("/proc/{me}/status");
    assert!(std::fs::File::open(&ok_path).is_ok());
    let ev = events(&root.json(&["tool", "report", "opensnoop", "duration", "0"]));
    assert!(
        ev.iter()
            .all(|e| e["pid"].as_u64().map(|p| p.to_string()) == Some(me.clone())),
        "-p leaked other pids: {ev:?}"
    );
    let missing = ev
        .iter()
        .find(|e| e["path"] == path.as_str())
        .unwrap_or_else(|| panic!("no event for {path}: {ev:?}"));
    assert_eq!(missing["err"], 2);
    assert_eq!(missing["fd"], -1);
    let found = ev
        .iter()
        .find(|e| e["path"] == ok_path.as_str())
        .unwrap_or_else(|| panic!("no event for {ok_path}"));
    assert!(found["fd"].as_i64().is_some_and(|fd| fd >= 0));

    // COUNT stops after that many events and leaves the rest buffered.
    let abc: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|x| format!("{path}-{x}"))
        .collect();
    for p in &abc {
        let _ = std::fs::File::open(p);
    }
    let first = events(&root.json(&["tool", "report", "opensnoop", "1", "duration", "0"]));
    assert_eq!(first.len(), 1, "{first:?}");
    let rest = events(&root.json(&["tool", "report", "opensnoop", "duration", "0"]));
    for p in &abc {
        assert!(
            first
                .iter()
                .chain(rest.iter())
                .any(|e| e["path"] == p.as_str()),
            "{p} lost after COUNT"
        );
    }

    let path2 = format!("{path}-2");
    let _ = std::fs::File::open(&path2);
    detach(&root, "opensnoop", &loaded);
    let text = root.ok(&["tool", "report", "opensnoop", "duration", "0"]);
    assert!(text.starts_with("PID"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with(&me) && l.ends_with(&path2)),
        "{text}"
    );
    unload(&root, "opensnoop", &loaded, &links);
}

#[test]
fn tcpaccept_lifecycle() {
    let root = Root::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let loaded = load(&root, "tcpaccept", &["-P", &port.to_string()]);
    let links = attach(&root, "tcpaccept", &loaded);
    let client = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let (_conn, peer) = listener.accept().expect("accept");
    let ev = events(&root.json(&["tool", "report", "tcpaccept", "duration", "0"]));
    let e = ev
        .iter()
        .find(|e| e["lport"] == port)
        .unwrap_or_else(|| panic!("no accept on port {port}: {ev:?}"));
    assert_eq!(e["pid"].as_u64(), Some(std::process::id().into()));
    assert_eq!(e["raddr"], "127.0.0.1");
    assert_eq!(e["rport"], peer.port());
    assert_eq!(e["laddr"], "127.0.0.1");
    assert_eq!(e["ip"], 4);
    drop(client);

    let client2 = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let (_conn2, peer2) = listener.accept().expect("accept");
    detach(&root, "tcpaccept", &loaded);
    let text = root.ok(&["tool", "report", "tcpaccept", "duration", "0"]);
    assert!(text.starts_with("PID"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains(&peer2.port().to_string()) && l.ends_with(&port.to_string())),
        "{text}"
    );
    drop(client2);
    unload(&root, "tcpaccept", &loaded, &links);
}

#[test]
fn runqlat_lifecycle() {
    let root = Root::new();
    let me = std::process::id();
    let loaded = load(&root, "runqlat", &["-P", "-p", &me.to_string()]);
    let links = attach(&root, "runqlat", &loaded);
    // Sleeps and wake-ups: two threads ping-pong through a channel.
    let (tx, rx) = std::sync::mpsc::channel::<u32>();
    let t = std::thread::spawn(move || {
        let mut n = 0;
        while let Ok(v) = rx.recv() {
            n += v;
        }
        n
    });
    for _ in 0..200 {
        let _ = tx.send(1);
        std::thread::sleep(Duration::from_micros(200));
    }
    drop(tx);
    assert_eq!(t.join().ok(), Some(200));
    let total = |r: &Value| {
        events(&r["histograms"])
            .iter()
            .filter(|h| h["pid"].as_u64() == Some(me.into()))
            .map(|h| h["total"].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    let r = root.json(&["tool", "report", "runqlat"]);
    assert!(total(&r) >= 100, "expected our wake-ups: {r}");
    assert!(
        events(&r["histograms"])
            .iter()
            .all(|h| h["pid"].as_u64() == Some(me.into())),
        "-p leaked: {r}"
    );
    let text = root.ok(&["tool", "report", "runqlat"]);
    assert!(text.contains(&format!("pid = {me}")), "{text}");
    detach(&root, "runqlat", &loaded);
    let r1 = total(&root.json(&["tool", "report", "runqlat"]));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        r1,
        total(&root.json(&["tool", "report", "runqlat"])),
        "still counting after detach"
    );
    assert!(r1 >= 100);
    unload(&root, "runqlat", &loaded, &links);
}

#[test]
fn existing_load_refused_unless_force() {
    let root = Root::new();
    let first = load(&root, "runqlat", &[]);
    let err = root.fails(&["tool", "load", "runqlat", "-m"]);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    // The first load is untouched.
    let still = common::json(
        BPFSCOPE,
        &[
            "-j",
            "prog",
            "show",
            "pinned",
            root.path()
                .join("runqlat/progs/sched_switch")
                .to_str()
                .unwrap_or_default(),
        ],
    );
    assert!(first
        .progs
        .iter()
        .any(|(_, id)| still["id"].as_u64() == Some(*id)));
    let v = root.json(&["tool", "load", "runqlat", "--force", "-m"]);
    assert_eq!(v["args"], "-m");
    let second = Loaded {
        progs: ids(&v, "progs"),
        maps: ids(&v, "maps"),
    };
    unload(&root, "runqlat", &first, &[]);
    wait_until("second load freed", || {
        second.progs.iter().all(|(_, id)| {
            !Command::new(BPFSCOPE)
                .args(["prog", "show", "id", &id.to_string()])
                .output()
                .is_ok_and(|o| o.status.success())
        })
    });
}

#[test]
fn attach_failing_midway_rolls_back() {
    let root = Root::new();
    let loaded = load(&root, "biolatency", &[]);
    // The first link is made and pinned, then the attach fails (a fault
    // point of debug builds): the link made is removed again.
    let o = Command::new(BPFSCOPE)
        .args(["tool", "attach", "biolatency"])
        .env("BPFSCOPE_TOOL_ROOT", root.path())
        .env("BPFSCOPE_FAULT", "attach-pinned-link:error")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(255), "{err}");
    assert!(err.contains("fault point"), "{err}");
    assert!(root.entries("biolatency/links").is_empty());
    assert_eq!(
        root.entries("biolatency"),
        vec!["links".to_string(), "maps".into(), "progs".into()],
        "no staged links may stay"
    );
    wait_until("rolled-back links gone", || our_links(&loaded).is_empty());
    // A clean attach works afterwards, and a second one is refused.
    let links = attach(&root, "biolatency", &loaded);
    let err = root.fails(&["tool", "attach", "biolatency"]);
    assert!(err.contains("attached already"), "{err}");
    unload(&root, "biolatency", &loaded, &links);
}

#[test]
fn bad_names_and_roots_refused() {
    let root = Root::new();
    for name in ["../x", "a/b", "..", "../../etc", "biolatency/../x"] {
        for cmd in ["load", "attach", "detach", "report", "unload"] {
            let err = root.fails(&["tool", cmd, name]);
            assert!(err.contains("invalid name"), "{cmd} {name}: {err}");
        }
    }
    let err = root.fails(&["tool", "load", "nosuchtool"]);
    assert!(
        err.contains("unknown tool") && err.contains("biolatency"),
        "{err}"
    );
    let err = root.fails(&["tool", "report", "biolatency"]);
    assert!(err.contains("not loaded"), "{err}");
    let err = root.fails(&["tool", "load", "biolatency", "--bogus"]);
    assert!(err.contains("unknown option"), "{err}");
    let err = root.fails(&["tool", "load", "biolatency", "1", "2"]);
    assert!(err.contains("not 'tool load'"), "{err}");
    assert!(
        root.entries("").is_empty(),
        "nothing may be created: {:?}",
        root.entries("")
    );

    for bad in ["/tmp/bpfscope-root", "/sys/fs/bpf/../x", "/sys/fs/bpf/a/b"] {
        let o = Command::new(BPFSCOPE)
            .args(["tool", "unload", "biolatency"])
            .env("BPFSCOPE_TOOL_ROOT", bad)
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(255));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("invalid tool root"),
            "{bad}"
        );
    }
}

#[test]
fn run_cleans_up() {
    let root = Root::new();
    // A histogram tool for one 1-second interval, then everything is
    // removed. An interval report is NDJSON: one value per line.
    let out = root.ok(&["-j", "tool", "run", "runqlat", "1", "1"]);
    let reports: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value per line"))
        .collect();
    assert_eq!(reports.len(), 1, "{out}");
    assert!(
        reports[0]["histograms"]
            .as_array()
            .is_some_and(|h| !h.is_empty()),
        "{out}"
    );
    assert!(reports[0]["unix_ns"].as_u64().is_some(), "{out}");
    assert!(
        root.entries("").is_empty(),
        "run left {:?}",
        root.entries("")
    );
    // A snoop tool with a duration, interrupted by nothing.
    let me = std::process::id().to_string();
    let o = root.run(&["tool", "run", "opensnoop", "-p", &me, "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("PID"));
    assert!(
        root.entries("").is_empty(),
        "run left {:?}",
        root.entries("")
    );
}

#[test]
fn run_cleans_up_on_ctrl_c() {
    let root = Root::new();
    let child = Command::new(BPFSCOPE)
        .args(["tool", "run", "execsnoop"])
        .env("BPFSCOPE_TOOL_ROOT", root.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    // The run's directory appears complete (its links are not pinned).
    let dir = format!("execsnoop-run{pid}");
    wait_until("run loaded", || {
        !root.entries(&format!("{dir}/maps")).is_empty()
    });
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        root.entries("").is_empty(),
        "Ctrl-C left {:?}",
        root.entries("")
    );
}

#[test]
fn biolatency_flag_labels_from_btf() {
    let Some((dir, _)) = need_block_device() else {
        return;
    };
    let root = Root::new();
    let loaded = load(&root, "biolatency", &["-F"]);
    let links = attach(&root, "biolatency", &loaded);
    direct_writes(&dir, 32);
    let r = root.json(&["tool", "report", "biolatency"]);
    let labels: Vec<String> = r["histograms"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["flags"].as_str().map(String::from))
        .collect();
    // dd oflag=direct,sync: synchronous writes, labelled with their flags.
    assert!(
        labels
            .iter()
            .any(|l| l.ends_with("-Write") && l.contains("Sync")),
        "{r}"
    );
    // Every flag set has its own label (bits 14-16 were dropped once, so
    // different sets shared one).
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "labels repeat: {labels:?}");
    assert!(labels.iter().all(|l| !l.contains("Op")), "{labels:?}");
    unload(&root, "biolatency", &loaded, &links);
}
