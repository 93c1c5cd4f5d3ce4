//! Shared helpers for live-kernel tests: a bpffs directory guard, fixture
//! compilation, running bpfscope/bpftool, and counting kernel objects.
#![allow(dead_code)]

pub mod lifecycle;
pub mod parity;
pub mod toolroot;
pub mod verifier;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const BPFSCOPE: &str = env!("CARGO_BIN_EXE_bpfscope");

/// Our own bpffs directory (`/sys/fs/bpf/bpfscope-test-<pid>-<n>`), removed on drop.
pub struct BpffsDir {
    pub path: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl BpffsDir {
    pub fn new() -> Self {
        ensure_bpffs();
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = PathBuf::from(format!(
            "/sys/fs/bpf/bpfscope-test-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create test bpffs dir");
        BpffsDir { path }
    }
    pub fn join(&self, p: &str) -> PathBuf {
        self.path.join(p)
    }
}

impl Drop for BpffsDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

pub fn ensure_bpffs() {
    let out = Command::new(BPFSCOPE)
        .args(["map", "pin", "--help"])
        .output();
    let _ = out;
    if !std::fs::read_to_string("/proc/mounts")
        .unwrap_or_default()
        .contains(" /sys/fs/bpf bpf ")
    {
        let _ = std::fs::create_dir_all("/sys/fs/bpf");
        let st = Command::new("mount")
            .args(["-t", "bpf", "bpf", "/sys/fs/bpf"])
            .status();
        assert!(st.is_ok_and(|s| s.success()), "cannot mount bpffs");
    }
}

/// Compiles tests/fixtures/NAME.bpf.c with clang into OUT_DIR-like temp dir; returns the .o path.
pub fn compile(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let src = dir.join(format!("{name}.bpf.c"));
    let out_dir = std::env::temp_dir().join(format!("bpfscope-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let obj = out_dir.join(format!("{name}.bpf.o"));
    let st = Command::new("clang")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .arg(format!("-I{}", dir.display()))
        .status()
        .expect("clang is needed for the live tests (make deps installs it)");
    assert!(st.success(), "clang failed on {}", src.display());
    obj
}

pub fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin).args(args).output().expect("run command")
}

pub fn bpfscope(args: &[&str]) -> Output {
    run(BPFSCOPE, args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and parses JSON stdout, asserting success.
pub fn json(bin: &str, args: &[&str]) -> serde_json::Value {
    let o = run(bin, args);
    assert!(o.status.success(), "{bin} {args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{bin} {args:?}: bad JSON ({e}): {}", stdout(&o)))
}

pub fn have_bpftool() -> bool {
    let ok = Command::new("bpftool")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "bpftool is missing under CI (make deps installs it)"
        );
        eprintln!("NOTE: bpftool not installed: comparisons skipped (make deps installs it)");
    }
    ok
}

/// Every key bpftool printed has the same value in ours (except `skip` keys).
pub fn assert_superset(
    ours: &serde_json::Value,
    theirs: &serde_json::Value,
    skip: &[&str],
    what: &str,
) {
    let (Some(o), Some(t)) = (ours.as_object(), theirs.as_object()) else {
        panic!("{what}: expected objects, got {ours} / {theirs}");
    };
    for (k, v) in t {
        if skip.contains(&k.as_str()) {
            continue;
        }
        assert_eq!(
            o.get(k),
            Some(v),
            "{what}: key {k:?} differs (ours: {ours}, bpftool: {theirs})"
        );
    }
}

/// Count of programs, maps and links on the system.
pub fn kernel_counts() -> (usize, usize, usize) {
    let n = |o: &str| {
        json(BPFSCOPE, &["-j", o, "show"])
            .as_array()
            .map(|a| a.len())
            .unwrap_or(0)
    };
    (n("prog"), n("map"), n("link"))
}

/// The kernel id of a loaded program, from its fd.
pub fn prog_id(fd: impl std::os::fd::AsFd) -> u32 {
    let mut info = libbpf_sys::bpf_prog_info::default();
    info_by_fd(fd, &mut info);
    info.id
}

/// The kernel id of a map, from its fd.
pub fn map_id(fd: impl std::os::fd::AsFd) -> u32 {
    let mut info = libbpf_sys::bpf_map_info::default();
    info_by_fd(fd, &mut info);
    info.id
}

fn info_by_fd<T>(fd: impl std::os::fd::AsFd, info: &mut T) {
    use std::os::fd::AsRawFd;
    let mut len = std::mem::size_of::<T>() as u32;
    // SAFETY: valid fd and a correctly sized info buffer.
    let r = unsafe {
        libbpf_sys::bpf_obj_get_info_by_fd(
            fd.as_fd().as_raw_fd(),
            info as *mut T as *mut _,
            &mut len,
        )
    };
    assert_eq!(r, 0, "BPF_OBJ_GET_INFO_BY_FD failed");
}

pub fn text_of(bin: &str, args: &[&str]) -> String {
    let o = run(bin, args);
    assert!(o.status.success(), "{bin} {args:?}: {}", stderr(&o));
    stdout(&o)
}

/// A failure the bpftool way: exit 255, one `Error: …` line on stderr, and
/// with -j also {"error": …} on stdout.
pub fn assert_fails(args: &[&str], needle: &str) {
    let o = bpfscope(args);
    assert_eq!(o.status.code(), Some(255), "{args:?}: {}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{args:?}: one line expected: {err}");
    assert!(
        err.starts_with("Error: ") && err.contains(needle),
        "{args:?}: {err}"
    );
    let mut j = vec!["-j"];
    j.extend_from_slice(args);
    let o = bpfscope(&j);
    assert_eq!(o.status.code(), Some(255));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON error object");
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains(needle)),
        "{v}"
    );
}

/// `count` 4 KiB O_DIRECT|O_SYNC writes in `dir` (with dd), which reach the
/// block layer: a workload for the block tools.
pub fn direct_writes(dir: &Path, count: u32) {
    let file = dir.join(format!("bpfscope-direct-writes-{}", std::process::id()));
    let st = Command::new("dd")
        .arg("if=/dev/zero")
        .arg(format!("of={}", file.display()))
        .args([
            "bs=4k",
            &format!("count={count}"),
            "oflag=direct,sync",
            "status=none",
        ])
        .status()
        .expect("dd");
    let _ = std::fs::remove_file(&file);
    assert!(st.success(), "dd failed");
}
