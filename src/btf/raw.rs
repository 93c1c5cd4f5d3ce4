//! `btf dump ... format raw`: the text and JSON listings of every type,
//! byte for byte as bpftool's `dump_btf_type()` prints them (btf.c).
//!
//! Text names are printed as stored, except that control characters are
//! escaped (`\xNN`) so nothing from a file reaches the terminal raw.

use std::io::{self, Write};

use super::view::{kind, kind_name, Type, View};
use crate::text::JsonW;

fn int_encoding(enc: u32) -> &'static str {
    match enc {
        0 => "(none)",
        1 => "SIGNED",
        2 => "CHAR",
        4 => "BOOL",
        _ => "UNKN",
    }
}

fn var_linkage(l: u32) -> &'static str {
    match l {
        0 => "static",
        1 => "global",
        2 => "extern",
        _ => "(unknown)",
    }
}

fn func_linkage(vlen: u32) -> &'static str {
    match vlen {
        0 => "static",
        1 => "global",
        2 => "extern",
        _ => "(unknown)",
    }
}

/// Writes a name for a terminal: as is, unless it holds control bytes.
pub fn put_name<W: Write + ?Sized>(out: &mut W, s: &[u8]) -> io::Result<()> {
    if !s.iter().any(|&c| c < 0x20 || c == 0x7f) {
        return out.write_all(s);
    }
    for &c in s {
        if c < 0x20 || c == 0x7f {
            write!(out, "\\x{c:02x}")?;
        } else {
            out.write_all(&[c])?;
        }
    }
    Ok(())
}

/// The ids a raw dump lists: the given roots, or every type of this blob
/// (not its base), as bpftool's `dump_btf_raw`.
fn ids(view: &View, roots: &[u32]) -> Vec<u32> {
    if roots.is_empty() {
        (view.start_id()..view.type_cnt()).collect()
    } else {
        roots.to_vec()
    }
}

/// Text listing.
pub fn dump_text<W: Write + ?Sized>(view: &View, roots: &[u32], out: &mut W) -> io::Result<()> {
    for id in ids(view, roots) {
        if let Some(t) = view.ty(id) {
            type_text(view, &t, out)?;
        }
    }
    Ok(())
}

fn type_text<W: Write + ?Sized>(v: &View, t: &Type<'_>, out: &mut W) -> io::Result<()> {
    let k = t.kind();
    write!(out, "[{}] {} '", t.id, kind_name(k))?;
    put_name(out, v.display_name(t.name_off))?;
    out.write_all(b"'")?;
    match k {
        kind::INT => {
            let (enc, off, bits) = t.int_info();
            write!(
                out,
                " size={} bits_offset={} nr_bits={} encoding={}",
                t.size(),
                off,
                bits,
                int_encoding(enc)
            )?;
        }
        kind::PTR
        | kind::CONST
        | kind::VOLATILE
        | kind::RESTRICT
        | kind::TYPEDEF
        | kind::TYPE_TAG => write!(out, " type_id={}", t.type_id())?,
        kind::ARRAY => {
            let (ty, idx, n) = t.array();
            write!(out, " type_id={ty} index_type_id={idx} nr_elems={n}")?;
        }
        kind::STRUCT | kind::UNION => {
            write!(out, " size={} vlen={}", t.size(), t.vlen())?;
            for m in t.members() {
                out.write_all(b"\n\t'")?;
                put_name(out, v.display_name(m.name_off))?;
                write!(out, "' type_id={} bits_offset={}", m.type_id, m.bit_offset)?;
                if m.bitfield_size != 0 {
                    write!(out, " bitfield_size={}", m.bitfield_size)?;
                }
            }
        }
        kind::ENUM => {
            let signed = t.kflag();
            write!(
                out,
                " encoding={} size={} vlen={}",
                if signed { "SIGNED" } else { "UNSIGNED" },
                t.size(),
                t.vlen()
            )?;
            for (name, val) in t.enum32() {
                out.write_all(b"\n\t'")?;
                put_name(out, v.display_name(name))?;
                if signed {
                    write!(out, "' val={val}")?;
                } else {
                    write!(out, "' val={}", val as u32)?;
                }
            }
        }
        kind::ENUM64 => {
            let signed = t.kflag();
            write!(
                out,
                " encoding={} size={} vlen={}",
                if signed { "SIGNED" } else { "UNSIGNED" },
                t.size(),
                t.vlen()
            )?;
            for (name, val) in t.enum64() {
                out.write_all(b"\n\t'")?;
                put_name(out, v.display_name(name))?;
                if signed {
                    write!(out, "' val={}LL", val as i64)?;
                } else {
                    write!(out, "' val={val}ULL")?;
                }
            }
        }
        kind::FWD => {
            let fk = if t.kflag() { "union" } else { "struct" };
            write!(out, " fwd_kind={fk}")?;
        }
        kind::FUNC => write!(
            out,
            " type_id={} linkage={}",
            t.type_id(),
            func_linkage(t.vlen())
        )?,
        kind::FUNC_PROTO => {
            write!(out, " ret_type_id={} vlen={}", t.type_id(), t.vlen())?;
            for (name, ty) in t.params() {
                out.write_all(b"\n\t'")?;
                put_name(out, v.display_name(name))?;
                write!(out, "' type_id={ty}")?;
            }
        }
        kind::VAR => write!(
            out,
            " type_id={}, linkage={}",
            t.type_id(),
            var_linkage(t.var_linkage())
        )?,
        kind::DATASEC => {
            write!(out, " size={} vlen={}", t.size(), t.vlen())?;
            for (ty, off, size) in t.secinfos() {
                write!(out, "\n\ttype_id={ty} offset={off} size={size}")?;
                if ty < v.type_cnt() {
                    if let Some(vt) = v.ty(ty) {
                        write!(out, " ({} '", kind_name(vt.kind()))?;
                        put_name(out, v.display_name(vt.name_off))?;
                        out.write_all(b"')")?;
                    }
                }
            }
        }
        kind::FLOAT => write!(out, " size={}", t.size())?,
        kind::DECL_TAG => write!(
            out,
            " type_id={} component_idx={}",
            t.type_id(),
            t.component_idx()
        )?,
        _ => {}
    }
    out.write_all(b"\n")
}

/// JSON listing: `{"types":[...]}` (the caller adds the final newline).
pub fn dump_json<W: Write>(view: &View, roots: &[u32], w: &mut JsonW<W>) -> io::Result<()> {
    w.start_object()?;
    w.name(b"types")?;
    w.start_array()?;
    for id in ids(view, roots) {
        if let Some(t) = view.ty(id) {
            type_json(view, &t, w)?;
        }
    }
    w.end_array()?;
    w.end_object()
}

fn type_json<W: Write>(v: &View, t: &Type<'_>, w: &mut JsonW<W>) -> io::Result<()> {
    let k = t.kind();
    w.start_object()?;
    w.uint_field("id", u64::from(t.id))?;
    w.string_field("kind", kind_name(k).as_bytes())?;
    w.string_field("name", v.display_name(t.name_off))?;
    match k {
        kind::INT => {
            let (enc, off, bits) = t.int_info();
            w.uint_field("size", u64::from(t.size()))?;
            w.uint_field("bits_offset", u64::from(off))?;
            w.uint_field("nr_bits", u64::from(bits))?;
            w.string_field("encoding", int_encoding(enc).as_bytes())?;
        }
        kind::PTR
        | kind::CONST
        | kind::VOLATILE
        | kind::RESTRICT
        | kind::TYPEDEF
        | kind::TYPE_TAG => w.uint_field("type_id", u64::from(t.type_id()))?,
        kind::ARRAY => {
            let (ty, idx, n) = t.array();
            w.uint_field("type_id", u64::from(ty))?;
            w.uint_field("index_type_id", u64::from(idx))?;
            w.uint_field("nr_elems", u64::from(n))?;
        }
        kind::STRUCT | kind::UNION => {
            w.uint_field("size", u64::from(t.size()))?;
            w.uint_field("vlen", u64::from(t.vlen()))?;
            w.name(b"members")?;
            w.start_array()?;
            for m in t.members() {
                w.start_object()?;
                w.string_field("name", v.display_name(m.name_off))?;
                w.uint_field("type_id", u64::from(m.type_id))?;
                w.uint_field("bits_offset", u64::from(m.bit_offset))?;
                if m.bitfield_size != 0 {
                    w.uint_field("bitfield_size", u64::from(m.bitfield_size))?;
                }
                w.end_object()?;
            }
            w.end_array()?;
        }
        kind::ENUM | kind::ENUM64 => {
            let signed = t.kflag();
            w.string_field("encoding", if signed { b"SIGNED" } else { b"UNSIGNED" })?;
            w.uint_field("size", u64::from(t.size()))?;
            w.uint_field("vlen", u64::from(t.vlen()))?;
            w.name(b"values")?;
            w.start_array()?;
            // As 64 bits: bpftool passes an ENUM's __s32 to a u64
            // parameter, so unsigned 32-bit values print sign-extended.
            let values: Vec<(u32, u64)> = if t.kind() == kind::ENUM {
                t.enum32()
                    .map(|(n, val)| (n, i64::from(val) as u64))
                    .collect()
            } else {
                t.enum64().collect()
            };
            for (name, val) in values {
                w.start_object()?;
                w.string_field("name", v.display_name(name))?;
                if signed {
                    w.int_field("val", val as i64)?;
                } else {
                    w.uint_field("val", val)?;
                }
                w.end_object()?;
            }
            w.end_array()?;
        }
        kind::FWD => {
            let fk: &[u8] = if t.kflag() { b"union" } else { b"struct" };
            w.string_field("fwd_kind", fk)?;
        }
        kind::FUNC => {
            w.uint_field("type_id", u64::from(t.type_id()))?;
            w.string_field("linkage", func_linkage(t.vlen()).as_bytes())?;
        }
        kind::FUNC_PROTO => {
            w.uint_field("ret_type_id", u64::from(t.type_id()))?;
            w.uint_field("vlen", u64::from(t.vlen()))?;
            w.name(b"params")?;
            w.start_array()?;
            for (name, ty) in t.params() {
                w.start_object()?;
                w.string_field("name", v.display_name(name))?;
                w.uint_field("type_id", u64::from(ty))?;
                w.end_object()?;
            }
            w.end_array()?;
        }
        kind::VAR => {
            w.uint_field("type_id", u64::from(t.type_id()))?;
            w.string_field("linkage", var_linkage(t.var_linkage()).as_bytes())?;
        }
        kind::DATASEC => {
            w.uint_field("size", u64::from(t.size()))?;
            w.uint_field("vlen", u64::from(t.vlen()))?;
            w.name(b"vars")?;
            w.start_array()?;
            for (ty, off, size) in t.secinfos() {
                w.start_object()?;
                w.uint_field("type_id", u64::from(ty))?;
                w.uint_field("offset", u64::from(off))?;
                w.uint_field("size", u64::from(size))?;
                w.end_object()?;
            }
            w.end_array()?;
        }
        kind::FLOAT => w.uint_field("size", u64::from(t.size()))?,
        kind::DECL_TAG => {
            w.uint_field("type_id", u64::from(t.type_id()))?;
            w.int_field("component_idx", i64::from(t.component_idx()))?;
        }
        _ => {}
    }
    w.end_object()
}
