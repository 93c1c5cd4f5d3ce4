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
    // Detached: lookups go unseen; attached again, seen again. (The
    // kernel frees an unpinned link after an RCU grace period.)
    root.ok(&["tool", "detach", "gethostlatency"]);
    wait_until("links released", || link_ids_of(&loaded).is_empty());
    let unseen = getent(&["ahosts", "localhost"]);
    root.ok(&["tool", "attach", "gethostlatency"]);
    let seen = getent(&["ahosts", "localhost"]);
    let ev = array(&root.json(&["tool", "report", "gethostlatency", "duration", "0"]));
    assert!(
        events_of(&ev, unseen).is_empty(),
        "seen while detached: {ev:?}"
    );
    assert!(
        !events_of(&ev, seen).is_empty(),
        "not seen once attached again: {ev:?}"
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

/// An interactive bash in a detached tmux session of its own (killed on
/// drop): the test types into it as a user would.
struct Shell {
    socket: String,
}

impl Shell {
    fn start(tag: &str) -> Option<Shell> {
        let socket = format!("bpfscope-test-{}-{tag}", std::process::id());
        let ok = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-s", "t", "-x", "120"])
            .args(["-y", "20", "/bin/bash --norc --noprofile"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            cannot_run("tmux is needed to drive an interactive bash (apt-get install tmux)");
            return None;
        }
        let shell = Shell { socket };
        // The shell is up once it has drawn its prompt (`bash-5.2#`).
        wait_until("bash prompt", || !shell.screen().trim().is_empty());
        Some(shell)
    }

    fn tmux(&self, args: &[&str]) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    fn pid(&self) -> u32 {
        let out = self.tmux(&["display", "-p", "-t", "t", "#{pane_pid}"]);
        out.trim().parse().expect("pane pid")
    }

    /// Types `line` and Enter, and waits for bash to have run it (the
    /// command echoes `marker`).
    fn type_line(&self, line: &str, marker: &str) {
        self.tmux(&["send-keys", "-t", "t", line, "Enter"]);
        wait_until("the command ran", || {
            self.screen().lines().any(|l| l.trim() == marker)
        });
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

#[test]
fn bashreadline_lines_typed_into_a_shell() {
    // The shell waits in readline before the probe exists: its first line
    // shows all the same (the probe is on the function returning the line).
    let Some(shell) = Shell::start("readline") else {
        return;
    };
    let root = Root::new();
    let loaded = load_attach(&root, "bashreadline", &[]);
    let tag = std::process::id();
    shell.type_line(&format!("echo first-{tag}"), &format!("first-{tag}"));
    shell.type_line(
        &format!("echo second-{tag}  # spaces kept"),
        &format!("second-{tag}"),
    );
    let ev = array(&root.json(&["tool", "report", "bashreadline", "duration", "0"]));
    let lines: Vec<String> = events_of(&ev, shell.pid())
        .iter()
        .map(|e| e["str"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        lines,
        [
            format!("echo first-{tag}"),
            format!("echo second-{tag}  # spaces kept")
        ],
        "{ev:?}"
    );
    // Text (the JSON report consumed those events): a third line.
    shell.type_line(&format!("echo third-{tag}"), &format!("third-{tag}"));
    let text = root.ok(&["tool", "report", "bashreadline", "duration", "0"]);
    assert!(text.starts_with("TIME      PID     COMMAND\n"), "{text}");
    let pid = shell.pid().to_string();
    assert!(
        text.lines()
            .any(|l| l.get(10..).is_some_and(|r| r.starts_with(&pid))
                && l.ends_with(&format!("   echo third-{tag}"))),
        "{text}"
    );
    unload(&root, loaded);

    let err = root.fails(&["tool", "load", "bashreadline", "-s", "/etc/hostname"]);
    assert!(err.contains("is not an ELF file"), "{err}");
    assert!(root.entries("").is_empty());
}

/// Debian's bashreadline and ours over a shell started after both attach
/// (Debian's probes readline's return, which misses a line a shell was
/// already waiting for): the same header, and the same lines of that
/// shell, all of them (tolerance 0).
#[test]
fn bashreadline_side_by_side_with_libbpf_tools() {
    let root = Root::new();
    let Some((theirs, ours)) = spawn_both(&root, "bashreadline", &[], 10) else {
        return;
    };
    settle();
    let Some(shell) = Shell::start("parity") else {
        return;
    };
    let tag = std::process::id();
    let typed: Vec<String> = (0..3).map(|i| format!("echo parity-{tag}-{i}")).collect();
    for (i, line) in typed.iter().enumerate() {
        shell.type_line(line, &format!("parity-{tag}-{i}"));
    }
    let pid = shell.pid().to_string();
    let (theirs, ours) = (stdout_of(theirs), stdout_of(ours));
    let header = |out: &str| out.lines().next().unwrap_or_default().to_string();
    assert_eq!(header(&theirs), header(&ours), "{theirs}\n---\n{ours}");
    let lines_of = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| l.split_whitespace().nth(1) == Some(pid.as_str()))
            .map(|l| l.get(18..).unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(lines_of(&theirs), typed, "{theirs}");
    assert_eq!(lines_of(&ours), typed, "{ours}");
}

/// The stacks of `pid` in a stack report's JSON.
fn stacks_of(report: &Value, pid: u32) -> Vec<Value> {
    array(&report["stacks"])
        .into_iter()
        .filter(|s| s["pid"].as_u64() == Some(pid.into()))
        .collect()
}

fn frames(stack: &Value, side: &str) -> Vec<String> {
    array(&stack[side])
        .iter()
        .filter_map(|f| f.as_str().map(String::from))
        .collect()
}

#[test]
fn memleak_user_mode_counts_the_blocks_a_process_keeps() {
    // Each round: 7 blocks of 3000 bytes kept, 7 more freed.
    let (blocks, size) = (7u64, 3000u64);
    let mut w = Driven::spawn(&["leak", &blocks.to_string(), &size.to_string()]);
    let pid = w.pid().to_string();
    let root = Root::new();
    // -T 1: the largest stack only (stdio's buffer is another, smaller).
    let loaded = load_attach(&root, "memleak", &["-p", &pid, "-T", "1"]);
    w.step();
    let r = root.json(&["tool", "report", "memleak"]);
    assert_eq!(r["unit"], "bytes", "{r}");
    assert_eq!(array(&r["stacks"]).len(), 1, "{r}");
    let wpid = w.pid();
    let leaking = |r: &Value| -> Vec<Value> {
        stacks_of(r, wpid)
            .into_iter()
            .filter(|s| {
                frames(s, "user")
                    .iter()
                    .any(|f| f == "bpfscope_leak_target")
            })
            .collect()
    };
    let mine = leaking(&r);
    assert_eq!(mine.len(), 1, "{r}");
    // Exactly the kept blocks: the freed ones were taken back.
    assert_eq!(mine[0]["count"].as_u64(), Some(blocks * size), "{r}");
    assert!(
        mine[0].get("kernel").is_none(),
        "user mode has no kernel side: {r}"
    );
    let user = frames(&mine[0], "user");
    // Its callers (static ones inlined into main).
    assert!(user.iter().any(|f| f == "main"), "{user:?}");
    // A report reads, it does not clear: a second round doubles it.
    w.step();
    let r = root.json(&["tool", "report", "memleak"]);
    assert_eq!(
        leaking(&r)[0]["count"].as_u64(),
        Some(2 * blocks * size),
        "{r}"
    );
    let text = root.ok(&["tool", "report", "memleak"]);
    let block = text
        .split("\n\n")
        .find(|b| b.contains("bpfscope_leak_target"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        block.contains(&format!("workload ({pid})"))
            && block.trim_end().ends_with(&(2 * blocks * size).to_string()),
        "{block}"
    );
    unload(&root, loaded);
}

/// `tool run memleak -p PID` in the foreground while the workload leaks,
/// ended by SIGINT: the stack report of what it kept.
#[test]
fn memleak_run_in_the_foreground() {
    let mut w = Driven::spawn(&["leak", "3", "5000"]);
    let pid = w.pid().to_string();
    let root = Root::new();
    let run = Command::new("timeout")
        .args([
            "-s", "INT", "8", BPFSCOPE, "tool", "run", "memleak", "-p", &pid,
        ])
        .env("BPFSCOPE_TOOL_ROOT", root.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tool run");
    // Leak on, whenever the run has attached.
    for _ in 0..20 {
        w.step();
        std::thread::sleep(Duration::from_millis(300));
    }
    let out = run.wait_with_output().expect("tool run");
    let text = String::from_utf8_lossy(&out.stdout);
    let block = text
        .split("\n\n")
        .find(|b| b.contains("bpfscope_leak_target"))
        .unwrap_or_else(|| panic!("{text}{}", String::from_utf8_lossy(&out.stderr)));
    assert!(block.contains(&format!("workload ({pid})")), "{block}");
    // Whole rounds of 3 blocks of 5000 bytes.
    let bytes: u64 = block.lines().last().unwrap().trim().parse().unwrap();
    assert!(bytes > 0 && bytes.is_multiple_of(15000), "{block}");
    assert!(
        root.entries("").is_empty(),
        "run left {:?}",
        root.entries("")
    );
}

#[test]
fn user_tools_are_listed_as_supported_here() {
    let root = Root::new();
    let list = array(&root.json(&["tool", "list"]));
    for name in ["gethostlatency", "bashreadline", "memleak", "sslsniff"] {
        let t = list
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("{name} not listed: {list:?}"));
        assert_eq!(t["supported"], true, "{t}");
    }
}

#[test]
fn memleak_kernel_mode_sees_the_pages_a_process_faults_in() {
    // 64 blocks of 64 KiB touched and kept: at least 4 MiB of pages the
    // kernel allocated in its page faults, outstanding while it runs.
    let (blocks, size) = (64u64, 65536u64);
    let mut w = Driven::spawn(&["leak", &blocks.to_string(), &size.to_string()]);
    let root = Root::new();
    // Every stack (-T), not the 10 largest of the whole machine.
    let loaded = load_attach(&root, "memleak", &["-T", "100000"]);
    w.step();
    let r = root.json(&["tool", "report", "memleak"]);
    let mine = stacks_of(&r, w.pid());
    assert!(!mine.is_empty(), "no kernel allocation of the workload");
    for s in &mine {
        assert!(s.get("user").is_none(), "kernel mode has no user side: {s}");
    }
    let faults: u64 = mine
        .iter()
        .filter(|s| frames(s, "kernel").iter().any(|f| f.contains("fault")))
        .filter_map(|s| s["count"].as_u64())
        .sum();
    assert!(
        faults >= blocks * size,
        "{faults} bytes from page faults: {r}"
    );
    unload(&root, loaded);
}

#[test]
fn memleak_bad_options_leave_nothing() {
    let root = Root::new();
    for args in [
        &["-O", "libc"][..],
        &["-p", "1", "-P"],
        &["-z", "10", "-Z", "5"],
        &["-p", "1", "-O", "/etc/hostname"],
        &["-p", "1", "-O", "libm"],
    ] {
        let mut all = vec!["tool", "load", "memleak"];
        all.extend_from_slice(args);
        let err = root.fails(&all);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    assert!(root.entries("").is_empty(), "{:?}", root.entries(""));
}

/// `openssl s_server` on a loopback port with a self-signed certificate;
/// killed on drop.
struct TlsServer {
    kid: Kid,
    port: u16,
    dir: std::path::PathBuf,
}

impl TlsServer {
    fn start() -> Option<TlsServer> {
        if Command::new("openssl").arg("version").output().is_err() {
            cannot_run("openssl is needed (apt-get install openssl)");
            return None;
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("bpfscope-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tls dir");
        let st = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args([
                "-subj",
                "/CN=localhost",
                "-keyout",
                "key.pem",
                "-out",
                "cert.pem",
            ])
            .current_dir(&dir)
            .stderr(Stdio::null())
            .status()
            .expect("openssl req");
        assert!(st.success(), "openssl req failed");
        // A free port: bind, note it, release.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let kid = Kid(Command::new("openssl")
            .args(["s_server", "-quiet", "-cert", "cert.pem"])
            .args(["-key", "key.pem", "-accept", &format!("127.0.0.1:{port}")])
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("s_server"));
        // (It takes the probing connection's failed handshake in its stride.)
        wait_until("s_server listening", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        Some(TlsServer { kid, port, dir })
    }

    fn pid(&self) -> u32 {
        self.kid.0.id()
    }

    /// `openssl s_client` connects and sends `line`; returns the client,
    /// kept open (its session ends when it is dropped).
    fn send(&self, line: &str) -> Kid {
        let mut client = Kid(Command::new("openssl")
            .args([
                "s_client",
                "-quiet",
                "-connect",
                &format!("127.0.0.1:{}", self.port),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("s_client"));
        let stdin = client.0.stdin.as_mut().expect("stdin");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .expect("send");
        stdin.flush().expect("send");
        client
    }
}

/// Events of `tool report NAME duration 0` (with `args`), read again and
/// again until `done` says the wanted ones are in (a report consumes what
/// it read, so they are gathered).
fn gather(root: &Root, name: &str, args: &[&str], done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let mut all = Vec::new();
    let mut words = vec!["tool", "report", name];
    words.extend_from_slice(args);
    words.extend_from_slice(&["duration", "0"]);
    wait_until("the events", || {
        all.extend(array(&root.json(&words)));
        done(&all)
    });
    all
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn sslsniff_plaintext_of_a_loopback_tls_session() {
    let Some(server) = TlsServer::start() else {
        return;
    };
    let root = Root::new();
    let loaded = load_attach(&root, "sslsniff", &["-x", "-l"]);
    let secret = format!("hello-secret-{}", std::process::id());
    let line = format!("{secret}\n");
    let client = server.send(&secret);
    let (cpid, spid) = (client.0.id(), server.pid());
    let has = |ev: &[Value], pid: u32, func: &str| {
        events_of(ev, pid)
            .into_iter()
            .find(|e| e["func"] == func && e["buf"] == line.as_str())
    };
    let ev = gather(&root, "sslsniff", &[], |ev| {
        has(ev, cpid, "WRITE/SEND").is_some() && has(ev, spid, "READ/RECV").is_some()
    });
    let sent = has(&ev, cpid, "WRITE/SEND").unwrap();
    assert_eq!(sent["len"].as_u64(), Some(line.len() as u64), "{sent}");
    assert_eq!(sent["comm"], "openssl");
    assert_eq!(sent["uid"], 0);
    assert!(sent["delta_ns"].as_u64().is_some_and(|d| d > 0), "{sent}");
    drop(client);
    unload(&root, loaded);

    // Text, -p: that process's calls only; BCC's columns, the data last
    // (its newline escaped: one line per call).
    let spid = server.pid().to_string();
    let one = Root::new();
    let loaded = load_attach(&one, "sslsniff", &["-p", &spid]);
    let client = server.send(&secret);
    let cpid = client.0.id().to_string();
    let mut text = String::new();
    wait_until("the server's read", || {
        text.push_str(&one.ok(&["tool", "report", "sslsniff", "duration", "0"]));
        text.lines().any(|l| {
            l.starts_with("READ/RECV ")
                && l.contains(&format!(" {spid} "))
                && l.ends_with(&format!("{secret}\\x0a"))
        })
    });
    assert!(
        text.starts_with("FUNC         TIME(s)            COMM             PID     LEN    DATA\n"),
        "{text}"
    );
    assert!(!text.contains(&format!(" {cpid} ")), "-p leaked: {text}");
    drop(client);
    unload(&one, loaded);
}

#[test]
fn sslsniff_without_the_library_is_one_line() {
    let root = Root::new();
    let err = root.fails(&["tool", "load", "sslsniff", "--ssl-lib", "libnosuchssl"]);
    assert!(err.contains("can't find library 'libnosuchssl'"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let err = root.fails(&["tool", "load", "sslsniff", "--handshake"]);
    assert!(err.contains("needs -l"), "{err}");
    assert!(root.entries("").is_empty(), "{:?}", root.entries(""));
}

/// A uprobe binary named by the user that is a FIFO, a device or a
/// directory is refused at once with one line, never opened for reading
/// (a FIFO would block the command for ever), and nothing is left.
#[test]
fn special_files_as_uprobe_binaries_are_refused_at_once() {
    let root = Root::new();
    let fifo = std::env::temp_dir().join(format!("bpfscope-uprobe-fifo-{}", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).expect("mkfifo");
    let f = fifo.to_str().unwrap_or_default().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["run".into(), "funccount".into(), format!("u:{f}:foo")],
            "a FIFO",
        ),
        (
            vec![
                "load".into(),
                "gethostlatency".into(),
                "-l".into(),
                f.clone(),
            ],
            "a FIFO",
        ),
        (
            vec![
                "load".into(),
                "bashreadline".into(),
                "-s".into(),
                "/dev/zero".into(),
            ],
            "a character device",
        ),
        (
            vec!["run".into(), "funccount".into(), "u:/tmp:foo".into()],
            "a directory",
        ),
    ];
    for (words, kind) in cases {
        let mut child = Command::new(BPFSCOPE)
            .arg("tool")
            .args(&words)
            .env("BPFSCOPE_TOOL_ROOT", root.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn bpfscope");
        let end = std::time::Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait") {
                break Some(s);
            }
            if std::time::Instant::now() > end {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        assert!(status.is_some(), "{words:?}: still running after 20 s");
        assert_eq!(status.and_then(|s| s.code()), Some(255), "{words:?}: {err}");
        assert!(
            err.starts_with("Error: ") && err.lines().count() == 1 && err.contains(kind),
            "{words:?}: {err}"
        );
    }
    let _ = std::fs::remove_file(&fifo);
    assert!(root.entries("").is_empty(), "{:?}", root.entries(""));
}
