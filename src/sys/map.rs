//! `map show` records.
use std::os::fd::OwnedFd;

use super::names;
use super::{fdinfo, get_info, Result};
use crate::record::map::{MapInfo, MapRecord};

pub fn info(fd: &OwnedFd) -> Result<libbpf_sys::bpf_map_info> {
    let mut info = libbpf_sys::bpf_map_info::default();
    get_info(fd, &mut info)?;
    Ok(info)
}

pub fn record(fd: &OwnedFd) -> Result<MapRecord> {
    let i = info(fd)?;
    let fdi = fdinfo::read(fd);
    let name = super::cstr_name(&i.name);
    let is_prog_array = i.type_ == libbpf_sys::BPF_MAP_TYPE_PROG_ARRAY;
    let owner_prog_type = is_prog_array
        .then(|| {
            fdi.get("owner_prog_type")
                .and_then(|v| v.parse().ok())
                .map(names::prog_type)
        })
        .flatten();
    let owner_jited = is_prog_array
        .then(|| {
            fdi.get("owner_jited")
                .and_then(|v| v.parse::<i32>().ok())
                .map(|v| v != 0)
        })
        .flatten();
    Ok(MapRecord {
        id: i.id,
        map_type: names::map_type(i.type_),
        name: (!name.is_empty()).then_some(name),
        flags: i.map_flags,
        flag_names: names::map_flag_names(i.map_flags),
        bytes_key: i.key_size,
        bytes_value: i.value_size,
        max_entries: i.max_entries,
        bytes_memlock: fdi.get_num("memlock"),
        owner_prog_type,
        owner_jited,
        frozen: fdi.get_num("frozen").unwrap_or(0),
        btf_id: (i.btf_id != 0).then_some(i.btf_id),
        pinned: None,
        pids: vec![],
        info: MapInfo {
            type_: i.type_,
            key_size: i.key_size,
            value_size: i.value_size,
            max_entries: i.max_entries,
            btf_id: i.btf_id,
            btf_key_type_id: i.btf_key_type_id,
            btf_value_type_id: i.btf_value_type_id,
            btf_vmlinux_value_type_id: i.btf_vmlinux_value_type_id,
            map_flags: i.map_flags,
            map_extra: i.map_extra,
        },
    })
}
