//! The typed value formatter: given BTF, a type id and bytes, renders a map
//! key or value the way bpftool's `btf_dumper.c` does, in its two modes:
//!
//! - [`Mode::Text`]: the plain `map dump`/`lookup` view (a JSON-like tree
//!   with raw tokens such as `0x1f` for bitfields and `(nil)` for pointers);
//! - [`Mode::Json`]: the `formatted` member of `-j` map dumps.
//!
//! The formatter builds a small [`Value`] tree; [`Value::write`] streams it
//! through a bpftool-compatible [`JsonW`] (exact bytes, duplicate keys kept),
//! [`Value::to_json`] gives a `serde_json::Value`.
//!
//! Deliberate differences from bpftool 7.1: type tags are skipped like other
//! modifiers (bpftool says "(unsupported-kind)"), strings are escaped
//! correctly, and reads never go past the given bytes.

use std::io::{self, Write};

use super::view::{kind, View};
use crate::text::JsonW;

/// Which of bpftool's two renderings (`is_plain_text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Plain-text map dumps (`is_plain_text = true`).
    Text,
    /// The JSON `formatted` field (`is_plain_text = false`).
    Json,
}

/// A formatted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A token written verbatim: numbers, `true`, `0x1f`, `(nil)`, or a
    /// quoted JSON string bpftool builds by hand (`"\u0001"`).
    Raw(String),
    /// A string, escaped when written.
    Str(Vec<u8>),
    Array(Vec<Value>),
    /// Members in order; names may repeat (anonymous members are `""`).
    Object(Vec<(Vec<u8>, Value)>),
}

/// Anything that can take a [`Value`] as a stream of json_writer calls
/// (our [`JsonW`], or another bpftool-style writer such as the map-dump one).
pub trait Sink {
    fn start_object(&mut self) -> io::Result<()>;
    fn end_object(&mut self) -> io::Result<()>;
    fn start_array(&mut self) -> io::Result<()>;
    fn end_array(&mut self) -> io::Result<()>;
    /// A member name (`jsonw_name`).
    fn name(&mut self, name: &[u8]) -> io::Result<()>;
    /// A token written verbatim (`jsonw_printf`).
    fn raw(&mut self, token: &str) -> io::Result<()>;
    /// A string, escaped (`jsonw_string`).
    fn string(&mut self, s: &[u8]) -> io::Result<()>;
}

impl<W: Write> Sink for JsonW<W> {
    fn start_object(&mut self) -> io::Result<()> {
        JsonW::start_object(self)
    }
    fn end_object(&mut self) -> io::Result<()> {
        JsonW::end_object(self)
    }
    fn start_array(&mut self) -> io::Result<()> {
        JsonW::start_array(self)
    }
    fn end_array(&mut self) -> io::Result<()> {
        JsonW::end_array(self)
    }
    fn name(&mut self, name: &[u8]) -> io::Result<()> {
        JsonW::name(self, name)
    }
    fn raw(&mut self, token: &str) -> io::Result<()> {
        JsonW::raw(self, token)
    }
    fn string(&mut self, s: &[u8]) -> io::Result<()> {
        JsonW::string(self, s)
    }
}

impl Value {
    /// Streams the value as bpftool's json writer would (exact bytes:
    /// raw tokens stay raw, repeated names stay repeated).
    pub fn write<S: Sink + ?Sized>(&self, w: &mut S) -> io::Result<()> {
        match self {
            Value::Raw(s) => w.raw(s),
            Value::Str(s) => w.string(s),
            Value::Array(items) => {
                w.start_array()?;
                for i in items {
                    i.write(w)?;
                }
                w.end_array()
            }
            Value::Object(members) => {
                w.start_object()?;
                for (k, v) in members {
                    w.name(k)?;
                    v.write(w)?;
                }
                w.end_object()
            }
        }
    }

    /// Members of an object value, for writers that open the object
    /// themselves (a map-dump entry); empty for other values.
    pub fn members(&self) -> &[(Vec<u8>, Value)] {
        match self {
            Value::Object(m) => m,
            _ => &[],
        }
    }

    /// As a serde_json value (for JSON records). Raw tokens that are valid
    /// JSON (numbers, booleans, quoted strings) become that; others become
    /// strings. A repeated member name keeps the last value.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Raw(s) => {
                serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.clone()))
            }
            Value::Str(s) => serde_json::Value::String(String::from_utf8_lossy(s).into_owned()),
            Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Object(members) => {
                let mut m = serde_json::Map::with_capacity(members.len());
                for (k, v) in members {
                    m.insert(String::from_utf8_lossy(k).into_owned(), v.to_json());
                }
                serde_json::Value::Object(m)
            }
        }
    }

    /// The value in bpftool's pretty layout, as a string starting at depth 0
    /// (what `bpftool map lookup` prints, without the final newline).
    pub fn to_text(&self) -> String {
        let mut w = JsonW::new(Vec::new(), true);
        // Writing into a Vec cannot fail.
        let _ = self.write(&mut w);
        String::from_utf8_lossy(&w.into_inner()).into_owned()
    }
}

/// Formatting stopped early; `partial` is what bpftool would have printed
/// up to that point (it prints partial output and carries on).
#[derive(Debug, Clone, thiserror::Error)]
#[error("can't format value of type [{type_id}]: {reason}")]
pub struct FormatError {
    pub type_id: u32,
    pub reason: String,
    pub partial: Value,
}

/// Per-CPU layout of a value buffer: `ncpus` slots of
/// `round_up(value_size, 8)` bytes each, as the kernel returns them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerCpu {
    pub ncpus: usize,
    pub value_size: usize,
}

/// Formats one value of type `type_id` held in `data`.
pub fn format_value(
    view: &View,
    type_id: u32,
    data: &[u8],
    mode: Mode,
) -> Result<Value, FormatError> {
    let mut f = Fmt::new(view, mode);
    let v = f.do_type(type_id, 0, data, 0);
    f.result(type_id, v)
}

/// Formats a map entry like bpftool's `do_dump_btf`: `{"key": …, "value": …}`
/// or, per-CPU, `{"key": …, "values": [{"cpu": 0, "value": …}, …]}`.
/// `key_type_id` 0 omits the key (maps without key BTF).
pub fn format_entry(
    view: &View,
    key_type_id: u32,
    value_type_id: u32,
    key: &[u8],
    value: &[u8],
    percpu: Option<PerCpu>,
    mode: Mode,
) -> Result<Value, FormatError> {
    let mut f = Fmt::new(view, mode);
    let mut obj = Vec::new();
    let mut failed_at = 0;
    if key_type_id != 0 {
        let k = f.do_type(key_type_id, 0, key, 0);
        obj.push((b"key".to_vec(), k));
        failed_at = key_type_id;
    }
    if !f.failed() {
        failed_at = value_type_id;
        match percpu {
            None => {
                let v = f.do_type(value_type_id, 0, value, 0);
                obj.push((b"value".to_vec(), v));
            }
            Some(pc) => {
                let step = pc.value_size.div_ceil(8) * 8;
                let mut cpus = Vec::with_capacity(pc.ncpus);
                for cpu in 0..pc.ncpus {
                    let slot = value.get(cpu * step..).unwrap_or(&[]);
                    let v = f.do_type(value_type_id, 0, slot, 0);
                    cpus.push(Value::Object(vec![
                        (b"cpu".to_vec(), Value::Raw(cpu.to_string())),
                        (b"value".to_vec(), v),
                    ]));
                    if f.failed() {
                        break;
                    }
                }
                obj.push((b"values".to_vec(), Value::Array(cpus)));
            }
        }
    }
    f.result(failed_at, Value::Object(obj))
}

/// Convenience: [`format_value`] in text mode, as bpftool prints it.
pub fn format_text(view: &View, type_id: u32, data: &[u8]) -> Result<String, FormatError> {
    format_value(view, type_id, data, Mode::Text).map(|v| v.to_text())
}

/// Convenience: [`format_value`] in JSON mode, as a serde_json value.
pub fn format_json(
    view: &View,
    type_id: u32,
    data: &[u8],
) -> Result<serde_json::Value, FormatError> {
    format_value(view, type_id, data, Mode::Json).map(|v| v.to_json())
}

/// Deep enough for any real type; stops crafted self-containing types.
const MAX_DEPTH: u32 = 64;
/// Caps arrays of zero-sized elements (which occupy no bytes).
const MAX_EMPTY_ELEMS: u32 = 4096;

struct Fmt<'v> {
    view: &'v View,
    mode: Mode,
    /// First error met; aggregates stop at it, as bpftool's loops do.
    error: Option<String>,
}

impl<'v> Fmt<'v> {
    fn new(view: &'v View, mode: Mode) -> Self {
        Fmt {
            view,
            mode,
            error: None,
        }
    }

    fn failed(&self) -> bool {
        self.error.is_some()
    }

    fn fail(&mut self, reason: String, shown: &str) -> Value {
        if self.error.is_none() {
            self.error = Some(reason);
        }
        self.marker(shown)
    }

    /// A marker such as `(truncated)` in place of a value: a raw token in
    /// text, as bpftool prints it, but a JSON string in JSON mode so that the
    /// output still parses (bpftool writes it raw there too: invalid JSON).
    fn marker(&self, shown: &str) -> Value {
        match self.mode {
            Mode::Text => Value::Raw(shown.to_string()),
            Mode::Json => Value::Str(shown.as_bytes().to_vec()),
        }
    }

    fn result(self, type_id: u32, v: Value) -> Result<Value, FormatError> {
        match self.error {
            None => Ok(v),
            Some(reason) => Err(FormatError {
                type_id,
                reason,
                partial: v,
            }),
        }
    }

    fn bytes<'d>(&mut self, data: &'d [u8], n: usize) -> Option<&'d [u8]> {
        let r = data.get(..n);
        if r.is_none() {
            self.fail(
                format!("needs {n} bytes, {} left", data.len()),
                "(truncated)",
            );
        }
        r
    }

    fn do_type(&mut self, id: u32, bit_offset: u8, data: &[u8], depth: u32) -> Value {
        if depth > MAX_DEPTH {
            return self.fail("type nesting too deep".into(), "(too-deep)");
        }
        let Some(t) = self.view.ty(id) else {
            return self.fail(format!("no type [{id}]"), "(unknown)");
        };
        match t.kind() {
            kind::INT => self.int(t.int_info(), bit_offset, data),
            kind::STRUCT | kind::UNION => {
                let mut members = Vec::with_capacity(t.vlen() as usize);
                for m in t.members() {
                    let name = self.view.name(m.name_off).to_vec();
                    let at = (m.bit_offset / 8) as usize;
                    let sub = data.get(at..).unwrap_or(&[]);
                    let v = if m.bitfield_size != 0 {
                        self.bitfield(m.bitfield_size, (m.bit_offset % 8) as u8, sub)
                    } else {
                        self.do_type(m.type_id, (m.bit_offset % 8) as u8, sub, depth + 1)
                    };
                    members.push((name, v));
                    if self.failed() {
                        break;
                    }
                }
                Value::Object(members)
            }
            kind::ARRAY => self.array(t.array(), data, depth),
            kind::ENUM => {
                let n = t.size() as usize;
                let Some(b) = self.bytes(data, n) else {
                    return self.marker("(truncated)");
                };
                let value: i64 = match n {
                    8 => i64::from_ne_bytes(b.try_into().unwrap_or([0; 8])),
                    4 => i64::from(i32::from_ne_bytes(b.try_into().unwrap_or([0; 4]))),
                    2 => i64::from(i16::from_ne_bytes(b.try_into().unwrap_or([0; 2]))),
                    1 => i64::from(b[0] as i8),
                    _ => return self.fail(format!("enum of size {n}"), "(invalid-enum)"),
                };
                for (name, val) in t.enum32() {
                    if value == i64::from(val) {
                        return Value::Str(self.view.name(name).to_vec());
                    }
                }
                Value::Raw(value.to_string())
            }
            kind::ENUM64 => {
                let Some(b) = self.bytes(data, 8) else {
                    return self.marker("(truncated)");
                };
                let value = u64::from_ne_bytes(b.try_into().unwrap_or([0; 8]));
                for (name, val) in t.enum64() {
                    if value == val {
                        return Value::Str(self.view.name(name).to_vec());
                    }
                }
                Value::Raw((value as i64).to_string())
            }
            kind::PTR => {
                // bpftool reads an `unsigned long`.
                let Some(b) = self.bytes(data, 8) else {
                    return self.marker("(truncated)");
                };
                let p = u64::from_ne_bytes(b.try_into().unwrap_or([0; 8]));
                match self.mode {
                    // glibc's %p, which bpftool 7.1 prints unquoted.
                    Mode::Text if p == 0 => Value::Raw("(nil)".into()),
                    Mode::Text => Value::Raw(format!("0x{p:x}")),
                    Mode::Json => Value::Raw(p.to_string()),
                }
            }
            kind::UNKN => self.marker("(unknown)"),
            kind::FWD => self.fail(
                "forward declaration has no layout".into(),
                "(fwd-kind-invalid)",
            ),
            kind::TYPEDEF | kind::VOLATILE | kind::CONST | kind::RESTRICT | kind::TYPE_TAG => {
                match self.view.resolve_type(id) {
                    Some(r) => self.do_type(r, bit_offset, data, depth + 1),
                    None => self.fail(format!("can't resolve type [{id}]"), "(unresolved)"),
                }
            }
            kind::VAR => {
                let name = self.view.name(t.name_off).to_vec();
                let v = self.do_type(t.type_id(), bit_offset, data, depth + 1);
                Value::Object(vec![(name, v)])
            }
            kind::DATASEC => {
                let name = self.view.name(t.name_off).to_vec();
                let mut vars = Vec::with_capacity(t.vlen() as usize);
                for (ty, off, _) in t.secinfos() {
                    let sub = data.get(off as usize..).unwrap_or(&[]);
                    vars.push(self.do_type(ty, 0, sub, depth + 1));
                    if self.failed() {
                        break;
                    }
                }
                Value::Object(vec![(name, Value::Array(vars))])
            }
            k => self.fail(
                format!("kind {} has no value", super::view::kind_name(k)),
                "(unsupported-kind)",
            ),
        }
    }

    fn array(&mut self, (elem, _, nelems): (u32, u32, u32), data: &[u8], depth: u32) -> Value {
        if let Some(s) = self.str_array(elem, nelems, data) {
            return Value::Str(s.to_vec());
        }
        let Some(size) = self.view.resolve_size(elem) else {
            return self.fail(format!("can't size type [{elem}]"), "(unsized)");
        };
        let n = if size == 0 {
            nelems.min(MAX_EMPTY_ELEMS)
        } else {
            nelems
        };
        let mut items = Vec::new();
        for i in 0..u64::from(n) {
            let at = i * size;
            let sub = usize::try_from(at)
                .ok()
                .and_then(|a| data.get(a..))
                .unwrap_or(&[]);
            if size > 0 && sub.is_empty() {
                self.fail(format!("array element {i} out of range"), "(truncated)");
                break;
            }
            items.push(self.do_type(elem, 0, sub, depth + 1));
            if self.failed() {
                break;
            }
        }
        Value::Array(items)
    }

    /// bpftool's `is_str_array`: a char array holding printable ASCII up to
    /// a NUL is shown as a string.
    fn str_array<'d>(&self, elem: u32, nelems: u32, data: &'d [u8]) -> Option<&'d [u8]> {
        if nelems == 0 {
            return None;
        }
        // Modifiers are skipped, typedefs are not (typedef'd chars are no string).
        let mut t = self.view.ty(elem)?;
        for _ in 0..32 {
            if !t.is_mod() {
                break;
            }
            t = self.view.ty(t.type_id())?;
        }
        if t.kind() != kind::INT || t.size() != 1 {
            return None;
        }
        if t.int_info().0 != 2 && self.view.name(t.name_off) != b"char" {
            return None;
        }
        let s = data.get(..nelems as usize)?;
        for (i, &c) in s.iter().enumerate() {
            if c == 0 {
                return Some(&s[..i]);
            }
            // Signed char in C: bytes >= 0x80 count as "<= 0x1f".
            if c <= 0x1f || c >= 0x7f {
                return None;
            }
        }
        None
    }

    fn hex128(&self, v: u128) -> Value {
        match self.mode {
            Mode::Text => Value::Raw(format!("0x{v:x}")),
            Mode::Json => Value::Raw(format!("\"0x{v:x}\"")),
        }
    }

    /// bpftool's `btf_dumper_bitfield`: `nr_bits` bits starting `bit_offset`
    /// bits into `data` (little-endian layout), shown in hex.
    fn bitfield(&mut self, nr_bits: u32, bit_offset: u8, data: &[u8]) -> Value {
        let bits = u32::from(bit_offset) + nr_bits;
        let nbytes = (bits.div_ceil(8) as usize).min(16);
        let Some(b) = self.bytes(data, nbytes) else {
            return self.marker("(truncated)");
        };
        let mut buf = [0u8; 16];
        buf[..nbytes].copy_from_slice(b);
        let num = if cfg!(target_endian = "little") {
            u128::from_le_bytes(buf)
        } else {
            u128::from_be_bytes(buf)
        };
        let left = 128u32.saturating_sub(bits);
        let right = 128u32.saturating_sub(nr_bits);
        let v = num
            .checked_shl(left)
            .unwrap_or(0)
            .checked_shr(right)
            .unwrap_or(0);
        self.hex128(v)
    }

    /// bpftool's `btf_dumper_int_bits`.
    fn int_bits(&mut self, int_off: u32, nr_bits: u32, bit_offset: u8, data: &[u8]) -> Value {
        let total = u32::from(bit_offset) + int_off;
        let sub = data.get((total / 8) as usize..).unwrap_or(&[]);
        self.bitfield(nr_bits, (total % 8) as u8, sub)
    }

    /// bpftool's `btf_dumper_int`.
    fn int(
        &mut self,
        (enc, int_off, nr_bits): (u32, u32, u32),
        bit_offset: u8,
        data: &[u8],
    ) -> Value {
        if bit_offset != 0 || int_off != 0 || nr_bits % 8 != 0 {
            return self.int_bits(int_off, nr_bits, bit_offset, data);
        }
        if nr_bits == 128 {
            let Some(b) = self.bytes(data, 16) else {
                return self.marker("(truncated)");
            };
            let mut buf = [0u8; 16];
            buf.copy_from_slice(b);
            return self.hex128(u128::from_ne_bytes(buf));
        }
        let n = (nr_bits / 8) as usize;
        match enc {
            0 | 1 if matches!(nr_bits, 8 | 16 | 32 | 64) => {
                let Some(b) = self.bytes(data, n) else {
                    return self.marker("(truncated)");
                };
                let mut buf = [0u8; 8];
                buf[..n].copy_from_slice(b);
                let u = u64::from_le_bytes(buf);
                let s = if enc == 0 {
                    u.to_string()
                } else {
                    // Sign-extend from nr_bits.
                    let shift = 64 - nr_bits;
                    (((u << shift) as i64) >> shift).to_string()
                };
                Value::Raw(s)
            }
            0 | 1 => self.int_bits(int_off, nr_bits, bit_offset, data),
            2 => {
                let Some(b) = self.bytes(data, 1) else {
                    return self.marker("(truncated)");
                };
                let c = b[0];
                if (0x20..0x7f).contains(&c) {
                    Value::Str(vec![c])
                } else if self.mode == Mode::Text {
                    Value::Raw(format!("0x{c:x}"))
                } else {
                    Value::Raw(format!("\"\\u00{c:02x}\""))
                }
            }
            4 => {
                let Some(b) = self.bytes(data, 1) else {
                    return self.marker("(truncated)");
                };
                Value::Raw(if b[0] != 0 { "true" } else { "false" }.into())
            }
            _ => self.fail(format!("int encoding {enc}"), "(invalid-int-encoding)"),
        }
    }
}
