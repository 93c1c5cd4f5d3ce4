//! Kernel symbols (the text of /proc/kallsyms), parsed once and looked up
//! many times: exact matches for helper and subprogram names in xlated
//! code, nearest symbol for call targets in jited code.
//!
//! Reading the file is `sys`'s job; this module only parses text, so it is
//! unit-tested without a kernel.

/// Sorted symbol table.
#[derive(Debug, Default)]
pub struct KernelSymbols {
    text: String,
    /// (address, byte range of the name in `text`), sorted by address; for
    /// equal addresses the first line of the file comes first.
    syms: Vec<(u64, u32, u32)>,
    /// Address of `__bpf_call_base`: helper calls in xlated code are
    /// relative to it.
    pub call_base: u64,
    /// The file listed addresses as zero (kernel.kptr_restrict): no names.
    pub restricted: bool,
}

impl KernelSymbols {
    /// Parses the text of /proc/kallsyms (`ADDR TYPE NAME [MODULE]` lines).
    /// Like bpftool, symbols at address zero are dropped, and when
    /// `__bpf_call_base` reads as zero every address is hidden and the table
    /// is left empty.
    pub fn parse(text: String) -> Self {
        let mut syms = Vec::new();
        let mut call_base = None;
        let mut any_zero_base = false;
        let mut pos = 0usize;
        for line in text.split_inclusive('\n') {
            let start = pos;
            pos += line.len();
            let mut it = line.split_ascii_whitespace();
            let (Some(addr), Some(_ty), Some(name)) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            let Ok(addr) = u64::from_str_radix(addr, 16) else {
                continue;
            };
            if name == "__bpf_call_base" {
                if addr == 0 {
                    any_zero_base = true;
                    break;
                }
                call_base = Some(addr);
            }
            if addr == 0 {
                continue;
            }
            // The name is a sub-slice of `line`: find its offset.
            let off = name.as_ptr() as usize - line.as_ptr() as usize;
            if let (Ok(s), Ok(l)) = (u32::try_from(start + off), u32::try_from(name.len())) {
                syms.push((addr, s, l));
            }
        }
        if any_zero_base {
            syms.clear();
        }
        syms.sort_by_key(|s| s.0);
        KernelSymbols {
            text,
            syms,
            call_base: call_base.unwrap_or(0),
            restricted: any_zero_base,
        }
    }

    fn name(&self, i: usize) -> &str {
        let (_, s, l) = self.syms[i];
        self.text
            .get(s as usize..(s + l) as usize)
            .unwrap_or_default()
    }

    /// Number of symbols with a usable address.
    pub fn len(&self) -> usize {
        self.syms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.syms.is_empty()
    }

    /// The symbol at exactly `addr`.
    pub fn exact(&self, addr: u64) -> Option<&str> {
        let i = self.syms.partition_point(|s| s.0 < addr);
        (self.syms.get(i)?.0 == addr).then(|| self.name(i))
    }

    /// The symbol containing `addr` (the last one at or below it) and the
    /// offset into it.
    pub fn nearest(&self, addr: u64) -> Option<(&str, u64)> {
        let i = self.syms.partition_point(|s| s.0 <= addr);
        let i = i.checked_sub(1)?;
        // Among equal addresses report the first one of the file.
        let a = self.syms[i].0;
        let first = self.syms[..i].partition_point(|s| s.0 < a);
        Some((self.name(first), addr - a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "ffffffff81000000 T _stext\n\
        ffffffff81000100 T __bpf_call_base\n\
        ffffffff81000200 t helper_a\n\
        ffffffff81000200 t alias_a\n\
        0000000000000000 A fixed_percpu_data\n\
        ffffffffc0001000 t bpf_prog_0123456789abcdef_f\t[bpf]\n";

    #[test]
    fn lookups() {
        let k = KernelSymbols::parse(TEXT.to_string());
        assert_eq!(k.call_base, 0xffffffff81000100);
        assert_eq!(k.len(), 5);
        assert_eq!(k.exact(0xffffffff81000200), Some("helper_a"));
        assert_eq!(k.exact(0xffffffff81000201), None);
        assert_eq!(k.nearest(0xffffffff81000210), Some(("helper_a", 0x10)));
        assert_eq!(
            k.exact(0xffffffffc0001000),
            Some("bpf_prog_0123456789abcdef_f")
        );
        assert_eq!(k.nearest(0x10), None);
        assert!(!k.restricted);
    }

    #[test]
    fn restricted() {
        let k = KernelSymbols::parse(
            "0000000000000000 T _stext\n0000000000000000 T __bpf_call_base\n".to_string(),
        );
        assert!(k.restricted && k.is_empty() && k.call_base == 0);
    }
}
