//! The lifecycle of a bundled tool as the live tests drive it (load +
//! attach, report, unload and check that every program, map and link is
//! gone), and the workloads they share: direct I/O, a C workload built with
//! clang, children killed on drop, a veth pair between two namespaces.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::toolroot::Root;
use super::BPFSCOPE;

/// What a load made (ids), and the tool's name.
pub struct Loaded {
    pub tool: String,
    pub progs: Vec<u64>,
    pub maps: Vec<u64>,
}

pub fn ids(v: &Value, key: &str) -> Vec<u64> {
    v[key]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["id"].as_u64()).collect())
        .unwrap_or_default()
}

/// `tool load` + `tool attach`; checks the metadata of the first program.
pub fn load_attach(root: &Root, tool: &str, args: &[&str]) -> Loaded {
    let mut all = vec!["tool", "load", tool];
    all.extend_from_slice(args);
    let v = root.json(&all);
    assert_eq!(v["args"], args.join(" "));
    let loaded = Loaded {
        tool: tool.to_string(),
        progs: ids(&v, "progs"),
        maps: ids(&v, "maps"),
    };
    assert!(!loaded.progs.is_empty() && !loaded.maps.is_empty(), "{v}");
    let first = &v["progs"][0]["pinned"];
    let shown = super::json(
        BPFSCOPE,
        &["-j", "prog", "show", "pinned", first.as_str().unwrap_or("")],
    );
    assert_eq!(shown["metadata"]["tool"], tool, "{shown}");
    let a = root.json(&["tool", "attach", tool]);
    assert!(a["links"].as_array().is_some_and(|l| !l.is_empty()), "{a}");
    loaded
}

pub fn link_ids_of(loaded: &Loaded) -> Vec<u64> {
    let links = super::json(BPFSCOPE, &["-j", "link", "show"]);
    links
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|l| {
                    l["prog_id"]
                        .as_u64()
                        .is_some_and(|p| loaded.progs.contains(&p))
                })
                .filter_map(|l| l["id"].as_u64())
                .collect()
        })
        .unwrap_or_default()
}

pub fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(Instant::now() < end, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Unloads, then every program, map and link of the tool must be gone.
pub fn unload(root: &Root, loaded: Loaded) {
    let links = link_ids_of(&loaded);
    assert!(
        !links.is_empty(),
        "{}: no kernel links while attached",
        loaded.tool
    );
    root.ok(&["tool", "unload", &loaded.tool]);
    assert!(!root.path().join(&loaded.tool).exists());
    let gone = |what: &str, id: u64| {
        !Command::new(BPFSCOPE)
            .args([what, "show", "id", &id.to_string()])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    wait_until("programs freed", || {
        loaded.progs.iter().all(|id| gone("prog", *id))
    });
    wait_until("maps freed", || {
        loaded.maps.iter().all(|id| gone("map", *id))
    });
    wait_until("links freed", || links.iter().all(|id| gone("link", *id)));
}

/// syscount's `[HH:MM:SS]` line (libbpf-tools prints one per report).
pub fn is_bracketed_time(line: Option<&str>) -> bool {
    line.is_some_and(|l| {
        l.len() == 10 && l.starts_with('[') && l.ends_with(']') && l.as_bytes()[3] == b':'
    })
}

pub fn array(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// Runs only under root with the kernel feature; elsewhere says why (and
/// fails under CI=true: no silent skips there).
pub fn cannot_run(why: &str) {
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("NOTE: test not run: {why}");
}

// ---------------------------------------------------------------- workloads

/// A directory on a real block device (for O_DIRECT), via findmnt.
pub fn block_device_dir() -> Option<PathBuf> {
    for dir in ["/var/tmp", "/root", "/"] {
        let o = Command::new("findmnt")
            .args(["-n", "-o", "SOURCE", "--target", dir])
            .output()
            .ok()?;
        if String::from_utf8_lossy(&o.stdout)
            .trim()
            .starts_with("/dev/")
        {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

/// dd with O_DIRECT: `count` writes of `kib` KiB each; returns dd's pid.
pub fn direct_writes(dir: &Path, kib: u32, count: u32) -> u32 {
    let file = dir.join(format!("bpfscope-tools-more-{}-{kib}", std::process::id()));
    let child = Command::new("dd")
        .arg("if=/dev/zero")
        .arg(format!("of={}", file.display()))
        .args([
            &format!("bs={kib}k"),
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

/// tests/fixtures/workload.c built once per test process (frame pointers on).
pub fn workload_bin() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workload.c");
        // Named "workload": its comm is what the reports show. Under the
        // target dir (cargo's scratch space for tests), built to a
        // per-process name and renamed, so runs never see a half-written file.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bpfscope-workload");
        std::fs::create_dir_all(&dir).expect("workload dir");
        let tmp = dir.join(format!("workload.{}", std::process::id()));
        let out = dir.join("workload");
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

/// A child killed and reaped on drop.
pub struct Kid(pub Child);

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn spawn_workload(args: &[&str]) -> Kid {
    Kid(Command::new(workload_bin())
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn workload"))
}

/// Two network namespaces joined by a veth pair, removed on drop
/// (10.231.7.1 in `a`, 10.231.7.2 in `b`).
pub struct NetPair {
    pub a: String,
    pub b: String,
    /// The veth in `b`.
    pub vb: String,
}

pub fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

impl NetPair {
    pub fn new() -> Option<NetPair> {
        // Unique per test in this process too (tests run in parallel); the
        // subnet is shared, but each pair lives in namespaces of its own.
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{}{n}", std::process::id() % 100_000);
        let (va, vb) = (format!("bsa{id}"), format!("bsb{id}"));
        let pair = NetPair {
            a: format!("bpfscope-rtA-{id}"),
            b: format!("bpfscope-rtB-{id}"),
            vb: vb.clone(),
        };
        let ok = ip(&["netns", "add", &pair.a])
            && ip(&["netns", "add", &pair.b])
            && ip(&[
                "link", "add", &va, "netns", &pair.a, "type", "veth", "peer", "name", &vb, "netns",
                &pair.b,
            ])
            && ip(&["-n", &pair.a, "addr", "add", "10.231.7.1/30", "dev", &va])
            && ip(&["-n", &pair.b, "addr", "add", "10.231.7.2/30", "dev", &vb])
            && ip(&["-n", &pair.a, "link", "set", &va, "up"])
            && ip(&["-n", &pair.b, "link", "set", &vb, "up"]);
        ok.then_some(pair)
    }

    pub fn veth_b(&self) -> String {
        self.vb.clone()
    }
}

impl Drop for NetPair {
    fn drop(&mut self) {
        ip(&["netns", "del", &self.a]);
        ip(&["netns", "del", &self.b]);
    }
}

/// Runs `f` on a thread that joined network namespace `ns`.
pub fn in_netns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let path = format!("/var/run/netns/{ns}");
    std::thread::spawn(move || {
        let fd = std::fs::File::open(&path).expect("open netns");
        nix::sched::setns(fd, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
        f()
    })
    .join()
    .expect("netns thread")
}
