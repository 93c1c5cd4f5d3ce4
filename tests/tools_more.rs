//! Live-kernel tests of issue 8's tools: per tool, load -> attach -> a
//! workload this test makes -> the report shows it (JSON and text) ->
//! unload -> every program, map and link the tool made is gone. Plus
//! ext4slower's refusal on a kernel without fentry/kprobes, folded
//! stacks read back by inferno and the --svg flame graph.
//!
//! Each test has its own tool root (`BPFSCOPE_TOOL_ROOT`, a
//! /sys/fs/bpf/bpfscope-test-<pid>-<n> directory removed on drop).
//! Workloads: direct I/O (dd), a loopback listener, a veth pair between two
//! network namespaces made here (a peer taken down forces retransmits), a
//! memory cgroup made here (an OOM kill inside it), and a small C program
//! (tests/fixtures/workload.c) for CPU and sleep stacks.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::lifecycle::*;
use common::toolroot::Root;

// -------------------------------------------------------------------- tests

#[test]
fn killsnoop_kill_to_a_child() {
    let root = Root::new();
    let me = std::process::id().to_string();
    let loaded = load_attach(&root, "killsnoop", &["-p", &me]);
    let child = Command::new("sleep").arg("30").spawn().expect("sleep");
    let cpid = child.id() as i32;
    let mut child = Kid(child);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(cpid),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("kill child");
    let _ = child.0.wait();
    // A failing kill (no such process): result -ESRCH.
    let bogus = nix::unistd::Pid::from_raw(0x3fff_fff0);
    assert!(nix::sys::signal::kill(bogus, None).is_err());

    let ev = array(&root.json(&["tool", "report", "killsnoop", "duration", "0"]));
    let e = ev
        .iter()
        .find(|e| e["tpid"] == cpid)
        .unwrap_or_else(|| panic!("no kill of {cpid}: {ev:?}"));
    assert_eq!(e["sig"], 15);
    assert_eq!(e["signal"], "SIGTERM");
    assert_eq!(e["result"], 0);
    assert_eq!(e["pid"].as_u64(), Some(std::process::id().into()));
    assert!(
        ev.iter()
            .any(|e| e["tpid"] == 0x3fff_fff0 && e["result"] == -3),
        "{ev:?}"
    );
    assert!(
        ev.iter()
            .all(|e| e["pid"].as_u64() == Some(std::process::id().into())),
        "-p leaked: {ev:?}"
    );

    // Text: libbpf-tools' columns.
    let cpid2 = {
        let c = Command::new("sleep").arg("30").spawn().expect("sleep");
        let pid = c.id() as i32;
        let mut k = Kid(c);
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        )
        .expect("kill");
        let _ = k.0.wait();
        pid
    };
    let text = root.ok(&["tool", "report", "killsnoop", "duration", "0"]);
    // libbpf-tools' header, TIME always.
    assert!(
        text.starts_with("TIME     PID     COMM             SIG       TPID    RESULT"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.get(9..).is_some_and(|r| r.starts_with(&me))
                && l.contains(" 9 ")
                && l.contains(&cpid2.to_string())),
        "{text}"
    );
    // -n: the signal's name in the SIG column.
    let named = root.ok(&["tool", "report", "killsnoop", "-n", "duration", "0"]);
    assert!(named.is_empty() || named.starts_with("TIME"), "{named}");
    unload(&root, loaded);
}

#[test]
fn tcpconnect_loopback_events_and_counts() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port().to_string();
    // Two roots: events, and -c counts, over the same connects.
    let ev_root = Root::new();
    let count_root = Root::new();
    let ev = load_attach(&ev_root, "tcpconnect", &["-P", &port, "-U", "-s"]);
    let counts = load_attach(&count_root, "tcpconnect", &["-c", "-P", &port]);
    let mut sports = Vec::new();
    for _ in 0..3 {
        let c =
            TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap_or(0))).expect("connect");
        sports.push(c.local_addr().expect("local").port());
        let _ = listener.accept().expect("accept");
    }
    let events = array(&ev_root.json(&["tool", "report", "tcpconnect", "duration", "0"]));
    let me = u64::from(std::process::id());
    let ours: Vec<&Value> = events
        .iter()
        .filter(|e| e["dport"].as_u64().map(|p| p.to_string()) == Some(port.clone()))
        .collect();
    assert_eq!(ours.len(), 3, "{events:?}");
    for e in &ours {
        assert_eq!(e["pid"].as_u64(), Some(me), "{e}");
        assert_eq!(
            (e["daddr"].as_str(), e["saddr"].as_str(), e["ip"].as_u64()),
            (Some("127.0.0.1"), Some("127.0.0.1"), Some(4))
        );
        assert_eq!(e["uid"], 0);
        assert_eq!(e["established"], true);
    }
    for sp in &sports {
        assert!(
            ours.iter().any(|e| e["sport"] == *sp),
            "sport {sp}: {ours:?}"
        );
    }
    let c = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap_or(0))).expect("connect");
    let _ = listener.accept();
    let text = ev_root.ok(&["tool", "report", "tcpconnect", "duration", "0"]);
    assert!(
        text.starts_with(
            "UID   PID    COMM         IP SADDR            DADDR            SPORT DPORT"
        ),
        "{text}"
    );
    let sp = c.local_addr().expect("local").port().to_string();
    assert!(
        text.lines().any(|l| l.contains(&sp) && l.ends_with(&port)),
        "{text}"
    );

    let r = count_root.json(&["tool", "report", "tcpconnect"]);
    let rows = array(&r["rows"]);
    let row = rows
        .iter()
        .find(|r| r["rport"].as_u64().map(|p| p.to_string()) == Some(port.clone()))
        .unwrap_or_else(|| panic!("no count for port {port}: {r}"));
    assert_eq!(row["connects"], 4, "{r}");
    assert_eq!(row["laddr"], "127.0.0.1");
    let text = count_root.ok(&["tool", "report", "tcpconnect"]);
    assert!(
        text.starts_with("LADDR") && text.contains("CONNECTS"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains(&port) && l.trim_end().ends_with('4')),
        "{text}"
    );
    unload(&ev_root, ev);
    unload(&count_root, counts);
}

#[test]
fn tcpretrans_through_a_dropping_veth() {
    let Some(net) = NetPair::new() else {
        return cannot_run("can't create network namespaces and a veth pair (ip netns/link)");
    };
    let ev_root = Root::new();
    let count_root = Root::new();
    let ev = load_attach(&ev_root, "tcpretrans", &["-4"]);
    let counts = load_attach(&count_root, "tcpretrans", &["-c"]);

    // Server in B, client in A; established, then B's end goes down and
    // the client's data is never acknowledged: retransmits.
    let listener = in_netns(&net.b, || {
        TcpListener::bind("10.231.7.2:0").expect("bind in ns B")
    });
    let port = listener.local_addr().expect("addr").port();
    let mut client = in_netns(&net.a, move || {
        TcpStream::connect_timeout(
            &(std::net::Ipv4Addr::new(10, 231, 7, 2), port).into(),
            Duration::from_secs(5),
        )
        .expect("connect across the veth")
    });
    let (mut server, _) = listener.accept().expect("accept");
    client.write_all(b"hello").expect("write");
    let mut buf = [0u8; 5];
    server.read_exact(&mut buf).expect("read");
    let lport = client.local_addr().expect("local").port();
    assert!(ip(&["-n", &net.b, "link", "set", &net.veth_b(), "down"]));
    client.write_all(b"lost in the veth").expect("write");
    // RTO starts at >= 200 ms and doubles: a few retransmits within ~1.5 s.
    let want = |e: &Value| e["lport"] == lport && e["rport"] == port;
    let end = Instant::now() + Duration::from_secs(5);
    let mut seen = Vec::new();
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(300));
        seen.extend(array(&ev_root.json(&[
            "tool",
            "report",
            "tcpretrans",
            "duration",
            "0",
        ])));
        if seen.iter().filter(|e| want(e)).count() >= 2 {
            break;
        }
    }
    let ours: Vec<&Value> = seen.iter().filter(|e| want(e)).collect();
    assert!(
        ours.len() >= 2,
        "expected retransmits of {lport}->{port}: {seen:?}"
    );
    assert_eq!(ours[0]["laddr"], "10.231.7.1");
    assert_eq!(ours[0]["raddr"], "10.231.7.2");
    assert_eq!(ours[0]["local"], format!("10.231.7.1:{lport}"));
    assert_eq!(ours[0]["state"], "ESTABLISHED");

    let r = count_root.json(&["tool", "report", "tcpretrans"]);
    let row = array(&r["rows"])
        .into_iter()
        .find(|r| r["lport"] == lport && r["rport"] == port)
        .unwrap_or_else(|| panic!("no count row: {r}"));
    assert!(row["retransmits"].as_u64().is_some_and(|n| n >= 2), "{row}");
    let text = count_root.ok(&["tool", "report", "tcpretrans"]);
    assert!(
        text.starts_with("LADDR:LPORT") && text.contains("RETRANSMITS"),
        "{text}"
    );
    assert!(text.contains(&format!("10.231.7.2:{port}")), "{text}");
    drop((client, server));
    unload(&ev_root, ev);
    unload(&count_root, counts);
}

#[test]
fn bitesize_and_hardirqs_on_direct_io() {
    let Some(dir) = block_device_dir() else {
        return cannot_run("no filesystem on a block device here (findmnt): no direct I/O");
    };
    let bite = Root::new();
    let irq = Root::new();
    let irq_hist = Root::new();
    let b = load_attach(&bite, "bitesize", &["-c", "dd"]);
    let i = load_attach(&irq, "hardirqs", &["-C"]);
    let h = load_attach(&irq_hist, "hardirqs", &["-d"]);
    // 32 writes of 16 KiB (slot 16 -> 31 Kbytes), 16 of 64 KiB (64 -> 127).
    direct_writes(&dir, 16, 32);
    direct_writes(&dir, 64, 16);

    let r = bite.json(&["tool", "report", "bitesize"]);
    let hists = array(&r["histograms"]);
    assert!(hists.iter().all(|h| h["comm"] == "dd"), "-c dd leaked: {r}");
    let dd = hists
        .first()
        .unwrap_or_else(|| panic!("no dd histogram: {r}"));
    assert_eq!(dd["unit"], "Kbytes");
    let bucket = |low: u64| {
        array(&dd["buckets"])
            .iter()
            .find(|b| b["low"] == low)
            .and_then(|b| b["count"].as_u64())
            .unwrap_or(0)
    };
    // A few may be issued from a kworker (not dd's comm) or merged.
    assert!(bucket(16) >= 24, "16 KiB writes: {r}");
    assert!(bucket(64) >= 16, "64 KiB writes: {r}");
    let text = bite.ok(&["tool", "report", "bitesize"]);
    assert!(
        text.contains("Process Name = dd") && text.contains("Kbytes") && text.contains("|*"),
        "{text}"
    );

    // The block device's completions arrive as interrupts.
    let r = irq.json(&["tool", "report", "hardirqs"]);
    let rows = array(&r["rows"]);
    assert!(
        rows.iter()
            .any(|row| row["count"].as_u64().is_some_and(|c| c >= 1)),
        "{r}"
    );
    let text = irq.ok(&["tool", "report", "hardirqs"]);
    assert!(
        text.starts_with("HARDIRQ                    TOTAL_count"),
        "{text}"
    );
    let r = irq_hist.json(&["tool", "report", "hardirqs"]);
    assert!(
        array(&r["histograms"])
            .iter()
            .any(|h| h["total"].as_u64().is_some_and(|t| t >= 1) && h["hardirq"].is_string()),
        "{r}"
    );
    let text = irq_hist.ok(&["tool", "report", "hardirqs"]);
    assert!(
        text.contains("hardirq = ") && text.contains("usecs"),
        "{text}"
    );
    unload(&bite, b);
    unload(&irq, i);
    unload(&irq_hist, h);
}

#[test]
fn syscount_by_process_and_by_latency() {
    let by_proc = Root::new();
    let by_lat = Root::new();
    let p = load_attach(&by_proc, "syscount", &["-P", "-T", "1000"]);
    let l = load_attach(&by_lat, "syscount", &["-L", "-e", "ENOENT", "-T", "50"]);
    // 20000 one-byte reads and writes in one process.
    let dd = Command::new("dd")
        .args([
            "if=/dev/zero",
            "of=/dev/null",
            "bs=1",
            "count=20000",
            "status=none",
        ])
        .spawn()
        .expect("dd");
    let ddpid = dd.id();
    assert!(dd.wait_with_output().is_ok_and(|o| o.status.success()));
    // 300 failed stats (ENOENT) from this process.
    for i in 0..300 {
        assert!(std::fs::metadata(format!("/nonexistent-bpfscope-{i}")).is_err());
    }

    let r = by_proc.json(&["tool", "report", "syscount"]);
    let rows = array(&r["rows"]);
    let dd = rows
        .iter()
        .find(|r| r["pid"] == ddpid)
        .unwrap_or_else(|| panic!("no row for dd {ddpid}: {r}"));
    assert!(dd["count"].as_u64().is_some_and(|c| c >= 40_000), "{dd}");
    assert_eq!(dd["comm"], "dd");
    let text = by_proc.ok(&["tool", "report", "syscount"]);
    assert!(
        text.lines().nth(1) == Some("PID    COMM               COUNT")
            && is_bracketed_time(text.lines().next()),
        "{text}"
    );

    let r = by_lat.json(&["tool", "report", "syscount"]);
    let rows = array(&r["rows"]);
    let stat_names = ["statx", "newfstatat", "stat", "lstat"];
    let stat: u64 = rows
        .iter()
        .filter(|r| {
            r["syscall"]
                .as_str()
                .is_some_and(|s| stat_names.contains(&s))
        })
        .filter_map(|r| r["count"].as_u64())
        .sum();
    assert!(stat >= 300, "expected our 300 failed stats: {r}");
    assert!(rows.iter().all(|r| r["total_ns"].is_u64()), "{r}");
    let text = by_lat.ok(&["tool", "report", "syscount"]);
    assert!(
        text.lines().nth(1) == Some("SYSCALL                   COUNT        TIME (us)")
            && is_bracketed_time(text.lines().next()),
        "{text}"
    );
    unload(&by_proc, p);
    unload(&by_lat, l);
}

#[test]
fn cachestat_page_cache_reads() {
    let Some(dir) = block_device_dir() else {
        return cannot_run("no filesystem on a block device here (findmnt)");
    };
    let root = Root::new();
    let loaded = load_attach(&root, "cachestat", &["-T"]);
    let path = dir.join(format!("bpfscope-cachestat-{}", std::process::id()));
    let data = vec![0x5au8; 8 << 20];
    {
        let mut f = std::fs::File::create(&path).expect("create");
        f.write_all(&data).expect("write");
        f.sync_all().expect("fsync");
        // Evict this file's pages only, so the first read misses.
        let _ = nix::fcntl::posix_fadvise(
            std::os::fd::AsRawFd::as_raw_fd(&f),
            0,
            0,
            nix::fcntl::PosixFadviseAdvice::POSIX_FADV_DONTNEED,
        );
    }
    let mut buf = Vec::new();
    for _ in 0..2 {
        buf.clear();
        std::fs::File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut buf))
            .expect("read");
        assert_eq!(buf.len(), data.len());
    }
    let _ = std::fs::remove_file(&path);
    let r = root.json(&["tool", "report", "cachestat"]);
    let row = &r["rows"][0];
    let n = |k: &str| row[k].as_u64().unwrap_or(0);
    // 2 x 2048 pages asked for; the first pass misses them.
    assert!(n("accesses") >= 4096, "{r}");
    assert!(n("misses") >= 1024, "{r}");
    assert!(n("hits") >= 2048, "{r}");
    assert!(n("dirties") >= 1, "{r}");
    assert!(row["cached_mb"].as_u64().is_some_and(|c| c > 0), "{r}");
    let text = root.ok(&["tool", "report", "cachestat"]);
    assert!(
        text.starts_with("TIME         HITS   MISSES  DIRTIES HITRATIO   BUFFERS_MB  CACHED_MB"),
        "{text}"
    );
    // Interval mode: one row per interval, the map cleared in between.
    let v = root.ndjson(&["tool", "report", "cachestat", "1", "2"]);
    assert_eq!(v.len(), 2, "{v:?}");
    unload(&root, loaded);
}

#[test]
fn profile_one_thread_and_one_cpu() {
    // -L: only the spinning child's thread (single-threaded: tid = pid).
    let kid = spawn_workload(&["cpu", "30"]);
    let tid = kid.0.id().to_string();
    let root = Root::new();
    let loaded = load_attach(&root, "profile", &["-L", &tid, "-F", "499"]);
    std::thread::sleep(Duration::from_millis(1200));
    let r = root.json(&["tool", "report", "profile"]);
    let stacks = array(&r["stacks"]);
    assert!(!stacks.is_empty(), "no samples of thread {tid}: {r}");
    assert!(
        stacks
            .iter()
            .all(|s| s["pid"].as_u64().map(|p| p.to_string()) == Some(tid.clone())),
        "-L leaked: {r}"
    );
    drop(kid);
    unload(&root, loaded);

    // -C: one perf event, on that CPU only.
    let root = Root::new();
    let loaded = load_attach(&root, "profile", &["-C", "0"]);
    assert_eq!(root.entries("profile/links"), vec!["do_perf_event-cpu0"]);
    unload(&root, loaded);

    // A CPU that is not online fails the attach, which leaves no link.
    root.ok(&["tool", "load", "profile", "-C", "4096"]);
    let e = root.fails(&["tool", "attach", "profile"]);
    assert!(e.contains("CPU 4096") && e.contains("not online"), "{e}");
    assert!(root.entries("profile/links").is_empty());
    root.ok(&["tool", "unload", "profile"]);
    let e = root.fails(&["tool", "load", "profile", "-p", "1", "-L", "1"]);
    assert!(e.contains("exclusive"), "{e}");
    assert!(!root.path().join("profile").exists());
}

#[test]
fn profile_stacks_folded_and_svg() {
    // Runs until killed at the end: symbolization needs it alive.
    let kid = spawn_workload(&["cpu", "60"]);
    let pid = kid.0.id().to_string();
    let root = Root::new();
    let loaded = load_attach(&root, "profile", &["-p", &pid, "-F", "499"]);
    let links = root.entries("");
    assert_eq!(links, vec!["profile".to_string()]);
    std::thread::sleep(Duration::from_millis(1500));
    let r = root.json(&["tool", "report", "profile"]);
    let stacks = array(&r["stacks"]);
    assert!(!stacks.is_empty(), "no samples of {pid}: {r}");
    assert!(
        stacks
            .iter()
            .all(|s| s["pid"].as_u64().map(|p| p.to_string()) == Some(pid.clone())),
        "-p leaked: {r}"
    );
    let hits: u64 = stacks
        .iter()
        .filter(|s| {
            array(&s["user"])
                .iter()
                .any(|f| f == "bpfscope_spin_target")
        })
        .filter_map(|s| s["count"].as_u64())
        .sum();
    assert!(
        hits >= 100,
        "bpfscope_spin_target in too few samples ({hits}): {r}"
    );
    // The spin runs in user mode: those samples have no kernel stack
    // (-EFAULT), which is not a missed one (bcc's stack_id_err()).
    let missed: Vec<&Value> = stacks
        .iter()
        .filter(|s| {
            array(&s["user"])
                .iter()
                .any(|f| f == "bpfscope_spin_target")
        })
        .filter(|s| {
            array(&s["kernel"])
                .iter()
                .any(|f| f == "[Missed Kernel Stack]")
        })
        .collect();
    assert!(
        missed.is_empty(),
        "user-mode samples marked missed: {missed:?}"
    );
    // Stacks that symbolize alike are one entry.
    let mut seen = std::collections::HashSet::new();
    for s in &stacks {
        let key = (
            s["pid"].to_string(),
            s["kernel"].to_string(),
            s["user"].to_string(),
        );
        assert!(seen.insert(key), "stack listed twice: {s}");
    }

    let text = root.ok(&["tool", "report", "profile"]);
    assert!(text.contains("    bpfscope_spin_target\n"), "{text}");
    assert!(text.contains(&format!("workload ({pid})")), "{text}");

    // Folded: inferno draws a flame graph from it.
    let folded = root.ok(&["tool", "report", "profile", "-f"]);
    assert!(
        folded.lines().all(|l| l.starts_with("workload;")
            && l.rsplit(' ')
                .next()
                .is_some_and(|c| c.parse::<u64>().is_ok())),
        "{folded}"
    );
    assert!(folded.contains(";bpfscope_spin_target"), "{folded}");
    let mut svg = Vec::new();
    inferno::flamegraph::from_lines(
        &mut inferno::flamegraph::Options::default(),
        folded.lines(),
        &mut svg,
    )
    .expect("inferno reads the folded output");
    assert!(String::from_utf8_lossy(&svg).contains("bpfscope_spin_target"));

    // --svg FILE writes a flame graph.
    let file = std::env::temp_dir().join(format!("bpfscope-profile-{}.svg", std::process::id()));
    let f = file.to_str().unwrap_or_default();
    root.ok(&["tool", "report", "profile", "--svg", f]);
    let svg = std::fs::read_to_string(&file).expect("svg written");
    let _ = std::fs::remove_file(&file);
    assert!(
        svg.starts_with("<?xml") && svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
        "{}",
        &svg[..svg.len().min(300)]
    );
    assert!(svg.contains("bpfscope_spin_target"));
    drop(kid);
    unload(&root, loaded);
}

#[test]
fn offcputime_sleep_stacks() {
    let kid = spawn_workload(&["sleep", "60"]);
    let pid = kid.0.id().to_string();
    let root = Root::new();
    let loaded = load_attach(&root, "offcputime", &["-p", &pid]);
    std::thread::sleep(Duration::from_millis(1000));
    let r = root.json(&["tool", "report", "offcputime"]);
    let stacks = array(&r["stacks"]);
    assert!(
        stacks
            .iter()
            .all(|s| s["pid"].as_u64().map(|p| p.to_string()) == Some(pid.clone())),
        "-p leaked: {r}"
    );
    let sleeping: Vec<&Value> = stacks
        .iter()
        .filter(|s| {
            array(&s["kernel"])
                .iter()
                .any(|f| f.as_str().is_some_and(|f| f.contains("nanosleep")))
        })
        .collect();
    assert!(!sleeping.is_empty(), "no nanosleep stack: {r}");
    let us: u64 = sleeping.iter().filter_map(|s| s["count"].as_u64()).sum();
    assert!(us >= 300_000, "expected >= 0.3 s asleep, got {us} us: {r}");
    assert_eq!(r["unit"], "us");
    let folded = root.ok(&["tool", "report", "offcputime", "-f"]);
    assert!(
        folded
            .lines()
            .any(|l| l.starts_with("workload;") && l.contains("nanosleep")),
        "{folded}"
    );
    let mut svg = Vec::new();
    inferno::flamegraph::from_lines(
        &mut inferno::flamegraph::Options::default(),
        folded.lines(),
        &mut svg,
    )
    .expect("inferno reads the folded output");
    drop(kid);
    unload(&root, loaded);
}

/// A memory cgroup (v1 or v2) with a small limit, removed on drop.
struct MemCg {
    dir: PathBuf,
}

impl MemCg {
    fn new(limit: &str) -> Option<MemCg> {
        let name = format!("bpfscope-oom-{}", std::process::id());
        let (dir, file) = if Path::new("/sys/fs/cgroup/memory/memory.limit_in_bytes").exists() {
            (
                Path::new("/sys/fs/cgroup/memory").join(&name),
                "memory.limit_in_bytes",
            )
        } else if std::fs::read_to_string("/sys/fs/cgroup/cgroup.subtree_control")
            .is_ok_and(|s| s.contains("memory"))
        {
            (Path::new("/sys/fs/cgroup").join(&name), "memory.max")
        } else {
            return None;
        };
        std::fs::create_dir(&dir).ok()?;
        let cg = MemCg { dir };
        std::fs::write(cg.dir.join(file), limit).ok()?;
        Some(cg)
    }
}

impl Drop for MemCg {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[test]
fn oomkill_in_a_small_memory_cgroup() {
    let root = Root::new();
    let loaded = load_attach(&root, "oomkill", &[]);
    // Touches 256 MiB in a 32 MiB memory cgroup: the OOM killer kills it
    // there, nowhere else. Some machines (this project's VMs among them)
    // mount a memory controller that charges nothing: then no OOM can be
    // made safely, and only the lifecycle is checked (said on stderr).
    let killed = MemCg::new("33554432").and_then(|cg| {
        let out = Command::new(workload_bin())
            .arg("alloc")
            .arg(cg.dir.join("cgroup.procs"))
            .arg("256")
            .output()
            .expect("run alloc workload");
        use std::os::unix::process::ExitStatusExt;
        (out.status.signal() == Some(9)).then_some(())
    });
    let ev = array(&root.json(&["tool", "report", "oomkill", "duration", "0"]));
    if killed.is_some() {
        let e = ev
            .iter()
            .find(|e| e["kcomm"] == "workload")
            .unwrap_or_else(|| panic!("no OOM kill of the workload: {ev:?}"));
        // kB, as the tracepoint reports them: at least the 32 MiB limit.
        assert!(
            e["total_vm"].as_u64().is_some_and(|k| k >= 32 * 1024),
            "{e}"
        );
        assert!(
            e["message"]
                .as_str()
                .is_some_and(|m| m.contains(" kB total-vm")),
            "{e}"
        );
        assert!(
            e["message"]
                .as_str()
                .is_some_and(|m| m.contains("OOM kill of PID")),
            "{e}"
        );
    } else {
        eprintln!("NOTE: oomkill: memory cgroup limits are not enforced here: no OOM kill made, lifecycle only");
    }
    let text = root.ok(&["tool", "report", "oomkill", "duration", "0"]);
    assert!(text.starts_with("TIME     MESSAGE"), "{text}");
    unload(&root, loaded);
}

#[test]
fn ext4slower_refused_without_fentry_or_kprobes() {
    let root = Root::new();
    let list = root.json(&["tool", "list"]);
    let me = array(&list)
        .into_iter()
        .find(|t| t["name"] == "ext4slower")
        .unwrap_or_default();
    if me["supported"] == true {
        // A kernel with fentry or kprobes: the tool loads and unloads cleanly.
        let loaded = load_attach(&root, "ext4slower", &["-m", "0"]);
        unload(&root, loaded);
        return;
    }
    let missing = array(&me["missing"]);
    assert_eq!(missing.len(), 1, "{me}");
    assert!(
        missing[0]
            .as_str()
            .is_some_and(|m| m.contains("fentry/") && m.contains("kprobe/")),
        "{me}"
    );
    let o = root.run(&["tool", "load", "ext4slower"]);
    assert_eq!(o.status.code(), Some(255));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("Error: tool 'ext4slower' is not supported")
            && err.contains("fentry or kprobes"),
        "{err}"
    );
    assert!(
        root.entries("").is_empty(),
        "load left {:?}",
        root.entries("")
    );
    // -j: the error as JSON too.
    let o = root.run(&["-j", "tool", "load", "ext4slower"]);
    assert_eq!(o.status.code(), Some(255));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON error");
    assert!(v["error"]
        .as_str()
        .is_some_and(|e| e.contains("ext4slower")));
    // tool run fails the same way, leaving nothing.
    let o = root.run(&["tool", "run", "ext4slower", "1"]);
    assert_eq!(o.status.code(), Some(255));
    assert!(
        root.entries("").is_empty(),
        "run left {:?}",
        root.entries("")
    );
}

#[test]
fn run_foreground_counts_and_stacks() {
    let root = Root::new();
    // syscount for one second, then everything is removed.
    let v = root.json(&["tool", "run", "syscount", "-d", "1", "-T", "3"]);
    assert!(
        array(&v["rows"]).len() <= 3 && !array(&v["rows"]).is_empty(),
        "{v}"
    );
    // profile -f for one second on all CPUs (a spinning child makes samples).
    let kid = spawn_workload(&["cpu", "60"]);
    let o = root.run(&["tool", "run", "profile", "-f", "-F", "199", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let folded = String::from_utf8_lossy(&o.stdout);
    assert!(
        folded.lines().any(|l| l.starts_with("workload;")),
        "{folded}"
    );
    drop(kid);
    assert!(
        root.entries("").is_empty(),
        "run left {:?}",
        root.entries("")
    );
}
