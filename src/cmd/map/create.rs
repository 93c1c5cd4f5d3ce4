//! `map pin`, `map create`, `map freeze`.
use std::os::fd::AsFd;
use std::path::Path;

use libbpf_sys as bpf;

use super::typed::open_one;
use crate::cli::request::MapCreate;
use crate::cmd::{json_null, CmdError, Result};
use crate::output::{Ctx, Out};
use crate::sys::handle::Handle;
use crate::sys::{mapops, names, SysError};

pub fn pin(ctx: &Ctx, h: &Handle, path: &Path, out: &mut Out) -> Result<()> {
    let map = open_one(h)?;
    mapops::pin(map.fd(), path)?;
    json_null(ctx, out)
}

/// `flags` as a number or as names (`no_prealloc,rdonly` or `no_prealloc|rdonly`).
fn parse_map_flags(word: &str) -> Result<u32> {
    if let Some(v) = crate::cli::grammar::parse_u32(word) {
        return Ok(v);
    }
    let mut flags = 0;
    for part in word.split([',', '|']).filter(|p| !p.is_empty()) {
        let Some((bit, _)) = names::MAP_FLAGS.iter().find(|(_, n)| *n == part) else {
            return Err(CmdError::Usage(format!(
                "can't parse flags: {part} (a number, or names such as no_prealloc, rdonly, mmapable)"
            )));
        };
        flags |= bit;
    }
    Ok(flags)
}

pub fn create(ctx: &Ctx, r: &MapCreate, out: &mut Out) -> Result<()> {
    let mut spec = mapops::CreateSpec {
        map_type: names::map_type_by_name(&r.map_type)
            .ok_or_else(|| CmdError::Usage(format!("unrecognized map type: {}", r.map_type)))?,
        key_size: r.key_size,
        value_size: r.value_size,
        max_entries: r.entries,
        map_extra: u64::from(r.extra),
        ..Default::default()
    };
    if r.name.len() > 15 {
        eprintln!("Warning: map name is longer than 15 characters, it will be truncated.");
    }
    spec.name = r.name.chars().take(15).collect();
    if let Some(f) = &r.flags {
        spec.flags = parse_map_flags(f)?;
    }
    if let Some(dev) = &r.dev {
        spec.ifindex = crate::sys::net::dev_ifindex(dev)?;
    }
    let inner = r.inner_map.as_ref().map(open_one).transpose()?;
    let fd =
        mapops::create(&spec, inner.as_ref().map(|m| m.fd())).map_err(|e| create_hint(&spec, e))?;
    mapops::pin(fd.as_fd(), &r.path)?;
    json_null(ctx, out)
}

/// The usual reasons a create is refused with EINVAL.
fn create_hint(spec: &mapops::CreateSpec, err: SysError) -> CmdError {
    if err.errno() != Some(libc::EINVAL) {
        return err.into();
    }
    let t = spec.map_type;
    let hint = if t == bpf::BPF_MAP_TYPE_LPM_TRIE && spec.flags & bpf::BPF_F_NO_PREALLOC == 0 {
        "lpm_trie maps need 'flags no_prealloc' (0x1)"
    } else if mapops::is_queue_or_stack(t) || t == bpf::BPF_MAP_TYPE_BLOOM_FILTER {
        "queue, stack and bloom_filter maps take 'key 0'"
    } else if mapops::is_map_of_maps(t) {
        "array_of_maps and hash_of_maps need 'value 4' and 'inner_map MAP'"
    } else if matches!(
        t,
        bpf::BPF_MAP_TYPE_SK_STORAGE
            | bpf::BPF_MAP_TYPE_INODE_STORAGE
            | bpf::BPF_MAP_TYPE_TASK_STORAGE
            | bpf::BPF_MAP_TYPE_CGRP_STORAGE
            | bpf::BPF_MAP_TYPE_STRUCT_OPS
    ) {
        "this map type needs BTF for its key and value: create it from a BPF object (libbpf)"
    } else if t == bpf::BPF_MAP_TYPE_RINGBUF {
        "ringbuf maps take 'key 0 value 0' and a power-of-2 multiple of the page size as entries"
    } else {
        "check the key and value sizes, entries and flags for this map type"
    };
    CmdError::Failed(format!("{err} ({hint})"))
}

pub fn freeze(ctx: &Ctx, h: &Handle, out: &mut Out) -> Result<()> {
    open_one(h)?.freeze()?;
    json_null(ctx, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn flags_by_number_or_name() {
        assert_eq!(parse_map_flags("1").unwrap(), 1);
        assert_eq!(parse_map_flags("0x400").unwrap(), 0x400);
        assert_eq!(parse_map_flags("no_prealloc|mmapable").unwrap(), 0x401);
        assert!(parse_map_flags("bogus").is_err());
    }
}
