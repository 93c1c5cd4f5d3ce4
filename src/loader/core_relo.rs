//! libbpf's CO-RE relocation engine, run offline for BTFGen (`gen
//! min_core_btf`): for every CO-RE record of an object, which target types,
//! members and array steps the relocation resolves to.
//!
//! libbpf does not export this engine: `bpf_core_calc_relo_insn`,
//! `bpf_core_add_cands`, `bpf_core_free_cands` and
//! `bpf_core_essential_name_len` are internal (relo_core.h,
//! libbpf_internal.h), built with hidden visibility. bpftool reaches them
//! by linking libbpf statically and including the internal headers; we do
//! the same through libbpf-sys's static libbpf, declaring the functions
//! and the structs they take here. The layouts are libbpf v1.7's (checked
//! against the headers: `bpf_core_spec` is 1312 bytes on 64-bit); the
//! libbpf-sys version is pinned in Cargo.toml so they cannot drift apart
//! unnoticed (a test compares the sizes with the vendored headers).

use std::ffi::CStr;
use std::os::raw::{c_char, c_int};
use std::path::Path;

use crate::btf::Btf;

const SPEC_MAX_LEN: usize = 64;

#[repr(C)]
struct Cand {
    btf: *const libbpf_sys::btf,
    id: u32,
}

#[repr(C)]
struct CandList {
    cands: *mut Cand,
    len: c_int,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Accessor {
    type_id: u32,
    idx: u32,
    name: *const c_char,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Spec {
    btf: *const libbpf_sys::btf,
    spec: [Accessor; SPEC_MAX_LEN],
    root_type_id: u32,
    relo_kind: u32,
    len: c_int,
    raw_spec: [c_int; SPEC_MAX_LEN],
    raw_len: c_int,
    bit_offset: u32,
}

#[repr(C)]
#[derive(Default)]
struct ReloRes {
    orig_val: u64,
    new_val: u64,
    poison: bool,
    validate: bool,
    fail_memsz_adjust: bool,
    orig_sz: u32,
    orig_type_id: u32,
    new_sz: u32,
    new_type_id: u32,
}

extern "C" {
    fn bpf_core_calc_relo_insn(
        prog_name: *const c_char,
        relo: *const libbpf_sys::bpf_core_relo,
        relo_idx: c_int,
        local_btf: *const libbpf_sys::btf,
        cands: *mut CandList,
        specs_scratch: *mut Spec,
        targ_res: *mut ReloRes,
    ) -> c_int;
    fn bpf_core_add_cands(
        local_cand: *mut Cand,
        local_essent_len: libc::size_t,
        targ_btf: *const libbpf_sys::btf,
        targ_btf_name: *const c_char,
        targ_start_id: c_int,
        cands: *mut CandList,
    ) -> c_int;
    fn bpf_core_free_cands(cands: *mut CandList);
    fn bpf_core_essential_name_len(name: *const c_char) -> libc::size_t;
}

/// BPF_CORE_TYPE_ID_LOCAL: needs no target BTF (and no candidates).
pub const TYPE_ID_LOCAL: u32 = 6;

/// What one relocation resolved to in the target BTF (libbpf's target spec).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    pub relo_kind: u32,
    pub root_type_id: u32,
    /// The low-level accessor string: member indexes and array indexes.
    pub raw_spec: Vec<i32>,
}

/// Failures, with libbpf's errno.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("failed to parse BPF object '{path}': {why}")]
    Parse { path: String, why: String },
    #[error("failed to resolve CO-RE relocation #{idx} of section '{sec}': {}", std::io::Error::from_raw_os_error(*errno))]
    Relo { sec: String, idx: usize, errno: i32 },
}

/// Candidates of one local type in the target, freed on drop.
struct Cands(*mut CandList);

impl Drop for Cands {
    fn drop(&mut self) {
        // SAFETY: the list was calloc'ed by us and filled by
        // bpf_core_add_cands; bpf_core_free_cands frees both.
        unsafe { bpf_core_free_cands(self.0) }
    }
}

/// libbpf's candidate search for `local_id` of `local` in `target`, as
/// bpftool's btfgen_find_cands does it (target named "vmlinux", from id 1).
fn find_cands(local: &Btf, target: &Btf, local_id: u32) -> Result<Cands, i32> {
    // SAFETY: local is live; the returned name lives as long as it.
    let name = unsafe {
        let t = libbpf_sys::btf__type_by_id(local.as_ptr(), local_id);
        if t.is_null() {
            return Err(libc::EINVAL);
        }
        libbpf_sys::btf__name_by_offset(local.as_ptr(), (*t).name_off)
    };
    if name.is_null() {
        return Err(libc::EINVAL);
    }
    // SAFETY: calloc'ed list handed to libbpf, which reallocs its array.
    let list = unsafe { libc::calloc(1, std::mem::size_of::<CandList>()) }.cast::<CandList>();
    if list.is_null() {
        return Err(libc::ENOMEM);
    }
    let cands = Cands(list);
    let mut local_cand = Cand {
        btf: local.as_ptr(),
        id: local_id,
    };
    // SAFETY: name is NUL-terminated; both BTFs are live for the call and
    // the candidates keep pointers to `target`, which outlives them.
    let err = unsafe {
        let len = bpf_core_essential_name_len(name);
        bpf_core_add_cands(
            &mut local_cand,
            len,
            target.as_ptr(),
            c"vmlinux".as_ptr(),
            1,
            cands.0,
        )
    };
    if err < 0 {
        return Err(-err);
    }
    Ok(cands)
}

/// The raw `.BTF.ext` of the ELF at `path` (libbpf's parse), if it has one.
fn btf_ext_raw(path: &Path) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut ext: *mut libbpf_sys::btf_ext = std::ptr::null_mut();
    // SAFETY: c is a valid path; ext receives an owned btf_ext or stays NULL.
    let btf = unsafe { libbpf_sys::btf__parse_elf(c.as_ptr(), &mut ext) };
    let bytes = (!ext.is_null()).then(|| {
        let mut size = 0u32;
        // SAFETY: ext is live; its raw data is `size` bytes, copied here.
        unsafe {
            let p = libbpf_sys::btf_ext__raw_data(ext, &mut size);
            std::slice::from_raw_parts(p.cast::<u8>(), size as usize).to_vec()
        }
    });
    // SAFETY: both came from btf__parse_elf; the free functions accept NULL.
    unsafe {
        libbpf_sys::btf_ext__free(ext);
        libbpf_sys::btf__free(btf);
    }
    bytes
}

/// Resolves every CO-RE relocation of the object at `path` against
/// `target`, in the order of its `.BTF.ext`.
pub fn resolve_object(path: &Path, target: &Btf) -> Result<Vec<TargetSpec>, CoreError> {
    let parse_err = |why: String| CoreError::Parse {
        path: path.display().to_string(),
        why,
    };
    let local = Btf::parse_file(path, None).map_err(|e| parse_err(e.to_string()))?;
    let ext = btf_ext_raw(path).ok_or_else(|| parse_err("section .BTF.ext not found".into()))?;
    let sections = crate::loader::verifier::objinfo::core_relo_records(&ext)
        .ok_or_else(|| parse_err("malformed .BTF.ext".into()))?;
    let mut cache: std::collections::HashMap<u32, Cands> = Default::default();
    let mut out = Vec::new();
    for (sec_off, records) in sections {
        // SAFETY: local is live; the name lives as long as it.
        let sec_name = unsafe { libbpf_sys::btf__name_by_offset(local.as_ptr(), sec_off) };
        let sec = if sec_name.is_null() {
            String::new()
        } else {
            // SAFETY: non-null NUL-terminated string owned by `local`.
            unsafe { CStr::from_ptr(sec_name) }
                .to_string_lossy()
                .into_owned()
        };
        for (idx, r) in records.iter().enumerate() {
            let relo = libbpf_sys::bpf_core_relo {
                insn_off: r[0],
                type_id: r[1],
                access_str_off: r[2],
                kind: r[3],
            };
            let relo_err = |errno: i32| CoreError::Relo {
                sec: sec.clone(),
                idx,
                errno,
            };
            let cands = if relo.kind == TYPE_ID_LOCAL {
                std::ptr::null_mut()
            } else {
                match cache.entry(relo.type_id) {
                    std::collections::hash_map::Entry::Occupied(e) => e.get().0,
                    std::collections::hash_map::Entry::Vacant(e) => {
                        let c = find_cands(&local, target, relo.type_id).map_err(relo_err)?;
                        e.insert(c).0
                    }
                }
            };
            // SAFETY: zeroed specs are what bpftool passes (`= {}`): all
            // pointers null, all counts zero.
            let mut specs: [Spec; 3] = unsafe { std::mem::zeroed() };
            let mut res = ReloRes::default();
            // SAFETY: every pointer is live for the call: the section name
            // (owned by `local`), relo, local BTF, the candidate list (owned
            // by the cache) and the scratch specs and result.
            let err = unsafe {
                bpf_core_calc_relo_insn(
                    sec_name,
                    &relo,
                    idx as c_int,
                    local.as_ptr(),
                    cands,
                    specs.as_mut_ptr(),
                    &mut res,
                )
            };
            if err < 0 {
                return Err(relo_err(-err));
            }
            // specs[2] is the target spec.
            let t = &specs[2];
            let raw_len = (t.raw_len.max(0) as usize).min(SPEC_MAX_LEN);
            out.push(TargetSpec {
                relo_kind: t.relo_kind,
                root_type_id: t.root_type_id,
                raw_spec: t.raw_spec[..raw_len].to_vec(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_libbpf_1_7s() {
        // Sizes and offsets printed by a C program against libbpf-sys's
        // vendored relo_core.h (x86-64 and arm64).
        assert_eq!(std::mem::size_of::<Spec>(), 1312);
        assert_eq!(std::mem::offset_of!(Spec, root_type_id), 1032);
        assert_eq!(std::mem::offset_of!(Spec, raw_spec), 1044);
        assert_eq!(std::mem::offset_of!(Spec, raw_len), 1300);
        assert_eq!(std::mem::size_of::<ReloRes>(), 40);
        assert_eq!(std::mem::size_of::<Cand>(), 16);
        assert_eq!(std::mem::size_of::<CandList>(), 16);
    }
}
