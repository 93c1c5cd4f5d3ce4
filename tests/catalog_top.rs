//! Live tests of the top-style tools (issue 21): biotop through the whole
//! lifecycle with direct writes made here (JSON, text columns, sorting,
//! the map cleared per interval, -p), its refreshing view under tmux
//! (cleared each interval; -C keeps the old screens), the batch form,
//! Debian's biotop beside ours where it runs, and filetop, tcptop and
//! cachetop refused with one line on a kernel without fentry and kprobes.
//!
//! Each test has its own tool root (`BPFSCOPE_TOOL_ROOT`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::lifecycle::*;
use common::toolroot::Root;
use common::BPFSCOPE;

const BIOTOP_HEADER: &str = "PID     COMM             D MAJ MIN DISK       I/O  Kbytes  AVGms";

fn dir() -> Option<PathBuf> {
    let d = block_device_dir();
    if d.is_none() {
        cannot_run("no directory on a block device for O_DIRECT writes");
    }
    d
}

/// The row of `pid` writing (`d` "W") in a top report's rows.
fn write_row(report: &Value, pid: u32) -> Option<Value> {
    array(&report["rows"])
        .into_iter()
        .find(|r| r["pid"] == pid && r["d"] == "W")
}

/// libbpf-tools' title line: `HH:MM:SS loadavg: a b c n/m pid`.
fn is_title(line: &str) -> bool {
    let b = line.as_bytes();
    line.len() > 18 && b[2] == b':' && b[5] == b':' && line[8..].starts_with(" loadavg: ")
}

#[test]
fn biotop_lifecycle_direct_writes() {
    let Some(dir) = dir() else { return };
    let root = Root::new();
    let loaded = load_attach(&root, "biotop", &[]);
    let pid = direct_writes(&dir, 64, 20);
    // One report leaves the map as it is: JSON, then text, see the same dd.
    let v = root.json(&["tool", "report", "biotop", "-r", "10240"]);
    assert_eq!((&v["tool"], &v["sort"]), (&"biotop".into(), &"all".into()));
    assert!(
        v["loadavg"].as_str().is_some_and(|l| l.contains('/')),
        "{v}"
    );
    let row = write_row(&v, pid).unwrap_or_else(|| panic!("no row of dd {pid}: {v}"));
    assert_eq!(row["name"], "dd", "{row}");
    // 20 writes of 64 KiB with O_DIRECT (and sync: the journal may add some).
    let io = row["io"].as_u64().unwrap_or(0);
    let bytes = row["bytes"].as_u64().unwrap_or(0);
    assert!((20..=60).contains(&io), "{row}");
    assert!(bytes >= 20 * 64 * 1024, "{row}");
    assert_eq!(row["kbytes"].as_u64(), Some(bytes / 1024), "{row}");
    assert!(row["disk"].as_str().is_some_and(|d| !d.is_empty()), "{row}");

    let text = root.ok(&["tool", "report", "biotop", "-s", "io", "-r", "10240"]);
    let mut lines = text.lines();
    assert!(lines.next().is_some_and(is_title), "{text}");
    assert_eq!(lines.next(), Some(""), "{text}");
    assert_eq!(lines.next(), Some(BIOTOP_HEADER), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{pid:<7} dd ")) && l.contains(" W "))
        .unwrap_or_else(|| panic!("no text row of dd {pid}:\n{text}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[6], io.to_string(), "{line}");
    assert_eq!(words[7], (bytes / 1024).to_string(), "{line}");
    assert!(!text.contains('\x1b'), "a one-shot report clears nothing");
    // -s io: I/O counts descend.
    let ios: Vec<u64> = text
        .lines()
        .skip(3)
        .filter_map(|l| l.split_whitespace().nth(6)?.parse().ok())
        .collect();
    assert!(ios.windows(2).all(|w| w[0] >= w[1]), "{text}");
    assert!(text.ends_with("\n\n"), "an empty line ends a refresh");

    // An interval report clears the map: the next report no longer has dd.
    let series = root.ndjson(&["tool", "report", "biotop", "1", "1"]);
    assert_eq!(series.len(), 1);
    assert!(write_row(&series[0], pid).is_some(), "{:?}", series[0]);
    let after = root.json(&["tool", "report", "biotop", "-r", "10240"]);
    assert!(write_row(&after, pid).is_none(), "{after}");

    // -r cuts, bad view options fail as one line, load options are refused.
    let v = root.json(&["tool", "report", "biotop", "-r", "1"]);
    assert!(array(&v["rows"]).len() <= 1, "{v}");
    let err = root.fails(&["tool", "report", "biotop", "-s", "bogus"]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("all, io, bytes, time"), "{err}");
    root.fails(&["tool", "report", "biotop", "-p", "1"]);
    root.fails(&["tool", "load", "biotop", "-r", "0"]);
    unload(&root, loaded);
}

#[test]
fn biotop_run_pid_filter_json_and_batch() {
    let Some(dir) = dir() else { return };
    let root = Root::new();
    // The shell's pid is dd's (exec): known before dd writes.
    let file = dir.join(format!("bpfscope-catalog-top-{}", std::process::id()));
    let script = format!(
        "sleep 2; exec dd if=/dev/zero of={} bs=64k count=16 oflag=direct,sync status=none",
        file.display()
    );
    let kid = Kid(Command::new("sh")
        .args(["-c", &script])
        .spawn()
        .expect("sh"));
    let pid = kid.0.id();
    let series = root.ndjson(&["tool", "run", "biotop", "-p", &pid.to_string(), "4", "1"]);
    drop(kid);
    let _ = std::fs::remove_file(&file);
    assert_eq!(series.len(), 1, "{series:?}");
    let rows = array(&series[0]["rows"]);
    assert!(
        rows.iter().all(|r| r["pid"] == pid),
        "-p let others in: {rows:?}"
    );
    let row = write_row(&series[0], pid).unwrap_or_else(|| panic!("{series:?}"));
    assert!(row["io"].as_u64().is_some_and(|n| n >= 16), "{row}");
    assert!(series[0]["unix_ns"].as_u64().is_some());

    // Batch: plain lines, one title per refresh, no escape sequences.
    let o = root.run(&["tool", "run", "biotop", "-b", "1", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.contains('\x1b'), "{text:?}");
    assert_eq!(text.lines().filter(|l| is_title(l)).count(), 2, "{text}");
    assert_eq!(text.lines().filter(|l| *l == BIOTOP_HEADER).count(), 2);
    assert!(
        root.entries("").is_empty(),
        "run left {:?}",
        root.entries("")
    );
}

/// A tmux session running bpfscope, killed on drop.
struct Tmux(String);

impl Tmux {
    fn start(root: &Path, args: &str) -> Option<Tmux> {
        let name = format!("bpfscope-top-{}-{}", std::process::id(), args.len());
        let cmd = format!(
            "env BPFSCOPE_TOOL_ROOT={} {BPFSCOPE} tool run biotop {args}",
            root.display()
        );
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "60",
                "-s",
                &name,
                &cmd,
            ])
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmux(name))
    }

    fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.0])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Waits for a screen that `f` accepts; the last screen otherwise.
    fn wait_for(&self, secs: u64, f: impl Fn(&str) -> bool) -> Result<String, String> {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if f(&s) {
                return Ok(s);
            }
            if Instant::now() > end {
                return Err(s);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Ctrl-C, as an operator ends it.
    fn interrupt(&self) {
        let _ = Command::new("tmux")
            .args(["send-keys", "-t", &self.0, "C-c"])
            .status();
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .stderr(Stdio::null())
            .status();
    }
}

fn headers(screen: &str) -> usize {
    screen.lines().filter(|l| *l == BIOTOP_HEADER).count()
}

fn titles(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| is_title(l))
        .map(String::from)
        .collect()
}

#[test]
fn biotop_view_refreshes_under_tmux() {
    if Command::new("tmux").arg("-V").output().is_err() {
        cannot_run("tmux is not installed (apt-get install -y tmux)");
        return;
    }
    let root = Root::new();
    // Default: the screen is cleared before every refresh, so one title
    // and one header are on it, and the title's clock moves on.
    // -r 3: a few refreshes fit on the screen however busy the disk is.
    let t = Tmux::start(root.path(), "-r 3").expect("tmux session");
    let first = t
        .wait_for(20, |s| headers(s) == 1)
        .unwrap_or_else(|s| panic!("no biotop screen:\n{s}"));
    let first_title = titles(&first);
    assert_eq!(first_title.len(), 1, "{first}");
    let later = t
        .wait_for(10, |s| titles(s).len() == 1 && titles(s) != first_title)
        .unwrap_or_else(|s| panic!("the screen did not refresh:\n{s}"));
    assert_eq!(headers(&later), 1, "not cleared:\n{later}");
    assert!(!later.contains("Tracing (biotop)"), "not cleared:\n{later}");
    t.interrupt();
    wait_until("run ended and cleaned up", || root.entries("").is_empty());
    drop(t);

    // -C: every refresh stays, one under the other.
    let t = Tmux::start(root.path(), "-C -r 3").expect("tmux session");
    let s = t
        .wait_for(20, |s| headers(s) >= 3)
        .unwrap_or_else(|s| panic!("-C cleared the screen:\n{s}"));
    assert!(titles(&s).len() >= 3, "{s}");
    assert!(
        s.contains("Tracing (biotop)"),
        "-C cleared the screen:\n{s}"
    );
    t.interrupt();
    wait_until("run ended and cleaned up", || root.entries("").is_empty());
}

#[test]
fn debian_biotop_beside_ours() {
    let theirs = Path::new("/usr/sbin/biotop");
    if !theirs.exists() {
        cannot_run("Debian's libbpf-tools biotop is not installed");
        return;
    }
    let o = Command::new("timeout")
        .args(["-s", "INT", "10"])
        .arg(theirs)
        .args(["-C", "2", "1"])
        .output()
        .expect("run /usr/sbin/biotop");
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    if !out.contains("PID") {
        // Its kprobe on blk_account_io_start (or blk_mq_start_request)
        // cannot attach on a kernel without kprobes: nothing to compare.
        assert!(err.contains("kprobe"), "biotop failed otherwise: {err}");
        eprintln!("NOTE: Debian's biotop does not run here:\n{err}");
        return;
    }
    let root = Root::new();
    let ours = root.ok(&["tool", "run", "biotop", "-C", "1", "1"]);
    let header = |t: &str| t.lines().find(|l| l.starts_with("PID")).map(String::from);
    assert_eq!(header(&out), header(&ours), "{out}\n{ours}");
    assert!(out.lines().next().is_some_and(is_title), "{out}");
}

/// filetop, tcptop and cachetop need fentry or kprobes: where neither
/// attaches, `tool list` says so and load/run fail with one line, leaving
/// nothing; where one does, they load, attach and unload cleanly.
#[test]
fn group_b_tops_refused_without_fentry_or_kprobes() {
    let root = Root::new();
    let list = root.json(&["tool", "list"]);
    let entry = |name: &str| {
        array(&list)
            .into_iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("{name} not in tool list"))
    };
    assert_eq!(entry("biotop")["supported"], true);
    for name in ["filetop", "tcptop", "cachetop"] {
        let me = entry(name);
        if me["supported"] == true {
            let loaded = load_attach(&root, name, &["-C"]);
            let v = root.json(&["tool", "report", name]);
            assert_eq!(v["tool"], name, "{v}");
            unload(&root, loaded);
            continue;
        }
        let missing = array(&me["missing"]);
        assert_eq!(missing.len(), 1, "{me}");
        assert!(
            missing[0]
                .as_str()
                .is_some_and(|m| m.contains("fentry/") && m.contains("kprobe/")),
            "{me}"
        );
        for cmd in [
            &["tool", "load", name][..],
            &["tool", "run", name, "-b", "1", "1"],
        ] {
            let err = root.fails(cmd);
            assert_eq!(err.lines().count(), 1, "one line: {err}");
            assert!(
                err.starts_with(&format!("Error: tool '{name}' is not supported"))
                    && err.contains("fentry or kprobes"),
                "{err}"
            );
            assert!(
                root.entries("").is_empty(),
                "{cmd:?} left {:?}",
                root.entries("")
            );
        }
        // -j: the error as JSON too.
        let o = root.run(&["-j", "tool", "load", name]);
        assert_eq!(o.status.code(), Some(255));
        let v: Value = serde_json::from_slice(&o.stdout).expect("JSON error");
        assert!(v["error"].as_str().is_some_and(|e| e.contains(name)), "{v}");
        // Bad options are refused before the kernel is asked.
        let err = root.fails(&["tool", "load", name, "-s", "bogus"]);
        assert!(err.contains("invalid sort method"), "{err}");
    }
}
