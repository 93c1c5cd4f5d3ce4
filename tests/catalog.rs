//! The catalog as `tool list` shows it equals the table below: the BCC and
//! libbpf-tools names the issue lists, so nothing silently drops out, and
//! each says whether this kernel runs it, as probed (group A tools need
//! tracepoints, perf events or uprobes; group B ones fentry or kprobes).

mod common;

use std::path::Path;

use common::toolroot::Root;

/// Which probe decides a tool's support.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Needs {
    /// Tracepoints, tp_btf, software perf events: present on every kernel
    /// these tests run on.
    Tracepoints,
    /// Uprobes on a user binary or library that may be missing.
    Uprobe(&'static str),
    /// A hardware PMU (cache events).
    Pmu,
    /// fentry or kprobes.
    KprobeOrFentry,
    /// Nothing loaded at all (tplist reads tracefs).
    Nothing,
}

use Needs::*;

const CATALOG: &[(&str, Needs)] = &[
    // The first round.
    ("biolatency", Tracepoints),
    ("biosnoop", Tracepoints),
    ("execsnoop", Tracepoints),
    ("opensnoop", Tracepoints),
    ("runqlat", Tracepoints),
    ("tcpaccept", Tracepoints),
    ("bitesize", Tracepoints),
    ("cachestat", Tracepoints),
    ("ext4slower", KprobeOrFentry),
    ("hardirqs", Tracepoints),
    ("killsnoop", Tracepoints),
    ("offcputime", Tracepoints),
    ("oomkill", Tracepoints),
    ("profile", Tracepoints),
    ("syscount", Tracepoints),
    ("tcpconnect", Tracepoints),
    ("tcpretrans", Tracepoints),
    // Group A: scheduler.
    ("exitsnoop", Tracepoints),
    ("runqlen", Tracepoints),
    ("runqslower", Tracepoints),
    ("cpudist", Tracepoints),
    ("wakeuptime", Tracepoints),
    ("offwaketime", Tracepoints),
    ("pidpersec", Tracepoints),
    // Interrupts, syscalls.
    ("softirqs", Tracepoints),
    ("statsnoop", Tracepoints),
    ("syncsnoop", Tracepoints),
    ("mountsnoop", Tracepoints),
    ("shmsnoop", Tracepoints),
    ("sigsnoop", Tracepoints),
    // Block, memory, TCP.
    ("biotop", Tracepoints),
    ("biostacks", Tracepoints),
    ("writeback", Tracepoints),
    ("memleak", Tracepoints),
    ("tcplife", Tracepoints),
    ("tcpstates", Tracepoints),
    // User level.
    ("bashreadline", Uprobe("bash")),
    ("gethostlatency", Uprobe("libc")),
    ("sslsniff", Uprobe("libssl")),
    // Generic.
    ("funccount", Tracepoints),
    ("funclatency", Tracepoints),
    ("stackcount", Tracepoints),
    ("argdist", Tracepoints),
    ("trace", Tracepoints),
    ("tplist", Nothing),
    // PMU.
    ("llcstat", Pmu),
    // Group B: VFS.
    ("cachetop", KprobeOrFentry),
    ("filetop", KprobeOrFentry),
    ("fileslower", KprobeOrFentry),
    ("filelife", KprobeOrFentry),
    ("dcstat", KprobeOrFentry),
    ("dcsnoop", KprobeOrFentry),
    ("vfsstat", KprobeOrFentry),
    ("vfscount", KprobeOrFentry),
    // File systems.
    ("xfsslower", KprobeOrFentry),
    ("xfsdist", KprobeOrFentry),
    ("ext4dist", KprobeOrFentry),
    ("nfsslower", KprobeOrFentry),
    ("nfsdist", KprobeOrFentry),
    ("btrfsslower", KprobeOrFentry),
    ("btrfsdist", KprobeOrFentry),
    ("zfsslower", KprobeOrFentry),
    ("zfsdist", KprobeOrFentry),
    // Others.
    ("tcpconnlat", KprobeOrFentry),
    ("tcptop", KprobeOrFentry),
    ("capable", KprobeOrFentry),
    ("solisten", KprobeOrFentry),
    ("swapin", KprobeOrFentry),
    ("mdflush", KprobeOrFentry),
    ("sofdsnoop", KprobeOrFentry),
    ("klockstat", KprobeOrFentry),
];

/// Whether this machine has what `needs` asks for, judged independently
/// of bpfscope's own probe (sysfs and the file system).
fn expected(needs: Needs) -> Option<bool> {
    let dev = |d: &str| Path::new("/sys/bus/event_source/devices").join(d).exists();
    match needs {
        Tracepoints | Nothing => Some(true),
        Pmu => Some(dev("cpu") || dev("cpu_core")),
        Uprobe("bash") => Some(dev("uprobe") && Path::new("/bin/bash").exists()),
        // Library lookup is the tool's own business (ld.so.cache, paths):
        // not judged here.
        Uprobe(_) => None,
        // fentry needs a trampoline-capable JIT, which sysfs doesn't show;
        // without the kprobe PMU, and without fentry on these machines,
        // group B is refused.
        KprobeOrFentry => (!dev("kprobe")).then_some(false),
    }
}

#[test]
fn tool_list_is_the_catalog() {
    let root = Root::new();
    let list = root.json(&["tool", "list"]);
    let listed: Vec<(String, bool)> = list
        .as_array()
        .expect("an array")
        .iter()
        .filter(|t| t["pid"].is_null())
        .map(|t| {
            (
                t["name"].as_str().unwrap_or_default().to_string(),
                t["supported"].as_bool().expect("supported is a bool"),
            )
        })
        .collect();
    let mut names: Vec<&str> = listed.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    let mut want: Vec<&str> = CATALOG.iter().map(|(n, _)| *n).collect();
    want.sort();
    assert_eq!(names, want, "tool list differs from the catalog");
    for (name, needs) in CATALOG {
        let (_, supported) = listed.iter().find(|(n, _)| n == name).expect("listed");
        if let Some(exp) = expected(*needs) {
            assert_eq!(*supported, exp, "{name} ({needs:?})");
        }
    }
    // Every unsupported tool says what it misses.
    for t in list.as_array().expect("array") {
        if t["supported"] == false {
            assert!(
                t["missing"].as_array().is_some_and(|m| !m.is_empty()),
                "{t}"
            );
        }
    }
    // The text form: one line per tool, under the header, with a summary.
    let text = root.ok(&["tool", "list"]);
    let mut lines = text.lines();
    assert!(lines.next().is_some_and(|h| h.starts_with("NAME")));
    for (name, _) in CATALOG {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().next() == Some(name)),
            "{name} missing from:\n{text}"
        );
    }
}
