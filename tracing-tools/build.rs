//! Compiles the tools' .bpf.c sources with clang (through libbpf-cargo,
//! which also supplies libbpf's bpf_helpers.h & co.) into OUT_DIR; lib.rs
//! embeds the objects with include_bytes!, so nothing is installed.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use libbpf_cargo::SkeletonBuilder;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let src = PathBuf::from("src/bpf");
    let version = format!("-DTOOLS_VERSION=\"{}\"", env!("CARGO_PKG_VERSION"));
    println!("cargo:rerun-if-changed=src/bpf/tools.h");
    println!("cargo:rerun-if-changed=src/bpf/vmlinux.h");
    // Every src/bpf/NAME.bpf.c becomes OUT_DIR/NAME.bpf.o: a new tool is
    // a new file, not a new line here (the directory is watched for that).
    println!("cargo:rerun-if-changed=src/bpf");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&src)
        .expect("tracing-tools/src/bpf")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".bpf.c"))
        .collect();
    sources.sort();
    for source in sources {
        let file = source.file_name().unwrap_or_default().to_string_lossy();
        let tool = file.trim_end_matches(".bpf.c");
        println!("cargo:rerun-if-changed={}", source.display());
        let obj = out.join(format!("{tool}.bpf.o"));
        if let Err(e) = SkeletonBuilder::new()
            .source(&source)
            .obj(&obj)
            .clang_args([
                "-I".to_string(),
                src.display().to_string(),
                "-Wall".to_string(),
                version.clone(),
            ])
            .build()
        {
            // A build script reports failure by panicking; show clang's whole message.
            panic!("building {}: {e:#}", source.display());
        }
        strip_dwarf(&obj);
    }
}

/// Drops DWARF (`llvm-strip -g`, as libbpf-tools does): BTF and line info
/// stay, the embedded objects shrink from ~650 KiB to tens of KiB.
/// Without llvm-strip the unstripped object is embedded; it loads the same.
fn strip_dwarf(obj: &Path) {
    for strip in [
        "llvm-strip",
        "llvm-strip-14",
        "llvm-strip-15",
        "llvm-strip-16",
    ] {
        if let Ok(status) = Command::new(strip).arg("-g").arg(obj).status() {
            if status.success() {
                return;
            }
        }
    }
    println!("cargo:warning=llvm-strip not found: embedding unstripped BPF objects");
}
