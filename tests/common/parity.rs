//! Side by side with Debian's libbpf-tools (/usr/sbin): both started with
//! the same words over the same workload, their outputs read back and
//! compared within a stated tolerance. Shared by tools_parity.rs and the
//! catalog tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use super::lifecycle::cannot_run;
use super::toolroot::Root;
use super::BPFSCOPE;

/// Debian's libbpf-tools binary NAME, if installed (else says why, and
/// fails under CI=true).
pub fn libbpf_tool(name: &str) -> Option<PathBuf> {
    let p = Path::new("/usr/sbin").join(name);
    if p.exists() {
        Some(p)
    } else {
        cannot_run(&format!(
            "{} missing (apt-get install libbpf-tools)",
            p.display()
        ));
        None
    }
}

/// libbpf-tools' NAME and `bpfscope tool run NAME` with the same words,
/// each ended by SIGINT after `secs` (both take it as "print and end"),
/// stdout line-buffered; returns once both have had time to load and
/// attach.
pub fn spawn_both(root: &Root, name: &str, args: &[&str], secs: u64) -> (Child, Child) {
    let theirs = Command::new("stdbuf")
        .args(["-oL", "timeout", "-s", "INT", &secs.to_string()])
        .arg(Path::new("/usr/sbin").join(name))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn libbpf-tools");
    let ours = Command::new("timeout")
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
        .env("BPFSCOPE_TOOL_ROOT", root.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bpfscope");
    std::thread::sleep(Duration::from_millis(2500));
    (theirs, ours)
}

/// stdout and stderr of a finished child.
pub fn output(c: Child) -> (String, String) {
    let o: Output = c.wait_with_output().expect("wait");
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Sum of a libbpf-tools-style log2 histogram's counts.
pub fn hist_total(out: &str) -> u64 {
    out.lines()
        .filter(|l| l.contains(" -> ") && l.contains('|'))
        .filter_map(|l| {
            l.split(':')
                .nth(1)?
                .split('|')
                .next()?
                .trim()
                .parse::<u64>()
                .ok()
        })
        .sum()
}

/// `a` and `b` differ by at most `pct` percent of the larger, plus `slack`.
pub fn within(a: u64, b: u64, pct: u64, slack: u64) -> bool {
    let (lo, hi) = (a.min(b), a.max(b));
    hi - lo <= hi * pct / 100 + slack
}
