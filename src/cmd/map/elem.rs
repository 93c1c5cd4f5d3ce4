//! Element commands: lookup/peek, update/push/enqueue, delete (also
//! `--all`), getnext, pop/dequeue. Keys and values come typed from `cli`;
//! here they become the map's bytes (sizes checked, per-cpu values spread,
//! JSON encoded through the map's BTF, handles opened as fds).
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};

use libbpf_sys as bpf;

use super::typed::{layout, open_one, type_name, Typed};
use crate::btf;
use crate::cli::request::{Elem, KeyArg, UpdateFlag, ValueArg};
use crate::cmd::{json_null, CmdError, Result};
use crate::output::mapdump::{self, DumpWriter, Formatted, Style};
use crate::output::{Ctx, Out};
use crate::sys::handle::{self, Handle};
use crate::sys::mapops::{self, Map};
use crate::sys::{ObjKind, SysError};
use crate::text::JsonW;

/// A request's key, value and flags as the map's bytes.
#[derive(Default)]
struct ElemBytes {
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    flags: Option<u64>,
    /// A map or prog fd whose number is the value: kept open until the update.
    _value_fd: Option<OwnedFd>,
}

/// What an element command takes.
#[derive(Clone, Copy)]
struct Want {
    key: bool,
    value: bool,
    flags: bool,
}

const KEY: Want = Want {
    key: true,
    value: false,
    flags: false,
};

/// A byte list must fill the key or value exactly.
fn sized(b: &[u8], what: &str, n: usize) -> Result<Vec<u8>> {
    if b.len() != n {
        let hint = if b.len() > n {
            format!(" ({what} takes exactly {n} bytes)")
        } else {
            String::new()
        };
        return Err(CmdError::Usage(format!(
            "{what} expected {n} bytes got {}{hint}",
            b.len()
        )));
    }
    Ok(b.to_vec())
}

fn check_wanted(is_key: bool, want: Want, size: usize) -> Result<()> {
    let (wanted, name) = if is_key {
        (want.key, "key")
    } else {
        (want.value, "value")
    };
    if !wanted || size == 0 && is_key {
        return Err(CmdError::Usage(format!("unnecessary {name}")));
    }
    Ok(())
}

/// bpftool's parse_elem, plus `key-json` / `value-json` for maps with BTF.
fn elem_bytes(map: &Map, e: &Elem, want: Want) -> Result<ElemBytes> {
    let (ks, vs) = (map.key_size(), map.value_size());
    let mut out = ElemBytes::default();
    if let Some(k) = &e.key {
        check_wanted(true, want, ks)?;
        out.key = Some(match k {
            KeyArg::Bytes(b) => sized(b, "key", ks)?,
            KeyArg::Json(text) => encode_json(map, true, text)?,
        });
    }
    if let Some(v) = &e.value {
        check_wanted(false, want, vs)?;
        let holds_fds =
            mapops::is_map_of_maps(map.map_type()) || mapops::is_prog_array(map.map_type());
        out.value = Some(match v {
            ValueArg::Json(text) => percpu_fill(map, encode_json(map, false, text)?),
            ValueArg::Bytes(_) if holds_fds => {
                return Err(CmdError::Usage(format!(
                    "the values of {} map {} are {}: value {{ id | pinned | name }} …",
                    type_name(map),
                    map.id(),
                    if mapops::is_prog_array(map.map_type()) {
                        "programs"
                    } else {
                        "maps"
                    }
                )))
            }
            ValueArg::Bytes(b) => percpu_fill(map, sized(b, "value", vs)?),
            ValueArg::Object(h) => {
                let fd = value_fd(map, h)?;
                let v = (fd.as_raw_fd() as u32).to_ne_bytes().to_vec();
                out._value_fd = Some(fd);
                v
            }
        });
    }
    if let Some(f) = e.flags {
        if !want.flags {
            return Err(CmdError::Usage("unnecessary flags".into()));
        }
        out.flags = Some(u64::from(match f {
            UpdateFlag::Any => bpf::BPF_ANY,
            UpdateFlag::Exist => bpf::BPF_EXIST,
            UpdateFlag::NoExist => bpf::BPF_NOEXIST,
        }));
    }
    if want.key && ks > 0 && out.key.is_none() {
        return Err(CmdError::Usage("did not find key".into()));
    }
    if want.value && out.value.is_none() {
        return Err(CmdError::Usage("did not find value".into()));
    }
    Ok(out)
}

/// Per-cpu maps take one value per possible cpu: copy it to every slot.
fn percpu_fill(map: &Map, v: Vec<u8>) -> Vec<u8> {
    if !mapops::is_percpu(map.map_type()) {
        return v;
    }
    let step = map.cpu_step();
    let mut out = vec![0u8; map.value_stride()];
    for cpu in 0..map.ncpus() {
        out[cpu * step..cpu * step + v.len()].copy_from_slice(&v);
    }
    out
}

/// `value MAP` (map in map) or `value PROG` (prog array): an fd as the value.
fn value_fd(map: &Map, h: &Handle) -> Result<OwnedFd> {
    if map.value_size() != 4 {
        return Err(CmdError::Usage(format!(
            "value of {} map {} is {}B, not a 4-byte fd",
            type_name(map),
            map.id(),
            map.value_size()
        )));
    }
    let kind = if mapops::is_prog_array(map.map_type()) {
        ObjKind::Prog
    } else {
        ObjKind::Map
    };
    if kind == ObjKind::Map && matches!(h, Handle::Tag(_)) {
        return Err(CmdError::Usage(
            "expected 'id', 'pinned' or 'name' for a map, got: 'tag'".into(),
        ));
    }
    if kind == ObjKind::Prog && matches!(h, Handle::Id(_)) {
        eprintln!(
            "Warning: updating program array via MAP_ID, make sure this map is kept open\n         by some process or pinned otherwise update will be lost"
        );
    }
    Ok(handle::resolve_one(kind, h)?.1)
}

/// `key-json` / `value-json`: needs the map's BTF.
fn encode_json(map: &Map, is_key: bool, text: &str) -> Result<Vec<u8>> {
    encode_typed(map, is_key, text).map(|e| e.bytes)
}

fn encode_typed(map: &Map, is_key: bool, text: &str) -> Result<btf::encode::Encoded> {
    let what = if is_key { "key-json" } else { "value-json" };
    let Some(t) = Typed::for_map(map, true)? else {
        return Err(CmdError::Usage(format!(
            "{what}: map {} has no BTF, use '{} [hex] BYTES'",
            map.id(),
            if is_key { "key" } else { "value" }
        )));
    };
    let size = if is_key {
        map.key_size()
    } else {
        map.value_size()
    };
    t.encode(is_key, size, text)
}

/// Prints one element (lookup, peek, pop): bpftool's print_key_value.
fn print_one(ctx: &Ctx, map: &Map, key: &[u8], value: &[u8], out: &mut Out) -> Result<()> {
    let typed = Typed::for_map(map, ctx.json)?;
    let style = if ctx.json {
        Style::Json { pretty: ctx.pretty }
    } else if typed.is_some() {
        Style::BtfText
    } else {
        Style::Text
    };
    let f = typed.as_ref().and_then(|t| t.entry(map, key, value));
    let mut w = DumpWriter::new(out, style);
    w.entry(
        &layout(map),
        key,
        value,
        f.as_ref().map(|v| v as &dyn Formatted),
    )?;
    w.finish()?;
    Ok(())
}

/// `peek MAP`: the head of a queue or stack (a keyless lookup).
pub fn peek(ctx: &Ctx, h: &Handle, out: &mut Out) -> Result<()> {
    let map = open_one(h)?;
    let t = map.map_type();
    if t == bpf::BPF_MAP_TYPE_BLOOM_FILTER {
        return Err(CmdError::Usage(
            "a bloom_filter has no head: test a value with 'lookup MAP value VALUE'".into(),
        ));
    }
    if map.key_size() != 0 {
        // The kernel answers EFAULT ("Bad address") to a keyless lookup.
        return Err(CmdError::Usage(format!(
            "peek: map {} is a {} map, with keys (use 'map lookup … key KEY')",
            map.id(),
            crate::sys::names::map_type(t)
        )));
    }
    keyless_lookup(ctx, &map, "peek", out)
}

fn keyless_lookup(ctx: &Ctx, map: &Map, command: &str, out: &mut Out) -> Result<()> {
    let mut value = vec![0u8; map.value_stride()];
    match map.lookup(None, &mut value) {
        Ok(()) => print_one(ctx, map, &[], &value, out),
        Err(libc::ENOENT) => Err(CmdError::Failed(format!(
            "{command} failed: map {} is empty",
            map.id()
        ))),
        Err(e) => Err(SysError::os(format!("{command} failed"), e).into()),
    }
}

pub fn lookup(ctx: &Ctx, h: &Handle, e: &Elem, out: &mut Out) -> Result<()> {
    let map = open_one(h)?;
    if map.map_type() == bpf::BPF_MAP_TYPE_BLOOM_FILTER {
        return bloom_test(ctx, &map, e, out);
    }
    if map.key_size() == 0 {
        if e.key.is_some() || e.value.is_some() {
            return Err(CmdError::Usage("unnecessary key".into()));
        }
        return keyless_lookup(ctx, &map, "lookup", out);
    }
    let key = elem_bytes(&map, e, KEY)?.key.unwrap_or_default();
    let mut value = vec![0u8; map.value_stride()];
    match map.lookup(Some(&key), &mut value) {
        Ok(()) => print_one(ctx, &map, &key, &value, out),
        Err(libc::ENOENT) => Err(CmdError::Failed(format!(
            "lookup failed: key {} not found in map {}",
            mapdump::hex_words(&key),
            map.id()
        ))),
        Err(e) => Err(SysError::os("lookup failed", e).into()),
    }
}

/// `lookup` on a bloom filter: is this value (probably) in the set?
fn bloom_test(ctx: &Ctx, map: &Map, e: &Elem, out: &mut Out) -> Result<()> {
    let e = elem_bytes(
        map,
        e,
        Want {
            key: false,
            value: true,
            flags: false,
        },
    )
    .map_err(|e| match e {
        CmdError::Usage(m) if m == "did not find value" => CmdError::Usage(
            "a bloom_filter has no keys: test a value with 'lookup MAP value VALUE'".into(),
        ),
        other => other,
    })?;
    let mut v = e.value.unwrap_or_default();
    let present = match map.lookup(None, &mut v) {
        Ok(()) => true,
        Err(libc::ENOENT) => false,
        Err(e) => return Err(SysError::os("lookup failed", e).into()),
    };
    if ctx.json {
        let mut jw = JsonW::new(Vec::new(), ctx.pretty);
        jw.start_object()?;
        jw.name(b"value")?;
        mapdump::hex_array(&mut jw, &v)?;
        jw.name(b"present")?;
        jw.bool(present)?;
        jw.end_object()?;
        jw.finish()?;
        out.write_all(&jw.into_inner())?;
    } else {
        writeln!(
            out,
            "value: {}  {}",
            mapdump::hex_words(&v),
            if present {
                "probably present"
            } else {
                "not present"
            }
        )?;
    }
    Ok(())
}

pub fn pop(ctx: &Ctx, h: &Handle, command: &str, out: &mut Out) -> Result<()> {
    let map = open_one(h)?;
    let mut value = vec![0u8; map.value_stride()];
    match map.lookup_and_delete(None, &mut value) {
        Ok(()) => print_one(ctx, &map, &[], &value, out),
        Err(libc::ENOENT) => Err(CmdError::Failed(format!(
            "{command} failed: map {} is empty",
            map.id()
        ))),
        Err(e) => Err(map.write_error(&format!("{command} failed"), e).into()),
    }
}

pub fn update(ctx: &Ctx, h: &Handle, e: &Elem, out: &mut Out) -> Result<()> {
    let map = open_one(h)?;
    let e = elem_bytes(
        &map,
        e,
        Want {
            key: true,
            value: true,
            flags: true,
        },
    )?;
    let value = e.value.as_deref().unwrap_or(&[]);
    let key = e.key.as_deref().filter(|_| map.key_size() > 0);
    map.update(key, value, e.flags.unwrap_or(bpf::BPF_ANY as u64))
        .map_err(|err| update_hint(&map, err, e.flags))?;
    json_null(ctx, out)
}

/// `push MAP value V`, `enqueue MAP value V`: an update without a key.
pub fn push(ctx: &Ctx, h: &Handle, value: &ValueArg, out: &mut Out) -> Result<()> {
    let e = Elem {
        value: Some(value.clone()),
        ..Default::default()
    };
    update(ctx, h, &e, out)
}

/// Names the usual causes of update errors.
fn update_hint(map: &Map, err: SysError, flags: Option<u64>) -> CmdError {
    let hint = match err.errno() {
        Some(libc::EEXIST) if flags == Some(bpf::BPF_NOEXIST as u64) => {
            Some("the key exists and 'noexist' was given")
        }
        Some(libc::ENOENT) if flags == Some(bpf::BPF_EXIST as u64) => {
            Some("the key does not exist and 'exist' was given")
        }
        Some(libc::E2BIG) => {
            Some("the map is full (max_entries reached) or the key is out of range")
        }
        Some(libc::EINVAL) if mapops::is_queue_or_stack(map.map_type()) => {
            Some("queue and stack maps take only 'value' and 'any' or 'exist'")
        }
        _ => None,
    };
    match hint {
        Some(h) => CmdError::Failed(format!("{err} ({h})")),
        None => err.into(),
    }
}

pub fn delete(ctx: &Ctx, h: &Handle, key: Option<&KeyArg>, all: bool, out: &mut Out) -> Result<()> {
    let map = open_one(h)?;
    if all {
        return delete_all(ctx, &map, key, out);
    }
    let e = Elem {
        key: key.cloned(),
        ..Default::default()
    };
    let key = elem_bytes(&map, &e, KEY)?.key.unwrap_or_default();
    match map.delete(&key) {
        Ok(()) => json_null(ctx, out),
        Err(libc::ENOENT) => Err(CmdError::Failed(format!(
            "delete failed: key {} not found in map {}",
            mapdump::hex_words(&key),
            map.id()
        ))),
        Err(libc::EINVAL) if is_array_like(map.map_type()) => Err(CmdError::Failed(format!(
            "delete failed: {} map elements cannot be deleted, only overwritten (use 'update')",
            type_name(&map)
        ))),
        Err(e) => Err(map.write_error("delete failed", e).into()),
    }
}

fn is_array_like(t: u32) -> bool {
    matches!(t, bpf::BPF_MAP_TYPE_ARRAY | bpf::BPF_MAP_TYPE_PERCPU_ARRAY)
}

/// `delete MAP --all [key-json PARTIAL]`: every element, or those whose key
/// matches the fields given. Keys are collected first (keys only, never
/// values), then deleted in batches.
fn delete_all(ctx: &Ctx, map: &Map, key: Option<&KeyArg>, out: &mut Out) -> Result<()> {
    if is_array_like(map.map_type()) {
        return Err(CmdError::Failed(format!(
            "{} map elements cannot be deleted, only overwritten",
            type_name(map)
        )));
    }
    let filter = match key {
        None => None,
        Some(KeyArg::Json(json)) => Some(encode_json_mask(map, json)?),
        Some(KeyArg::Bytes(_)) => {
            return Err(CmdError::Usage(
                "delete --all takes no key, or 'key-json PARTIAL': unexpected 'key'".into(),
            ))
        }
    };
    let ks = map.key_size();
    let mut keys = Vec::new();
    let mut n = 0usize;
    let mut reader = map.reader();
    while let Some(chunk) = reader.next_chunk()? {
        for i in 0..chunk.len {
            let k = chunk.key(i);
            let keep = match &filter {
                None => true,
                Some((want, mask)) => k
                    .iter()
                    .zip(want.iter().zip(mask))
                    .all(|(b, (w, m))| b & m == w & m),
            };
            if keep {
                keys.extend_from_slice(k);
                n += 1;
            }
        }
    }
    drop(reader);
    let mut deleted = 0usize;
    let per = 4096usize;
    let mut i = 0;
    while i < n {
        let end = (i + per).min(n);
        let slice = &keys[i * ks..end * ks];
        match map.delete_batch(slice, end - i) {
            Ok(c) => deleted += c,
            Err((c, _)) => {
                // No batch delete here (or a key vanished): one by one.
                deleted += c;
                for k in slice.chunks_exact(ks).skip(c) {
                    match map.delete(k) {
                        Ok(()) => deleted += 1,
                        Err(libc::ENOENT) => {}
                        Err(e) => return Err(map.write_error("delete failed", e).into()),
                    }
                }
            }
        }
        i = end;
    }
    if ctx.json {
        let mut jw = JsonW::new(Vec::new(), ctx.pretty);
        jw.start_object()?;
        jw.uint_field("deleted", deleted as u64)?;
        jw.end_object()?;
        jw.finish()?;
        out.write_all(&jw.into_inner())?;
    } else {
        writeln!(
            out,
            "Deleted {deleted} element{}",
            if deleted != 1 { "s" } else { "" }
        )?;
    }
    Ok(())
}

/// A partial `key-json`: the bytes and the mask of the bits it set.
fn encode_json_mask(map: &Map, text: &str) -> Result<(Vec<u8>, Vec<u8>)> {
    encode_typed(map, true, text).map(|e| (e.bytes, e.mask))
}

pub fn getnext(ctx: &Ctx, h: &Handle, key: Option<&KeyArg>, out: &mut Out) -> Result<()> {
    let map = open_one(h)?;
    let key = match key {
        None => None,
        Some(k) => {
            let e = Elem {
                key: Some(k.clone()),
                ..Default::default()
            };
            elem_bytes(&map, &e, KEY)?.key
        }
    };
    let mut next = vec![0u8; map.key_size()];
    match map.next_key(key.as_deref(), &mut next) {
        Ok(()) => {}
        Err(libc::ENOENT) => {
            return Err(CmdError::Failed(match &key {
                Some(k) => format!(
                    "can't get next key: {} is the last key of map {}",
                    mapdump::hex_words(k),
                    map.id()
                ),
                None => format!("can't get next key: map {} is empty", map.id()),
            }))
        }
        Err(e) => return Err(SysError::os("can't get next key", e).into()),
    }
    let mut b = Vec::new();
    if ctx.json {
        let mut jw = JsonW::new(Vec::new(), ctx.pretty);
        jw.start_object()?;
        jw.name(b"key")?;
        match &key {
            Some(k) => mapdump::hex_array(&mut jw, k)?,
            None => jw.null()?,
        }
        jw.name(b"next_key")?;
        mapdump::hex_array(&mut jw, &next)?;
        jw.end_object()?;
        jw.finish()?;
        b = jw.into_inner();
    } else {
        match &key {
            Some(k) => {
                b.extend_from_slice(b"key:\n");
                mapdump::hex_text(&mut b, k, b"");
                b.push(b'\n');
            }
            None => b.extend_from_slice(b"key: None\n"),
        }
        b.extend_from_slice(b"next key:\n");
        mapdump::hex_text(&mut b, &next, b"");
        b.push(b'\n');
    }
    out.write_all(&b)?;
    Ok(())
}
