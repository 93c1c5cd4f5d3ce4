//! Live-kernel tests of the scheduler tools of issue 21 (exitsnoop,
//! cpudist, runqlen, runqslower, wakeuptime, offwaketime, pidpersec): per
//! tool, load -> attach -> a workload made here -> the report shows it
//! (JSON and the text columns) -> unload leaves nothing. Side by side with
//! Debian's libbpf-tools binaries (/usr/sbin) for exitsnoop, cpudist and
//! wakeuptime: the same words, the same workload, the same header and
//! counts within the tolerance each test states.
//!
//! The kernel is shared with other test runs: every check filters by the
//! pids this test made.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use common::lifecycle::*;
use common::parity::{hist_total, libbpf_tool, output, spawn_both, within};
use common::toolroot::Root;
use common::BPFSCOPE;

// ------------------------------------------------------------------ helpers

/// The first line starting with `first`.
fn header<'a>(out: &'a str, first: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(first))
        .unwrap_or_else(|| panic!("no line starting with {first:?}: {out}"))
}

/// `n` children of this process that exit with status `code` (`sh -c`).
fn exits(n: usize, code: u8) {
    for _ in 0..n {
        let st = Command::new("sh")
            .args(["-c", &format!("exit {code}")])
            .status()
            .expect("sh");
        assert_eq!(st.code(), Some(code.into()));
    }
}

/// A child of this process killed by `sig`; returns its pid.
fn killed_child(sig: nix::sys::signal::Signal) -> u32 {
    let mut kid = Kid(Command::new("sleep").arg("30").spawn().expect("sleep"));
    let pid = kid.0.id();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), sig).expect("kill");
    let _ = kid.0.wait();
    pid
}

fn me() -> String {
    std::process::id().to_string()
}

/// Lines whose third column (PPID) is this process.
fn my_children(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
        .filter(|w| w.get(2) == Some(&me()))
        .collect()
}

// ---------------------------------------------------------------- exitsnoop

#[test]
fn exitsnoop_codes_signals_and_filters() {
    let root = Root::new();
    let loaded = load_attach(&root, "exitsnoop", &["-x"]);
    exits(3, 0);
    exits(2, 7);
    let killed = killed_child(nix::sys::signal::Signal::SIGTERM);
    let ev = array(&root.json(&["tool", "report", "exitsnoop", "duration", "0"]));
    // Other tests of this file run children too (killed workloads): ours
    // are told by their code and pid.
    let mine: Vec<&Value> = ev
        .iter()
        .filter(|e| e["ppid"].as_u64() == Some(std::process::id().into()))
        .collect();
    // -x: the three clean exits are not reported.
    assert!(mine.iter().all(|e| e["exit"] != "0"), "{mine:?}");
    let coded: Vec<_> = mine.iter().filter(|e| e["exit_code"] == 7).collect();
    assert_eq!(coded.len(), 2, "{mine:?}");
    assert!(coded
        .iter()
        .all(|e| e["comm"] == "sh" && e["sig"] == 0 && e["exit"] == "code 7"));
    let k = mine
        .iter()
        .find(|e| e["pid"].as_u64() == Some(killed.into()))
        .unwrap_or_else(|| panic!("no exit of {killed}: {mine:?}"));
    assert_eq!(
        (k["sig"].as_u64(), k["exit_code"].as_i64()),
        (Some(15), Some(0))
    );
    assert_eq!(k["exit"], "signal 15 (Terminated)");
    assert_eq!(k["pid"], k["tid"]);
    assert!(k["exit_time"].as_u64() > k["start_time"].as_u64(), "{k}");
    assert!(k["unix_ns"].as_u64().is_some(), "{k}");

    // Text: libbpf-tools' columns, with -t a TIME(s) column in front.
    exits(1, 9);
    let text = root.ok(&["tool", "report", "exitsnoop", "-t", "duration", "0"]);
    assert!(
        text.starts_with("TIME(s)  PCOMM            PID     PPID    TID     AGE(s)  EXIT_CODE\n"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains(&format!(" {} ", me())) && l.ends_with("code 9"))
        .unwrap_or_else(|| panic!("no `code 9` line: {text}"));
    assert_eq!(line.as_bytes()[2], b':', "{line}");
    unload(&root, loaded);
}

#[test]
fn exitsnoop_pid_and_threads() {
    // -p: only this process; -T: each thread, not only the leader. The
    // test harness's threads end as this test's thread does, so a thread
    // of our own is made (std::thread) and must show with -T.
    let root = Root::new();
    let loaded = load_attach(&root, "exitsnoop", &["-T", "-p", &me()]);
    let tid = std::thread::spawn(|| nix::unistd::gettid().as_raw())
        .join()
        .expect("thread");
    exits(1, 0); // another process: filtered out by -p
    let ev = array(&root.json(&["tool", "report", "exitsnoop", "duration", "0"]));
    assert!(
        ev.iter()
            .all(|e| e["pid"].as_u64() == Some(std::process::id().into())),
        "-p leaked: {ev:?}"
    );
    assert!(
        ev.iter().any(|e| e["tid"].as_i64() == Some(tid.into())),
        "thread {tid} not seen with -T: {ev:?}"
    );
    unload(&root, loaded);
    root.fails(&["tool", "load", "exitsnoop", "-p", "0"]);
    root.fails(&["tool", "load", "exitsnoop", "--bogus"]);
    assert!(root.entries("").is_empty());
}

#[test]
fn exitsnoop_side_by_side() {
    if libbpf_tool("exitsnoop").is_none() {
        return;
    }
    let root = Root::new();
    let (theirs, ours) = spawn_both(&root, "exitsnoop", &["-x"], 5);
    exits(4, 0);
    exits(6, 3);
    let killed = killed_child(nix::sys::signal::Signal::SIGKILL);
    let ((t, te), (o, oe)) = (output(theirs), output(ours));
    assert_eq!(header(&t, "PCOMM"), header(&o, "PCOMM"), "{te}{oe}");
    // Our children: the same 7 (6 with code 3, 1 killed) in both, with
    // the same PCOMM, PID, PPID, TID and EXIT_CODE (AGE may differ in
    // rounding only where it is on an edge: not compared). Other children
    // of this process (the `timeout` wrapping one tool, other tests') are
    // not counted.
    let rows = |s: &str| {
        let mut v: Vec<String> = my_children(s)
            .into_iter()
            .filter(|w| {
                (w[0] == "sh" && w.last().is_some_and(|c| c == "3")) || w[1] == killed.to_string()
            })
            .map(|w| {
                let mut w = w;
                w.remove(4);
                w.join(" ")
            })
            .collect();
        v.sort();
        v
    };
    let (rt, ro) = (rows(&t), rows(&o));
    assert_eq!(rt.len(), 7, "libbpf-tools: {t}{te}");
    assert_eq!(rt, ro, "libbpf-tools:\n{t}\nbpfscope:\n{o}");
    assert!(rt
        .iter()
        .any(|r| r.contains(&killed.to_string()) && r.ends_with("signal 9 (Killed)")));
}

// ------------------------------------------------------------------ cpudist

#[test]
fn cpudist_per_process_on_and_off_cpu() {
    let spin = spawn_workload(&["cpu", "30"]);
    let pid = spin.0.id().to_string();
    let on = Root::new();
    let off = Root::new();
    let a = load_attach(&on, "cpudist", &["-P", "-p", &pid]);
    let b = load_attach(&off, "cpudist", &["-O", "-m", "-p", &pid]);
    // Two more spinners: three on two cores, so ours is preempted (its
    // on-CPU time is recorded then) and waits (its off-CPU time).
    let others: Vec<Kid> = (0..2).map(|_| spawn_workload(&["cpu", "30"])).collect();
    std::thread::sleep(Duration::from_millis(1500));
    let r = on.json(&["tool", "report", "cpudist"]);
    let hists = array(&r["histograms"]);
    assert_eq!(hists.len(), 1, "-p leaked: {r}");
    let h = &hists[0];
    assert_eq!(
        h["pid"].as_u64().map(|p| p.to_string()),
        Some(pid.clone()),
        "{r}"
    );
    assert_eq!(
        (&h["comm"], &h["unit"]),
        (&"workload".into(), &"usecs".into()),
        "{r}"
    );
    assert!(h["total"].as_u64().is_some_and(|t| t >= 1), "{r}");
    let text = on.ok(&["tool", "report", "cpudist"]);
    assert!(
        text.contains(&format!("pid = {pid} workload\n"))
            && text.contains("     usecs               : count    distribution"),
        "{text}"
    );
    let r = off.json(&["tool", "report", "cpudist"]);
    let hists = array(&r["histograms"]);
    assert!(
        hists.len() == 1 && hists[0]["unit"] == "msecs" && hists[0].get("pid").is_none(),
        "{r}"
    );
    drop(others);
    drop(spin);
    unload(&on, a);
    unload(&off, b);
    on.fails(&["tool", "load", "cpudist", "-P", "-L"]);
    on.fails(&["tool", "load", "cpudist", "1", "2", "3"]);
}

#[test]
fn cpudist_side_by_side() {
    if libbpf_tool("cpudist").is_none() {
        return;
    }
    // A process that sleeps 10 ms at a time, started once both tools are
    // attached and done before either prints: each wakeup is one off-CPU
    // interval, seen by both in its -P histogram.
    let root = Root::new();
    let (theirs, ours) = spawn_both(&root, "cpudist", &["-O", "-P", "5", "1"], 20);
    let mut sleeper = Command::new(workload_bin())
        .args(["sleep", "1.5"])
        .stdout(Stdio::null())
        .spawn()
        .expect("workload");
    let pid = sleeper.id();
    let _ = sleeper.wait();
    let ((t, te), (o, oe)) = (output(theirs), output(ours));
    assert_eq!(
        header(&t, "     usecs"),
        header(&o, "     usecs"),
        "{te}{oe}"
    );
    let mine = |s: &str| {
        let label = format!("pid = {pid} ");
        let section: String = s
            .lines()
            .skip_while(|l| !l.starts_with(&label))
            .skip(1)
            .take_while(|l| !l.starts_with("pid = "))
            .map(|l| format!("{l}\n"))
            .collect();
        hist_total(&section)
    };
    let (nt, no) = (mine(&t), mine(&o));
    eprintln!("cpudist -O -P, our sleeper: libbpf-tools {nt}, bpfscope {no}");
    // ~150 sleeps of 10 ms; the first wakeup may fall before one attach.
    assert!(
        nt >= 100 && within(nt, no, 2, 2),
        "libbpf-tools {nt}, bpfscope {no}\n{t}\n{o}"
    );
}

// --------------------------------------------------------------- runqslower

#[test]
fn runqslower_waits_of_spinners() {
    // Four spinners on two cores (and the machine's other load): each waits
    // at least a scheduler tick whenever it is preempted.
    let spinners: Vec<Kid> = (0..4).map(|_| spawn_workload(&["cpu", "30"])).collect();
    let pids: Vec<u64> = spinners.iter().map(|k| k.0.id().into()).collect();
    let first = pids[0].to_string();
    let by_comm = Root::new();
    let by_pid = Root::new();
    let a = load_attach(&by_comm, "runqslower", &["-c", "workload", "1000"]);
    let b = load_attach(&by_pid, "runqslower", &["-p", &first, "1000"]);
    std::thread::sleep(Duration::from_millis(1500));
    let ev = array(&by_comm.json(&["tool", "report", "runqslower", "duration", "0"]));
    assert!(!ev.is_empty(), "no waits over 1 ms");
    for e in &ev {
        assert_eq!(e["task"], "workload", "-c leaked: {e}");
        assert!(e["delta_us"].as_u64().is_some_and(|d| d > 1000), "{e}");
        assert!(e["prev_task"].is_string() && e["ts"].is_u64(), "{e}");
    }
    assert!(ev
        .iter()
        .any(|e| e["pid"].as_u64().is_some_and(|p| pids.contains(&p))));
    let ev = array(&by_pid.json(&["tool", "report", "runqslower", "duration", "0"]));
    assert!(
        !ev.is_empty() && ev.iter().all(|e| e["pid"].as_u64() == Some(pids[0])),
        "{ev:?}"
    );
    std::thread::sleep(Duration::from_millis(500));
    let text = by_comm.ok(&["tool", "report", "runqslower", "-P", "duration", "0"]);
    assert!(
        text.starts_with(
            "TIME     COMM             TID           LAT(us) PREV COMM        PREV TID\n"
        ),
        "{text}"
    );
    assert!(
        text.lines()
            .skip(1)
            .any(|l| l[9..].starts_with("workload ")),
        "{text}"
    );
    drop(spinners);
    unload(&by_comm, a);
    unload(&by_pid, b);
    for bad in [&["0"][..], &["-c", "a-name-longer-than-15"], &["1", "2"]] {
        let mut w = vec!["tool", "load", "runqslower"];
        w.extend_from_slice(bad);
        by_comm.fails(&w);
    }
}

// ---------------------------------------------------------------- pidpersec

#[test]
fn pidpersec_counts_forks() {
    let root = Root::new();
    let loaded = load_attach(&root, "pidpersec", &[]);
    exits(40, 0);
    // No interval: everything since load, as a count.
    let r = root.ndjson(&["tool", "report", "pidpersec"]);
    let row = &array(&r[0]["rows"])[0];
    assert!(row["pids"].as_u64().is_some_and(|n| n >= 40), "{r:?}");
    assert!(row.get("pids_per_sec").is_none(), "{r:?}");
    // Every second: that second's forks. The forks run while it waits.
    // They go on until both reports are done, however slow the machine.
    let done = std::sync::atomic::AtomicBool::new(false);
    let (text, r) = std::thread::scope(|s| {
        let forks = s.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                exits(3, 0);
                std::thread::sleep(Duration::from_millis(40));
            }
        });
        let text = root.ok(&["tool", "report", "pidpersec", "1", "2"]);
        let r = root.ndjson(&["tool", "report", "pidpersec", "1", "1"]);
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        forks.join().expect("forks");
        (text, r)
    });
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..2], ["", "TIME     PIDs/sec"], "{text}");
    assert_eq!(lines.len(), 4, "{text}");
    let rate = |l: &str| {
        l.split_whitespace()
            .nth(1)
            .and_then(|n| n.parse::<u64>().ok())
    };
    assert!(
        lines[2..]
            .iter()
            .all(|l| l.as_bytes()[2] == b':' && rate(l).is_some_and(|n| n >= 10)),
        "{text}"
    );
    let row = &array(&r[0]["rows"])[0];
    assert!(
        row["pids_per_sec"].as_u64().is_some_and(|n| n >= 10),
        "{r:?}"
    );
    unload(&root, loaded);
    root.fails(&["tool", "load", "pidpersec", "-p", "1"]);
}

// ------------------------------------------------- wakeuptime, offwaketime

/// Stacks of a report whose `pid` is `pid`, and whether all are.
fn stacks_of(r: &Value, pid: u32) -> Vec<Value> {
    let stacks = array(&r["stacks"]);
    assert!(
        stacks.iter().all(|s| s["pid"].as_u64() == Some(pid.into())),
        "-p leaked: {r}"
    );
    stacks
}

fn has_frame(frames: &Value, name: &str) -> bool {
    array(frames)
        .iter()
        .any(|f| f.as_str().is_some_and(|f| f.contains(name)))
}

#[test]
fn wakeuptime_sleeps_woken_by_timers() {
    let kid = spawn_workload(&["sleep", "30"]);
    let pid = kid.0.id();
    let root = Root::new();
    let loaded = load_attach(&root, "wakeuptime", &["-p", &pid.to_string()]);
    std::thread::sleep(Duration::from_millis(1200));
    let r = root.json(&["tool", "report", "wakeuptime"]);
    assert_eq!(r["unit"], "us");
    let stacks = stacks_of(&r, pid);
    // Its 10 ms nanosleeps end by a timer: the waker's stack has it.
    let timed: Vec<&Value> = stacks
        .iter()
        .filter(|s| has_frame(&s["waker"]["kernel"], "hrtimer_wakeup"))
        .collect();
    assert!(!timed.is_empty(), "no hrtimer wakeup: {r}");
    let us: u64 = timed.iter().filter_map(|s| s["count"].as_u64()).sum();
    assert!(us >= 500_000, "expected >= 0.5 s asleep, got {us} us: {r}");
    // Only the waker's kernel stack is taken.
    assert!(
        timed.iter().all(|s| s["comm"] == "workload"
            && s.get("kernel").is_none()
            && s["waker"].get("user").is_none()),
        "{r}"
    );
    let text = root.ok(&["tool", "report", "wakeuptime"]);
    assert!(text.contains("\n\ttarget:          workload\n"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("\t          waker: ")),
        "{text}"
    );
    assert!(text.contains("\thrtimer_wakeup\n"), "{text}");
    let folded = root.ok(&["tool", "report", "wakeuptime", "-f"]);
    assert!(
        folded
            .lines()
            .any(|l| l.starts_with("workload;--;") && l.contains("hrtimer_wakeup_[k]")),
        "{folded}"
    );
    drop(kid);
    unload(&root, loaded);
    for bad in [&["-m", "9", "-M", "9"][..], &["-p", "0"], &["1", "2"]] {
        let mut w = vec!["tool", "load", "wakeuptime"];
        w.extend_from_slice(bad);
        root.fails(&w);
    }
}

/// Microseconds of every block of a wakeuptime text report (the line after
/// each `waker:` line).
fn wakeup_total(out: &str) -> u64 {
    let lines: Vec<&str> = out.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].trim_start().starts_with("waker:"))
        .filter_map(|w| w[1].trim().parse::<u64>().ok())
        .sum()
}

#[test]
fn wakeuptime_side_by_side() {
    if libbpf_tool("wakeuptime").is_none() {
        return;
    }
    // A sleeper that starts sleeping once both tools are attached (it
    // blocks on its stdin until then) and ends before either prints.
    let mut sleeper = Command::new(workload_bin())
        .args(["wait-sleep", "1.5"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("workload");
    let pid = sleeper.id().to_string();
    let root = Root::new();
    let (theirs, ours) = spawn_both(&root, "wakeuptime", &["-p", &pid, "6"], 20);
    drop(sleeper.stdin.take()); // EOF: start
    let _ = sleeper.wait();
    let ((t, te), (o, oe)) = (output(theirs), output(ours));
    let target = "\ttarget:          workload";
    assert!(t.contains(target) && o.contains(target), "{t}{te}\n{o}{oe}");
    let waker = |s: &str| s.lines().any(|l| l.starts_with("\t          waker: "));
    assert!(waker(&t) && waker(&o), "{t}\n{o}");
    let (nt, no) = (wakeup_total(&t), wakeup_total(&o));
    eprintln!("wakeuptime -p, our sleeper: libbpf-tools {nt} us, bpfscope {no} us");
    // The same ~150 sleeps of 10 ms. libbpf-tools sums nanoseconds and
    // divides once; bpfscope adds whole microseconds per wakeup.
    assert!(
        nt >= 1_000_000 && within(nt, no, 2, 200),
        "libbpf-tools {nt}, bpfscope {no}\n{t}\n{o}"
    );
}

#[test]
fn offwaketime_blocked_and_waker_stacks() {
    let kid = spawn_workload(&["sleep", "30"]);
    let pid = kid.0.id();
    let both = Root::new();
    let kernel = Root::new();
    let a = load_attach(&both, "offwaketime", &["-p", &pid.to_string()]);
    let b = load_attach(&kernel, "offwaketime", &["-K", "-p", &pid.to_string()]);
    std::thread::sleep(Duration::from_millis(1200));
    let r = both.json(&["tool", "report", "offwaketime"]);
    let stacks = stacks_of(&r, pid);
    // Blocked in nanosleep, woken by the timer.
    let slept: Vec<&Value> = stacks
        .iter()
        .filter(|s| {
            has_frame(&s["kernel"], "nanosleep")
                && has_frame(&s["waker"]["kernel"], "hrtimer_wakeup")
        })
        .collect();
    assert!(!slept.is_empty(), "no nanosleep/hrtimer pair: {r}");
    let us: u64 = slept.iter().filter_map(|s| s["count"].as_u64()).sum();
    assert!(us >= 500_000, "expected >= 0.5 s asleep, got {us} us: {r}");
    assert!(
        slept
            .iter()
            .all(|s| s["comm"] == "workload" && s["user"].is_array()),
        "{r}"
    );
    let text = both.ok(&["tool", "report", "offwaketime"]);
    assert!(text.contains("    --               --\n"), "{text}");
    assert!(
        text.contains(&format!("    target:          workload {pid}\n")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("    waker:           ")),
        "{text}"
    );
    let folded = both.ok(&["tool", "report", "offwaketime", "-f"]);
    assert!(
        folded.lines().any(|l| l.starts_with("workload;")
            && l.contains("do_nanosleep_[k]")
            && l.contains(";--;")
            && l.contains("hrtimer_wakeup_[k]")),
        "{folded}"
    );
    let svg = std::env::temp_dir().join(format!("bpfscope-offwake-{}.svg", std::process::id()));
    both.ok(&[
        "tool",
        "report",
        "offwaketime",
        "--svg",
        svg.to_str().unwrap_or(""),
    ]);
    let drawn = std::fs::read_to_string(&svg).unwrap_or_default();
    let _ = std::fs::remove_file(&svg);
    assert!(
        drawn.contains("Off-Wake Time Flame Graph") && drawn.contains("hrtimer_wakeup"),
        "{drawn:.300}"
    );
    // -K: kernel stacks only, on both sides.
    let r = kernel.json(&["tool", "report", "offwaketime"]);
    let stacks = stacks_of(&r, pid);
    assert!(!stacks.is_empty(), "{r}");
    assert!(
        stacks
            .iter()
            .all(|s| s.get("user").is_none() && s["waker"].get("user").is_none()),
        "{r}"
    );
    drop(kid);
    unload(&both, a);
    unload(&kernel, b);
    both.fails(&["tool", "load", "offwaketime", "-p", "1", "-t", "2"]);
    both.fails(&["tool", "load", "offwaketime", "-U", "-K"]);
}

// ------------------------------------------------------------------ runqlen

#[test]
fn runqlen_per_cpu_lengths_and_occupancy() {
    // Four spinners on two cores: whenever one runs, others of its run
    // queue wait, so lengths above 0 are sampled.
    let spinners: Vec<Kid> = (0..4).map(|_| spawn_workload(&["cpu", "30"])).collect();
    let cpus = Root::new();
    let occ = Root::new();
    let a = load_attach(&cpus, "runqlen", &["-C", "-f", "99"]);
    let b = load_attach(&occ, "runqlen", &["-O"]);
    // Text first: its interval report also clears what attach collected.
    let text = cpus.ok(&["tool", "report", "runqlen", "-T", "1", "1"]);
    // The rows start at the first length sampled (as libbpf-tools'
    // print_linear_hist): 0 only when a queue was ever seen empty.
    let head = "\ncpu = 0\n     runqlen       : count     distribution\n        ";
    let first_row = text.split_once(head).map(|(_, rest)| rest);
    assert!(
        first_row.is_some_and(|r| r
            .split_once(" : ")
            .is_some_and(|(n, _)| n.trim().parse::<u32>().is_ok())),
        "{text}"
    );
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|l| l.len() == 8 && l.as_bytes()[2] == b':'),
        "{text}"
    );

    // One interval of 2 s after the one above cleared the maps: ~198
    // samples per CPU.
    let r = cpus.ndjson(&["tool", "report", "runqlen", "2", "1"]);
    let hists = array(&r[0]["histograms"]);
    let online = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(hists.len(), online, "one histogram per CPU: {r:?}");
    for h in &hists {
        assert!(h["cpu"].is_u64() && h["unit"] == "runqlen", "{h}");
        let total = h["total"].as_u64().unwrap_or(0);
        assert!((150..=250).contains(&total), "99 Hz for 2 s: {h}");
        // Linear buckets: one value each.
        assert!(
            array(&h["buckets"]).iter().all(|b| b["low"] == b["high"]),
            "{h}"
        );
    }
    let queued: u64 = hists
        .iter()
        .flat_map(|h| array(&h["buckets"]))
        .filter(|b| b["low"].as_u64().is_some_and(|l| l >= 1))
        .filter_map(|b| b["count"].as_u64())
        .sum();
    assert!(queued > 0, "no queued sample with 4 spinners: {r:?}");
    // -O: the share of samples with a task waiting.
    let r = occ.ndjson(&["tool", "report", "runqlen", "1", "1"]);
    let row = &array(&r[0]["rows"])[0];
    let pct = row["runqocc"].as_f64().unwrap_or(-1.0);
    assert!(pct > 0.0 && pct <= 100.0, "{r:?}");
    assert!(
        row.get("cpu").is_none() && row["samples"].as_u64() > Some(100),
        "{r:?}"
    );
    let text = occ.ok(&["tool", "report", "runqlen", "1", "1"]);
    assert!(
        text.starts_with("\n RUNQOCC\n") && text.trim_end().ends_with('%'),
        "{text}"
    );
    drop(spinners);
    unload(&cpus, a);
    unload(&occ, b);
    cpus.fails(&["tool", "load", "runqlen", "-f", "0"]);
}

#[test]
fn runqlen_libbpf_tools_needs_the_old_cfs_rq_field() {
    // Debian's runqlen reads cfs_rq.nr_running, which Linux 6.13 renamed
    // nr_queued: there it fails to load, and no side-by-side run is
    // possible. bpfscope's reads whichever field this kernel has.
    let Some(bin) = libbpf_tool("runqlen") else {
        return;
    };
    let o = Command::new("timeout")
        .args(["-s", "INT", "5"])
        .arg(bin)
        .args(["1", "1"])
        .output()
        .expect("runqlen");
    let err = String::from_utf8_lossy(&o.stderr);
    if o.status.success() {
        eprintln!("NOTE: libbpf-tools' runqlen runs on this kernel");
        return;
    }
    assert!(err.contains("cfs_rq.nr_running"), "{err}");
    eprintln!(
        "libbpf-tools' runqlen cannot load here: {}",
        err.lines()
            .find(|l| l.contains("failed to resolve"))
            .unwrap_or("")
    );
}

// --------------------------------------------- detach and run, every tool

/// (tool, words for `tool run`, a text the run's output has).
const RUNS: &[(&str, &[&str], &str)] = &[
    ("exitsnoop", &["-d", "1"], "PCOMM            PID"),
    ("cpudist", &["1", "1"], "     usecs               : count"),
    ("runqlen", &["1", "1"], "     runqlen       : count"),
    (
        "runqslower",
        &["-d", "1", "100"],
        "TIME     COMM             TID",
    ),
    ("wakeuptime", &["1"], "\ttarget:          "),
    ("offwaketime", &["1"], "    waker:           "),
    ("pidpersec", &["1", "1"], "TIME     PIDs/sec"),
];

#[test]
fn every_tool_detaches_and_runs_in_the_foreground() {
    for (tool, run, expect) in RUNS {
        let root = Root::new();
        let loaded = load_attach(&root, tool, &[]);
        let links = link_ids_of(&loaded);
        assert!(!links.is_empty(), "{tool}: no links");
        // Detach: links gone, programs and maps kept, the report still reads.
        root.ok(&["tool", "detach", tool]);
        assert!(root.entries(&format!("{tool}/links")).is_empty(), "{tool}");
        assert!(!root.entries(&format!("{tool}/maps")).is_empty(), "{tool}");
        wait_until("links gone after detach", || {
            link_ids_of(&loaded).is_empty()
        });
        let report = if ["exitsnoop", "runqslower"].contains(tool) {
            vec!["tool", "report", tool, "duration", "0"]
        } else {
            vec!["tool", "report", tool]
        };
        root.ok(&report);
        root.ok(&["tool", "unload", tool]);
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

        // tool run: load, attach, report and clean up in the foreground
        // (a fork on the way, for exitsnoop and pidpersec to see).
        let mut args = vec!["tool", "run", tool];
        args.extend_from_slice(run);
        let out = std::thread::scope(|s| {
            let r = s.spawn(|| root.ok(&args));
            std::thread::sleep(Duration::from_millis(700));
            exits(2, 0);
            r.join().expect("run")
        });
        assert!(out.contains(expect), "{tool} {run:?}: {out}");
        assert!(
            root.entries("").is_empty(),
            "{tool}: run left {:?}",
            root.entries("")
        );
    }
}
