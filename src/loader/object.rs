//! One BPF object: opened from bytes (the embedded tools, or a file's
//! contents), read-only variables set from the object's own BTF (the
//! `.rodata` DATASEC gives each variable's offset and size), then loaded
//! with libbpf's messages captured for the verifier log.

use std::os::unix::ffi::OsStrExt;

use libbpf_rs::{AsRawLibbpf, Object, ObjectBuilder, OpenObject};

use super::{bpf_err, log, LoaderError};
use crate::btf::view::kind;
use crate::btf::View;

/// Lines of verifier log kept for the error message.
pub const LOG_TAIL_LINES: usize = 20;

/// A variable of the object's `.rodata` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RodataVar {
    pub name: String,
    pub offset: usize,
    pub size: usize,
}

/// Opens an object from ELF bytes; `name` becomes the object name (it
/// prefixes libbpf's internal map names).
pub fn open(bytes: &[u8], name: &str) -> Result<OpenObject, LoaderError> {
    let mut builder = ObjectBuilder::default();
    builder
        .name(name)
        .map_err(bpf_err(format!("invalid object name '{name}'")))?;
    // libbpf says only "failed to open object" for these; say what is wrong.
    if !bytes.starts_with(b"\x7fELF") {
        return Err(LoaderError::Open {
            object: name.to_string(),
            why: if bytes.is_empty() {
                "the file is empty".into()
            } else {
                "not an ELF object file".into()
            },
        });
    }
    let (res, lines) = log::with_capture(|| builder.open_memory(bytes));
    // Opening fails before any verifier runs: libbpf's last complaint says
    // why in one line (the whole chatter is for -d).
    res.map_err(|source| LoaderError::Open {
        object: name.to_string(),
        why: log::last_error(&lines).unwrap_or_else(|| source.to_string()),
    })
}

/// Opens an object file; the object is named after the file's stem.
pub fn open_file(file: &std::path::Path) -> Result<(OpenObject, String), LoaderError> {
    let bytes = crate::infile::read(file).map_err(super::io_err("can't read object file", file))?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // libbpf object names are C identifiers; the file stem may not be one.
    let name: String = stem
        .split('.')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let name = if name.is_empty() { "obj".into() } else { name };
    let obj = open(&bytes, &name).map_err(|e| match e {
        // Name the file the user gave, not the derived object name.
        LoaderError::Open { why, .. } => LoaderError::Open {
            object: file.display().to_string(),
            why,
        },
        e => e,
    })?;
    Ok((obj, name))
}

/// The `.rodata` variables, from the object's BTF (none without BTF).
pub fn rodata_vars(obj: &OpenObject) -> Vec<RodataVar> {
    let Some(btf) = object_btf(obj) else {
        return Vec::new();
    };
    let Some(sec) = btf.find_named(&[(kind::DATASEC, ".rodata")])[0].and_then(|id| btf.ty(id))
    else {
        return Vec::new();
    };
    sec.secinfos()
        .filter_map(|(ty, offset, size)| {
            let var = btf.ty(ty).filter(|v| v.kind() == kind::VAR)?;
            let name = btf.str_at(var.name_off).filter(|n| !n.is_empty())?;
            Some(RodataVar {
                name: String::from_utf8_lossy(name).into_owned(),
                offset: offset as usize,
                size: size as usize,
            })
        })
        .collect()
}

/// The object's BTF as libbpf holds it once opened (DATASEC sizes and
/// offsets filled in), copied into the one BTF view bpfscope reads.
fn object_btf(obj: &OpenObject) -> Option<View> {
    let raw = obj.as_libbpf_object().as_ptr();
    // SAFETY: `raw` is a live bpf_object; libbpf returns its btf or NULL.
    let btf = std::ptr::NonNull::new(unsafe { libbpf_sys::bpf_object__btf(raw) })?;
    // SAFETY: the btf lives as long as `obj`, which outlives this call.
    unsafe { crate::btf::view_of_libbpf(btf) }
}

/// A value for a read-only variable: exact-size bytes, or a string to be
/// NUL-padded into a char array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RodataValue {
    Bytes(Vec<u8>),
    Str(String),
}

/// Writes `values` into the `.rodata` map's initial value (before load).
pub fn set_rodata(
    obj: &mut OpenObject,
    values: &[(String, RodataValue)],
) -> Result<(), LoaderError> {
    if values.is_empty() {
        return Ok(());
    }
    let vars = rodata_vars(obj);
    let mut placed = Vec::with_capacity(values.len());
    for (name, value) in values {
        let Some(var) = vars.iter().find(|v| &v.name == name) else {
            return Err(LoaderError::Rodata {
                var: name.clone(),
                why: "not in the object's .rodata".into(),
            });
        };
        let bytes = match value {
            RodataValue::Bytes(b) if b.len() == var.size => b.clone(),
            RodataValue::Bytes(b) => {
                return Err(LoaderError::Rodata {
                    var: name.clone(),
                    why: format!("value has {} bytes, the variable {}", b.len(), var.size),
                })
            }
            RodataValue::Str(s) if s.len() < var.size && !s.as_bytes().contains(&0) => {
                let mut b = s.as_bytes().to_vec();
                b.resize(var.size, 0);
                b
            }
            RodataValue::Str(s) => {
                return Err(LoaderError::Rodata {
                    var: name.clone(),
                    why: format!(
                        "string of {} bytes does not fit in {} (NUL included)",
                        s.len(),
                        var.size
                    ),
                })
            }
        };
        placed.push((var.offset, bytes));
    }
    let mut map = obj
        .maps_mut()
        .find(|m| m.name().as_bytes().ends_with(b".rodata"))
        .ok_or_else(|| LoaderError::Rodata {
            var: values[0].0.clone(),
            why: "object has no .rodata map".into(),
        })?;
    let data = map.initial_value_mut().ok_or_else(|| LoaderError::Rodata {
        var: values[0].0.clone(),
        why: ".rodata map has no data".into(),
    })?;
    for (offset, bytes) in placed {
        let Some(dst) = data.get_mut(offset..offset + bytes.len()) else {
            return Err(LoaderError::Rodata {
                var: format!("at offset {offset}"),
                why: "outside the .rodata map".into(),
            });
        };
        dst.copy_from_slice(&bytes);
    }
    Ok(())
}

/// Loads the object into the kernel. On failure the error carries the
/// failing program and the verifier log's last lines.
pub fn load(obj: OpenObject, name: &str) -> Result<Object, LoaderError> {
    let (res, lines) = log::with_capture(|| obj.load());
    res.map_err(|source| {
        // Refused before any verifier ran (no log): a missing capability,
        // said in one line by the hint, not a page of libbpf's probing.
        let denied = source.kind() == libbpf_rs::ErrorKind::PermissionDenied
            && !lines
                .iter()
                .any(|l| l.contains("-- BEGIN PROG LOAD LOG --"));
        LoaderError::Load {
            object: name.to_string(),
            prog: log::failed_prog(&lines),
            log: if denied {
                Vec::new()
            } else {
                log::verifier_tail(&lines, LOG_TAIL_LINES)
            },
            full_log: if denied {
                String::new()
            } else {
                log::verifier_tail(&lines, usize::MAX).join("\n")
            },
            source,
        }
    })
}

/// Pin name of a map: its own name, or for libbpf's internal maps
/// (`obj.rodata`, `obj.bss`, `obj.rodata.str1.1`) the section, dots as '_'.
pub fn map_pin_name(map_name: &str) -> String {
    match map_name.split_once('.') {
        Some((_, section)) => section.replace('.', "_"),
        None => map_name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_names() {
        assert_eq!(map_pin_name("hists"), "hists");
        assert_eq!(map_pin_name("biolate.rodata"), "rodata");
        assert_eq!(map_pin_name("x.rodata.str1.1"), "rodata_str1_1");
    }
}
