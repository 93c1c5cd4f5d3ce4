//! A streaming JSON writer that lays out output exactly like bpftool's
//! `json_writer.c` (compact for `-j`, its peculiar pretty style for `-p` and
//! for the plain-text BTF view of map values), so our bytes match bpftool's.
//! Used by `btf dump`, the BTF value formatter and map dumps.
//!
//! Differences on purpose: strings are always valid JSON (control characters
//! become `\u00XX`, bytes that are not UTF-8 become U+FFFD; bpftool 7.1 also
//! mis-escapes `\` and `'`).

use std::io::{self, Write};

/// bpftool's `json_writer_t`.
pub struct JsonW<W: Write> {
    out: W,
    depth: u32,
    pretty: bool,
    /// bpftool's `sep`: true when a comma is due before the next item.
    sep: bool,
}

impl<W: Write> JsonW<W> {
    pub fn new(out: W, pretty: bool) -> Self {
        JsonW {
            out,
            depth: 0,
            pretty,
            sep: false,
        }
    }

    /// The underlying writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    pub fn is_pretty(&self) -> bool {
        self.pretty
    }

    /// Current nesting depth.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    fn eol(&mut self) -> io::Result<()> {
        if !self.pretty {
            return Ok(());
        }
        self.out.write_all(b"\n")?;
        for _ in 0..self.depth {
            self.out.write_all(b"    ")?;
        }
        Ok(())
    }

    fn eor(&mut self) -> io::Result<()> {
        if self.sep {
            self.out.write_all(b",")?;
        }
        self.sep = true;
        Ok(())
    }

    fn begin(&mut self, c: &[u8]) -> io::Result<()> {
        self.eor()?;
        self.out.write_all(c)?;
        self.depth += 1;
        self.sep = false;
        Ok(())
    }

    fn end(&mut self, c: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.sep {
            self.eol()?;
        }
        self.out.write_all(c)?;
        self.sep = true;
        Ok(())
    }

    pub fn start_object(&mut self) -> io::Result<()> {
        self.begin(b"{")
    }
    pub fn end_object(&mut self) -> io::Result<()> {
        self.end(b"}")
    }
    pub fn start_array(&mut self) -> io::Result<()> {
        self.begin(b"[")
    }
    pub fn end_array(&mut self) -> io::Result<()> {
        self.end(b"]")
    }

    /// A property name (`jsonw_name`).
    pub fn name(&mut self, name: &[u8]) -> io::Result<()> {
        self.eor()?;
        self.eol()?;
        self.sep = false;
        write_json_str(&mut self.out, name)?;
        self.out.write_all(if self.pretty { b": " } else { b":" })
    }

    /// A value written verbatim (`jsonw_printf`).
    pub fn raw(&mut self, s: &str) -> io::Result<()> {
        self.eor()?;
        self.out.write_all(s.as_bytes())
    }

    pub fn string(&mut self, s: &[u8]) -> io::Result<()> {
        self.eor()?;
        write_json_str(&mut self.out, s)
    }

    pub fn uint(&mut self, v: u64) -> io::Result<()> {
        self.eor()?;
        write!(self.out, "{v}")
    }

    pub fn int(&mut self, v: i64) -> io::Result<()> {
        self.eor()?;
        write!(self.out, "{v}")
    }

    pub fn bool(&mut self, v: bool) -> io::Result<()> {
        self.raw(if v { "true" } else { "false" })
    }

    pub fn null(&mut self) -> io::Result<()> {
        self.raw("null")
    }

    pub fn uint_field(&mut self, name: &str, v: u64) -> io::Result<()> {
        self.name(name.as_bytes())?;
        self.uint(v)
    }

    pub fn int_field(&mut self, name: &str, v: i64) -> io::Result<()> {
        self.name(name.as_bytes())?;
        self.int(v)
    }

    pub fn string_field(&mut self, name: &str, v: &[u8]) -> io::Result<()> {
        self.name(name.as_bytes())?;
        self.string(v)
    }

    /// `jsonw_destroy`: the final newline.
    pub fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n")
    }
}

/// Writes `s` as a JSON string, escaped like bpftool (plus the fixes noted
/// in the module header).
pub fn write_json_str<W: Write + ?Sized>(out: &mut W, s: &[u8]) -> io::Result<()> {
    let clean = !s
        .iter()
        .any(|&c| c < 0x20 || c == b'"' || c == b'\\' || c >= 0x80);
    out.write_all(b"\"")?;
    if clean {
        out.write_all(s)?;
    } else {
        let text = String::from_utf8_lossy(s);
        for ch in text.chars() {
            match ch {
                '\t' => out.write_all(b"\\t")?,
                '\n' => out.write_all(b"\\n")?,
                '\r' => out.write_all(b"\\r")?,
                '\x0c' => out.write_all(b"\\f")?,
                '\x08' => out.write_all(b"\\b")?,
                '\\' => out.write_all(b"\\\\")?,
                '"' => out.write_all(b"\\\"")?,
                c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32)?,
                c => {
                    let mut buf = [0u8; 4];
                    out.write_all(c.encode_utf8(&mut buf).as_bytes())?
                }
            }
        }
    }
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(pretty: bool, f: impl FnOnce(&mut JsonW<Vec<u8>>) -> io::Result<()>) -> String {
        let mut w = JsonW::new(Vec::new(), pretty);
        f(&mut w).unwrap();
        String::from_utf8(w.into_inner()).unwrap()
    }

    #[test]
    fn compact_layout() {
        let s = render(false, |w| {
            w.start_object()?;
            w.name(b"types")?;
            w.start_array()?;
            w.start_object()?;
            w.uint_field("id", 1)?;
            w.string_field("name", b"x")?;
            w.end_object()?;
            w.start_object()?;
            w.uint_field("id", 2)?;
            w.end_object()?;
            w.end_array()?;
            w.end_object()
        });
        assert_eq!(s, r#"{"types":[{"id":1,"name":"x"},{"id":2}]}"#);
    }

    #[test]
    fn pretty_layout_matches_bpftool() {
        // Same shape as `bpftool -p btf dump` output.
        let s = render(true, |w| {
            w.start_object()?;
            w.name(b"types")?;
            w.start_array()?;
            w.start_object()?;
            w.uint_field("id", 1)?;
            w.end_object()?;
            w.start_object()?;
            w.uint_field("id", 2)?;
            w.name(b"a")?;
            w.start_array()?;
            w.end_array()?;
            w.end_object()?;
            w.end_array()?;
            w.end_object()
        });
        let want = "{\n    \"types\": [{\n            \"id\": 1\n        },{\n            \"id\": 2,\n            \"a\": []\n        }\n    ]\n}";
        assert_eq!(s, want);
    }

    #[test]
    fn escaping() {
        let mut v = Vec::new();
        write_json_str(&mut v, b"a\"b\\c\td\x01\xff").unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "\"a\\\"b\\\\c\\td\\u0001\u{fffd}\""
        );
    }
}
