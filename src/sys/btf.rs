//! Kernel BTF objects: `btf show` records, their raw data by id, and that
//! data as the one BTF type of bpfscope (`crate::btf`: libbpf's parse plus a
//! safe view), so every kernel BTF is read the same way.
use std::os::fd::OwnedFd;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use super::{Result, SysError};
use crate::btf::{Btf, View, SYSFS_VMLINUX};
use crate::record::btf::BtfRecord;

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

fn btf_err(e: crate::btf::BtfError) -> SysError {
    SysError::Msg(e.to_string())
}

/// Kernel BTF by id; module BTF gets vmlinux as its base (bpftool's
/// `btf_is_kernel_module` fallback). `btf dump`, map dumps and metadata.
pub fn load(id: u32) -> Result<Btf> {
    parse(data_by_id(id)?)
}

fn parse(d: BtfData) -> Result<Btf> {
    let base = if d.is_module() {
        Some(Rc::new(
            Btf::from_file(Path::new(SYSFS_VMLINUX)).map_err(btf_err)?,
        ))
    } else {
        None
    };
    Btf::from_bytes_named(&format!("BTF id {}", d.id), &d.data, base).map_err(btf_err)
}

/// Kernel BTF by id for lookups only (names, line info, prototypes of a
/// program's BTF): the safe view without libbpf's parse, unless it is
/// module BTF, which needs its base.
pub fn view(id: u32) -> Result<Arc<View>> {
    let d = data_by_id(id)?;
    if d.is_module() {
        return Ok(parse(d)?.view_arc());
    }
    View::new(d.data, None).map(Arc::new).map_err(|reason| {
        btf_err(crate::btf::BtfError::Load {
            what: format!("BTF id {}", d.id),
            reason,
        })
    })
}
