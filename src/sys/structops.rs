//! struct_ops maps (bpftool's struct_ops.c): finding them by id or name,
//! reading their one value, and unregistering one (deleting key 0).
use std::os::fd::{AsRawFd, OwnedFd};

use super::{ids, map, ObjKind, Result, SysError};

/// A registered struct_ops map.
pub struct StructOpsMap {
    pub id: u32,
    pub name: String,
    pub info: libbpf_sys::bpf_map_info,
    pub fd: OwnedFd,
}

fn is_struct_ops(info: &libbpf_sys::bpf_map_info) -> bool {
    info.type_ == libbpf_sys::BPF_MAP_TYPE_STRUCT_OPS
}

/// Every struct_ops map, or those named `name`, in id order.
pub fn list(name: Option<&str>) -> Result<Vec<StructOpsMap>> {
    let mut out = Vec::new();
    for item in ids::iter(ObjKind::Map) {
        let (id, fd) = item?;
        let info = map::info(&fd)?;
        let n = super::cstr_name(&info.name);
        if is_struct_ops(&info) && name.is_none_or(|want| want == n) {
            out.push(StructOpsMap {
                id,
                name: n,
                info,
                fd,
            });
        }
    }
    Ok(out)
}

/// The struct_ops map with this id; another kind of map is an error.
pub fn by_id(id: u32) -> Result<StructOpsMap> {
    let fd = ids::fd_by_id(ObjKind::Map, id)?;
    let info = map::info(&fd)?;
    let name = super::cstr_name(&info.name);
    if !is_struct_ops(&info) {
        return Err(SysError::Msg(format!(
            "{name} id {id} is not a struct_ops map"
        )));
    }
    Ok(StructOpsMap { id, name, info, fd })
}

impl StructOpsMap {
    /// The map's one value: the kernel's `bpf_struct_ops_<type>` struct.
    pub fn value(&self) -> Result<Vec<u8>> {
        let mut v = vec![0u8; self.info.value_size as usize];
        let zero = 0u32;
        // SAFETY: key and value buffers have the map's sizes (u32 key).
        let r = unsafe {
            libbpf_sys::bpf_map_lookup_elem(
                self.fd.as_raw_fd(),
                (&zero as *const u32).cast(),
                v.as_mut_ptr().cast(),
            )
        };
        if r < 0 {
            return Err(SysError::last(format!(
                "can't lookup struct_ops map {} id {}",
                self.name, self.id
            )));
        }
        Ok(v)
    }

    /// Whether the map was registered through a link (`.struct_ops.link`).
    pub fn is_link(&self) -> bool {
        self.info.map_flags & libbpf_sys::BPF_F_LINK != 0
    }

    /// Unregisters (key 0 deleted); the kernel then drops the map when no
    /// one else holds it. `what` names it in the error.
    pub fn unregister(&self, what: &str) -> Result<()> {
        let zero = 0u32;
        // SAFETY: a u32 key, as struct_ops maps have.
        let r = unsafe {
            libbpf_sys::bpf_map_delete_elem(self.fd.as_raw_fd(), (&zero as *const u32).cast())
        };
        if r < 0 {
            return Err(SysError::last(what));
        }
        Ok(())
    }
}
