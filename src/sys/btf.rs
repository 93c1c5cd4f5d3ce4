//! Kernel BTF objects: `btf show` records and a thin handle on a BTF loaded by id.
use std::os::fd::OwnedFd;

use super::{Result, SysError};
use crate::record::btf::BtfRecord;

/// A BTF object loaded from the kernel by id (libbpf's `struct btf`), freed on drop.
/// libbpf-rs's `Btf` cannot be built from a BTF id, hence this small owner.
pub struct KernelBtf {
    ptr: *mut libbpf_sys::btf,
}

pub const KIND_INT: u32 = 1;
pub const KIND_ARRAY: u32 = 3;
pub const KIND_ENUM: u32 = 6;
pub const KIND_FUNC: u32 = 12;
pub const KIND_VAR: u32 = 14;
pub const KIND_DATASEC: u32 = 15;

impl KernelBtf {
    pub fn load_by_id(id: u32) -> Result<Self> {
        // SAFETY: returns an owned btf or an error pointer/NULL with errno set.
        let ptr = unsafe { libbpf_sys::btf__load_from_kernel_by_id(id) };
        if ptr.is_null() || (ptr as isize) < 0 && (ptr as isize) > -4096 {
            return Err(SysError::last(format!("can't get BTF object by id ({id})")));
        }
        Ok(KernelBtf { ptr })
    }

    pub fn as_ptr(&self) -> *mut libbpf_sys::btf {
        self.ptr
    }

    fn ty(&self, id: u32) -> Option<&libbpf_sys::btf_type> {
        // SAFETY: ptr is a live btf; libbpf returns NULL for an id out of range.
        unsafe { libbpf_sys::btf__type_by_id(self.ptr, id).as_ref() }
    }

    /// (kind, vlen, size_or_type) of a type.
    pub fn kind(&self, id: u32) -> Option<(u32, u32, u32)> {
        let t = self.ty(id)?;
        // SAFETY: size and type share a union in btf_type; both are u32.
        let st = unsafe { t.__bindgen_anon_1.size };
        Some(((t.info >> 24) & 0x1f, t.info & 0xffff, st))
    }

    pub fn name(&self, id: u32) -> Option<String> {
        let t = self.ty(id)?;
        // SAFETY: name_off comes from this btf; libbpf bounds-checks it.
        let p = unsafe { libbpf_sys::btf__name_by_offset(self.ptr, t.name_off) };
        if p.is_null() {
            return None;
        }
        // SAFETY: libbpf returns a NUL-terminated string inside the BTF string section.
        Some(
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_string_lossy()
                .into_owned(),
        )
    }

    /// The u32 words that follow a btf_type (int encoding, array, members, secinfos).
    pub fn extra(&self, id: u32, n_words: usize) -> Option<&[u32]> {
        let t = self.ty(id)?;
        // SAFETY: the caller asks only for the words the kind defines after the
        // header; libbpf validated the type section when loading it.
        Some(unsafe {
            std::slice::from_raw_parts(
                (t as *const libbpf_sys::btf_type).add(1) as *const u32,
                n_words,
            )
        })
    }

    /// Skips typedefs and cv-qualifiers.
    pub fn resolve(&self, id: u32) -> u32 {
        // SAFETY: ptr is a live btf.
        let r = unsafe { libbpf_sys::btf__resolve_type(self.ptr, id) };
        if r < 0 {
            id
        } else {
            r as u32
        }
    }
}

impl Drop for KernelBtf {
    fn drop(&mut self) {
        // SAFETY: we own ptr and free it exactly once.
        unsafe { libbpf_sys::btf__free(self.ptr) }
    }
}

pub fn btf_record(id: u32, fd: &OwnedFd) -> Result<BtfRecord> {
    let mut name = vec![0u8; 256];
    let mut info = libbpf_sys::bpf_btf_info {
        name: name.as_mut_ptr() as u64,
        name_len: name.len() as u32,
        ..Default::default()
    };
    super::get_info(fd, &mut info)?;
    let n = name.iter().position(|&c| c == 0).unwrap_or(name.len());
    let name = String::from_utf8_lossy(&name[..n]).into_owned();
    Ok(BtfRecord {
        id: if info.id != 0 { info.id } else { id },
        size: info.btf_size,
        prog_ids: vec![],
        map_ids: vec![],
        name: (!name.is_empty()).then_some(name),
        kernel: info.kernel_btf != 0,
        pids: vec![],
    })
}

/// A kernel BTF object's raw data (`bpftool btf dump id N` input).
#[derive(Debug, Clone)]
pub struct BtfData {
    pub id: u32,
    /// "vmlinux", a module name, or "" for program/map BTF.
    pub name: String,
    /// Kernel (vmlinux or module) BTF rather than BTF loaded by a program.
    pub kernel: bool,
    /// The raw BTF: header, types, strings.
    pub data: Vec<u8>,
}

impl BtfData {
    /// Module BTF is split BTF: it needs vmlinux BTF as its base.
    pub fn is_module(&self) -> bool {
        self.kernel && self.name != "vmlinux"
    }
}

/// Reads a BTF object's raw data by id: BPF_BTF_GET_FD_BY_ID, then
/// BPF_OBJ_GET_INFO_BY_FD once for the size and once with a buffer.
pub fn data_by_id(id: u32) -> Result<BtfData> {
    let fd = super::ids::fd_by_id(super::ObjKind::Btf, id)?;
    data_of(id, &fd)
}

/// Like [`data_by_id`], on an open BTF fd.
pub fn data_of(id: u32, fd: &OwnedFd) -> Result<BtfData> {
    let mut name = vec![0u8; 64];
    let mut info = libbpf_sys::bpf_btf_info {
        name: name.as_mut_ptr() as u64,
        name_len: name.len() as u32,
        ..Default::default()
    };
    super::get_info(fd, &mut info).map_err(|e| {
        SysError::os(
            format!("can't get BTF (ID {id}) object info"),
            e.errno().unwrap_or(0),
        )
    })?;
    let size = info.btf_size;
    let mut data = vec![0u8; size as usize];
    // BTF objects are immutable, so the size cannot change between the calls.
    let mut again = libbpf_sys::bpf_btf_info {
        btf: data.as_mut_ptr() as u64,
        btf_size: size,
        ..Default::default()
    };
    super::get_info(fd, &mut again).map_err(|e| {
        SysError::os(
            format!("can't read BTF (ID {id}) data"),
            e.errno().unwrap_or(0),
        )
    })?;
    data.truncate((again.btf_size as usize).min(data.len()));
    let n = name.iter().position(|&c| c == 0).unwrap_or(name.len());
    Ok(BtfData {
        id: if info.id != 0 { info.id } else { id },
        name: String::from_utf8_lossy(&name[..n]).into_owned(),
        kernel: info.kernel_btf != 0,
        data,
    })
}
