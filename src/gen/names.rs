//! The names a skeleton is built from, derived as bpftool derives them:
//! the object name from the file name, header guards, and the C
//! identifiers of maps and data sections.

use crate::loader::objinfo::MapInfo;

/// bpftool's MAX_OBJ_NAME_LEN, less its NUL.
const MAX_OBJ_NAME: usize = 63;
/// BPF_F_MMAPABLE: a map user space can mmap (data sections).
const BPF_F_MMAPABLE: u32 = 1 << 10;
/// BPF_MAP_TYPE_ARENA.
pub const MAP_TYPE_ARENA: u32 = 33;
/// BPF_MAP_TYPE_STRUCT_OPS.
pub const MAP_TYPE_STRUCT_OPS: u32 = 26;

/// Replaces every character that can't be in a C identifier with `_`.
pub fn sanitize(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'_' {
                b as char
            } else {
                '_'
            }
        })
        .collect()
}

/// True for a C identifier: a letter or `_`, then letters, digits, `_`.
pub fn is_c_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Cuts a name to what bpftool keeps (63 bytes), on a character boundary.
pub fn truncate(name: &str) -> &str {
    let mut end = name.len().min(MAX_OBJ_NAME);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// `biolatency.bpf.o` → `biolatency_bpf`: the file's base name, cut to 63
/// bytes, without `.o`, sanitized.
pub fn obj_name_from_file(path: &std::path::Path) -> String {
    let base = path
        .file_name()
        .map(|b| b.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = truncate(&base);
    sanitize(base.strip_suffix(".o").unwrap_or(base))
}

/// `__BIOLATENCY_BPF_SKEL_H__`.
pub fn header_guard(obj_name: &str, suffix: &str) -> String {
    format!("__{obj_name}_{suffix}__").to_ascii_uppercase()
}

/// The skeleton's field name for a map: its own name, or for an internal
/// map the section part (`biolaten.rodata` → `rodata`, `x.data.cfg` →
/// `data_cfg`); None for an internal map of a kind bpftool doesn't know.
pub fn map_ident(map: &MapInfo) -> Option<String> {
    if !map.internal {
        return Some(map.name.clone());
    }
    [".data", ".rodata", ".bss", ".kconfig"]
        .iter()
        .find_map(|sfx| map.name.find(sfx))
        .map(|at| sanitize(&map.name[at + 1..]))
}

/// The skeleton's field name for a DATASEC, or None for sections that are
/// no data sections.
pub fn datasec_ident(sec_name: &str) -> Option<String> {
    // LLVM's fixed name for arena globals.
    if sec_name == ".addr_space.1" {
        return Some("arena".into());
    }
    [".data", ".rodata", ".bss", ".kconfig"]
        .iter()
        .any(|p| sec_name.starts_with(p))
        .then(|| sanitize(&sec_name[1..]))
}

/// The field name of a map user space sees memory-mapped (data sections,
/// an arena with initial data), or None.
pub fn mmapable_ident(map: &MapInfo) -> Option<String> {
    if map.map_type == MAP_TYPE_ARENA && map.has_initial_value {
        return Some("arena".into());
    }
    if !map.internal || map.map_flags & BPF_F_MMAPABLE == 0 {
        return None;
    }
    map_ident(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_follow_bpftool() {
        use std::path::Path;
        assert_eq!(
            obj_name_from_file(Path::new("/x/biolatency.bpf.o")),
            "biolatency_bpf"
        );
        assert_eq!(obj_name_from_file(Path::new("a-b.o")), "a_b");
        assert_eq!(obj_name_from_file(Path::new("noext")), "noext");
        assert_eq!(
            header_guard("biolatency_bpf", "SKEL_H"),
            "__BIOLATENCY_BPF_SKEL_H__"
        );
    }

    #[test]
    fn identifiers() {
        assert!(is_c_identifier("_a1"));
        assert!(!is_c_identifier("1a"));
        assert!(!is_c_identifier("a-b"));
        assert!(!is_c_identifier(""));
        assert_eq!(
            datasec_ident(".rodata.str1.1").as_deref(),
            Some("rodata_str1_1")
        );
        assert_eq!(datasec_ident(".addr_space.1").as_deref(), Some("arena"));
        assert_eq!(datasec_ident(".maps"), None);
    }
}
