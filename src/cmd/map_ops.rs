//! Map commands other than `show`: dump, lookup/peek, update/push/enqueue,
//! delete (also `--all`), getnext, pop/dequeue, pin, create, freeze.
//!
//! Words are parsed here with bpftool's grammar (`key [hex] BYTES`,
//! `value [hex] BYTES | MAP | PROG`, `any|exist|noexist`), element work goes
//! to `sys::mapops`, and elements are printed by `output::mapdump`, which
//! streams them the way bpftool lays them out.
use std::io::Write;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use super::{no_more_args, CmdError, Result};
use crate::btf::{self, Btf};
use crate::output::mapdump::{self, DumpWriter, Formatted, Header, Layout, Style};
use crate::output::{Ctx, Out};
use crate::record::names::KindName;
use crate::sys::handle::{self, is_prefix};
use crate::sys::mapops::{self, Map};
use crate::sys::names;
use crate::sys::{ObjKind, SysError};
use crate::text::JsonW;

use libbpf_sys as bpf;

pub fn run(ctx: &Ctx, command: &str, args: &[String], out: &mut Out) -> Result<()> {
    match command {
        "dump" => dump(ctx, args, out),
        "lookup" | "peek" => lookup(ctx, command, args, out),
        "update" | "push" | "enqueue" => update(ctx, args, out),
        "delete" => delete(ctx, args, out),
        "getnext" => getnext(ctx, args, out),
        "pop" | "dequeue" => pop(ctx, command, args, out),
        "pin" => pin(ctx, args, out),
        "create" => create(ctx, args, out),
        "freeze" => freeze(ctx, args, out),
        other => Err(CmdError::Usage(format!("unknown map command '{other}'"))),
    }
}

/// Removes a `--flag` from the words, wherever it is.
fn take_flag(words: &[String], flag: &str) -> (bool, Vec<String>) {
    let found = words.iter().any(|w| w == flag);
    (
        found,
        words.iter().filter(|w| *w != flag).cloned().collect(),
    )
}

/// Every map a handle names (a name may match several), and the words after it.
fn open_maps(words: &[String]) -> Result<(Vec<Map>, &[String])> {
    let (h, rest) = handle::parse(ObjKind::Map, words)?;
    let fds = handle::resolve(ObjKind::Map, &h)?;
    let maps = fds
        .into_iter()
        .map(|(_, fd)| Map::from_fd(fd))
        .collect::<crate::sys::Result<Vec<_>>>()?;
    Ok((maps, rest))
}

/// Exactly one map, as bpftool's map_parse_fd requires for element commands.
fn open_one(words: &[String]) -> Result<(Map, &[String])> {
    let (h, rest) = handle::parse(ObjKind::Map, words)?;
    let (_, fd) = handle::resolve_one(ObjKind::Map, &h)?;
    Ok((Map::from_fd(fd)?, rest))
}

fn layout(map: &Map) -> Layout {
    let t = map.map_type();
    Layout {
        key_size: map.key_size(),
        value_size: map.value_size(),
        percpu: mapops::is_percpu(t),
        ncpus: map.ncpus(),
        cpu_step: map.cpu_step(),
        map_of_maps: mapops::is_map_of_maps(t),
        skip_enoent: mapops::is_map_of_maps(t) || mapops::is_prog_array(t),
        reuseport: t == bpf::BPF_MAP_TYPE_REUSEPORT_SOCKARRAY,
    }
}

fn header(map: &Map) -> Header {
    let (type_name, type_num) = match names::map_type(map.map_type()) {
        KindName::Name(n) => (Some(n), map.map_type()),
        KindName::Num(n) => (None, n),
    };
    Header {
        id: map.id(),
        type_name,
        type_num,
        name: map.name(),
        flags: map.info.map_flags,
    }
}

fn type_name(map: &Map) -> String {
    match names::map_type(map.map_type()) {
        KindName::Name(n) => n,
        KindName::Num(n) => format!("type {n}"),
    }
}

/// A map's BTF, for `formatted` output and `key-json` / `value-json`: the
/// map's own BTF object, or vmlinux BTF for struct_ops values (as bpftool's
/// get_map_kv_btf).
struct Typed {
    btf: Btf,
    key_type: u32,
    value_type: u32,
    mode: btf::Mode,
}

impl Typed {
    fn for_map(map: &Map, json: bool) -> Result<Option<Typed>> {
        let i = &map.info;
        let btf = if i.btf_vmlinux_value_type_id != 0 {
            Btf::from_file(std::path::Path::new(btf::SYSFS_VMLINUX))
                .map_err(|e| CmdError::Failed(format!("failed to get kernel btf: {e}")))?
        } else if i.btf_value_type_id != 0 {
            crate::sys::btf::load(i.btf_id)?
        } else {
            return Ok(None);
        };
        Ok(Some(Typed {
            btf,
            key_type: i.btf_key_type_id,
            value_type: if i.btf_vmlinux_value_type_id != 0 {
                i.btf_vmlinux_value_type_id
            } else {
                i.btf_value_type_id
            },
            mode: if json {
                btf::Mode::Json
            } else {
                btf::Mode::Text
            },
        }))
    }

    /// bpftool's do_dump_btf for one element; like bpftool, a value the
    /// formatter cannot finish is shown as far as it got.
    fn entry(&self, map: &Map, key: &[u8], value: &[u8]) -> Option<btf::Value> {
        let percpu = mapops::is_percpu(map.map_type()).then(|| btf::PerCpu {
            ncpus: map.ncpus(),
            value_size: map.value_size(),
        });
        let key_type = if key.is_empty() { 0 } else { self.key_type };
        Some(
            btf::format_entry(
                self.btf.view(),
                key_type,
                self.value_type,
                key,
                value,
                percpu,
                self.mode,
            )
            .unwrap_or_else(|e| e.partial),
        )
    }

    /// `key-json` / `value-json`: JSON encoded through the key or value type.
    fn encode(&self, is_key: bool, size: usize, text: &str) -> Result<btf::encode::Encoded> {
        let what = if is_key { "key-json" } else { "value-json" };
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| CmdError::Usage(format!("{what}: invalid JSON: {e}")))?;
        let ty = if is_key {
            self.key_type
        } else {
            self.value_type
        };
        if ty == 0 {
            return Err(CmdError::Usage(format!(
                "{what}: the map has no BTF type for its {}",
                if is_key { "key" } else { "value" }
            )));
        }
        btf::encode::encode(self.btf.view(), ty, size, &json)
            .map_err(|e| CmdError::Usage(format!("{what}: {e}")))
    }
}

/// BTF-formatted elements go into map dumps through the dump writer.
impl Formatted for btf::Value {
    fn write(&self, jw: &mut JsonW<Vec<u8>>) -> std::io::Result<()> {
        btf::Value::write(self, jw)
    }
    fn write_members(&self, jw: &mut JsonW<Vec<u8>>) -> std::io::Result<()> {
        for (k, v) in self.members() {
            jw.name(k)?;
            v.write(jw)?;
        }
        Ok(())
    }
}

/// Kernel symbols for stack_trace maps: /proc/kallsyms, read once per command.
struct Symbols(crate::record::kallsyms::KernelSymbols);

impl Symbols {
    fn load() -> Self {
        Symbols(crate::sys::progdump::kallsyms())
    }
    /// `name+0xoff` for a kernel address; None for user addresses or when
    /// kallsyms hides addresses.
    fn symbolize(&self, addr: u64) -> Option<String> {
        if (addr as i64) >= 0 {
            return None;
        }
        let (name, off) = self.0.nearest(addr)?;
        Some(format!("{name}+0x{off:x}"))
    }
}

// ---------------------------------------------------------------------------
// Element syntax
// ---------------------------------------------------------------------------

/// One byte as strtoul(…, base) reads it: base 0 takes 0x.. hex, 0.. octal,
/// decimal; base 16 takes hex with or without 0x. Unlike bpftool, values
/// above 255 are errors, not silently truncated.
fn parse_byte(word: &str, hex: bool) -> Option<u8> {
    let (digits, radix) = if hex {
        (
            word.strip_prefix("0x")
                .or_else(|| word.strip_prefix("0X"))
                .unwrap_or(word),
            16,
        )
    } else if let Some(h) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        (h, 16)
    } else if word.len() > 1 && word.starts_with('0') {
        (&word[1..], 8)
    } else {
        (word, 10)
    };
    if digits.is_empty() {
        return None;
    }
    u32::from_str_radix(digits, radix)
        .ok()
        .and_then(|v| u8::try_from(v).ok())
}

/// Words that end a byte list early (for a clear "expected N bytes" error).
const ELEM_WORDS: &[&str] = &[
    "key",
    "value",
    "key-json",
    "value-json",
    "any",
    "exist",
    "noexist",
];

/// `[hex] BYTES`: exactly `n` bytes; returns them and the words after.
fn parse_bytes<'a>(words: &'a [String], what: &str, n: usize) -> Result<(Vec<u8>, &'a [String])> {
    let mut words = words;
    let mut hex = false;
    if let Some(w) = words.first() {
        if is_prefix(w, "hex") {
            hex = true;
            words = &words[1..];
        }
    }
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let Some(w) = words.get(out.len()) else { break };
        if ELEM_WORDS.contains(&w.as_str()) {
            break;
        }
        match parse_byte(w, hex) {
            Some(b) => out.push(b),
            None => {
                return Err(CmdError::Usage(format!(
                    "error parsing byte: {w}{}",
                    if w.parse::<u64>().is_ok() || hex {
                        " (a byte is 0-255, or 00-ff after 'hex')"
                    } else {
                        ""
                    }
                )))
            }
        }
    }
    if out.len() != n {
        return Err(CmdError::Usage(format!(
            "{what} expected {n} bytes got {}",
            out.len()
        )));
    }
    Ok((out, &words[n..]))
}

/// A parsed `key … value … [flags]` request.
#[derive(Default)]
struct Elem {
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

/// bpftool's parse_elem, plus `key-json` / `value-json` for maps with BTF.
fn parse_elem(map: &Map, words: &[String], want: Want) -> Result<Elem> {
    let mut e = Elem::default();
    let mut w = words;
    let ks = map.key_size();
    let vs = map.value_size();
    // The byte list parsed last, for error messages.
    let mut last: Option<(&str, usize)> = None;
    while let Some(word) = w.first() {
        let word = word.as_str();
        if word == "key-json" || word == "value-json" {
            let is_key = word == "key-json";
            check_wanted(&e, is_key, want, ks, vs)?;
            let text = w
                .get(1)
                .ok_or_else(|| CmdError::Usage(format!("'{word}' needs a JSON argument")))?;
            let bytes = encode_json(map, is_key, text)?;
            if is_key {
                e.key = Some(bytes);
            } else {
                e.value = Some(percpu_fill(map, bytes));
            }
            w = &w[2..];
        } else if is_prefix(word, "key") {
            check_wanted(&e, true, want, ks, vs)?;
            let (b, rest) = parse_bytes(&w[1..], "key", ks)?;
            e.key = Some(b);
            last = Some(("key", ks));
            w = rest;
        } else if is_prefix(word, "value") {
            check_wanted(&e, false, want, ks, vs)?;
            let rest = &w[1..];
            let t = map.map_type();
            if mapops::is_map_of_maps(t) || mapops::is_prog_array(t) {
                let (fd, rest) = value_fd(map, rest)?;
                e.value = Some((fd.as_raw_fd() as u32).to_ne_bytes().to_vec());
                e._value_fd = Some(fd);
                w = rest;
            } else {
                let (b, rest) = parse_bytes(rest, "value", vs)?;
                e.value = Some(percpu_fill(map, b));
                last = Some(("value", vs));
                w = rest;
            }
        } else if is_prefix(word, "any") || is_prefix(word, "noexist") || is_prefix(word, "exist") {
            if !want.flags || e.flags.is_some() {
                return Err(CmdError::Usage(format!(
                    "flags specified multiple times: {word}"
                )));
            }
            e.flags = Some(if is_prefix(word, "any") {
                bpf::BPF_ANY as u64
            } else if is_prefix(word, "noexist") {
                bpf::BPF_NOEXIST as u64
            } else {
                bpf::BPF_EXIST as u64
            });
            w = &w[1..];
        } else {
            // A stray number right after a byte list: the list was too long.
            let hint = match (&last, parse_byte(word, false)) {
                (Some((what, n)), Some(_)) => format!(" ({what} takes exactly {n} bytes)"),
                _ => String::new(),
            };
            return Err(CmdError::Usage(format!(
                "expected key or value, got: {word}{hint}"
            )));
        }
    }
    if want.key && ks > 0 && e.key.is_none() {
        return Err(CmdError::Usage("did not find key".into()));
    }
    if want.value && e.value.is_none() {
        return Err(CmdError::Usage("did not find value".into()));
    }
    Ok(e)
}

fn check_wanted(e: &Elem, is_key: bool, want: Want, ks: usize, vs: usize) -> Result<()> {
    let (wanted, have, size, name) = if is_key {
        (want.key, e.key.is_some(), ks, "key")
    } else {
        (want.value, e.value.is_some(), vs, "value")
    };
    if have {
        return Err(CmdError::Usage(format!("duplicate {name}")));
    }
    if !wanted || size == 0 && is_key {
        return Err(CmdError::Usage(format!("unnecessary {name}")));
    }
    Ok(())
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
fn value_fd<'a>(map: &Map, words: &'a [String]) -> Result<(OwnedFd, &'a [String])> {
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
    let (h, rest) = handle::parse(kind, words)?;
    if kind == ObjKind::Prog && matches!(h, handle::Handle::Id(_)) {
        eprintln!(
            "Warning: updating program array via MAP_ID, make sure this map is kept open\n         by some process or pinned otherwise update will be lost"
        );
    }
    let (_, fd) = handle::resolve_one(kind, &h)?;
    Ok((fd, rest))
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

// ---------------------------------------------------------------------------
// dump
// ---------------------------------------------------------------------------

/// Map types whose contents cannot be listed element by element, and what to
/// use instead.
fn not_dumpable(map: &Map) -> Option<String> {
    let id = map.id();
    let t = map.map_type();
    let msg = match t {
        bpf::BPF_MAP_TYPE_BLOOM_FILTER => format!(
            "map {id} is a bloom_filter: it cannot be iterated, it only answers membership \
             queries (test a value with 'bpfscope map lookup id {id} value VALUE')"
        ),
        bpf::BPF_MAP_TYPE_RINGBUF => format!(
            "map {id} is a ringbuf: it holds a stream of records, not elements (consume them \
             with a ring buffer reader, e.g. libbpf's ring_buffer__new() + ring_buffer__poll())"
        ),
        bpf::BPF_MAP_TYPE_USER_RINGBUF => format!(
            "map {id} is a user_ringbuf: user space writes records that programs drain with \
             bpf_user_ringbuf_drain(); there are no elements to dump"
        ),
        bpf::BPF_MAP_TYPE_ARENA => format!(
            "map {id} is an arena: its memory is shared with programs through mmap(), not \
             stored as elements"
        ),
        bpf::BPF_MAP_TYPE_SK_STORAGE
        | bpf::BPF_MAP_TYPE_INODE_STORAGE
        | bpf::BPF_MAP_TYPE_TASK_STORAGE
        | bpf::BPF_MAP_TYPE_CGRP_STORAGE => format!(
            "map {id} is a {}: its elements live on the objects they belong to and cannot be \
             listed from user space (read them with a bpf_iter program, or look one up by the \
             owner's fd from a program)",
            type_name(map)
        ),
        _ => return None,
    };
    Some(msg)
}

/// Inner maps nest at most this deep with `--recursive` (the kernel allows one level).
const MAX_NESTING: usize = 4;

struct DumpOpts {
    recursive: bool,
    json: bool,
}

fn dump(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    let (recursive, words) = take_flag(words, "--recursive");
    let (maps, rest) = open_maps(&words)?;
    no_more_args(rest)?;
    for m in &maps {
        if let Some(msg) = not_dumpable(m) {
            return Err(CmdError::Failed(msg));
        }
    }
    let opts = DumpOpts {
        recursive,
        json: ctx.json,
    };
    // bpftool prints BTF-typed text only when every map has BTF.
    let typed: Vec<Option<Typed>> = maps
        .iter()
        .map(|m| Typed::for_map(m, ctx.json))
        .collect::<Result<_>>()?;
    let style = if ctx.json {
        Style::Json { pretty: ctx.pretty }
    } else if !typed.is_empty() && typed.iter().all(Option::is_some) {
        Style::BtfText
    } else {
        Style::Text
    };
    let multi = maps.len() > 1;
    let syms = maps
        .iter()
        .any(|m| m.map_type() == bpf::BPF_MAP_TYPE_STACK_TRACE)
        .then(Symbols::load);
    let mut w = DumpWriter::new(out, style);
    if multi {
        w.begin_list()?;
    }
    for (i, (m, t)) in maps.iter().zip(&typed).enumerate() {
        let hdr = multi.then(|| header(m));
        w.begin_dump(hdr.as_ref())?;
        dump_elements(m, t.as_ref(), &opts, syms.as_ref(), &mut w, 0)?;
        w.end_dump()?;
        if multi && i + 1 != maps.len() {
            w.blank_line();
        }
    }
    if multi {
        w.end_list()?;
    }
    w.finish()?;
    Ok(())
}

/// Writes every element of one map into the open dump.
fn dump_elements(
    map: &Map,
    typed: Option<&Typed>,
    opts: &DumpOpts,
    syms: Option<&Symbols>,
    w: &mut DumpWriter<'_>,
    depth: usize,
) -> Result<()> {
    let l = layout(map);
    if mapops::is_queue_or_stack(map.map_type()) {
        let snap = map.queue_snapshot()?;
        if snap.head_only {
            eprintln!(
                "Warning: map {} is frozen: only its head can be read without popping",
                map.id()
            );
        }
        let vs = map.value_size();
        for i in 0..snap.count {
            let v = &snap.values[i * vs..(i + 1) * vs];
            let f = typed.and_then(|t| t.entry(map, &[], v));
            w.entry(&l, &[], v, f.as_ref().map(|v| v as &dyn Formatted))?;
        }
        return Ok(());
    }
    let stack_trace = map.map_type() == bpf::BPF_MAP_TYPE_STACK_TRACE;
    let nested = opts.recursive && mapops::is_map_of_maps(map.map_type()) && depth < MAX_NESTING;
    let mut reader = map.reader();
    while let Some(chunk) = reader.next_chunk()? {
        for i in 0..chunk.len {
            let key = chunk.key(i);
            if let Some(e) = chunk.error(i) {
                w.entry_error(&l, key, e)?;
                continue;
            }
            let value = chunk.value(i);
            let f = typed.and_then(|t| t.entry(map, key, value));
            if stack_trace {
                stack_entry(map, &l, key, value, syms, opts.json, w)?;
            } else if nested && value.len() >= 4 {
                w.entry_open(&l, key, value, f.as_ref().map(|v| v as &dyn Formatted))?;
                let id = u32::from_ne_bytes([value[0], value[1], value[2], value[3]]);
                inner_dump(id, opts, syms, w, depth + 1)?;
                w.entry_close()?;
            } else {
                w.entry(&l, key, value, f.as_ref().map(|v| v as &dyn Formatted))?;
            }
        }
        w.maybe_flush()?;
    }
    Ok(())
}

/// `--recursive`: an inner map's elements inside its outer element.
fn inner_dump(
    id: u32,
    opts: &DumpOpts,
    syms: Option<&Symbols>,
    w: &mut DumpWriter<'_>,
    depth: usize,
) -> Result<()> {
    let inner = crate::sys::ids::fd_by_id(ObjKind::Map, id).and_then(Map::from_fd);
    let inner = match inner {
        Ok(m) => m,
        // Replaced or freed since the outer lookup: say so and go on.
        Err(e) => {
            w.text_line(&format!("\tinner map {id}: {e}"));
            return Ok(());
        }
    };
    if let Some(msg) = not_dumpable(&inner) {
        w.text_line(&format!("\t{msg}"));
        return Ok(());
    }
    let typed = Typed::for_map(&inner, opts.json)?;
    w.begin_inner(&header(&inner))?;
    dump_elements(&inner, typed.as_ref(), opts, syms, w, depth)?;
    w.end_inner()?;
    Ok(())
}

/// A stack_trace element: bpftool's key and value, plus the stack symbolized.
fn stack_entry(
    map: &Map,
    l: &Layout,
    key: &[u8],
    value: &[u8],
    syms: Option<&Symbols>,
    json: bool,
    w: &mut DumpWriter<'_>,
) -> Result<()> {
    let build_id = map.info.map_flags & bpf::BPF_F_STACK_BUILD_ID != 0;
    let frames = stack_frames(value, build_id, syms);
    if json {
        w.entry_open(l, key, value, None)?;
        let v = serde_json::Value::Array(
            frames
                .iter()
                .map(|f| {
                    let mut o = serde_json::Map::new();
                    o.insert("address".into(), format!("0x{:x}", f.addr).into());
                    if let Some(s) = &f.symbol {
                        o.insert("symbol".into(), s.clone().into());
                    }
                    if let Some(b) = &f.build_id {
                        o.insert("build_id".into(), b.clone().into());
                        o.insert("offset".into(), format!("0x{:x}", f.addr).into());
                    }
                    serde_json::Value::Object(o)
                })
                .collect(),
        );
        w.member("stack", &v)?;
        w.entry_close()?;
    } else {
        // Text: the key, then one frame per line in place of the raw value bytes.
        w.entry_key_line(key);
        for f in &frames {
            let line = match (&f.build_id, &f.symbol) {
                (Some(b), _) => format!("\t{b} +0x{:x}", f.addr),
                (None, Some(s)) => format!("\t0x{:016x} {s}", f.addr),
                (None, None) => format!("\t0x{:016x}", f.addr),
            };
            w.text_line(&line);
        }
    }
    Ok(())
}

struct Frame {
    addr: u64,
    symbol: Option<String>,
    build_id: Option<String>,
}

/// A stack_trace value: u64 addresses up to the first zero, or with
/// BPF_F_STACK_BUILD_ID, 32-byte bpf_stack_build_id records.
fn stack_frames(value: &[u8], build_id: bool, syms: Option<&Symbols>) -> Vec<Frame> {
    let mut out = Vec::new();
    if build_id {
        for rec in value.chunks_exact(32) {
            let status = i32::from_ne_bytes([rec[0], rec[1], rec[2], rec[3]]);
            let mut word = [0u8; 8];
            word.copy_from_slice(&rec[24..32]);
            let off = u64::from_ne_bytes(word);
            match status {
                // BPF_STACK_BUILD_ID_VALID: build id + file offset.
                1 => out.push(Frame {
                    addr: off,
                    symbol: None,
                    build_id: Some(rec[4..24].iter().map(|b| format!("{b:02x}")).collect()),
                }),
                // BPF_STACK_BUILD_ID_IP: a raw address.
                2 => out.push(Frame {
                    addr: off,
                    symbol: syms.and_then(|s| s.symbolize(off)),
                    build_id: None,
                }),
                _ => break,
            }
        }
        return out;
    }
    for word in value.chunks_exact(8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(word);
        let addr = u64::from_ne_bytes(b);
        if addr == 0 {
            break;
        }
        out.push(Frame {
            addr,
            symbol: syms.and_then(|s| s.symbolize(addr)),
            build_id: None,
        });
    }
    out
}

// ---------------------------------------------------------------------------
// lookup / peek / pop
// ---------------------------------------------------------------------------

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

fn lookup(ctx: &Ctx, command: &str, words: &[String], out: &mut Out) -> Result<()> {
    let (map, rest) = open_one(words)?;
    let t = map.map_type();
    let mut value = vec![0u8; map.value_stride()];
    if t == bpf::BPF_MAP_TYPE_BLOOM_FILTER {
        return bloom_test(ctx, &map, rest, out);
    }
    if command == "peek" && map.key_size() != 0 {
        // The kernel answers EFAULT ("Bad address") to a keyless lookup.
        return Err(CmdError::Usage(format!(
            "peek: map {} is a {} map, with keys (use 'map lookup … key KEY')",
            map.id(),
            crate::sys::names::map_type(t)
        )));
    }
    if command == "peek" || map.key_size() == 0 {
        no_more_args(rest)?;
        return match map.lookup(None, &mut value) {
            Ok(()) => print_one(ctx, &map, &[], &value, out),
            Err(libc::ENOENT) => Err(CmdError::Failed(format!(
                "{command} failed: map {} is empty",
                map.id()
            ))),
            Err(e) => Err(SysError::os(format!("{command} failed"), e).into()),
        };
    }
    let e = parse_elem(
        &map,
        rest,
        Want {
            key: true,
            value: false,
            flags: false,
        },
    )?;
    let key = e.key.unwrap_or_default();
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
fn bloom_test(ctx: &Ctx, map: &Map, words: &[String], out: &mut Out) -> Result<()> {
    let e = parse_elem(
        map,
        words,
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

fn pop(ctx: &Ctx, command: &str, words: &[String], out: &mut Out) -> Result<()> {
    let (map, rest) = open_one(words)?;
    no_more_args(rest)?;
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

// ---------------------------------------------------------------------------
// update / delete / getnext
// ---------------------------------------------------------------------------

fn json_null(ctx: &Ctx, out: &mut Out) -> Result<()> {
    if ctx.json {
        writeln!(out, "null")?;
    }
    Ok(())
}

fn update(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    let (map, rest) = open_one(words)?;
    let e = parse_elem(
        &map,
        rest,
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

fn delete(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    let (all, words) = take_flag(words, "--all");
    let (map, rest) = open_one(&words)?;
    if all {
        return delete_all(ctx, &map, rest, out);
    }
    let e = parse_elem(
        &map,
        rest,
        Want {
            key: true,
            value: false,
            flags: false,
        },
    )?;
    let key = e.key.unwrap_or_default();
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
fn delete_all(ctx: &Ctx, map: &Map, words: &[String], out: &mut Out) -> Result<()> {
    if is_array_like(map.map_type()) {
        return Err(CmdError::Failed(format!(
            "{} map elements cannot be deleted, only overwritten",
            type_name(map)
        )));
    }
    let filter = match words {
        [] => None,
        [kw, json] if kw == "key-json" => Some(encode_json_mask(map, json)?),
        [w, ..] => {
            return Err(CmdError::Usage(format!(
                "delete --all takes no key, or 'key-json PARTIAL': unexpected '{w}'"
            )))
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

fn getnext(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    let (map, rest) = open_one(words)?;
    let key = if rest.is_empty() {
        None
    } else {
        parse_elem(
            &map,
            rest,
            Want {
                key: true,
                value: false,
                flags: false,
            },
        )?
        .key
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

// ---------------------------------------------------------------------------
// pin / create / freeze
// ---------------------------------------------------------------------------

fn pin(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    let (map, rest) = open_one(words)?;
    let path = match rest {
        [p] => p,
        [] => return Err(CmdError::Usage("'pin' needs a path: pin MAP FILE".into())),
        [_, extra, ..] => {
            return Err(CmdError::Usage(format!(
                "too many arguments: unexpected '{extra}'"
            )))
        }
    };
    mapops::pin(map.fd(), std::path::Path::new(path))?;
    json_null(ctx, out)
}

/// A u32 as bpftool's parse_u32_arg reads it (strtoul base 0).
fn parse_u32(word: &str, what: &str) -> Result<u32> {
    let r = if let Some(h) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        u32::from_str_radix(h, 16)
    } else if word.len() > 1 && word.starts_with('0') {
        u32::from_str_radix(&word[1..], 8)
    } else {
        word.parse()
    };
    r.map_err(|_| CmdError::Usage(format!("can't parse {what}: {word}")))
}

/// `flags` as a number or as names (`no_prealloc,rdonly` or `no_prealloc|rdonly`).
fn parse_map_flags(word: &str) -> Result<u32> {
    if let Ok(v) = parse_u32(word, "flags") {
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

fn create(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    let Some((path, mut w)) = words.split_first() else {
        return Err(CmdError::Usage(
            "create FILE type TYPE key KEY_SIZE value VALUE_SIZE entries MAX_ENTRIES name NAME \
             [flags FLAGS] [inner_map MAP] [offload_dev NAME]"
                .into(),
        ));
    };
    let mut spec = mapops::CreateSpec::default();
    let mut have_type = false;
    let mut name = None;
    let mut inner: Option<Map> = None;
    while let Some(kw) = w.first() {
        let kw = kw.as_str();
        let arg = w
            .get(1)
            .ok_or_else(|| CmdError::Usage(format!("'{kw}' needs an argument")))?;
        if is_prefix(kw, "type") {
            if have_type {
                return Err(CmdError::Usage("map type already specified".into()));
            }
            spec.map_type = names::map_type_by_name(arg)
                .ok_or_else(|| CmdError::Usage(format!("unrecognized map type: {arg}")))?;
            have_type = true;
            w = &w[2..];
        } else if is_prefix(kw, "name") {
            if arg.len() > 15 {
                eprintln!("Warning: map name is longer than 15 characters, it will be truncated.");
            }
            name = Some(arg.chars().take(15).collect::<String>());
            w = &w[2..];
        } else if is_prefix(kw, "key") {
            spec.key_size = parse_u32(arg, "key size")?;
            w = &w[2..];
        } else if is_prefix(kw, "value") {
            spec.value_size = parse_u32(arg, "value size")?;
            w = &w[2..];
        } else if is_prefix(kw, "entries") {
            spec.max_entries = parse_u32(arg, "max entries")?;
            w = &w[2..];
        } else if is_prefix(kw, "flags") {
            spec.flags = parse_map_flags(arg)?;
            w = &w[2..];
        } else if is_prefix(kw, "extra") {
            spec.map_extra = parse_u32(arg, "map extra")? as u64;
            w = &w[2..];
        } else if is_prefix(kw, "offload_dev") || is_prefix(kw, "dev") {
            spec.ifindex = crate::sys::net::dev_ifindex(arg)?;
            w = &w[2..];
        } else if is_prefix(kw, "inner_map") {
            let (m, rest) = open_one(&w[1..])?;
            inner = Some(m);
            w = rest;
        } else {
            return Err(CmdError::Usage(format!("unknown arg {kw}")));
        }
    }
    if !have_type {
        return Err(CmdError::Usage("map type not specified".into()));
    }
    spec.name = name.ok_or_else(|| CmdError::Usage("map name not specified".into()))?;
    let fd =
        mapops::create(&spec, inner.as_ref().map(|m| m.fd())).map_err(|e| create_hint(&spec, e))?;
    mapops::pin(fd.as_fd(), std::path::Path::new(path))?;
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

fn freeze(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    let (map, rest) = open_one(words)?;
    no_more_args(rest)?;
    map.freeze()?;
    json_null(ctx, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn bytes_parse_like_strtoul() {
        assert_eq!(parse_byte("10", false), Some(10));
        assert_eq!(parse_byte("0x10", false), Some(16));
        assert_eq!(parse_byte("010", false), Some(8));
        assert_eq!(parse_byte("0", false), Some(0));
        assert_eq!(parse_byte("0a", false), None);
        assert_eq!(parse_byte("0a", true), Some(10));
        assert_eq!(parse_byte("0xff", true), Some(255));
        assert_eq!(parse_byte("256", false), None);
        assert_eq!(parse_byte("", false), None);
        assert_eq!(parse_byte("-1", false), None);
    }
    #[test]
    fn byte_lists() {
        let w: Vec<String> = ["hex", "0a", "ff", "value", "1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (b, rest) = parse_bytes(&w, "key", 2).unwrap();
        assert_eq!(b, vec![10, 255]);
        assert_eq!(rest, &w[3..]);
        let e = parse_bytes(&w, "key", 3).err().unwrap().to_string();
        assert_eq!(e, "key expected 3 bytes got 2");
    }
    #[test]
    fn flags_by_number_or_name() {
        assert_eq!(parse_map_flags("1").unwrap(), 1);
        assert_eq!(parse_map_flags("0x400").unwrap(), 0x400);
        assert_eq!(parse_map_flags("no_prealloc|mmapable").unwrap(), 0x401);
        assert!(parse_map_flags("bogus").is_err());
    }
    #[test]
    fn stack_frames_stop_at_zero() {
        let mut v = Vec::new();
        for a in [0xffffffff81000000u64, 0xffffffff81000010, 0, 5] {
            v.extend_from_slice(&a.to_ne_bytes());
        }
        let f = stack_frames(&v, false, None);
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].addr, 0xffffffff81000010);
    }
}
