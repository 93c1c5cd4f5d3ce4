//! Live-kernel tests of issue 21's block, memory, TCP and PMU tools
//! (biostacks, writeback, tcplife, tcpstates, llcstat): per tool, load ->
//! attach -> a workload this test makes -> the report shows it (JSON and
//! text) -> unload leaves nothing. tcplife and tcpstates also run side by
//! side with Debian's libbpf-tools binaries over the same connections.
//!
//! Workloads: TCP sessions over loopback (v4 and v6) and across a veth
//! pair between two network namespaces, between a listener and a client of
//! this process, each moving a known number of bytes; buffered writes and
//! syncfs (writeback); O_DIRECT writes with dd (biostacks). llcstat: the
//! refusal where no hardware PMU counts cache events (this VM), the whole
//! lifecycle over a spinning child where one does.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use common::lifecycle::*;
use common::parity::libbpf_tool;
use common::toolroot::Root;
use common::BPFSCOPE;

// ---------------------------------------------------------------- helpers

/// Bytes the client sends, and the server answers, in each [`session`].
const SENT: usize = 1000;
const ANSWERED: usize = 3000;

/// Whether a byte counter of the kernel's tcp_sock is `n` data bytes: its
/// bytes_acked and bytes_received also count the sequence numbers of the
/// SYN and FIN (one each) when those were acked or received.
fn data_bytes(v: &Value, n: usize) -> bool {
    v.as_u64()
        .is_some_and(|b| (n as u64..=n as u64 + 2).contains(&b))
}

/// One TCP session with `listener`: connect, SENT bytes one way, ANSWERED
/// back, client closes first. Returns the client's local port.
fn session(listener: &TcpListener) -> u16 {
    let addr = listener.local_addr().expect("listener address");
    let mut client = TcpStream::connect(addr).expect("connect");
    let (mut server, _) = listener.accept().expect("accept");
    let local = client.local_addr().expect("client address").port();
    client.write_all(&[b'x'; SENT]).expect("send");
    let mut buf = vec![0u8; SENT];
    server.read_exact(&mut buf).expect("receive");
    server.write_all(&[b'y'; ANSWERED]).expect("answer");
    let mut buf = vec![0u8; ANSWERED];
    client.read_exact(&mut buf).expect("read answer");
    drop(client);
    // The client's FIN reaches the server before it closes: read to EOF.
    let _ = server.read(&mut [0u8; 16]);
    drop(server);
    local
}

fn loopback_listener(v6: bool) -> Option<TcpListener> {
    let addr: SocketAddr = if v6 { "[::1]:0" } else { "127.0.0.1:0" }.parse().ok()?;
    TcpListener::bind(addr).ok()
}

/// An event report read once (`duration 0`), as JSON.
fn events_now(root: &Root, tool: &str) -> Vec<Value> {
    array(&root.json(&["tool", "report", tool, "duration", "0"]))
}

fn u16_of(v: &Value) -> u16 {
    v.as_u64().and_then(|n| u16::try_from(n).ok()).unwrap_or(0)
}

/// A tool running in the background, its stdout collected as it comes.
struct Side {
    child: Child,
    out: Arc<Mutex<String>>,
    reader: std::thread::JoinHandle<()>,
}

impl Side {
    fn spawn(cmd: &mut Command) -> Side {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let out = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&out);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap_or_else(|p| p.into_inner());
                s.push_str(&line);
                s.push('\n');
            }
        });
        Side { child, out, reader }
    }

    fn has_line_starting(&self, prefix: &str) -> bool {
        let s = self.out.lock().unwrap_or_else(|p| p.into_inner());
        s.lines().any(|l| l.starts_with(prefix))
    }

    fn lines_with(&self, words: &[&str]) -> usize {
        let s = self.out.lock().unwrap_or_else(|p| p.into_inner());
        lines_with(&s, words).len()
    }

    /// SIGINT (through `timeout`, which passes it on), then the end:
    /// stdout and stderr.
    fn finish(mut self) -> (String, String) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGINT,
            );
        }
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let _ = self.child.wait();
        let _ = self.reader.join();
        let out = self.out.lock().unwrap_or_else(|p| p.into_inner()).clone();
        (out, err)
    }
}

/// libbpf-tools' NAME and `bpfscope tool run NAME`, with the same words,
/// for at most `secs` (then SIGINT: both print what they have and end);
/// returns once both printed their header (`head`), i.e. are attached.
fn spawn_both(root: &Root, name: &str, args: &[&str], secs: u64, head: &str) -> (Side, Side) {
    let theirs = Side::spawn(
        Command::new("stdbuf")
            .args(["-oL", "timeout", "-s", "INT", &secs.to_string()])
            .arg(Path::new("/usr/sbin").join(name))
            .args(args),
    );
    let ours = Side::spawn(
        Command::new("timeout")
            .args([
                "-s",
                "INT",
                &secs.to_string(),
                BPFSCOPE,
                "tool",
                "run",
                name,
            ])
            .args(args)
            .env("BPFSCOPE_TOOL_ROOT", root.path()),
    );
    wait_until("both tools attached", || {
        theirs.has_line_starting(head) && ours.has_line_starting(head)
    });
    (theirs, ours)
}

/// Lines of `out` whose whitespace-separated words include every one of `words`.
fn lines_with<'a>(out: &'a str, words: &[&str]) -> Vec<&'a str> {
    out.lines()
        .filter(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            words.iter().all(|x| w.contains(x))
        })
        .collect()
}

// ------------------------------------------------------------------ tcplife

#[test]
fn tcplife_loopback_sessions_bytes_and_filters() {
    let Some(listener) = loopback_listener(false) else {
        return cannot_run("no IPv4 loopback");
    };
    let port = listener.local_addr().expect("addr").port();
    let root = Root::new();
    // -L: the server's side of each session only (its local port).
    let loaded = load_attach(&root, "tcplife", &["-L", &port.to_string()]);
    let clients: Vec<u16> = (0..3).map(|_| session(&listener)).collect();
    let me = u64::from(std::process::id());
    let mut ours = Vec::new();
    wait_until("three sessions reported", || {
        ours.extend(events_now(&root, "tcplife"));
        ours.len() >= 3
    });
    assert_eq!(
        ours.len(),
        3,
        "-L {port} lets only the server side in: {ours:?}"
    );
    for e in &ours {
        assert_eq!(u16_of(&e["sport"]), port, "{e}");
        assert!(clients.contains(&u16_of(&e["dport"])), "{e}");
        assert_eq!(
            (e["saddr"].as_str(), e["daddr"].as_str()),
            (Some("127.0.0.1"), Some("127.0.0.1"))
        );
        // The server sent ANSWERED bytes (all acked) and received SENT.
        assert!(data_bytes(&e["tx_b"], ANSWERED), "{e}");
        assert!(data_bytes(&e["rx_b"], SENT), "{e}");
        assert_eq!(e["pid"].as_u64(), Some(me), "{e}");
        assert!(
            e["span_us"].as_u64().is_some_and(|us| us < 10_000_000),
            "{e}"
        );
    }
    // The JSON report consumed those events: three more for the text.
    for _ in 0..3 {
        session(&listener);
    }
    let mut text = String::new();
    wait_until("three more sessions", || {
        text.push_str(&root.ok(&["tool", "report", "tcplife", "duration", "0"]));
        text.lines()
            .filter(|l| l.starts_with(&me.to_string()))
            .count()
            >= 3
    });
    assert!(
        text.starts_with(
            "PID     COMM             LADDR           LPORT RADDR           RPORT TX_KB  RX_KB  MS\n"
        ),
        "{text}"
    );
    let p = port.to_string();
    let rows = lines_with(&text, &["127.0.0.1", &p, "2.93", "0.98"]);
    assert_eq!(rows.len(), 3, "{text}");
    assert!(
        rows.iter().all(|l| l.starts_with(&me.to_string())),
        "{text}"
    );
    unload(&root, loaded);
}

#[test]
fn tcplife_ipv6_only_and_wide() {
    let (Some(v4), Some(v6)) = (loopback_listener(false), loopback_listener(true)) else {
        return cannot_run("no IPv4 and IPv6 loopback");
    };
    let root = Root::new();
    let loaded = load_attach(&root, "tcplife", &["-6", "-w"]);
    let p4 = v4.local_addr().expect("addr").port();
    let p6 = v6.local_addr().expect("addr").port();
    session(&v4);
    let client = session(&v6);
    let mut mine = Vec::new();
    wait_until("the v6 session", || {
        mine.extend(events_now(&root, "tcplife").into_iter().filter(|e| {
            [p4, p6].contains(&u16_of(&e["sport"])) || [p4, p6].contains(&u16_of(&e["dport"]))
        }));
        mine.len() >= 2
    });
    // Both sides of the v6 session; nothing of the v4 one.
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(
        mine.iter()
            .all(|e| e["saddr"] == "::1" && e["daddr"] == "::1"),
        "{mine:?}"
    );
    let c = mine
        .iter()
        .find(|e| u16_of(&e["sport"]) == client)
        .unwrap_or_else(|| panic!("no client side: {mine:?}"));
    assert!(
        data_bytes(&c["tx_b"], SENT) && data_bytes(&c["rx_b"], ANSWERED),
        "{c}"
    );
    session(&v6);
    let text = root.ok(&["tool", "report", "tcplife", "duration", "0"]);
    // -w: addresses in 39 columns.
    let head = text.lines().next().unwrap_or_default();
    assert!(
        head.starts_with(&format!("PID     COMM             {:<39} LPORT ", "LADDR")),
        "{text}"
    );
    unload(&root, loaded);
}

#[test]
fn tcplife_across_a_veth_pair() {
    let Some(net) = NetPair::new() else {
        return cannot_run("can't make a veth pair between two network namespaces");
    };
    // The listener lives in namespace b (a socket keeps its namespace);
    // it serves from a thread of its own while the client runs in a.
    let Ok(listener) = in_netns(&net.b, || TcpListener::bind("10.231.7.2:0")) else {
        return cannot_run("can't listen in the test namespace");
    };
    let port = listener.local_addr().expect("addr").port();
    let root = Root::new();
    // -D: the client's side (its remote port is the listener's).
    let loaded = load_attach(&root, "tcplife", &["-D", &port.to_string()]);
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let mut buf = vec![0u8; SENT];
        s.read_exact(&mut buf).expect("receive");
        s.write_all(&[b'y'; ANSWERED]).expect("answer");
        let _ = s.read(&mut [0u8; 16]);
    });
    let client = in_netns(&net.a, move || {
        let mut c = TcpStream::connect(("10.231.7.2", port)).expect("connect over the veth");
        c.write_all(&[b'x'; SENT]).expect("send");
        let mut buf = vec![0u8; ANSWERED];
        c.read_exact(&mut buf).expect("read answer");
        c.local_addr().expect("client address").port()
    });
    server.join().expect("server thread");
    let mut ours = Vec::new();
    wait_until("the client's session", || {
        ours.extend(events_now(&root, "tcplife"));
        !ours.is_empty()
    });
    assert_eq!(ours.len(), 1, "{ours:?}");
    let e = &ours[0];
    assert_eq!(
        (
            e["saddr"].as_str(),
            u16_of(&e["sport"]),
            e["daddr"].as_str(),
            u16_of(&e["dport"])
        ),
        (Some("10.231.7.1"), client, Some("10.231.7.2"), port),
        "{e}"
    );
    assert!(
        data_bytes(&e["tx_b"], SENT) && data_bytes(&e["rx_b"], ANSWERED),
        "{e}"
    );
    assert_eq!(
        e["pid"].as_u64(),
        Some(u64::from(std::process::id())),
        "{e}"
    );
    unload(&root, loaded);
}

#[test]
fn tcplife_side_by_side() {
    if libbpf_tool("tcplife").is_none() {
        return;
    }
    let Some(listener) = loopback_listener(false) else {
        return cannot_run("no IPv4 loopback");
    };
    let port = listener.local_addr().expect("addr").port().to_string();
    let root = Root::new();
    let (theirs, ours) = spawn_both(&root, "tcplife", &["-4"], 20, "PID");
    const N: usize = 5;
    for _ in 0..N {
        session(&listener);
    }
    wait_until("both sides of every session in both", || {
        theirs.lines_with(&[&port]) >= 2 * N && ours.lines_with(&[&port]) >= 2 * N
    });
    let ((t, terr), (o, oerr)) = (theirs.finish(), ours.finish());
    let head = |s: &str| s.lines().find(|l| l.starts_with("PID")).map(String::from);
    assert_eq!(head(&t), head(&o), "{t}\n{terr}\n{o}\n{oerr}");
    // Every session, both sides, in both: the same addresses, ports and
    // KB (the MS column is each tool's own clock reading).
    let rows = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = lines_with(s, &[&port])
            .iter()
            .map(|l| {
                l.split_whitespace()
                    .skip(2)
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        v.sort();
        v
    };
    let (rt, ro) = (rows(&t), rows(&o));
    assert_eq!(rt.len(), 2 * N, "libbpf-tools:\n{t}\n{terr}");
    assert_eq!(rt, ro, "libbpf-tools:\n{t}\nbpfscope:\n{o}\n{oerr}");
}

// ---------------------------------------------------------------- tcpstates

/// The client socket's transitions, as libbpf-tools names them.
const CLIENT_STATES: [(&str, &str); 5] = [
    ("CLOSE", "SYN_SENT"),
    ("SYN_SENT", "ESTABLISHED"),
    ("ESTABLISHED", "FIN_WAIT1"),
    ("FIN_WAIT1", "FIN_WAIT2"),
    ("FIN_WAIT2", "CLOSE"),
];

#[test]
fn tcpstates_loopback_transitions() {
    let Some(listener) = loopback_listener(false) else {
        return cannot_run("no IPv4 loopback");
    };
    let port = listener.local_addr().expect("addr").port();
    let root = Root::new();
    // -D: sockets whose remote port is the listener's: the clients.
    let loaded = load_attach(&root, "tcpstates", &["-D", &port.to_string(), "-T"]);
    let client = session(&listener);
    let mut ours = Vec::new();
    wait_until("the client's five transitions", || {
        ours.extend(events_now(&root, "tcpstates"));
        ours.len() >= CLIENT_STATES.len()
    });
    assert!(ours.iter().all(|e| u16_of(&e["dport"]) == port), "{ours:?}");
    let seen: Vec<(&str, &str)> = ours
        .iter()
        .map(|e| {
            (
                e["oldstate"].as_str().unwrap_or(""),
                e["newstate"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(seen, CLIENT_STATES, "{ours:?}");
    // One socket throughout; the port is bound from SYN_SENT on.
    assert!(
        ours.iter().all(|e| e["skaddr"] == ours[0]["skaddr"]),
        "{ours:?}"
    );
    assert!(
        ours[1..].iter().all(|e| u16_of(&e["sport"]) == client),
        "{ours:?}"
    );
    assert_eq!(
        ours[0]["delta_ns"], 0,
        "the first transition has no earlier state"
    );
    assert_eq!(ours[0]["pid"].as_u64(), Some(u64::from(std::process::id())));
    // The JSON report consumed those: a second session for the text.
    let client = session(&listener);
    let mut text = String::new();
    wait_until("the second session", || {
        text.push_str(&root.ok(&["tool", "report", "tcpstates", "duration", "0"]));
        text.contains("FIN_WAIT2   -> CLOSE")
    });
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("TIME(s)  SKADDR           PID     COMM       LADDR           LPORT RADDR           RPORT OLDSTATE    -> NEWSTATE    MS"),
        "{text}"
    );
    let c = client.to_string();
    let row = lines_with(&text, &[&c, "SYN_SENT", "->", "ESTABLISHED"]);
    assert_eq!(row.len(), 1, "{text}");
    assert_eq!(row[0].as_bytes()[2], b':', "HH:MM:SS first: {text}");
    unload(&root, loaded);
}

#[test]
fn tcpstates_side_by_side() {
    if libbpf_tool("tcpstates").is_none() {
        return;
    }
    let Some(listener) = loopback_listener(false) else {
        return cannot_run("no IPv4 loopback");
    };
    let port = listener.local_addr().expect("addr").port().to_string();
    let root = Root::new();
    let (theirs, ours) = spawn_both(&root, "tcpstates", &["-D", &port], 20, "SKADDR");
    const N: usize = 4;
    for _ in 0..N {
        session(&listener);
    }
    let want = CLIENT_STATES.len() * N;
    wait_until("every transition in both", || {
        theirs.lines_with(&[&port]) >= want && ours.lines_with(&[&port]) >= want
    });
    let ((t, terr), (o, oerr)) = (theirs.finish(), ours.finish());
    let head = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("SKADDR"))
            .map(String::from)
    };
    assert_eq!(head(&t), head(&o), "{t}\n{terr}\n{o}\n{oerr}");
    // The same transitions: LADDR LPORT RADDR RPORT OLD -> NEW (SKADDR,
    // PID, COMM and MS left out: the comm is this test's thread, the
    // times each tool's own).
    let rows = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = lines_with(s, &[&port])
            .iter()
            .map(|l| {
                l.split_whitespace()
                    .skip(3)
                    .take(7)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        v.sort();
        v
    };
    let (rt, ro) = (rows(&t), rows(&o));
    assert_eq!(
        rt.len(),
        CLIENT_STATES.len() * N,
        "libbpf-tools:\n{t}\n{terr}"
    );
    assert_eq!(rt, ro, "libbpf-tools:\n{t}\nbpfscope:\n{o}\n{oerr}");
}

// ---------------------------------------------------------------- writeback

/// `MAJ:MIN` of the file system holding `path` (glibc's dev_t layout).
fn fs_dev(path: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    let dev = std::fs::metadata(path).expect("stat").dev();
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    format!("{major}:{minor}")
}

/// Writes `mib` MiB through the page cache into `file`, then syncfs(2)
/// of its file system (`sync -f`): sync writeback of at least those pages.
fn dirty_and_sync(file: &Path, mib: usize) {
    std::fs::write(file, vec![b'w'; mib << 20]).expect("write");
    let st = Command::new("sync").arg("-f").arg(file).status();
    assert!(st.is_ok_and(|s| s.success()), "sync -f failed");
}

#[test]
fn writeback_sync_of_a_written_file() {
    let Some(dir) = block_device_dir() else {
        return cannot_run("no directory on a block device");
    };
    let file = dir.join(format!("bpfscope-writeback-{}", std::process::id()));
    let dev = fs_dev(&dir);
    let root = Root::new();
    let loaded = load_attach(&root, "writeback", &[]);
    dirty_and_sync(&file, 4);
    let mut ours: Vec<Value> = Vec::new();
    let pages = |v: &[Value]| -> i64 { v.iter().filter_map(|e| e["pages"].as_i64()).sum() };
    wait_until("writeback of the 1024 pages written", || {
        ours.extend(
            events_now(&root, "writeback")
                .into_iter()
                .filter(|e| e["sb_dev"] == dev.as_str() && e["reason"] == "sync"),
        );
        pages(&ours) >= 1024
    });
    for e in &ours {
        assert!(e["name"].as_str().is_some_and(|n| !n.is_empty()), "{e}");
        let (ns, ms) = (
            e["lat_ns"].as_u64().unwrap_or(0),
            e["ms"].as_str().unwrap_or(""),
        );
        assert_eq!(
            ms,
            format!("{}.{:03}", ns / 1_000_000, ns / 1000 % 1000),
            "{e}"
        );
    }
    // The text: writeback.bt's header, and a sync line for this device's bdi.
    let bdi = ours[0]["name"].as_str().unwrap_or_default().to_string();
    dirty_and_sync(&file, 1);
    let mut text = String::new();
    wait_until("a sync line", || {
        text.push_str(&root.ok(&["tool", "report", "writeback", "duration", "0"]));
        !lines_with(&text, &[&bdi, "sync"]).is_empty()
    });
    let _ = std::fs::remove_file(&file);
    assert!(
        text.starts_with("TIME      DEVICE   PAGES    REASON           ms\n"),
        "{text}"
    );
    let line = lines_with(&text, &[&bdi, "sync"])[0];
    assert_eq!(line.as_bytes()[2], b':', "{text}");
    unload(&root, loaded);
}

// ------------------------------------------------------------------ llcstat

/// Whether the list entry of `name` says this machine supports it.
fn listed(root: &Root, name: &str) -> Value {
    array(&root.json(&["tool", "list"]))
        .into_iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not in tool list"))
}

#[test]
fn llcstat_needs_a_hardware_pmu() {
    let root = Root::new();
    let me = listed(&root, "llcstat");
    if me["supported"] == true {
        // A machine with a PMU: the whole lifecycle over a spinning child.
        let loaded = load_attach(&root, "llcstat", &["-c", "1000"]);
        let kid = spawn_workload(&["cpu", "3"]);
        let pid = u64::from(kid.0.id());
        std::thread::sleep(Duration::from_secs(2));
        let r = root.json(&["tool", "report", "llcstat"]);
        let rows = array(&r["rows"]);
        let mine: Vec<&Value> = rows.iter().filter(|e| e["pid"] == pid).collect();
        assert!(!mine.is_empty(), "no row for pid {pid}: {r}");
        assert!(mine.iter().all(|e| e["comm"] == "workload"), "{r}");
        let refs: u64 = mine.iter().filter_map(|e| e["ref"].as_u64()).sum();
        assert!(
            refs > 0 && refs.is_multiple_of(1000),
            "whole periods of 1000: {r}"
        );
        let last = rows.last().cloned().unwrap_or_default();
        assert_eq!(last["comm"], "Total", "{r}");
        let text = root.ok(&["tool", "report", "llcstat"]);
        assert!(
            text.starts_with("PID      NAME             CPU     REFERENCE         MISS    HIT%\n"),
            "{text}"
        );
        unload(&root, loaded);
        return;
    }
    // No PMU (this VM): listed as unsupported, naming the two events.
    assert_eq!(
        me["missing"],
        serde_json::json!([
            "perf_event/hardware/cache-misses",
            "perf_event/hardware/cache-references"
        ]),
        "{me}"
    );
    let text = root.ok(&["tool", "list"]);
    let line = text
        .lines()
        .find(|l| l.starts_with("llcstat "))
        .unwrap_or_default();
    assert!(
        line.contains("no: needs perf_event/hardware/cache-misses"),
        "{text}"
    );
    // load and run refuse in one line naming the PMU; nothing is left.
    for args in [
        &["tool", "load", "llcstat"][..],
        &["tool", "load", "llcstat", "-t", "-c", "500"],
        &["tool", "run", "llcstat", "1"],
    ] {
        let err = root.fails(args);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(
            err.starts_with("Error: tool 'llcstat' is not supported on this machine: no hardware PMU counts cache-misses, cache-references here"),
            "{err}"
        );
        assert!(
            root.entries("").is_empty(),
            "{args:?} left {:?}",
            root.entries("")
        );
    }
    let o = root.run(&["-j", "tool", "load", "llcstat"]);
    assert_eq!(o.status.code(), Some(255));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON error");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("hardware PMU")),
        "{v}"
    );
    // Bad options are refused before the PMU is asked.
    let err = root.fails(&["tool", "load", "llcstat", "-c", "0"]);
    assert!(err.contains("SAMPLE_PERIOD"), "{err}");
    assert!(root.entries("").is_empty());
    // The kernel has nothing of llcstat either: no program by that name.
    let progs = common::json(BPFSCOPE, &["-j", "prog", "show"]);
    assert!(
        !array(&progs)
            .iter()
            .any(|p| p["name"] == "on_cache_miss" || p["name"] == "on_cache_ref"),
        "a program of llcstat is loaded"
    );
}

// ---------------------------------------------------------------- biostacks

#[test]
fn biostacks_direct_writes_by_stack() {
    let Some(dir) = block_device_dir() else {
        return cannot_run("no directory on a block device");
    };
    let dev = fs_dev(&dir);
    let disk = std::fs::read_to_string("/proc/partitions")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.len() == 4 && format!("{}:{}", w[0], w[1]) == dev).then(|| w[3].to_string())
        });
    let Some(disk) = disk else {
        return cannot_run(&format!("{dev} is not a disk of /proc/partitions"));
    };
    let root = Root::new();
    // -d: that disk only.
    let loaded = load_attach(&root, "biostacks", &["-d", &disk]);
    let dd = u64::from(direct_writes(&dir, 16, 40));
    let r = root.json(&["tool", "report", "biostacks"]);
    let hists = array(&r["histograms"]);
    assert!(hists.iter().all(|h| h["disk"] == disk.as_str()), "{r}");
    // dd's pid may also read its own executable from disk inside
    // execve(2), under the comm it had before the exec (the test's): those
    // stacks run through bprm_execve, and are not dd's writes.
    let (mine, exec): (Vec<&Value>, Vec<&Value>) = hists
        .iter()
        .filter(|h| h["pid"] == dd)
        .partition(|h| h["comm"] == "dd");
    assert!(!mine.is_empty(), "no histogram of dd (pid {dd}): {r}");
    assert!(mine.iter().all(|h| h["unit"] == "usecs"), "{r}");
    assert!(
        exec.iter()
            .all(|h| array(&h["stack"]).iter().any(|f| f == "bprm_execve")),
        "{r}"
    );
    // Every O_DIRECT write is one request submitted by dd's write(2): its
    // stack runs from the block layer's accounting up to the system call.
    let total: u64 = mine.iter().filter_map(|h| h["total"].as_u64()).sum();
    assert!(total >= 40, "{total} requests of dd: {r}");
    let write = mine
        .iter()
        .find(|h| {
            let s = array(&h["stack"]);
            s.iter().any(|f| f == "vfs_write")
                && s.first().is_some_and(|f| f == "blk_account_io_start")
        })
        .unwrap_or_else(|| panic!("no stack from write(2) to blk_account_io_start: {r}"));
    let buckets: u64 = array(&write["buckets"])
        .iter()
        .filter_map(|b| b["count"].as_u64())
        .sum();
    assert_eq!(Some(buckets), write["total"].as_u64(), "{write}");
    // A report without an interval leaves the map: the text shows them too.
    let text = root.ok(&["tool", "report", "biostacks"]);
    let head = format!("{:<14} {:<6} {disk}", "dd", dd);
    let block: Vec<&str> = text
        .split("\n\n")
        .find(|b| b.starts_with(&head) && b.contains("\nvfs_write\n"))
        .unwrap_or_else(|| panic!("no block for dd: {text}"))
        .lines()
        .collect();
    assert_eq!(block.get(1), Some(&"blk_account_io_start"), "{text}");
    assert!(
        block
            .iter()
            .any(|l| l.starts_with("     usecs               : count    distribution")),
        "{text}"
    );
    // An interval report clears: the next one has nothing of dd.
    let _ = root.ndjson(&["tool", "report", "biostacks", "1", "1"]);
    let r = root.json(&["tool", "report", "biostacks"]);
    assert!(
        !array(&r["histograms"]).iter().any(|h| h["pid"] == dd),
        "{r}"
    );
    unload(&root, loaded);
}

#[test]
fn biostacks_options_refused() {
    let root = Root::new();
    for (args, what) in [
        (
            &["tool", "load", "biostacks", "-d", "nosuchdisk"][..],
            "nosuchdisk",
        ),
        (&["tool", "run", "biostacks", "0"], "duration"),
        (&["tool", "load", "biostacks", "-x"], "-x"),
    ] {
        let err = root.fails(args);
        assert!(err.contains(what) && err.lines().count() == 1, "{err}");
    }
    assert!(root.entries("").is_empty(), "{:?}", root.entries(""));
}
