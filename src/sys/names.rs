//! Kernel enum values to the names bpftool prints (libbpf's own tables).
use std::ffi::CStr;

use crate::record::names::KindName;

fn from_ptr(p: *const libc::c_char, n: u32) -> KindName {
    if p.is_null() {
        return KindName::Num(n);
    }
    // SAFETY: libbpf returns pointers to static NUL-terminated strings.
    KindName::Name(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

pub fn prog_type(t: u32) -> KindName {
    // SAFETY: pure table lookup; unknown values return NULL.
    from_ptr(unsafe { libbpf_sys::libbpf_bpf_prog_type_str(t) }, t)
}

pub fn map_type(t: u32) -> KindName {
    // SAFETY: pure table lookup; unknown values return NULL.
    from_ptr(unsafe { libbpf_sys::libbpf_bpf_map_type_str(t) }, t)
}

pub fn link_type(t: u32) -> KindName {
    // SAFETY: pure table lookup; unknown values return NULL.
    from_ptr(unsafe { libbpf_sys::libbpf_bpf_link_type_str(t) }, t)
}

pub fn attach_type(t: u32) -> KindName {
    // SAFETY: pure table lookup; unknown values return NULL.
    from_ptr(unsafe { libbpf_sys::libbpf_bpf_attach_type_str(t) }, t)
}

/// Every name of a libbpf table from 0 up to its first gap, as bpftool's
/// `feature list_builtins` lists them.
pub fn table(name_of: fn(u32) -> KindName) -> Vec<String> {
    (0..)
        .map_while(|t| match name_of(t) {
            KindName::Name(n) => Some(n),
            KindName::Num(_) => None,
        })
        .collect()
}

/// The number of a prog type name (`xdp`, `socket_filter`, …), for `type T` arguments.
pub fn prog_type_by_name(name: &str) -> Option<u32> {
    (0..64).find(|&t| matches!(prog_type(t), KindName::Name(ref n) if n == name))
}

pub fn map_type_by_name(name: &str) -> Option<u32> {
    (0..64).find(|&t| matches!(map_type(t), KindName::Name(ref n) if n == name))
}

pub fn attach_type_by_name(name: &str) -> Option<u32> {
    (0..128).find(|&t| matches!(attach_type(t), KindName::Name(ref n) if n == name))
}

/// Map flag bits and their names (uapi BPF_F_*), for `flags 0x1 (no_prealloc)`.
pub const MAP_FLAGS: &[(u32, &str)] = &[
    (1 << 0, "no_prealloc"),
    (1 << 1, "no_common_lru"),
    (1 << 2, "numa_node"),
    (1 << 3, "rdonly"),
    (1 << 4, "wronly"),
    (1 << 5, "stack_build_id"),
    (1 << 6, "zero_seed"),
    (1 << 7, "rdonly_prog"),
    (1 << 8, "wronly_prog"),
    (1 << 9, "clone"),
    (1 << 10, "mmapable"),
    (1 << 11, "preserve_elems"),
    (1 << 12, "inner_map"),
    (1 << 13, "link"),
    (1 << 14, "path_fd"),
    (1 << 15, "vtype_btf_obj_fd"),
    (1 << 16, "token_fd"),
    (1 << 17, "segv_on_fault"),
    (1 << 18, "no_user_conv"),
];

pub fn map_flag_names(flags: u32) -> Vec<&'static str> {
    MAP_FLAGS
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn known_and_unknown_types() {
        assert_eq!(prog_type(1), KindName::Name("socket_filter".into()));
        assert_eq!(map_type(2), KindName::Name("array".into()));
        assert_eq!(prog_type(9999), KindName::Num(9999));
        assert_eq!(prog_type_by_name("xdp"), Some(6));
        assert_eq!(map_flag_names(0x401), vec!["no_prealloc", "mmapable"]);
    }
}
