//! `map show` records.
use std::os::fd::OwnedFd;

use serde::Serialize;

use super::names::{self, KindName};
use super::pids::PidRef;
use super::{fdinfo, get_info, Result};

#[derive(Debug, Clone, Serialize)]
pub struct MapRecord {
    pub id: u32,
    #[serde(rename = "type")]
    pub map_type: KindName,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub flags: u32,
    /// Not in bpftool: the flag bits by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flag_names: Vec<&'static str>,
    pub bytes_key: u32,
    pub bytes_value: u32,
    pub max_entries: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_prog_type: Option<KindName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_jited: Option<bool>,
    pub frozen: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
    /// Kept for other commands (dump/lookup), not printed.
    #[serde(skip)]
    pub info: MapInfo,
}

/// The raw numbers other map commands need (key/value sizes, BTF type ids).
#[derive(Debug, Clone, Copy, Default)]
pub struct MapInfo {
    pub type_: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub btf_id: u32,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    pub btf_vmlinux_value_type_id: u32,
    pub map_flags: u32,
    pub map_extra: u64,
}

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
