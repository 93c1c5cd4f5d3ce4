//! The inverse of the typed formatter: a JSON value, as a user types it for
//! `map lookup MAP key-json '{"pid": 42}'`, encoded into the bytes of a BTF
//! type. It accepts what `formatted` prints (numbers, enum names, strings for
//! char arrays, "0x…" for bitfields), so a dumped element can be pasted back.
//!
//! Members left out are zero, as in a C designated initializer. `mask`
//! marks the bits the JSON did set, so `map delete --all key-json` can match
//! on some fields only. Layout is little-endian (the bitfield placement of
//! x86 and arm64).
use serde_json::Value;

use super::view::{kind, Type, View};

/// Bytes of one key or value, and which of their bits the JSON set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub mask: Vec<u8>,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct EncodeError(pub String);

type Result<T> = std::result::Result<T, EncodeError>;

fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(EncodeError(msg.into()))
}

/// Encodes `json` as type `type_id` into `size` bytes.
pub fn encode(view: &View, type_id: u32, size: usize, json: &Value) -> Result<Encoded> {
    let mut e = Enc {
        view,
        out: Encoded {
            bytes: vec![0; size],
            mask: vec![0; size],
        },
    };
    e.ty(type_id, 0, json, "", 0)?;
    Ok(e.out)
}

const MAX_DEPTH: u32 = 64;

struct Enc<'v> {
    view: &'v View,
    out: Encoded,
}

/// `path` names the place in the JSON for error messages (`.addr.port`).
fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    }
}

impl Enc<'_> {
    fn name(&self, off: u32) -> String {
        String::from_utf8_lossy(self.view.name(off)).into_owned()
    }

    /// Writes the low `nbits` of `v` at bit `bit` (little-endian layout).
    fn put_bits(&mut self, bit: u64, nbits: u32, v: u128, path: &str) -> Result<()> {
        let end = bit + u64::from(nbits);
        if end.div_ceil(8) > self.out.bytes.len() as u64 {
            return err(format!(
                "type is larger than the {} bytes of the map's key or value{}",
                self.out.bytes.len(),
                at(path)
            ));
        }
        for i in 0..u64::from(nbits) {
            let b = bit + i;
            let (byte, shift) = ((b / 8) as usize, (b % 8) as u32);
            let m = 1u8 << shift;
            // Bits past the 128 of `v` (a crafted INT wider than that) are 0.
            if i < 128 && (v >> i) & 1 == 1 {
                self.out.bytes[byte] |= m;
            } else {
                self.out.bytes[byte] &= !m;
            }
            self.out.mask[byte] |= m;
        }
        Ok(())
    }

    fn ty(&mut self, id: u32, bit: u64, json: &Value, path: &str, depth: u32) -> Result<()> {
        if depth > MAX_DEPTH {
            return err(format!("type nesting too deep{}", at(path)));
        }
        let Some(t) = self.view.ty(id) else {
            return err(format!("no BTF type [{id}]{}", at(path)));
        };
        match t.kind() {
            kind::INT => {
                let (enc, off, nbits) = t.int_info();
                self.int(enc, bit + u64::from(off), nbits, json, path)
            }
            kind::PTR => {
                let n = (self.view.pointer_size() * 8) as u32;
                let v = number(json, false, n, path)?;
                self.put_bits(bit, n, v, path)
            }
            kind::ENUM | kind::ENUM64 => self.enumeration(&t, bit, json, path),
            kind::FLOAT => {
                let Some(f) = json.as_f64() else {
                    return err(format!("expected a number, got {json}{}", at(path)));
                };
                let v = match t.size() {
                    4 => u128::from((f as f32).to_bits()),
                    8 => u128::from(f.to_bits()),
                    n => return err(format!("{n}-byte floats are not supported{}", at(path))),
                };
                self.put_bits(bit, t.size() * 8, v, path)
            }
            kind::ARRAY => self.array(&t, bit, json, path, depth),
            kind::STRUCT | kind::UNION => self.record(&t, bit, json, path, depth),
            kind::TYPEDEF | kind::VOLATILE | kind::CONST | kind::RESTRICT | kind::TYPE_TAG => {
                self.ty(t.type_id(), bit, json, path, depth + 1)
            }
            k => err(format!(
                "BTF kind {} cannot hold a value{}",
                super::view::kind_name(k),
                at(path)
            )),
        }
    }

    fn int(&mut self, enc: u32, bit: u64, nbits: u32, json: &Value, path: &str) -> Result<()> {
        const SIGNED: u32 = 1;
        const CHAR: u32 = 2;
        const BOOL: u32 = 4;
        let v = match json {
            Value::Bool(b) if enc & BOOL != 0 || nbits == 1 => u128::from(*b),
            // A one-character string for a char.
            Value::String(s) if (enc & CHAR != 0 || nbits == 8) && s.len() == 1 => {
                u128::from(s.as_bytes()[0])
            }
            _ => number(json, enc & SIGNED != 0, nbits, path)?,
        };
        self.put_bits(bit, nbits, v, path)
    }

    fn enumeration(&mut self, t: &Type<'_>, bit: u64, json: &Value, path: &str) -> Result<()> {
        let nbits = t.size() * 8;
        let v = match json {
            Value::String(s) if !looks_numeric(s) => {
                let found = if t.kind() == kind::ENUM {
                    t.enum32()
                        .find(|(n, _)| self.view.name(*n) == s.as_bytes())
                        .map(|(_, v)| v as i64 as u64)
                } else {
                    t.enum64()
                        .find(|(n, _)| self.view.name(*n) == s.as_bytes())
                        .map(|(_, v)| v)
                };
                match found {
                    Some(v) => u128::from(v),
                    None => {
                        let names: Vec<String> = if t.kind() == kind::ENUM {
                            t.enum32().map(|(n, _)| self.name(n)).collect()
                        } else {
                            t.enum64().map(|(n, _)| self.name(n)).collect()
                        };
                        return err(format!(
                            "unknown enumerator \"{s}\"{} (one of: {})",
                            at(path),
                            names.join(", ")
                        ));
                    }
                }
            }
            _ => number(json, t.kflag() || t.kind() == kind::ENUM, nbits, path)?,
        };
        self.put_bits(bit, nbits, v, path)
    }

    fn array(
        &mut self,
        t: &Type<'_>,
        bit: u64,
        json: &Value,
        path: &str,
        depth: u32,
    ) -> Result<()> {
        let (elem, _, nelems) = t.array();
        let Some(esize) = self.view.resolve_size(elem) else {
            return err(format!("can't size BTF type [{elem}]{}", at(path)));
        };
        match json {
            // A string for a char array: its bytes, then a NUL if room is left.
            Value::String(s) if esize == 1 => {
                let b = s.as_bytes();
                if b.len() > nelems as usize {
                    return err(format!(
                        "string of {} bytes does not fit in char[{nelems}]{}",
                        b.len(),
                        at(path)
                    ));
                }
                for (i, &c) in b.iter().chain(std::iter::once(&0)).enumerate() {
                    if i >= nelems as usize {
                        break;
                    }
                    self.put_bits(bit + i as u64 * 8, 8, u128::from(c), path)?;
                }
                Ok(())
            }
            Value::Array(items) => {
                if items.len() > nelems as usize {
                    return err(format!(
                        "{} elements given for an array of {nelems}{}",
                        items.len(),
                        at(path)
                    ));
                }
                for (i, x) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    self.ty(elem, bit + i as u64 * esize * 8, x, &p, depth + 1)?;
                }
                Ok(())
            }
            other => err(format!("expected an array, got {other}{}", at(path))),
        }
    }

    fn record(
        &mut self,
        t: &Type<'_>,
        bit: u64,
        json: &Value,
        path: &str,
        depth: u32,
    ) -> Result<()> {
        let Value::Object(fields) = json else {
            return err(format!(
                "expected an object for {} {}, got {json}{}",
                if t.kind() == kind::UNION {
                    "union"
                } else {
                    "struct"
                },
                self.name(t.name_off),
                at(path)
            ));
        };
        // Union members overlap: several are written in order, so a dumped
        // union (which shows every member) pastes back unchanged.
        for (name, v) in fields {
            let p = format!("{path}.{name}");
            if !self.member(t, bit, name, v, &p, depth)? {
                let names: Vec<String> = t
                    .members()
                    .map(|m| self.name(m.name_off))
                    .filter(|n| !n.is_empty())
                    .collect();
                return err(format!(
                    "no member \"{name}\" in {}{} (members: {})",
                    self.name(t.name_off),
                    at(path),
                    names.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// Sets member `name` of struct/union `t`, looking into anonymous
    /// members as C does; false when there is no such member.
    fn member(
        &mut self,
        t: &Type<'_>,
        bit: u64,
        name: &str,
        v: &Value,
        path: &str,
        depth: u32,
    ) -> Result<bool> {
        for m in t.members() {
            let mbit = bit + u64::from(m.bit_offset);
            let mname = self.view.name(m.name_off);
            if mname == name.as_bytes() {
                if m.bitfield_size != 0 {
                    let signed = self
                        .view
                        .resolve_type(m.type_id)
                        .and_then(|r| self.view.ty(r))
                        .is_some_and(|r| r.kind() == kind::INT && r.int_info().0 & 1 != 0);
                    let val = number(v, signed, m.bitfield_size, path)?;
                    self.put_bits(mbit, m.bitfield_size, val, path)?;
                } else {
                    self.ty(m.type_id, mbit, v, path, depth + 1)?;
                }
                return Ok(true);
            }
            if mname.is_empty() {
                let inner = self
                    .view
                    .resolve_type(m.type_id)
                    .and_then(|r| self.view.ty(r));
                if let Some(inner) =
                    inner.filter(|i| matches!(i.kind(), kind::STRUCT | kind::UNION))
                {
                    if self.member(&inner, mbit, name, v, path, depth + 1)? {
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    }
}

fn looks_numeric(s: &str) -> bool {
    let s = s.trim_start_matches('-');
    s.starts_with(|c: char| c.is_ascii_digit())
}

/// A JSON number (or a numeric string: "42", "-1", "0x1f", as bitfields are
/// printed) that fits in `nbits`, as two's complement bits.
fn number(json: &Value, signed: bool, nbits: u32, path: &str) -> Result<u128> {
    let parsed: Option<i128> = match json {
        Value::Number(n) => n
            .as_u64()
            .map(i128::from)
            .or_else(|| n.as_i64().map(i128::from)),
        Value::String(s) => {
            let (neg, body) = match s.strip_prefix('-') {
                Some(b) => (true, b),
                None => (false, s.as_str()),
            };
            let v = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
                Some(h) => u128::from_str_radix(h, 16).ok(),
                None => body.parse::<u128>().ok(),
            };
            v.and_then(|v| i128::try_from(v).ok())
                .map(|v| if neg { -v } else { v })
        }
        Value::Bool(b) => Some(i128::from(*b)),
        _ => None,
    };
    let Some(v) = parsed else {
        return err(format!("expected an integer, got {json}{}", at(path)));
    };
    let nbits = nbits.min(128);
    let (lo, hi): (i128, i128) = if nbits >= 127 {
        (i128::MIN, i128::MAX)
    } else if nbits == 0 {
        (0, 0)
    } else if signed {
        (-(1i128 << (nbits - 1)), (1i128 << nbits) - 1)
    } else {
        (0, (1i128 << nbits) - 1)
    };
    // Signed fields also take their unsigned spelling (0xff for -1 in 8 bits).
    if v < lo || v > hi {
        return err(format!(
            "{v} does not fit in {nbits} {}bits{}",
            if signed { "signed " } else { "" },
            at(path)
        ));
    }
    Ok(v as u128)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Raw BTF for:
    /// [1] int "unsigned int" 4, [2] int "char" 1 signed, [3] int "int" 4 signed,
    /// [4] char[4] (index [3]), [5] enum "st" {A=0, B=5} 4,
    /// [6] struct "s" 16 { u32 a @0; char name[4] @32; enum st e @64; u32 f:3 @96; u32 g:5 @99; }
    fn view() -> View {
        let strs = b"\0unsigned int\0char\0int\0st\0A\0B\0s\0a\0name\0e\0f\0g\0";
        let off = |n: &str| -> u32 {
            let hay = strs;
            let needle = format!("\0{n}\0");
            hay.windows(needle.len())
                .position(|w| w == needle.as_bytes())
                .map(|p| p as u32 + 1)
                .unwrap_or_else(|| panic!("{n}"))
        };
        let mut t: Vec<u32> = Vec::new();
        let info =
            |k: u32, vlen: u32, kflag: bool| (k << 24) | vlen | if kflag { 1 << 31 } else { 0 };
        // [1] unsigned int
        t.extend([off("unsigned int"), info(kind::INT, 0, false), 4, 32]);
        // [2] char (signed)
        t.extend([off("char"), info(kind::INT, 0, false), 1, (1 << 24) | 8]);
        // [3] int
        t.extend([off("int"), info(kind::INT, 0, false), 4, (1 << 24) | 32]);
        // [4] char[4]
        t.extend([0, info(kind::ARRAY, 0, false), 0, 2, 3, 4]);
        // [5] enum st
        t.extend([
            off("st"),
            info(kind::ENUM, 2, false),
            4,
            off("A"),
            0,
            off("B"),
            5,
        ]);
        // [6] struct s (kflag: bitfields)
        t.extend([off("s"), info(kind::STRUCT, 5, true), 16]);
        t.extend([off("a"), 1, 0]);
        t.extend([off("name"), 4, 32]);
        t.extend([off("e"), 5, 64]);
        t.extend([off("f"), 1, (3 << 24) | 96]);
        t.extend([off("g"), 1, (5 << 24) | 99]);
        let types: Vec<u8> = t.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut data = Vec::new();
        data.extend(0xeb9fu16.to_le_bytes());
        data.push(1);
        data.push(0);
        data.extend(24u32.to_le_bytes());
        data.extend(0u32.to_le_bytes());
        data.extend((types.len() as u32).to_le_bytes());
        data.extend((types.len() as u32).to_le_bytes());
        data.extend((strs.len() as u32).to_le_bytes());
        data.extend(&types);
        data.extend(strs);
        View::new(data, None).expect("test BTF")
    }

    #[test]
    fn structs_enums_strings_bitfields() {
        let v = view();
        let e = encode(
            &v,
            6,
            16,
            &json!({"a": 258, "name": "ab", "e": "B", "f": "0x5", "g": 31}),
        )
        .unwrap();
        let mut want = vec![0u8; 16];
        want[0..4].copy_from_slice(&258u32.to_le_bytes());
        want[4..6].copy_from_slice(b"ab");
        want[8..12].copy_from_slice(&5u32.to_le_bytes());
        want[12] = 0b1111_1101;
        want[13] = 0b0000_0000;
        assert_eq!(e.bytes, want);
        // name wrote 3 bytes (with the NUL), bitfields 8 bits.
        assert_eq!(&e.mask[..8], &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
        assert_eq!(e.mask[12], 0xff);
    }

    #[test]
    fn partial_and_errors() {
        let v = view();
        let e = encode(&v, 6, 16, &json!({"e": 5})).unwrap();
        assert_eq!(e.mask.iter().filter(|&&m| m != 0).count(), 4);
        assert!(encode(&v, 6, 16, &json!({"nope": 1}))
            .unwrap_err()
            .0
            .contains("no member \"nope\" in s"));
        assert!(encode(&v, 6, 16, &json!({"e": "C"}))
            .unwrap_err()
            .0
            .contains("one of: A, B"));
        assert!(encode(&v, 6, 16, &json!({"f": 8}))
            .unwrap_err()
            .0
            .contains("does not fit in 3 bits at .f"));
        assert!(encode(&v, 1, 4, &json!(-1)).is_err());
        assert_eq!(encode(&v, 3, 4, &json!(-1)).unwrap().bytes, vec![0xff; 4]);
        assert!(encode(&v, 4, 4, &json!("abcde")).is_err());
        assert_eq!(encode(&v, 1, 4, &json!(7)).unwrap().bytes, vec![7, 0, 0, 0]);
        assert!(encode(&v, 6, 8, &json!({"e": 1})).is_err());
    }

    #[test]
    fn crafted_int_widths_are_errors_or_values_not_panics() {
        // Regression (fuzz, value_fmt target): an INT of 200 bits shifted a
        // u128 by 200, and a signed INT of 0 bits shifted by -1.
        let strs = b"\0w\0z\0";
        let mut t: Vec<u32> = Vec::new();
        t.extend([1, kind::INT << 24, 32, (1 << 24) | 200]);
        t.extend([3, kind::INT << 24, 4, 1 << 24]);
        let types: Vec<u8> = t.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut data = Vec::new();
        data.extend(0xeb9fu16.to_le_bytes());
        data.extend([1, 0]);
        for w in [
            24u32,
            0,
            types.len() as u32,
            types.len() as u32,
            strs.len() as u32,
        ] {
            data.extend(w.to_le_bytes());
        }
        data.extend(&types);
        data.extend(strs);
        let v = View::new(data, None).expect("test BTF");
        let e = encode(&v, 1, 32, &json!(5)).unwrap();
        assert_eq!(e.bytes[0], 5);
        assert!(e.bytes[16..].iter().all(|&b| b == 0));
        assert!(encode(&v, 2, 4, &json!(1)).is_err());
        assert!(encode(&v, 2, 4, &json!(0)).is_ok());
    }
}
