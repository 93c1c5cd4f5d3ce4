//! The verifier fixtures (tests/fixtures/verifier): compiled with clang,
//! and located by source line, for tests/verifier.rs and verifier_cases.rs.
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verifier")
}

/// This test binary's temporary directory for objects and logs.
pub fn out_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("bpfscope-verifier-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Compiles tests/fixtures/verifier/NAME.bpf.c (clang, -O2 -g).
pub fn compile(name: &str) -> PathBuf {
    let dir = fixture_dir();
    let obj = out_dir().join(format!("{name}.bpf.o"));
    let st = Command::new("clang")
        .args(["-target", "bpf", "-O2", "-g", "-c"])
        .arg(dir.join(format!("{name}.bpf.c")))
        .arg("-o")
        .arg(&obj)
        .arg(format!("-I{}", dir.display()))
        .status()
        .expect("clang is needed for the live tests (make deps installs it)");
    assert!(st.success(), "clang failed on {name}");
    obj
}

/// The 1-based line of the fixture that contains `snippet` (exactly one).
pub fn line_of(name: &str, snippet: &str) -> u64 {
    let src = std::fs::read_to_string(fixture_dir().join(format!("{name}.bpf.c"))).unwrap();
    let hits: Vec<usize> = src
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(snippet))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(hits.len(), 1, "{name}: '{snippet}' should be on one line");
    hits[0] as u64
}
