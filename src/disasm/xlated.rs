//! `prog dump xlated`: one record per instruction (prototype, source line,
//! text, opcodes), rendered as bpftool's plain text or as its JSON.
//!
//! The names follow bpftool (src/xlated_dumper.c): helpers and kfuncs are
//! named by the kernel symbol at `__bpf_call_base + imm`, subprogram calls by
//! their `jited_ksyms` symbol, map references as `map[id:N]`. Source lines
//! are attached exactly as bpftool's `bpf_prog_linfo__lfind()` walk does,
//! quirks included, so the text stays identical.

use std::io::{self, Write};

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::insn::*;
use super::printer::{write_insn, Resolve};
use crate::record::kallsyms::KernelSymbols;

/// One `bpf_func_info` record, its prototype already formatted from BTF.
#[derive(Clone, Debug, Default)]
pub struct FuncInfo {
    pub insn_off: u32,
    /// `int tp_main(void * ctx)`; `None` when BTF cannot describe it.
    pub proto: Option<String>,
    /// The function's name (from BTF), for graph labels.
    pub name: Option<String>,
}

/// One `bpf_line_info` record with its strings resolved from BTF.
#[derive(Clone, Debug, Default)]
pub struct LineInfo {
    pub insn_off: u32,
    /// The source line, leading white space removed (`None`: bad offset).
    pub src: Option<String>,
    pub file: Option<String>,
    pub line_num: u32,
    pub line_col: u32,
}

/// Names as bpftool's `print_call()`/`print_imm()` give them.
pub struct KernelNames<'a> {
    pub syms: &'a KernelSymbols,
    /// `jited_ksyms`: addresses of the program's functions (empty when the
    /// program is interpreted).
    pub jited_ksyms: &'a [u64],
}

impl Resolve for KernelNames<'_> {
    fn call_name(&self, insn: &Insn) -> Option<String> {
        let mut address = self.syms.call_base.wrapping_add(insn.imm as i64 as u64);
        if insn.src_reg == BPF_PSEUDO_CALL {
            if let Some(&a) = usize::try_from(insn.imm)
                .ok()
                .and_then(|i| self.jited_ksyms.get(i))
            {
                address = a;
            }
        }
        let sym = self.syms.exact(address);
        Some(if insn.src_reg == BPF_PSEUDO_CALL {
            if self.jited_ksyms.is_empty() {
                format!("{:+}", insn.off)
            } else if let Some(s) = sym {
                format!("{:+}#{s}", insn.off)
            } else {
                format!("{:+}#{address:#x}", insn.off)
            }
        } else if let Some(s) = sym {
            s.to_string()
        } else {
            format!("{address:#x}")
        })
    }

    fn imm_name(&self, insn: &Insn, next: &Insn, full_imm: u64) -> Option<String> {
        Some(match insn.src_reg {
            BPF_PSEUDO_MAP_FD => format!("map[id:{}]", insn.imm),
            BPF_PSEUDO_MAP_VALUE => format!("map[id:{}][0]+{}", insn.imm, next.imm),
            BPF_PSEUDO_MAP_IDX_VALUE => format!("map[idx:{}]+{}", insn.imm, next.imm),
            BPF_PSEUDO_FUNC => format!("subprog[{:+}]", insn.imm),
            _ => format!("{full_imm:#x}"),
        })
    }
}

/// Modifiers of the dump.
#[derive(Clone, Copy, Debug, Default)]
pub struct DumpOpts {
    pub opcodes: bool,
    pub linum: bool,
}

/// A program's xlated image and what describes it.
pub struct Xlated<'a> {
    pub insns: &'a [Insn],
    pub funcs: &'a [FuncInfo],
    pub lines: &'a [LineInfo],
    pub names: &'a dyn Resolve,
}

/// One instruction of the dump (bpftool's JSON object for it).
#[derive(Clone, Debug)]
pub struct XlatedInsn {
    /// Instruction index (slot number); new key, not in bpftool.
    pub insn: usize,
    /// Set on the first instruction of each function.
    pub proto: Option<String>,
    /// Source line attached before this instruction.
    pub line: Option<LineInfo>,
    pub disasm: String,
    /// Raw bytes: 8, or 16 for ld_imm64 (both slots).
    pub opcodes: Option<Vec<u8>>,
    /// Whether `line` shows file, line and column (`linum`).
    pub linum: bool,
}

/// `bpf_prog_linfo__lfind()`: the last record at or before `insn_off`,
/// searching from record `nr_skip` on.
fn lfind(lines: &[LineInfo], insn_off: u32, nr_skip: usize) -> Option<usize> {
    let rest = lines.get(nr_skip..)?;
    if insn_off < rest.first()?.insn_off {
        return None;
    }
    let n = rest.iter().take_while(|l| insn_off >= l.insn_off).count();
    Some(nr_skip + n - 1)
}

/// Builds the records of the dump.
pub fn records(x: &Xlated, opts: DumpOpts) -> Vec<XlatedInsn> {
    let mut out = Vec::with_capacity(x.insns.len());
    let mut func = x.funcs.iter().peekable();
    let mut nr_skip = 0usize;
    let mut i = 0usize;
    while i < x.insns.len() {
        let insn = x.insns[i];
        let double = insn.is_ld_imm64();
        let proto = match func.peek() {
            Some(f) if f.insn_off as usize == i => func.next().and_then(|f| f.proto.clone()),
            _ => None,
        };
        let line = lfind(x.lines, i as u32, nr_skip).map(|l| {
            nr_skip += 1;
            x.lines[l].clone()
        });
        let mut disasm = String::with_capacity(48);
        write_insn(&mut disasm, x.names, x.insns, i);
        let opcodes = opts.opcodes.then(|| {
            let mut b = insn.to_bytes().to_vec();
            if double {
                if let Some(n) = x.insns.get(i + 1) {
                    b.extend_from_slice(&n.to_bytes());
                }
            }
            b
        });
        out.push(XlatedInsn {
            insn: i,
            proto,
            line,
            disasm,
            opcodes,
            linum: opts.linum,
        });
        i += if double { 2 } else { 1 };
    }
    out
}

fn hex_join(w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    for (k, b) in bytes.iter().enumerate() {
        if k > 0 {
            w.write_all(b" ")?;
        }
        write!(w, "{b:02x}")?;
    }
    Ok(())
}

/// Source line text as bpftool's `btf_dump_linfo_plain()` prints it.
pub fn line_plain(l: &LineInfo, linum: bool) -> Option<String> {
    let src = l.src.as_deref()?;
    Some(if linum {
        format!(
            "{src} [file:{} line_num:{} line_col:{}]",
            l.file.as_deref().unwrap_or(""),
            l.line_num,
            l.line_col
        )
    } else {
        src.to_string()
    })
}

/// Escapes control characters (other than tab, which bpftool prints raw)
/// of text that came from the kernel or a file, so none reaches a terminal.
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(|c| c.is_control() && c != '\t') {
        s.split('\t')
            .map(crate::text::escape)
            .collect::<Vec<_>>()
            .join("\t")
            .into()
    } else {
        s.into()
    }
}

/// bpftool's plain text.
pub fn write_plain(w: &mut impl Write, recs: &[XlatedInsn]) -> io::Result<()> {
    for r in recs {
        if let Some(p) = &r.proto {
            writeln!(w, "{}:", sanitize(p))?;
        }
        if let Some(text) = r.line.as_ref().and_then(|l| line_plain(l, r.linum)) {
            writeln!(w, "; {}", sanitize(&text))?;
        }
        writeln!(w, "{:4}: {}", r.insn, r.disasm)?;
        if let Some(b) = &r.opcodes {
            w.write_all(b"       ")?;
            hex_join(w, &b[..b.len().min(8)])?;
            if b.len() > 8 {
                w.write_all(b" ")?;
                hex_join(w, &b[8..])?;
            }
            w.write_all(b"\n")?;
        }
    }
    Ok(())
}

struct HexBytes<'a>(&'a [u8]);
impl Serialize for HexBytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for b in self.0 {
            seq.serialize_element(&format!("{b:#04x}"))?;
        }
        seq.end()
    }
}

struct Opcodes<'a>(&'a [u8]);
impl Serialize for Opcodes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = self.0;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("code", &format!("{:#04x}", b[0]))?;
        m.serialize_entry("src_reg", &format!("{:#x}", b[1] >> 4))?;
        m.serialize_entry("dst_reg", &format!("{:#x}", b[1] & 0xf))?;
        m.serialize_entry("off", &HexBytes(&b[2..4]))?;
        // For ld_imm64 bpftool prints the 12 bytes from imm on: the first
        // imm and the whole second slot.
        m.serialize_entry("imm", &HexBytes(&b[4..]))?;
        m.end()
    }
}

impl Serialize for XlatedInsn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(p) = &self.proto {
            m.serialize_entry("proto", p)?;
        }
        if let Some(l) = &self.line {
            if let Some(src) = &l.src {
                m.serialize_entry("src", src)?;
            }
            if self.linum {
                if let Some(f) = &l.file {
                    m.serialize_entry("file", f)?;
                }
                if l.line_num != 0 {
                    m.serialize_entry("line_num", &l.line_num)?;
                }
                if l.line_col != 0 {
                    m.serialize_entry("line_col", &l.line_col)?;
                }
            }
        }
        m.serialize_entry("disasm", &self.disasm)?;
        if let Some(b) = &self.opcodes {
            if b.len() >= 8 {
                m.serialize_entry("opcodes", &Opcodes(b))?;
            }
        }
        m.serialize_entry("insn", &self.insn)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disasm::printer::NoResolve;

    fn li(off: u32, src: &str) -> LineInfo {
        LineInfo {
            insn_off: off,
            src: Some(src.into()),
            file: Some("/x.c".into()),
            line_num: 3,
            line_col: 0,
        }
    }

    #[test]
    fn lfind_matches_libbpf() {
        let l = [li(0, "a"), li(0, "b"), li(3, "c"), li(7, "d")];
        assert_eq!(lfind(&l, 0, 0), Some(1));
        assert_eq!(lfind(&l, 1, 1), Some(1));
        assert_eq!(lfind(&l, 2, 2), None);
        assert_eq!(lfind(&l, 5, 2), Some(2));
        assert_eq!(lfind(&l, 9, 3), Some(3));
        assert_eq!(lfind(&l, 9, 4), None);
    }

    #[test]
    fn plain_and_json() {
        let insns = [
            Insn::new(0xb7, 0, 0, 0, 0),
            Insn::new(LD_IMM64, 1, 0, 0, 1),
            Insn::new(0, 0, 0, 0, 2),
            Insn::new(0x95, 0, 0, 0, 0),
        ];
        let funcs = [FuncInfo {
            insn_off: 0,
            proto: Some("int f(void * ctx)".into()),
            name: Some("f".into()),
        }];
        let lines = [li(0, "return 0;"), li(3, "}")];
        let x = Xlated {
            insns: &insns,
            funcs: &funcs,
            lines: &lines,
            names: &NoResolve,
        };
        let recs = records(
            &x,
            DumpOpts {
                opcodes: true,
                linum: true,
            },
        );
        let mut out = Vec::new();
        write_plain(&mut out, &recs).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "int f(void * ctx):\n\
             ; return 0; [file:/x.c line_num:3 line_col:0]\n   0: (b7) r0 = 0\n       \
             b7 00 00 00 00 00 00 00\n   1: (18) r1 = 0x200000001\n       \
             18 01 00 00 01 00 00 00 00 00 00 00 02 00 00 00\n\
             ; } [file:/x.c line_num:3 line_col:0]\n   3: (95) exit\n       \
             95 00 00 00 00 00 00 00\n"
        );
        let json = serde_json::to_string(&recs[1]).unwrap();
        assert_eq!(
            json,
            r#"{"disasm":"(18) r1 = 0x200000001","opcodes":{"code":"0x18","src_reg":"0x0","dst_reg":"0x1","off":["0x00","0x00"],"imm":["0x01","0x00","0x00","0x00","0x00","0x00","0x00","0x00","0x02","0x00","0x00","0x00"]},"insn":1}"#
        );
        let json = serde_json::to_string(&recs[0]).unwrap();
        assert!(json.starts_with(
            r#"{"proto":"int f(void * ctx)","src":"return 0;","file":"/x.c","line_num":3,"disasm""#
        ));
    }

    #[test]
    fn kernel_names() {
        let syms = KernelSymbols::parse(
            "ffffffff81000000 T __bpf_call_base\nffffffff81001000 T bpf_map_lookup_elem\n\
             ffffffffc0000000 t bpf_prog_aa_sub\t[bpf]\n"
                .to_string(),
        );
        let ksyms = [0xffffffffc0001000, 0xffffffffc0000000];
        let n = KernelNames {
            syms: &syms,
            jited_ksyms: &ksyms,
        };
        let p = [
            Insn::new(0x85, 0, 0, 0, 0x10 + 1000),
            Insn::new(0x85, 0, 0, 0, 0x1000),
            Insn::new(0x85, 0, 0, 0, 0x2000),
            Insn::new(0x85, 0, 0, 0, 0x10),
            Insn::new(0x85, 0, 1, 5, 1),
            Insn::new(LD_IMM64, 1, BPF_PSEUDO_MAP_FD, 0, 9),
            Insn::new(0, 0, 0, 0, 0),
        ];
        let t = |i| crate::disasm::printer::insn_text(&n, &p, i);
        assert_eq!(t(0), "(85) call 0xffffffff810003f8#1016");
        assert_eq!(t(1), "(85) call bpf_map_lookup_elem#4096");
        assert_eq!(t(2), "(85) call 0xffffffff81002000#8192");
        // A small offset reads as a helper id first, as in the kernel.
        assert_eq!(t(3), "(85) call bpf_get_current_comm#16");
        assert_eq!(t(4), "(85) call pc+5#bpf_prog_aa_sub");
        assert_eq!(t(5), "(18) r1 = map[id:9]");
    }
}
