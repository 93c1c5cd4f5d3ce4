//! Every seed and every `regress-*` input of the four fuzz targets, run
//! through the targets' own bodies (fuzz/targets/) as an ordinary test: a
//! regression of a fuzz finding fails `cargo test` without a sanitizer
//! build or cargo-fuzz.

use std::path::{Path, PathBuf};

#[path = "../fuzz/targets/btf.rs"]
mod btf_target;
#[path = "../fuzz/targets/decoder.rs"]
mod decoder_target;
#[path = "../fuzz/targets/value_fmt.rs"]
mod value_fmt_target;
#[path = "../fuzz/targets/verifier_log.rs"]
mod verifier_log_target;

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Runs `run` on each input of `target`, naming every input that panics.
fn each(target: &str, run: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "{target}: no seeds");
    let regress = files
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("regress-"))
        })
        .count();
    let mut failed = Vec::new();
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            failed.push(f.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{target}: panicked on {failed:?}");
    eprintln!(
        "{target}: {} inputs ({regress} regress-*) ran clean",
        files.len()
    );
}

#[test]
fn btf_seeds() {
    each("btf", btf_target::run);
}

#[test]
fn decoder_seeds() {
    each("decoder", decoder_target::run);
}

#[test]
fn value_fmt_seeds() {
    each("value_fmt", value_fmt_target::run);
}

#[test]
fn verifier_log_seeds() {
    each("verifier_log", verifier_log_target::run);
}
