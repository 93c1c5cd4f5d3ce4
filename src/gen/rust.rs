//! `gen skeleton --rust`: the Rust skeleton of libbpf-rs projects, written
//! by libbpf-cargo's own generator (`SkeletonBuilder::generate`, called as
//! a library), so it is exactly what `cargo libbpf gen` would write.

use std::path::Path;

use super::error::GenError;

/// The skeleton source for the object at `path`. libbpf-cargo names the
/// skeleton after the file name up to its first dot; `name` renames it by
/// handing the generator a copy of the object called `NAME.bpf.o`.
pub fn generate(path: &Path, name: Option<&str>) -> Result<String, GenError> {
    let dir = tempfile::tempdir().map_err(|e| GenError::Io {
        what: "can't create a temporary directory",
        path: std::env::temp_dir(),
        source: e,
    })?;
    let obj = match name {
        Some(n) => {
            let copy = dir.path().join(format!("{n}.bpf.o"));
            std::fs::copy(path, &copy).map_err(|e| GenError::Io {
                what: "can't copy",
                path: path.to_path_buf(),
                source: e,
            })?;
            copy
        }
        None => path.to_path_buf(),
    };
    let out = dir.path().join("skel.rs");
    libbpf_cargo::SkeletonBuilder::new()
        .obj(&obj)
        .generate(&out)
        .map_err(|e| GenError::Failed(format!("{e:#}").replace('\n', " ")))?;
    std::fs::read_to_string(&out).map_err(|e| GenError::Io {
        what: "can't read the generated skeleton",
        path: out.clone(),
        source: e,
    })
}
