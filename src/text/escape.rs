//! Escaping of kernel- or file-supplied strings before they reach a terminal.
use std::borrow::Cow;

/// Control characters (and DEL) become `\xNN`; backslash stays as is unless it
/// could start a fake escape, in which case it is doubled. JSON needs no help:
/// serde_json escapes control characters itself.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_controls() {
        assert_eq!(super::escape("plain"), "plain");
        assert_eq!(super::escape("a\x1b[31mb\n"), "a\\x1b[31mb\\x0a");
        assert_eq!(super::escape("\u{9b}x"), "\\xc2\\x9bx");
    }
}
