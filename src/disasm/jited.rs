//! `prog dump jited`: the JIT image disassembled with capstone (x86-64, and
//! arm64 when built for it), one section per function as bpftool prints it
//! (`bpf_prog_<tag>_<name>:` headers from `jited_ksyms`/`jited_func_lens`),
//! with source lines from jited line info and call targets named through
//! the kernel symbol table.

use std::io::{self, Write};

use capstone::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::xlated::{line_plain, sanitize, LineInfo};
use crate::record::kallsyms::KernelSymbols;

/// Errors of the jited view.
#[derive(Debug, thiserror::Error)]
pub enum JitedError {
    #[error("capstone: {0}")]
    Capstone(String),
    #[error("no disassembler for this architecture ({0})")]
    Arch(&'static str),
}

/// Per-function index into the line info, as libbpf's `bpf_prog_linfo`
/// builds it from `jited_line_info` (dissect_jited_func()).
#[derive(Clone, Debug)]
pub struct JitedLineMap {
    /// Address of each line info record in the JIT image.
    addrs: Vec<u64>,
    /// Per function: first record and number of records.
    funcs: Vec<(usize, usize)>,
}

impl JitedLineMap {
    /// `None` when the records do not fit the functions (libbpf then gives
    /// up on line info, and so does bpftool).
    pub fn new(addrs: Vec<u64>, ksyms: &[u64], lens: &[u32]) -> Option<Self> {
        let nr_func = ksyms.len();
        let nr_linfo = addrs.len();
        if nr_func == 0 || nr_linfo == 0 || lens.len() != nr_func || *ksyms.first()? != addrs[0] {
            return None;
        }
        let mut start = vec![0usize; nr_func];
        let mut count = vec![0usize; nr_func];
        let (mut prev_i, mut f) = (0usize, 1usize);
        let mut i = 1;
        while i < nr_linfo && f < nr_func {
            let last = addrs[i - 1];
            if ksyms[f] == addrs[i] {
                start[f] = i;
                if last.wrapping_sub(ksyms[f - 1]).wrapping_add(1) > u64::from(lens[f - 1]) {
                    return None;
                }
                count[f - 1] = i - prev_i;
                prev_i = i;
                f += 1;
            } else if addrs[i] <= last {
                return None;
            }
            i += 1;
        }
        if f != nr_func {
            return None;
        }
        count[nr_func - 1] = nr_linfo - prev_i;
        Some(JitedLineMap {
            addrs,
            funcs: start.into_iter().zip(count).collect(),
        })
    }

    /// `bpf_prog_linfo__lfind_addr_func()`: the last record of function
    /// `func` at or before `addr`, searching from its record `nr_skip` on.
    pub fn lfind(&self, addr: u64, func: usize, nr_skip: usize) -> Option<usize> {
        let &(start, n) = self.funcs.get(func)?;
        if nr_skip >= n {
            return None;
        }
        let first = start + nr_skip;
        if addr < self.addrs[first] {
            return None;
        }
        let k = self.addrs[first..start + n]
            .iter()
            .take_while(|&&a| addr >= a)
            .count();
        Some(first + k - 1)
    }
}

/// One function of the JIT image.
pub struct JitedFunc<'a> {
    pub image: &'a [u8],
    /// Its address (`jited_ksyms[i]`), 0 when unknown.
    pub ksym: u64,
    /// `bpf_prog_<tag>_<name>`, or the address when kallsyms lacks it.
    pub name: String,
    pub proto: Option<String>,
}

/// One disassembled instruction.
#[derive(Clone, Debug)]
pub struct JitedInsn {
    pub pc: u64,
    pub line: Option<LineInfo>,
    pub linum: bool,
    pub mnemonic: String,
    pub op_str: String,
    /// Kernel symbol of a call/jump target outside the function.
    pub target: Option<String>,
    pub bytes: Option<Vec<u8>>,
}

/// One function section of the dump.
#[derive(Clone, Debug)]
pub struct JitedFuncRecord {
    pub proto: Option<String>,
    pub name: String,
    pub insns: Vec<JitedInsn>,
}

/// The architecture of the disassembler built into this binary.
fn capstone() -> Result<Capstone, JitedError> {
    #[cfg(target_arch = "x86_64")]
    {
        Capstone::new()
            .x86()
            .mode(arch::x86::ArchMode::Mode64)
            .syntax(arch::x86::ArchSyntax::Att)
            .build()
            .map_err(|e| JitedError::Capstone(e.to_string()))
    }
    #[cfg(target_arch = "aarch64")]
    {
        Capstone::new()
            .arm64()
            .mode(arch::arm64::ArchMode::Arm)
            .build()
            .map_err(|e| JitedError::Capstone(e.to_string()))
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        Err(JitedError::Arch(std::env::consts::ARCH))
    }
}

/// Call/jump target of an instruction, when its operand is an address.
fn branch_target(mnemonic: &str, op_str: &str) -> Option<u64> {
    let m = mnemonic.trim_start_matches("notrack ");
    let branch = m.starts_with("call") || m.starts_with('j') || m == "b" || m == "bl";
    if !branch {
        return None;
    }
    let op = op_str.trim().trim_start_matches('#');
    let hex = op.strip_prefix("0x")?;
    u64::from_str_radix(hex, 16).ok()
}

/// Disassembles every function. `lines`/`map` give source lines (both
/// from the same program), `syms` names call targets.
pub fn disassemble(
    funcs: &[JitedFunc],
    lines: &[LineInfo],
    map: Option<&JitedLineMap>,
    syms: &KernelSymbols,
    opcodes: bool,
    linum: bool,
) -> Result<Vec<JitedFuncRecord>, JitedError> {
    let cs = capstone()?;
    let mut out = Vec::with_capacity(funcs.len());
    for (fi, f) in funcs.iter().enumerate() {
        let mut insns = Vec::new();
        let mut nr_skip = 0usize;
        let mut pc = 0usize;
        let end_addr = f.ksym.wrapping_add(f.image.len() as u64);
        while pc < f.image.len() {
            let decoded = cs
                .disasm_all(&f.image[pc..], f.ksym.wrapping_add(pc as u64))
                .map_err(|e| JitedError::Capstone(e.to_string()))?;
            let before = pc;
            for ins in decoded.iter() {
                let line = map
                    .filter(|_| f.ksym != 0)
                    .and_then(|m| m.lfind(f.ksym.wrapping_add(pc as u64), fi, nr_skip))
                    .and_then(|l| {
                        nr_skip += 1;
                        lines.get(l).cloned()
                    });
                let mnemonic = ins.mnemonic().unwrap_or("").to_string();
                let op_str = ins.op_str().unwrap_or("").to_string();
                let target = branch_target(&mnemonic, &op_str)
                    .filter(|&t| f.ksym != 0 && !(f.ksym..end_addr).contains(&t))
                    .and_then(|t| syms.nearest(t))
                    .map(|(name, off)| {
                        if off == 0 {
                            name.to_string()
                        } else {
                            format!("{name}+{off:#x}")
                        }
                    });
                let len = ins.bytes().len();
                insns.push(JitedInsn {
                    pc: pc as u64,
                    line,
                    linum,
                    mnemonic,
                    op_str,
                    target,
                    bytes: opcodes.then(|| ins.bytes().to_vec()),
                });
                pc += len;
            }
            if pc == before {
                // Capstone stopped on bytes it cannot decode: show one
                // as data and go on after it.
                let b = f.image[pc];
                insns.push(JitedInsn {
                    pc: pc as u64,
                    line: None,
                    linum,
                    mnemonic: ".byte".to_string(),
                    op_str: format!("{b:#04x}"),
                    target: None,
                    bytes: opcodes.then(|| vec![b]),
                });
                pc += 1;
            }
        }
        out.push(JitedFuncRecord {
            proto: f.proto.clone(),
            name: f.name.clone(),
            insns,
        });
    }
    Ok(out)
}

/// Text of one instruction, objdump style (`mnemonic` padded to 6).
fn insn_text(i: &JitedInsn) -> String {
    let mut s = if i.op_str.is_empty() {
        i.mnemonic.clone()
    } else {
        format!("{:<6} {}", i.mnemonic, i.op_str)
    };
    if let Some(t) = &i.target {
        s.push_str(&format!(" <{t}>"));
    }
    s
}

/// bpftool's plain layout: prototype and symbol headers, `%4x:\t` offsets,
/// opcodes on the following line, a blank line after each function.
pub fn write_plain(w: &mut impl Write, funcs: &[JitedFuncRecord]) -> io::Result<()> {
    for f in funcs {
        if let Some(p) = &f.proto {
            writeln!(w, "{}:", sanitize(p))?;
        }
        writeln!(w, "{}:", sanitize(&f.name))?;
        write_insns_plain(w, &f.insns)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// The instruction lines alone (an image without function table).
pub fn write_insns_plain(w: &mut impl Write, insns: &[JitedInsn]) -> io::Result<()> {
    for i in insns {
        if let Some(text) = i.line.as_ref().and_then(|l| line_plain(l, i.linum)) {
            writeln!(w, "; {}", sanitize(&text))?;
        }
        write!(w, "{:4x}:\t{}", i.pc, insn_text(i))?;
        if let Some(b) = &i.bytes {
            w.write_all(b"\n\t")?;
            for x in b {
                write!(w, "{x:02x} ")?;
            }
        }
        w.write_all(b"\n")?;
    }
    Ok(())
}

impl Serialize for JitedInsn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
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
        m.serialize_entry("pc", &format!("{:#x}", self.pc))?;
        m.serialize_entry("operation", &self.mnemonic)?;
        // bpftool (LLVM build) splits operands on white space, commas and
        // parentheses, and gives [null] when there are none.
        let ops: Vec<&str> = self
            .op_str
            .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
            .filter(|s| !s.is_empty())
            .collect();
        if ops.is_empty() {
            m.serialize_entry("operands", &[None::<&str>])?;
        } else {
            m.serialize_entry("operands", &ops)?;
        }
        if let Some(t) = &self.target {
            m.serialize_entry("target", t)?;
        }
        if let Some(b) = &self.bytes {
            let hex: Vec<String> = b.iter().map(|x| format!("{x:#04x}")).collect();
            m.serialize_entry("opcodes", &hex)?;
        }
        m.end()
    }
}

impl Serialize for JitedFuncRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(p) = &self.proto {
            m.serialize_entry("proto", p)?;
        }
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("insns", &self.insns)?;
        m.end()
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    #[test]
    fn x86_function() {
        // nopl 0x0(%rax,%rax,1); push %rbp; call rel32 (to 0x1000); an
        // invalid byte; ret
        let image = [
            0x0f, 0x1f, 0x44, 0x00, 0x00, 0x55, 0xe8, 0xf5, 0x0f, 0x00, 0x00, 0x06, 0xc3,
        ];
        let syms = KernelSymbols::parse("0000000000002000 T some_helper\n".to_string());
        let f = JitedFunc {
            image: &image,
            ksym: 0x1000,
            name: "bpf_prog_x_f".into(),
            proto: None,
        };
        // The call at 0x1006 jumps to 0x1006 + 5 + 0xff5 = 0x2000.
        let recs = disassemble(&[f], &[], None, &syms, true, false).unwrap();
        let m: Vec<&str> = recs[0].insns.iter().map(|i| i.mnemonic.as_str()).collect();
        assert_eq!(m, ["nopl", "pushq", "callq", ".byte", "retq"]);
        assert_eq!(recs[0].insns[2].target.as_deref(), Some("some_helper"));
        let mut out = Vec::new();
        write_plain(&mut out, &recs).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("bpf_prog_x_f:\n   0:\tnopl   (%rax, %rax)\n\t0f 1f 44 00 00 \n"),
            "{text}"
        );
        assert!(
            text.contains("   6:\tcallq  0x2000 <some_helper>\n"),
            "{text}"
        );
        let json = serde_json::to_string(&recs[0].insns[4]).unwrap();
        assert_eq!(
            json,
            r#"{"pc":"0xc","operation":"retq","operands":[null],"opcodes":["0xc3"]}"#
        );
    }

    #[test]
    fn jited_line_map() {
        // Two functions at 0x100 (len 0x20) and 0x200; lines at
        // 0x100, 0x110, 0x200.
        let m =
            JitedLineMap::new(vec![0x100, 0x110, 0x200], &[0x100, 0x200], &[0x20, 0x10]).unwrap();
        assert_eq!(m.lfind(0x100, 0, 0), Some(0));
        assert_eq!(m.lfind(0x115, 0, 1), Some(1));
        assert_eq!(m.lfind(0x115, 0, 2), None);
        assert_eq!(m.lfind(0x204, 1, 0), Some(2));
        assert!(
            JitedLineMap::new(vec![0x100, 0x130, 0x200], &[0x100, 0x200], &[0x20, 0x10]).is_none()
        );
    }
}
