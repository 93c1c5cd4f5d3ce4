//! Streaming map dumps: map elements as bpftool prints them, text or JSON,
//! written through one growing buffer that is handed to the output writer
//! in large pieces (never one write per element, never the whole map).
//!
//! JSON goes through `JsonW` (bpftool's json_writer.c, byte for byte):
//! compact output equals `bpftool -j`, pretty output equals `bpftool -p`, and
//! the pretty form is also what bpftool prints as "text" for maps with BTF.
//! Element text follows map.c's print_entry_plain. BTF-typed values come
//! from the layer that formats them, as a `Formatted`.
use std::io::{self, Write};

use crate::text::JsonW;

/// `"0xab"` for every byte, for the hot loop of JSON dumps.
static HEX_QUOTED: [[u8; 6]; 256] = {
    let mut t = [[0u8; 6]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [
            b'"',
            b'0',
            b'x',
            HEX_DIGITS[i >> 4],
            HEX_DIGITS[i & 15],
            b'"',
        ];
        i += 1;
    }
    t
};
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// bpftool's print_hex_data_json, `["0x01","0x02"]`, without a call per byte.
pub fn hex_array(jw: &mut JsonW<Vec<u8>>, data: &[u8]) -> io::Result<()> {
    jw.start_array()?;
    if let Some((&first, rest)) = data.split_first() {
        // The first through the writer (separator state), the rest directly.
        jw.raw(std::str::from_utf8(&HEX_QUOTED[first as usize]).unwrap_or("\"0x00\""))?;
        let b = jw.get_mut();
        b.reserve(rest.len() * 7);
        for &x in rest {
            b.push(b',');
            b.extend_from_slice(&HEX_QUOTED[x as usize]);
        }
    }
    jw.end_array()
}

/// A serde_json value through the writer (for members bpftool lacks).
pub fn json_value(jw: &mut JsonW<Vec<u8>>, v: &serde_json::Value) -> io::Result<()> {
    use serde_json::Value;
    match v {
        Value::Array(a) => {
            jw.start_array()?;
            for x in a {
                json_value(jw, x)?;
            }
            jw.end_array()
        }
        Value::Object(o) => {
            jw.start_object()?;
            for (k, x) in o {
                jw.name(k.as_bytes())?;
                json_value(jw, x)?;
            }
            jw.end_object()
        }
        Value::String(s) => jw.string(s.as_bytes()),
        other => jw.raw(&other.to_string()),
    }
}

/// A BTF-typed rendering of one element (`{"key": …, "value": …}`, bpftool's
/// do_dump_btf), written by the layer that formatted it.
pub trait Formatted {
    /// The whole object.
    fn write(&self, jw: &mut JsonW<Vec<u8>>) -> io::Result<()>;
    /// Its members only, into an object the writer opened.
    fn write_members(&self, jw: &mut JsonW<Vec<u8>>) -> io::Result<()>;
}

/// bpftool's fprint_hex: bytes separated by `sep`, two spaces after every 8th,
/// a new line (starting with `prefix`) after every 16th.
pub fn hex_text(b: &mut Vec<u8>, data: &[u8], prefix: &[u8]) {
    b.reserve(data.len() * 3 + data.len() / 16 * (prefix.len() + 1));
    for (i, &x) in data.iter().enumerate() {
        if i == 0 {
        } else if i % 16 == 0 {
            b.push(b'\n');
            b.extend_from_slice(prefix);
        } else if i % 8 == 0 {
            b.extend_from_slice(b"  ");
        } else {
            b.push(b' ');
        }
        b.push(HEX_DIGITS[(x >> 4) as usize]);
        b.push(HEX_DIGITS[(x & 15) as usize]);
    }
}

/// Space-separated hex for messages (`01 00 00 00`).
pub fn hex_words(data: &[u8]) -> String {
    let mut b = Vec::new();
    hex_text(&mut b, data, b"");
    String::from_utf8_lossy(&b).replace('\n', " ")
}

/// The shape of a map's elements, as the printers need it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout {
    pub key_size: usize,
    pub value_size: usize,
    /// Per-cpu map: the value buffer holds `ncpus` copies `cpu_step` apart.
    pub percpu: bool,
    pub ncpus: usize,
    pub cpu_step: usize,
    /// Values are inner map ids (array/hash of maps).
    pub map_of_maps: bool,
    /// Failed lookups with ENOENT are silent (fd arrays), as in bpftool.
    pub skip_enoent: bool,
    /// Text error entries say `<cannot read>` for ENOSPC (reuseport arrays).
    pub reuseport: bool,
}

/// The line bpftool prints before each map when a dump covers several maps.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub id: u32,
    pub type_name: Option<String>,
    pub type_num: u32,
    pub name: String,
    pub flags: u32,
}

/// Output style of a dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// map.c's plain element lines.
    Text,
    /// bpftool -j / -p.
    Json { pretty: bool },
    /// BTF-typed plain output: bpftool prints the btf_dumper objects as
    /// pretty JSON, without "Found N elements".
    BtfText,
}

/// Streams one or more (possibly nested) map dumps. Everything is built in
/// the writer's buffer and handed to `out` in large pieces.
pub struct DumpWriter<'w> {
    out: &'w mut dyn Write,
    style: Style,
    /// The JSON writer; its Vec is also the text buffer.
    jw: JsonW<Vec<u8>>,
    /// Elements printed at each open dump level.
    counts: Vec<usize>,
    /// Open dump levels that carry a header object in JSON.
    headers: Vec<bool>,
    /// Text indentation of nested (inner map) dumps.
    prefix: Vec<u8>,
}

const FLUSH_AT: usize = 1 << 18;

impl<'w> DumpWriter<'w> {
    pub fn new(out: &'w mut dyn Write, style: Style) -> Self {
        let pretty = match style {
            Style::Json { pretty } => pretty,
            Style::BtfText => true,
            Style::Text => false,
        };
        DumpWriter {
            out,
            style,
            jw: JsonW::new(Vec::with_capacity(FLUSH_AT + 4096), pretty),
            counts: Vec::new(),
            headers: Vec::new(),
            prefix: Vec::new(),
        }
    }

    pub fn style(&self) -> Style {
        self.style
    }
    fn is_json(&self) -> bool {
        !matches!(self.style, Style::Text)
    }
    fn buf(&mut self) -> &mut Vec<u8> {
        self.jw.get_mut()
    }

    /// Hands the buffer to the writer once it is large.
    pub fn maybe_flush(&mut self) -> io::Result<()> {
        if self.jw.get_mut().len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }
    pub fn flush(&mut self) -> io::Result<()> {
        let b = self.jw.get_mut();
        self.out.write_all(b)?;
        b.clear();
        Ok(())
    }

    /// A top-level array around several maps' dumps (JSON only).
    pub fn begin_list(&mut self) -> io::Result<()> {
        if self.is_json() {
            self.jw.start_array()?;
        }
        Ok(())
    }
    pub fn end_list(&mut self) -> io::Result<()> {
        if self.is_json() {
            self.jw.end_array()?;
        }
        Ok(())
    }
    /// Text separator between the dumps of several maps.
    pub fn blank_line(&mut self) {
        if !self.is_json() {
            self.buf().push(b'\n');
        }
    }

    fn header_fields(&mut self, h: &Header) -> io::Result<()> {
        let jw = &mut self.jw;
        jw.uint_field("id", h.id as u64)?;
        match &h.type_name {
            Some(t) => jw.string_field("type", t.as_bytes())?,
            None => jw.uint_field("type", h.type_num as u64)?,
        }
        if !h.name.is_empty() {
            jw.string_field("name", h.name.as_bytes())?;
        }
        jw.uint_field("flags", h.flags as u64)
    }

    fn header_text(&mut self, h: &Header) -> io::Result<()> {
        let prefix = self.prefix.clone();
        let b = self.buf();
        b.extend_from_slice(&prefix);
        write!(b, "{}: ", h.id)?;
        match &h.type_name {
            Some(t) => write!(b, "{t}  ")?,
            None => write!(b, "type {}  ", h.type_num)?,
        }
        if !h.name.is_empty() {
            write!(b, "name {}  ", crate::text::escape(&h.name))?;
        }
        writeln!(b, "flags 0x{:x}", h.flags)
    }

    /// Opens one map's element list, with bpftool's map header when given.
    pub fn begin_dump(&mut self, header: Option<&Header>) -> io::Result<()> {
        if self.is_json() {
            if let Some(h) = header {
                self.jw.start_object()?;
                self.header_fields(h)?;
                self.jw.name(b"elements")?;
            }
            self.jw.start_array()?;
        } else if let Some(h) = header {
            self.header_text(h)?;
        }
        self.counts.push(0);
        self.headers.push(header.is_some());
        Ok(())
    }

    /// Closes the list opened by `begin_dump` (text: "Found N elements";
    /// BTF-typed text prints no count, as bpftool).
    pub fn end_dump(&mut self) -> io::Result<()> {
        let n = self.counts.pop().unwrap_or(0);
        let header = self.headers.pop().unwrap_or(false);
        if self.is_json() {
            self.jw.end_array()?;
            if header {
                self.jw.end_object()?;
            }
        } else {
            let prefix = self.prefix.clone();
            let b = self.buf();
            b.extend_from_slice(&prefix);
            writeln!(b, "Found {n} element{}", if n != 1 { "s" } else { "" })?;
        }
        Ok(())
    }

    /// Ends the document (json_writer ends with a newline) and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.is_json() {
            self.jw.finish()?;
        }
        self.flush()
    }

    fn count(&mut self) {
        if let Some(c) = self.counts.last_mut() {
            *c += 1;
        }
    }

    /// One element: key and value bytes, and its BTF rendering when the map
    /// has BTF.
    pub fn entry(
        &mut self,
        l: &Layout,
        key: &[u8],
        value: &[u8],
        formatted: Option<&dyn Formatted>,
    ) -> io::Result<()> {
        self.entry_open(l, key, value, formatted)?;
        self.entry_close()
    }

    /// Writes an element but leaves it open, so that `member`, `text_line`
    /// or a nested inner-map dump can follow; `entry_close` ends it.
    pub fn entry_open(
        &mut self,
        l: &Layout,
        key: &[u8],
        value: &[u8],
        formatted: Option<&dyn Formatted>,
    ) -> io::Result<()> {
        self.count();
        let jw = &mut self.jw;
        match self.style {
            Style::Json { .. } => {
                // map.c's print_entry_json.
                jw.start_object()?;
                jw.name(b"key")?;
                hex_array(jw, key)?;
                if !l.percpu {
                    jw.name(b"value")?;
                    hex_array(jw, value)?;
                    if l.map_of_maps && value.len() >= 4 {
                        jw.uint_field("inner_map_id", u32_ne(value) as u64)?;
                    }
                } else {
                    jw.name(b"values")?;
                    jw.start_array()?;
                    for cpu in 0..l.ncpus {
                        jw.start_object()?;
                        jw.uint_field("cpu", cpu as u64)?;
                        jw.name(b"value")?;
                        let off = cpu * l.cpu_step;
                        hex_array(jw, value.get(off..off + l.value_size).unwrap_or(&[]))?;
                        jw.end_object()?;
                    }
                    jw.end_array()?;
                }
                if let Some(f) = formatted {
                    jw.name(b"formatted")?;
                    f.write(jw)?;
                }
            }
            Style::BtfText => {
                jw.start_object()?;
                match formatted {
                    Some(f) => f.write_members(jw)?,
                    None => {
                        jw.name(b"key")?;
                        hex_array(jw, key)?;
                        jw.name(b"value")?;
                        hex_array(jw, value)?;
                    }
                }
            }
            Style::Text => self.plain(l, key, value),
        }
        Ok(())
    }

    pub fn entry_close(&mut self) -> io::Result<()> {
        if self.is_json() {
            self.jw.end_object()?;
        }
        Ok(())
    }

    /// Text style: an element shown as its key line only, for callers that
    /// print the value their own way (stack_trace frames) with `text_line`.
    pub fn entry_key_line(&mut self, key: &[u8]) {
        self.count();
        let prefix = self.prefix.clone();
        let b = self.buf();
        b.extend_from_slice(&prefix);
        b.extend_from_slice(b"key:");
        if key.len() > 16 {
            b.push(b'\n');
            b.extend_from_slice(&prefix);
        } else {
            b.push(b' ');
        }
        hex_text(b, key, &prefix);
        b.push(b'\n');
    }

    /// An extra member of the open element (JSON styles only).
    pub fn member(&mut self, name: &str, v: &serde_json::Value) -> io::Result<()> {
        if self.is_json() {
            self.jw.name(name.as_bytes())?;
            json_value(&mut self.jw, v)?;
        }
        Ok(())
    }

    /// Opens an inner map's dump inside the open element: text lines get one
    /// more tab, JSON an `inner_map` member with bpftool's map header.
    pub fn begin_inner(&mut self, h: &Header) -> io::Result<()> {
        self.prefix.push(b'\t');
        if self.is_json() {
            self.jw.name(b"inner_map")?;
            self.jw.start_object()?;
            self.header_fields(h)?;
            self.jw.name(b"elements")?;
            self.jw.start_array()?;
        } else {
            self.header_text(h)?;
        }
        self.counts.push(0);
        self.headers.push(true);
        Ok(())
    }

    pub fn end_inner(&mut self) -> io::Result<()> {
        self.end_dump()?;
        self.prefix.pop();
        Ok(())
    }

    /// A text line at the current indentation (text style only).
    pub fn text_line(&mut self, line: &str) {
        if !self.is_json() {
            let prefix = self.prefix.clone();
            let b = self.buf();
            b.extend_from_slice(&prefix);
            b.extend_from_slice(line.as_bytes());
            b.push(b'\n');
        }
    }

    /// map.c's print_entry_plain.
    fn plain(&mut self, l: &Layout, key: &[u8], value: &[u8]) {
        let p = &self.prefix;
        let b = self.jw.get_mut();
        if !l.percpu {
            let break_names = l.key_size > 16 || l.value_size > 16;
            let single_line = l.key_size + l.value_size <= 24 && !break_names;
            let sep = if break_names { b'\n' } else { b' ' };
            b.extend_from_slice(p);
            if l.key_size > 0 {
                b.extend_from_slice(b"key:");
                b.push(sep);
                if break_names {
                    b.extend_from_slice(p);
                }
                hex_text(b, key, p);
                if single_line {
                    b.extend_from_slice(b"  ");
                } else {
                    b.push(b'\n');
                    b.extend_from_slice(p);
                }
            }
            if l.value_size > 0 {
                if l.map_of_maps && value.len() >= 4 {
                    b.extend_from_slice(b"inner_map_id:");
                    b.push(sep);
                    if break_names {
                        b.extend_from_slice(p);
                    }
                    let _ = write!(b, "{} ", u32_ne(value));
                } else {
                    b.extend_from_slice(b"value:");
                    b.push(sep);
                    if break_names {
                        b.extend_from_slice(p);
                    }
                    hex_text(b, value, p);
                }
            }
            b.push(b'\n');
        } else {
            if l.key_size > 0 {
                b.extend_from_slice(p);
                b.extend_from_slice(b"key:\n");
                b.extend_from_slice(p);
                hex_text(b, key, p);
                b.push(b'\n');
            }
            if l.value_size > 0 {
                for cpu in 0..l.ncpus {
                    b.extend_from_slice(p);
                    let _ = write!(b, "value (CPU {cpu:02}):");
                    if l.value_size > 16 {
                        b.push(b'\n');
                        b.extend_from_slice(p);
                    } else {
                        b.push(b' ');
                    }
                    let off = cpu * l.cpu_step;
                    hex_text(b, value.get(off..off + l.value_size).unwrap_or(&[]), p);
                    b.push(b'\n');
                }
            }
        }
    }

    /// An element whose lookup failed (map.c's print_entry_error); not counted.
    pub fn entry_error(&mut self, l: &Layout, key: &[u8], errno: i32) -> io::Result<()> {
        if l.skip_enoent && errno == libc::ENOENT {
            return Ok(());
        }
        let msg = crate::text::strerror(errno);
        if self.is_json() {
            let jw = &mut self.jw;
            jw.start_object()?;
            jw.name(b"key")?;
            hex_array(jw, key)?;
            jw.name(b"value")?;
            jw.start_object()?;
            jw.string_field("error", msg.as_bytes())?;
            jw.end_object()?;
            return jw.end_object();
        }
        let text = if errno == libc::ENOENT {
            "<no entry>".to_string()
        } else if errno == libc::ENOSPC && l.reuseport {
            "<cannot read>".to_string()
        } else {
            msg
        };
        let break_names = l.key_size > 16 || text.len() > 16;
        let single_line = l.key_size + text.len() <= 24 && !break_names;
        let sep = if break_names { b'\n' } else { b' ' };
        let p = &self.prefix;
        let b = self.jw.get_mut();
        b.extend_from_slice(p);
        b.extend_from_slice(b"key:");
        b.push(sep);
        hex_text(b, key, p);
        if single_line {
            b.extend_from_slice(b"  ");
        } else {
            b.push(b'\n');
            b.extend_from_slice(p);
        }
        b.extend_from_slice(b"value:");
        b.push(sep);
        b.extend_from_slice(text.as_bytes());
        b.push(b'\n');
        Ok(())
    }
}

fn u32_ne(v: &[u8]) -> u32 {
    u32::from_ne_bytes([v[0], v[1], v[2], v[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(ks: usize, vs: usize) -> Layout {
        Layout {
            key_size: ks,
            value_size: vs,
            ncpus: 1,
            ..Default::default()
        }
    }

    fn dump(style: Style, f: impl FnOnce(&mut DumpWriter<'_>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        let mut w = DumpWriter::new(&mut out, style);
        f(&mut w).unwrap();
        w.finish().unwrap();
        drop(w);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn hex_text_groups_like_fprint_hex() {
        let mut b = Vec::new();
        hex_text(&mut b, &(0u8..18).collect::<Vec<_>>(), b"\t");
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n\t10 11"
        );
    }

    #[test]
    fn text_entries_match_bpftool() {
        let s = dump(Style::Text, |w| {
            w.begin_dump(None)?;
            w.entry(
                &layout(4, 8),
                &[1, 0, 0, 0],
                &[1, 2, 3, 4, 5, 6, 7, 8],
                None,
            )?;
            w.entry(&layout(4, 20), &[1, 0, 0, 0], &[0; 20], None)?;
            w.end_dump()?;
            Ok(())
        });
        assert_eq!(
            s,
            "key: 01 00 00 00  value: 01 02 03 04 05 06 07 08\n\
             key:\n01 00 00 00\nvalue:\n00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00\n00 00 00 00\n\
             Found 2 elements\n"
        );
    }

    #[test]
    fn json_matches_bpftool_compact_and_pretty() {
        let l = layout(4, 1);
        let s = dump(Style::Json { pretty: false }, |w| {
            w.begin_dump(None)?;
            w.entry(&l, &[1, 0, 0, 0], &[0xab], None)?;
            w.end_dump()?;
            Ok(())
        });
        assert_eq!(
            s,
            "[{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0xab\"]}]\n"
        );
        let s = dump(Style::Json { pretty: true }, |w| {
            w.begin_dump(None)?;
            w.entry(&l, &[1, 0, 0, 0], &[0xab], None)?;
            w.entry(&l, &[2, 0, 0, 0], &[0xcd], None)?;
            w.end_dump()?;
            Ok(())
        });
        // bpftool -p layout (json_writer.c), byte for byte.
        assert_eq!(
            s,
            "[{\n        \"key\": [\"0x01\",\"0x00\",\"0x00\",\"0x00\"\n        ],\n        \"value\": [\"0xab\"\n        ]\n    },{\n        \"key\": [\"0x02\",\"0x00\",\"0x00\",\"0x00\"\n        ],\n        \"value\": [\"0xcd\"\n        ]\n    }\n]\n"
        );
        let empty = dump(Style::Json { pretty: true }, |w| {
            w.begin_dump(None)?;
            w.end_dump()?;
            Ok(())
        });
        assert_eq!(empty, "[]\n");
    }

    #[test]
    fn percpu_and_errors() {
        let l = Layout {
            key_size: 4,
            value_size: 4,
            percpu: true,
            ncpus: 2,
            cpu_step: 8,
            ..Default::default()
        };
        let v = [7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0];
        let s = dump(Style::Text, |w| {
            w.begin_dump(None)?;
            w.entry(&l, &[1, 0, 0, 0], &v, None)?;
            w.entry_error(&layout(4, 4), &[2, 0, 0, 0], libc::ENOENT)?;
            w.end_dump()?;
            Ok(())
        });
        assert_eq!(
            s,
            "key:\n01 00 00 00\nvalue (CPU 00): 07 00 00 00\nvalue (CPU 01): 08 00 00 00\n\
             key: 02 00 00 00  value: <no entry>\nFound 1 element\n"
        );
        let s = dump(Style::Json { pretty: false }, |w| {
            w.entry(&l, &[1, 0, 0, 0], &v, None)?;
            Ok(())
        });
        assert_eq!(
            s,
            "{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0x07\",\"0x00\",\"0x00\",\"0x00\"]},{\"cpu\":1,\"value\":[\"0x08\",\"0x00\",\"0x00\",\"0x00\"]}]}\n"
        );
    }
}
