//! Live-kernel tests of the user-level tools of issue 21 (uprobes):
//! gethostlatency, bashreadline, memleak, sslsniff. Per tool: load ->
//! attach -> a workload this test makes -> the report shows it (JSON and
//! text) -> unload -> every program, map and link the tool made is gone.
//! Side by side with Debian's libbpf-tools binary where it runs here.
//!
//! Workloads: tests/fixtures/workload.c (`lookup`, `leak`), driven line by
//! line on its stdin so that it acts only once the probes are attached.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use common::lifecycle::*;
use common::toolroot::Root;
use common::BPFSCOPE;

/// The workload in a mode that acts once per line it reads
/// (`lookup HOST`, `leak N SIZE`).
struct Driven {
    kid: Kid,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Driven {
    fn spawn(args: &[&str]) -> Driven {
        let mut child = Command::new(workload_bin())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("workload");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Driven {
            kid: Kid(child),
            stdin,
            stdout,
        }
    }

    fn pid(&self) -> u32 {
        self.kid.0.id()
    }

    /// One round of the workload; returns when it is done.
    fn step(&mut self) {
        self.stdin.write_all(b"go\n").expect("workload stdin");
        self.stdin.flush().expect("workload stdin");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("workload stdout");
        assert_eq!(line, "ok\n", "workload failed");
    }
}

/// `getent ARGS` (a lookup through libc); returns its pid.
fn getent(args: &[&str]) -> u32 {
    let child = Command::new("getent")
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .expect("getent");
    let pid = child.id();
    let out = child.wait_with_output().expect("getent");
    assert!(out.status.success(), "getent {args:?} failed");
    pid
}

fn events_of(events: &[Value], pid: u32) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e["pid"].as_u64() == Some(pid.into()))
        .cloned()
        .collect()
}

/// Our `tool run NAME ARGS` and Debian's /usr/sbin/NAME ARGS at once, each
/// ended by SIGINT after `secs`; stdout line-buffered. None (and a note)
/// when the Debian binary is missing.
fn spawn_both(root: &Root, name: &str, args: &[&str], secs: u64) -> Option<(Child, Child)> {
    let theirs = Path::new("/usr/sbin").join(name);
    if !theirs.exists() {
        cannot_run(&format!("{} missing", theirs.display()));
        return None;
    }
    let secs = secs.to_string();
    let theirs = Command::new("stdbuf")
        .args(["-oL", "timeout", "-s", "INT", &secs])
        .arg(theirs)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn libbpf-tools");
    let ours = Command::new("timeout")
        .args(["-s", "INT", &secs, BPFSCOPE, "tool", "run", name])
        .args(args)
        .env("BPFSCOPE_TOOL_ROOT", root.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bpfscope");
    Some((theirs, ours))
}

fn stdout_of(c: Child) -> String {
    let o = c.wait_with_output().expect("wait");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Waits until both outputs would show their header (both attached).
fn settle() {
    std::thread::sleep(Duration::from_millis(4000));
}

// -------------------------------------------------------------------- tests

#[test]
fn gethostlatency_lookups_of_getent_and_of_one_pid() {
    let root = Root::new();
    let loaded = load_attach(&root, "gethostlatency", &[]);
    let ahosts = getent(&["ahosts", "localhost"]); // getaddrinfo
    let hosts = getent(&["hosts", "localhost"]); // gethostbyname2
    let ev = array(&root.json(&["tool", "report", "gethostlatency", "duration", "0"]));
    for pid in [ahosts, hosts] {
        let mine = events_of(&ev, pid);
        assert!(!mine.is_empty(), "no lookup of getent {pid}: {ev:?}");
        for e in &mine {
            assert_eq!(e["host"], "localhost", "{e}");
            assert_eq!(e["comm"], "getent", "{e}");
            assert!(e["lat_ns"].as_u64().is_some_and(|n| n > 0), "{e}");
            let ms: f64 = e["lat_ms"].as_str().unwrap().parse().unwrap();
            let ns = e["lat_ns"].as_u64().unwrap() as f64;
            assert!((ms - ns / 1e6).abs() < 0.001, "{e}");
        }
    }
    // Text: libbpf-tools' header and line.
    let again = getent(&["ahosts", "localhost"]);
    let text = root.ok(&["tool", "report", "gethostlatency", "duration", "0"]);
    assert!(
        text.starts_with("TIME     PID     COMM             LATms      HOST\n"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| {
            l.get(9..)
                .is_some_and(|r| r.starts_with(&again.to_string()))
        })
        .unwrap_or_else(|| panic!("no line of getent {again}: {text}"));
    assert!(
        line.contains(" getent ") && line.ends_with(" localhost"),
        "{line}"
    );
    unload(&root, loaded);

    // -p: the probes go into one process; getent's lookups stay out, each
    // of the workload's three functions shows up.
    let mut w = Driven::spawn(&["lookup", "localhost"]);
    let pid = w.pid().to_string();
    let one = Root::new();
    let loaded = load_attach(&one, "gethostlatency", &["-p", &pid]);
    w.step();
    let outsider = getent(&["ahosts", "localhost"]);
    let ev = array(&one.json(&["tool", "report", "gethostlatency", "duration", "0"]));
    assert_eq!(events_of(&ev, w.pid()).len(), 3, "{ev:?}");
    assert!(events_of(&ev, outsider).is_empty(), "-p leaked: {ev:?}");
    assert!(ev.iter().all(|e| e["pid"].as_u64() == Some(w.pid().into())));
    unload(&one, loaded);
}

#[test]
fn gethostlatency_bad_libc_and_pid_are_one_line_errors() {
    let root = Root::new();
    let err = root.fails(&["tool", "load", "gethostlatency", "-l", "/etc/hostname"]);
    assert!(err.contains("is not an ELF file"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let err = root.fails(&["tool", "load", "gethostlatency", "-l", "libnosuch_bpfscope"]);
    assert!(
        err.contains("can't find library 'libnosuch_bpfscope'"),
        "{err}"
    );
    // A library without getaddrinfo.
    let err = root.fails(&["tool", "load", "gethostlatency", "-l", "libm"]);
    assert!(err.contains("no function 'getaddrinfo'"), "{err}");
    root.fails(&["tool", "load", "gethostlatency", "-p", "0"]);
    assert!(
        root.entries("").is_empty(),
        "left behind: {:?}",
        root.entries("")
    );
}

/// Debian's gethostlatency and ours over the same lookups: the same header
/// and exactly the same lookups of the test's getent processes (tolerance
/// 0: every call is an event in both).
#[test]
fn gethostlatency_side_by_side_with_libbpf_tools() {
    let root = Root::new();
    let Some((theirs, ours)) = spawn_both(&root, "gethostlatency", &[], 9) else {
        return;
    };
    settle();
    let pids: Vec<u32> = (0..3)
        .flat_map(|_| {
            [
                getent(&["ahosts", "localhost"]),
                getent(&["hosts", "localhost"]),
            ]
        })
        .collect();
    let (theirs, ours) = (stdout_of(theirs), stdout_of(ours));
    let header = |out: &str| out.lines().next().unwrap_or_default().to_string();
    assert_eq!(header(&theirs), header(&ours), "{theirs}\n---\n{ours}");
    let lines_of = |out: &str, pid: u32| {
        out.lines()
            .filter(|l| l.split_whitespace().nth(1) == Some(&pid.to_string()))
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (f[2].to_string(), f[4].to_string())
            })
            .collect::<Vec<_>>()
    };
    for pid in pids {
        let (t, o) = (lines_of(&theirs, pid), lines_of(&ours, pid));
        assert!(
            !t.is_empty(),
            "libbpf-tools saw no lookup of {pid}: {theirs}"
        );
        assert_eq!(t, o, "getent {pid}:\n{theirs}\n---\n{ours}");
    }
}
