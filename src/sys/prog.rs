//! `prog show` records: everything bpftool prints about a program, plus verified_insns.
use std::os::fd::{AsRawFd, OwnedFd};

use super::names;
use super::{fdinfo, get_info, Result};
use crate::record::prog::{ProgHeader, ProgRecord};

const BPF_OBJ_NAME_LEN: usize = 16;

pub fn tag_hex(tag: &[u8; 8]) -> String {
    tag.iter().map(|b| format!("{b:02x}")).collect()
}

/// The instructions the verifier processed for a loaded program (`None`
/// for a bad fd or a kernel that can't say).
pub fn verified_insns(fd: &impl AsRawFd) -> Option<u32> {
    if fd.as_raw_fd() < 0 {
        return None;
    }
    let mut info = libbpf_sys::bpf_prog_info::default();
    get_info(fd, &mut info).ok().map(|_| info.verified_insns)
}

/// Does `insns` load as a program of type `prog_type` here? The program is
/// closed at once (a probe, as bpftool's feature checks are).
pub fn loads_as(prog_type: u32, insns: &[libbpf_sys::bpf_insn]) -> bool {
    // SAFETY: `insns` is a valid slice for the call; the license is a C
    // string; NULL opts; a returned fd is owned here and closed on drop.
    let fd = unsafe {
        libbpf_sys::bpf_prog_load(
            prog_type,
            std::ptr::null(),
            c"GPL".as_ptr(),
            insns.as_ptr(),
            insns.len() as _,
            std::ptr::null_mut(),
        )
    };
    if fd < 0 {
        return false;
    }
    // SAFETY: a fresh fd nobody else owns.
    drop(unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) });
    true
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
    let Ok(btf) = super::btf::view(one.btf_id) else {
        return short.to_string();
    };
    match btf.ty(finfo.type_id) {
        Some(t) if t.kind() == crate::btf::view::kind::FUNC && !btf.name(t.name_off).is_empty() => {
            String::from_utf8_lossy(btf.name(t.name_off)).into_owned()
        }
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
    Ok(ProgRecord {
        header: ProgHeader {
            id: info.id,
            prog_type: names::prog_type(info.type_),
            name,
            tag: tag_hex(&info.tag),
            gpl_compatible: info.gpl_compatible() != 0,
            run_time_ns: (info.run_time_ns != 0).then_some(info.run_time_ns),
            run_cnt: (info.run_time_ns != 0).then_some(info.run_cnt),
            recursion_misses: (info.recursion_misses != 0).then_some(info.recursion_misses),
        },
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
        metadata: None,
    })
}

/// The program's `.rodata` map value, where `bpf_metadata_*` variables live:
/// raw bytes plus the BTF that describes them. `cmd` formats them through
/// `src/btf`'s value formatter, as bpftool does with its btf_dumper.
#[derive(Debug, Clone)]
pub struct RawMetadata {
    pub btf_id: u32,
    pub datasec_type_id: u32,
    pub value: Vec<u8>,
}

/// Finds the .rodata array map (key 4 bytes, one entry, BTF value type) of a
/// program and reads its value, like bpftool's find_metadata().
pub fn raw_metadata(map_ids: &[u32]) -> Option<RawMetadata> {
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
        return Some(RawMetadata {
            btf_id: mi.btf_id,
            datasec_type_id: mi.btf_value_type_id,
            value,
        });
    }
    None
}

/// BTF ids of the programs that use map `map_id` (their `map_ids` hold it),
/// in program id order, without repeats; programs without BTF are skipped,
/// and so are programs that vanish during the walk.
pub fn btf_ids_using_map(map_id: u32) -> Result<Vec<u32>> {
    let mut ids = Vec::new();
    for p in super::ids::iter(super::ObjKind::Prog) {
        let (_, fd) = p?;
        let Ok((info, map_ids)) = info(&fd) else {
            continue;
        };
        if info.btf_id != 0 && map_ids.contains(&map_id) && !ids.contains(&info.btf_id) {
            ids.push(info.btf_id);
        }
    }
    Ok(ids)
}
