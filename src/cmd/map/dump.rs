//! `map dump MAP [--recursive]`: every element, batched, in bpftool's layout.
use libbpf_sys as bpf;

use super::typed::{header, layout, open_maps, type_name, Symbols, Typed};
use crate::cmd::{CmdError, Result};
use crate::output::mapdump::Layout;
use crate::output::mapdump::{DumpWriter, Formatted, Style};
use crate::output::{Ctx, Out};
use crate::sys::handle::Handle;
use crate::sys::mapops::{self, Map};
use crate::sys::ObjKind;

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

pub fn dump(ctx: &Ctx, h: &Handle, recursive: bool, out: &mut Out) -> Result<()> {
    let maps = open_maps(h)?;
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

#[cfg(test)]
mod tests {
    use super::*;
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
