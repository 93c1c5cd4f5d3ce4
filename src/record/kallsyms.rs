//! Kernel symbols (the text of /proc/kallsyms), parsed once and looked up
//! many times: exact matches for helper and subprogram names in xlated
//! code, nearest symbol for call targets in jited code, name and module of
//! kprobe_multi targets in `link show`. The one kallsyms parser.
//!
//! Reading the file is `sys`'s job (`sys::progdump::kallsyms`); this module
//! only parses text, so it is unit-tested without a kernel.

/// One symbol: its address and the byte ranges of its name and module
/// (empty when in vmlinux) in the text.
#[derive(Debug, Clone, Copy)]
struct Sym {
    addr: u64,
    name: (u32, u32),
    module: (u32, u32),
}

/// Sorted symbol table.
#[derive(Debug, Default)]
pub struct KernelSymbols {
    text: String,
    /// Sorted by address; for equal addresses the first line of the file
    /// comes first.
    syms: Vec<Sym>,
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
            // Name and module (`[ext4]`) are sub-slices of `line`: keep offsets.
            let range = |part: &str| {
                let off = start + (part.as_ptr() as usize - line.as_ptr() as usize);
                Some((u32::try_from(off).ok()?, u32::try_from(part.len()).ok()?))
            };
            let module = it
                .next()
                .map(|m| m.trim_start_matches('[').trim_end_matches(']'))
                .and_then(range)
                .unwrap_or((0, 0));
            if let Some(name) = range(name) {
                syms.push(Sym { addr, name, module });
            }
        }
        if any_zero_base {
            syms.clear();
        }
        syms.sort_by_key(|s| s.addr);
        KernelSymbols {
            text,
            syms,
            call_base: call_base.unwrap_or(0),
            restricted: any_zero_base,
        }
    }

    fn slice(&self, (s, l): (u32, u32)) -> &str {
        self.text
            .get(s as usize..(s + l) as usize)
            .unwrap_or_default()
    }

    fn name(&self, i: usize) -> &str {
        self.slice(self.syms[i].name)
    }

    /// Number of symbols with a usable address.
    pub fn len(&self) -> usize {
        self.syms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.syms.is_empty()
    }

    fn index(&self, addr: u64) -> Option<usize> {
        let i = self.syms.partition_point(|s| s.addr < addr);
        (self.syms.get(i)?.addr == addr).then_some(i)
    }

    /// The symbol at exactly `addr`.
    pub fn exact(&self, addr: u64) -> Option<&str> {
        self.index(addr).map(|i| self.name(i))
    }

    /// The symbol at exactly `addr` and its module (None in vmlinux).
    pub fn exact_with_module(&self, addr: u64) -> Option<(&str, Option<&str>)> {
        let i = self.index(addr)?;
        let m = self.syms[i].module;
        Some((self.name(i), (m.1 > 0).then(|| self.slice(m))))
    }

    /// The symbol containing `addr` (the last one at or below it) and the
    /// offset into it.
    pub fn nearest(&self, addr: u64) -> Option<(&str, u64)> {
        let i = self.syms.partition_point(|s| s.addr <= addr);
        let i = i.checked_sub(1)?;
        // Among equal addresses report the first one of the file.
        let a = self.syms[i].addr;
        let first = self.syms[..i].partition_point(|s| s.addr < a);
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
        assert_eq!(
            k.exact_with_module(0xffffffffc0001000),
            Some(("bpf_prog_0123456789abcdef_f", Some("bpf")))
        );
        assert_eq!(
            k.exact_with_module(0xffffffff81000200),
            Some(("helper_a", None))
        );
    }

    #[test]
    fn restricted() {
        let k = KernelSymbols::parse(
            "0000000000000000 T _stext\n0000000000000000 T __bpf_call_base\n".to_string(),
        );
        assert!(k.restricted && k.is_empty() && k.call_base == 0);
    }
}
