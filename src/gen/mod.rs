//! `gen`: what BPF projects call from their Makefiles, as bpftool's `gen`
//! does it (upstream gen.c's names and layout):
//! - [`object`] links objects statically through libbpf's linker;
//! - [`skeleton`] / [`subskeleton`] write C headers that embed or find an
//!   object's maps, programs and typed data sections; [`light_skeleton`]
//!   (`-L`) embeds a loader program instead of the object;
//! - [`min_core_btf`] (BTFGen) cuts a BTF down to what CO-RE relocations use;
//! - [`rust_skeleton`] hands an object to libbpf-cargo's generator.
//!
//! libbpf is reached through `loader` (object contents, CO-RE resolution),
//! `sys` (the linker) and `btf` (type declarations, BTF writing); this
//! module only derives names and writes text. Every output file is written
//! to a temporary file beside it and renamed into place when complete, so a
//! failure never leaves a half-written output behind.

mod btfgen;
mod error;
mod light;
mod names;
mod parts;
mod rust;
mod skeleton;
mod subskeleton;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::btf::Btf;
use crate::loader::objinfo::{self, ObjInfo};

pub use error::GenError;
pub use names::is_c_identifier;

fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> GenError + 'a {
    move |source| GenError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `output` through a temporary file in its directory, renamed over
/// it only once `fill` has succeeded.
fn write_atomically(
    output: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> Result<(), GenError>,
) -> Result<(), GenError> {
    let dir = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if output.is_dir() {
        return Err(GenError::Io {
            what: "can't write output",
            path: output.to_path_buf(),
            source: std::io::Error::from_raw_os_error(libc::EISDIR),
        });
    }
    use std::os::unix::fs::PermissionsExt;
    // 0666 less the umask, as a plain create would give (not tempfile's 0600).
    let mut tmp = tempfile::Builder::new()
        .prefix(".bpfscope-gen-")
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(io("can't write output", output))?;
    fill(tmp.as_file_mut())?;
    tmp.as_file_mut()
        .flush()
        .map_err(io("can't write output", output))?;
    tmp.persist(output).map_err(|e| GenError::Io {
        what: "can't write output",
        path: output.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// `gen object OUTPUT INPUT…`: static linking.
pub fn object(output: &Path, inputs: &[PathBuf]) -> Result<(), GenError> {
    for input in inputs {
        check_elf(input)?;
    }
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    write_atomically(output, |f| {
        let (r, lines) =
            crate::loader::log::with_capture(|| crate::sys::linker::link_objects(f, &inputs));
        r.map_err(|e| match crate::loader::log::last_error(&lines) {
            Some(why) => GenError::Failed(format!("{e} ({why})")),
            None => e.into(),
        })
    })
}

/// Reads an input object, refusing what is not ELF.
fn read_elf(path: &Path) -> Result<Vec<u8>, GenError> {
    let data = crate::infile::read(path).map_err(io("failed to open", path))?;
    if !data.starts_with(b"\x7fELF") {
        return Err(GenError::Failed(format!(
            "failed to open BPF object file '{}': not an ELF file",
            path.display()
        )));
    }
    Ok(data)
}

fn check_elf(path: &Path) -> Result<(), GenError> {
    // A regular file of bounded size only: no FIFO, device or directory.
    let (mut f, _) = crate::infile::open(path).map_err(io("failed to open", path))?;
    let mut magic = [0u8; 4];
    use std::io::Read;
    if f.read_exact(&mut magic).is_err() || &magic != b"\x7fELF" {
        return Err(GenError::Failed(format!(
            "failed to link '{}': not an ELF file",
            path.display()
        )));
    }
    Ok(())
}

/// The skeleton's object name: `name NAME` (a C identifier), or derived
/// from the file name as bpftool does.
fn object_name(path: &Path, name: Option<&str>) -> Result<String, GenError> {
    match name {
        Some(n) if !is_c_identifier(n) => Err(GenError::Failed(format!(
            "invalid object name '{n}': not a C identifier"
        ))),
        Some(n) => Ok(names::truncate(n).to_string()),
        None => Ok(names::obj_name_from_file(path)),
    }
}

/// An object opened for generation, with its BTF (required).
fn open_with_btf(path: &Path, data: &[u8], libbpf_name: &str) -> Result<(ObjInfo, Btf), GenError> {
    let info = objinfo::open(data, libbpf_name)
        .map_err(|e| GenError::Failed(format!("{}: {e}", path.display())))?;
    let raw = info.btf.as_deref().ok_or_else(|| {
        GenError::Failed(format!(
            "need BTF type information for {} (compile with clang -g)",
            path.display()
        ))
    })?;
    let btf = Btf::from_bytes_named(&path.display().to_string(), raw, None)
        .map_err(|e| GenError::Failed(e.to_string()))?;
    Ok((info, btf))
}

/// `gen skeleton OBJ [name NAME]`: the C header.
pub fn skeleton(path: &Path, name: Option<&str>) -> Result<String, GenError> {
    let obj_name = object_name(path, name)?;
    let data = read_elf(path)?;
    let (info, btf) = open_with_btf(path, &data, &obj_name)?;
    skeleton::generate(&obj_name, &info, &btf, &data)
}

/// `gen skeleton -L OBJ [name NAME]`: the light skeleton (loader program).
pub fn light_skeleton(path: &Path, name: Option<&str>) -> Result<String, GenError> {
    let obj_name = object_name(path, name)?;
    let data = read_elf(path)?;
    let (plain, _) = open_with_btf(path, &data, &obj_name)?;
    // libbpf's loader generator has no kernel BTF to resolve struct_ops
    // types against (it crashes on them, bpftool included): refuse.
    if let Some(m) = plain
        .maps
        .iter()
        .find(|m| m.map_type == names::MAP_TYPE_STRUCT_OPS)
    {
        return Err(GenError::Failed(format!(
            "{}: struct_ops map '{}' can't be in a light skeleton (libbpf's loader generator does not support struct_ops)",
            path.display(),
            m.name
        )));
    }
    let (info, blob) = objinfo::open_with_loader(&data, &obj_name)
        .map_err(|e| GenError::Failed(format!("{}: {e}", path.display())))?;
    let raw = info.btf.as_deref().unwrap_or_default();
    let btf = Btf::from_bytes_named(&path.display().to_string(), raw, None)
        .map_err(|e| GenError::Failed(e.to_string()))?;
    light::generate(&obj_name, &info, &btf, &blob)
}

/// `gen subskeleton OBJ name NAME`: the C header of a library object.
pub fn subskeleton(path: &Path, name: Option<&str>) -> Result<String, GenError> {
    let obj_name = object_name(path, name)?;
    let data = read_elf(path)?;
    // An empty object name gives internal maps their bare section names
    // (".data"), which is what the final object's maps are found by.
    let (info, btf) = open_with_btf(path, &data, "")?;
    subskeleton::generate(&obj_name, &info, &btf)
}

/// `gen min_core_btf INPUT OUTPUT OBJ…`: BTFGen.
pub fn min_core_btf(input: &Path, output: &Path, objects: &[PathBuf]) -> Result<(), GenError> {
    for obj in objects {
        read_elf(obj)?;
    }
    let objs: Vec<&Path> = objects.iter().map(PathBuf::as_path).collect();
    // libbpf's warnings are kept out of the terminal: our error says it.
    let (bytes, _) = crate::loader::log::with_capture(|| {
        let src = Btf::parse_file(input, None).map_err(|e| GenError::Failed(e.to_string()))?;
        btfgen::minimize(&src, &objs)
    });
    let bytes = bytes?;
    write_atomically(output, |f| {
        f.write_all(&bytes)
            .map_err(io("can't write output", output))
    })
}

/// `gen skeleton --rust OBJ [name NAME]`: libbpf-cargo's Rust skeleton.
pub fn rust_skeleton(path: &Path, name: Option<&str>) -> Result<String, GenError> {
    let data = read_elf(path)?;
    // The same checks as the C skeleton, so bad input fails the same way.
    open_with_btf(path, &data, &object_name(path, name)?)?;
    rust::generate(path, name)
}
