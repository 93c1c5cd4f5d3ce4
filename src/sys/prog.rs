//! `prog show` records: everything bpftool prints about a program, plus verified_insns.
use std::os::fd::{AsRawFd, OwnedFd};

use serde::Serialize;
use serde_json::{Map as JsonMap, Value};

use super::btf::{KernelBtf, KIND_ARRAY, KIND_DATASEC, KIND_ENUM, KIND_FUNC, KIND_INT, KIND_VAR};
use super::names::{self, KindName};
use super::pids::PidRef;
use super::{fdinfo, get_info, Result};

const BPF_OBJ_NAME_LEN: usize = 16;
const METADATA_PREFIX: &str = "bpf_metadata_";

#[derive(Debug, Clone, Serialize)]
pub struct ProgRecord {
    pub id: u32,
    #[serde(rename = "type")]
    pub prog_type: KindName,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub tag: String,
    pub gpl_compatible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_time_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_cnt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recursion_misses: Option<u64>,
    /// Wall-clock seconds since the epoch (bpftool's JSON form); text shows ISO 8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loaded_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    pub bytes_xlated: u32,
    pub jited: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_jited: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub map_ids: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
    /// Not in bpftool: instructions the verifier processed.
    pub verified_insns: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonMap<String, Value>>,
}

pub fn tag_hex(tag: &[u8; 8]) -> String {
    tag.iter().map(|b| format!("{b:02x}")).collect()
}

/// Basic prog info, with map ids filled in.
pub fn info(fd: &OwnedFd) -> Result<(libbpf_sys::bpf_prog_info, Vec<u32>)> {
    let mut info = libbpf_sys::bpf_prog_info::default();
    get_info(fd, &mut info)?;
    let mut map_ids = vec![0u32; info.nr_map_ids as usize];
    if !map_ids.is_empty() {
        let mut again = libbpf_sys::bpf_prog_info {
            nr_map_ids: map_ids.len() as u32,
            map_ids: map_ids.as_mut_ptr() as u64,
            ..Default::default()
        };
        get_info(fd, &mut again)?;
        // Maps can be added between the two calls (prog arrays); keep what fits.
        map_ids.truncate((again.nr_map_ids as usize).min(map_ids.len()));
    }
    Ok((info, map_ids))
}

/// (kernel name, full name): the kernel cuts names to 15 characters, BTF func info has all of it.
pub fn full_name(fd: &impl AsRawFd) -> Option<(String, String)> {
    let mut info = libbpf_sys::bpf_prog_info::default();
    get_info(fd, &mut info).ok()?;
    let short = super::cstr_name(&info.name);
    Some((short.clone(), full_name_from(fd, &info, &short)))
}

fn full_name_from(fd: &impl AsRawFd, info: &libbpf_sys::bpf_prog_info, short: &str) -> String {
    if short.len() < BPF_OBJ_NAME_LEN - 1 || info.btf_id == 0 || info.nr_func_info == 0 {
        return short.to_string();
    }
    let mut finfo = libbpf_sys::bpf_func_info::default();
    let mut one = libbpf_sys::bpf_prog_info {
        nr_func_info: 1,
        func_info_rec_size: (info.func_info_rec_size as usize).min(std::mem::size_of_val(&finfo))
            as u32,
        func_info: &mut finfo as *mut _ as u64,
        ..Default::default()
    };
    if get_info(fd, &mut one).is_err() {
        return short.to_string();
    }
    let Ok(btf) = KernelBtf::load_by_id(one.btf_id) else {
        return short.to_string();
    };
    match btf.kind(finfo.type_id) {
        Some((KIND_FUNC, _, _)) => btf.name(finfo.type_id).unwrap_or_else(|| short.to_string()),
        _ => short.to_string(),
    }
}

/// Converts CLOCK_BOOTTIME nanoseconds to wall-clock seconds, as bpftool does.
pub fn boot_ns_to_wall_secs(ns: u64) -> i64 {
    let now = |clk| nix::time::clock_gettime(clk).ok();
    match (
        now(nix::time::ClockId::CLOCK_REALTIME),
        now(nix::time::ClockId::CLOCK_BOOTTIME),
    ) {
        (Some(real), Some(boot)) => {
            (real.tv_sec() - boot.tv_sec())
                + (real.tv_nsec() - boot.tv_nsec() + ns as i64) / 1_000_000_000
        }
        _ => (ns / 1_000_000_000) as i64,
    }
}

pub fn record(fd: &OwnedFd) -> Result<ProgRecord> {
    let (info, map_ids) = info(fd)?;
    let short = super::cstr_name(&info.name);
    let name = (!short.is_empty()).then(|| full_name_from(fd, &info, &short));
    let fdi = fdinfo::read(fd);
    let metadata = metadata(&map_ids);
    Ok(ProgRecord {
        id: info.id,
        prog_type: names::prog_type(info.type_),
        name,
        tag: tag_hex(&info.tag),
        gpl_compatible: info.gpl_compatible() != 0,
        run_time_ns: (info.run_time_ns != 0).then_some(info.run_time_ns),
        run_cnt: (info.run_time_ns != 0).then_some(info.run_cnt),
        recursion_misses: (info.recursion_misses != 0).then_some(info.recursion_misses),
        loaded_at: (info.load_time != 0).then(|| boot_ns_to_wall_secs(info.load_time)),
        uid: (info.load_time != 0).then_some(info.created_by_uid),
        bytes_xlated: info.xlated_prog_len,
        jited: info.jited_prog_len != 0,
        bytes_jited: (info.jited_prog_len != 0).then_some(info.jited_prog_len),
        bytes_memlock: fdi.get_num("memlock"),
        map_ids,
        btf_id: (info.btf_id != 0).then_some(info.btf_id),
        pinned: None,
        pids: vec![],
        verified_insns: info.verified_insns,
        metadata,
    })
}

/// `bpf_metadata_*` variables from the program's .rodata map, formatted as bpftool's
/// btf_dumper would (ints as numbers, char arrays as strings).
fn metadata(map_ids: &[u32]) -> Option<JsonMap<String, Value>> {
    for &mid in map_ids {
        let Ok(mfd) = super::ids::fd_by_id(super::ObjKind::Map, mid) else {
            continue;
        };
        let mut mi = libbpf_sys::bpf_map_info::default();
        if get_info(&mfd, &mut mi).is_err() {
            continue;
        }
        let mname = super::cstr_name(&mi.name);
        if mi.type_ != libbpf_sys::BPF_MAP_TYPE_ARRAY
            || mi.key_size != 4
            || mi.max_entries != 1
            || mi.btf_value_type_id == 0
            || !mname.contains(".rodata")
        {
            continue;
        }
        let mut value = vec![0u8; mi.value_size as usize];
        let key = 0u32;
        // SAFETY: key and value buffers have the map's key and value sizes.
        let ret = unsafe {
            libbpf_sys::bpf_map_lookup_elem(
                mfd.as_raw_fd(),
                &key as *const u32 as *const libc::c_void,
                value.as_mut_ptr() as *mut libc::c_void,
            )
        };
        if ret < 0 {
            continue;
        }
        let Ok(btf) = KernelBtf::load_by_id(mi.btf_id) else {
            continue;
        };
        let Some((KIND_DATASEC, vlen, _)) = btf.kind(mi.btf_value_type_id) else {
            continue;
        };
        let Some(secinfo) = btf.extra(mi.btf_value_type_id, 3 * vlen as usize) else {
            continue;
        };
        let mut out = JsonMap::new();
        for v in secinfo.chunks_exact(3) {
            let (var_type, off, size) = (v[0], v[1] as usize, v[2] as usize);
            let Some((KIND_VAR, _, vtype)) = btf.kind(var_type) else {
                continue;
            };
            let Some(vname) = btf.name(var_type) else {
                continue;
            };
            let Some(key) = vname.strip_prefix(METADATA_PREFIX) else {
                continue;
            };
            let Some(bytes) = value.get(off..off + size) else {
                continue;
            };
            out.insert(key.to_string(), format_simple(&btf, vtype, bytes));
        }
        if !out.is_empty() {
            return Some(out);
        }
    }
    None
}

/// Enough of bpftool's btf_dumper for metadata values: ints, bools, chars, char arrays, enums.
fn format_simple(btf: &KernelBtf, type_id: u32, bytes: &[u8]) -> Value {
    let id = btf.resolve(type_id);
    match btf.kind(id) {
        Some((KIND_INT, _, size)) => {
            let enc = btf.extra(id, 1).map(|e| e[0]).unwrap_or(0);
            let signed = (enc >> 24) & 1 != 0;
            let is_bool = (enc >> 24) & 4 != 0;
            let mut buf = [0u8; 8];
            let n = (size as usize).min(8).min(bytes.len());
            buf[..n].copy_from_slice(&bytes[..n]);
            let raw = u64::from_le_bytes(buf);
            if is_bool {
                return Value::Bool(raw != 0);
            }
            if signed && n > 0 {
                let shift = 64 - 8 * n as u32;
                Value::from(((raw << shift) as i64) >> shift)
            } else {
                Value::from(raw)
            }
        }
        Some((KIND_ENUM, _, _)) => {
            let mut buf = [0u8; 4];
            let n = bytes.len().min(4);
            buf[..n].copy_from_slice(&bytes[..n]);
            Value::from(i32::from_le_bytes(buf))
        }
        Some((KIND_ARRAY, _, _)) => {
            let Some(arr) = btf.extra(id, 3) else {
                return Value::Null;
            };
            let elem = btf.resolve(arr[0]);
            let is_char = matches!(btf.kind(elem), Some((KIND_INT, _, 1)))
                && btf
                    .extra(elem, 1)
                    .is_some_and(|e| (e[0] >> 24) & 2 != 0 || e[0] & 0xff == 8);
            if is_char {
                let end = bytes.iter().position(|&c| c == 0).unwrap_or(bytes.len());
                Value::String(String::from_utf8_lossy(&bytes[..end]).into_owned())
            } else {
                let esz = if arr[2] > 0 {
                    bytes.len() / arr[2] as usize
                } else {
                    0
                };
                if esz == 0 {
                    return Value::Array(vec![]);
                }
                Value::Array(
                    bytes
                        .chunks_exact(esz)
                        .map(|c| format_simple(btf, elem, c))
                        .collect(),
                )
            }
        }
        _ => Value::String(
            bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
    }
}
