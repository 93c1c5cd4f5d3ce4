//! Every command that reads a file named on the command line refuses what
//! is not a regular file (/dev/zero, /dev/urandom, a FIFO, a directory) and
//! files over the size limit: one `Error:` line, exit 255, within a second,
//! nothing read (these used to read /dev/zero for ever, growing by GBs).

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::BPFSCOPE;

/// Temporary special files of this test, removed on drop.
struct Specials {
    fifo: String,
    big: String,
}

impl Specials {
    fn new() -> Self {
        let base = std::env::temp_dir().join(format!("bpfscope-special-{}", std::process::id()));
        let fifo = format!("{}.fifo", base.display());
        let big = format!("{}.big", base.display());
        let _ = std::fs::remove_file(&fifo);
        nix::unistd::mkfifo(
            fifo.as_str(),
            nix::sys::stat::Mode::from_bits_truncate(0o600),
        )
        .expect("mkfifo");
        // Sparse: 2 GiB of size, no blocks.
        std::fs::File::create(&big)
            .and_then(|f| f.set_len(2 << 30))
            .expect("sparse file");
        Specials { fifo, big }
    }
}

impl Drop for Specials {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.fifo);
        let _ = std::fs::remove_file(&self.big);
    }
}

fn refused_quickly(args: &[&str], what: &str) {
    let start = Instant::now();
    let mut child = Command::new(BPFSCOPE)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(1) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?}: still running after 1 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(255), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    assert!(
        err.starts_with("Error: ") && err.contains(what),
        "{args:?}: {err}"
    );
}

#[test]
fn file_inputs_refuse_special_and_huge_files() {
    common::ensure_bpffs();
    let s = Specials::new();
    let pin = format!("/sys/fs/bpf/bpfscope-special-{}", std::process::id());
    let out = format!(
        "{}/bpfscope-special-{}.o",
        std::env::temp_dir().display(),
        std::process::id()
    );
    let files: [(&str, &str); 5] = [
        ("/dev/zero", "character device"),
        ("/dev/urandom", "character device"),
        (s.fifo.as_str(), "FIFO"),
        ("/tmp", "directory"),
        (s.big.as_str(), "limit"),
    ];
    for (file, what) in files {
        for args in [
            vec!["btf", "dump", "file", file],
            vec!["prog", "dump", "xlated", "file", file],
            vec!["prog", "dump", "xlated", "file", file, "linum"],
            vec!["prog", "load", file, &pin],
            vec!["prog", "loadall", file, &pin],
            vec!["prog", "verify", file],
            vec!["batch", "file", file],
            vec!["gen", "object", &out, file],
            vec!["gen", "skeleton", file],
            vec!["gen", "min_core_btf", file, &out, file],
            vec!["struct_ops", "register", file],
            vec!["iter", "pin", file, &pin],
        ] {
            refused_quickly(&args, what);
        }
    }
    assert!(!std::path::Path::new(&pin).exists());
    assert!(
        !std::path::Path::new(&out).exists(),
        "no output left behind"
    );
}
