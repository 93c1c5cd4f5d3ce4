//! The kernel's instruction syntax: a line-for-line port of
//! `print_bpf_insn()` in kernel/bpf/disasm.c (the text of the verifier log
//! and of `bpftool prog dump xlated`).
//!
//! Names of call targets and of 64-bit immediates come from a [`Resolve`]
//! implementation, as the kernel's `cb_call`/`cb_imm` callbacks do; with
//! [`NoResolve`] the output is what the verifier log shows.
//! Where the C code indexes a string table with a hole (an opcode that no
//! kernel accepts), C's printf prints `(null)`; so do we, so that the text
//! stays identical even for garbage.

use std::fmt::Write;

use super::helpers::helper_name;
use super::insn::*;

/// Names call targets and 64-bit immediates (the kernel's `bpf_insn_cbs`).
pub trait Resolve {
    /// Told the index of each instruction before it is printed (for
    /// resolvers keyed by position, such as ELF relocations).
    fn at(&self, _idx: usize) {}
    /// Name for the target of a call (`cb_call`); `None` falls back to the
    /// kernel's defaults. Not asked for helper ids the kernel knows.
    fn call_name(&self, _insn: &Insn) -> Option<String> {
        None
    }
    /// Text for the value of `ld_imm64` (`cb_imm`); `next` is the second slot.
    fn imm_name(&self, _insn: &Insn, _next: &Insn, _full_imm: u64) -> Option<String> {
        None
    }
}

/// No names: the verifier log's view.
pub struct NoResolve;
impl Resolve for NoResolve {}

const NULL: &str = "(null)";

fn alu_str(op: u8) -> &'static str {
    match op {
        BPF_ADD => "+=",
        BPF_SUB => "-=",
        BPF_MUL => "*=",
        BPF_DIV => "/=",
        BPF_OR => "|=",
        BPF_AND => "&=",
        BPF_LSH => "<<=",
        BPF_RSH => ">>=",
        BPF_NEG => "neg",
        BPF_MOD => "%=",
        BPF_XOR => "^=",
        BPF_MOV => "=",
        BPF_ARSH => "s>>=",
        BPF_END => "endian",
        _ => NULL,
    }
}

fn alu_sign_str(op: u8) -> &'static str {
    match op {
        BPF_DIV => "s/=",
        BPF_MOD => "s%=",
        _ => NULL,
    }
}

fn atomic_alu_str(op: u8) -> &'static str {
    match op {
        BPF_ADD => "add",
        BPF_AND => "and",
        BPF_OR => "or",
        BPF_XOR => "xor",
        _ => NULL,
    }
}

fn ldst_str(size: u8) -> &'static str {
    match size {
        BPF_W => "u32",
        BPF_H => "u16",
        BPF_B => "u8",
        _ => "u64",
    }
}

fn ldsx_str(size: u8) -> &'static str {
    match size {
        BPF_W => "s32",
        BPF_H => "s16",
        BPF_B => "s8",
        _ => NULL,
    }
}

fn jmp_str(op: u8) -> &'static str {
    match op {
        BPF_JA => "jmp",
        BPF_JEQ => "==",
        BPF_JGT => ">",
        BPF_JLT => "<",
        BPF_JGE => ">=",
        BPF_JLE => "<=",
        BPF_JSET => "&",
        BPF_JNE => "!=",
        BPF_JSGT => "s>",
        BPF_JSLT => "s<",
        BPF_JSGE => "s>=",
        BPF_JSLE => "s<=",
        BPF_CALL => "call",
        BPF_EXIT => "exit",
        _ => NULL,
    }
}

fn is_sdiv_smod(i: Insn) -> bool {
    matches!(i.op(), BPF_DIV | BPF_MOD) && i.off == 1
}

fn is_movsx(i: Insn) -> bool {
    i.op() == BPF_MOV && matches!(i.off, 8 | 16 | 32)
}

fn movsx_str(off: i16) -> &'static str {
    match off {
        8 => "(s8)",
        16 => "(s16)",
        32 => "(s32)",
        _ => "",
    }
}

/// `__func_get_name()`: the name printed after `call`.
fn func_name(r: &dyn Resolve, insn: &Insn, fallback: &str) -> String {
    if insn.src_reg == 0 {
        if let Some(name) = helper_name(insn.imm) {
            return name.to_string();
        }
    }
    if let Some(name) = r.call_name(insn) {
        return name;
    }
    match insn.src_reg {
        BPF_PSEUDO_CALL => format!("{:+}", insn.imm),
        BPF_PSEUDO_KFUNC_CALL => "kernel-function".to_string(),
        _ => fallback.to_string(),
    }
}

/// Appends the text of instruction `idx` of `insns` to `out`, without the
/// trailing newline. For ld_imm64 the second slot is read from `idx + 1`
/// (taken as zero when the image is cut short).
pub fn write_insn(out: &mut String, r: &dyn Resolve, insns: &[Insn], idx: usize) {
    let Some(&insn) = insns.get(idx) else {
        return;
    };
    r.at(idx);
    // Writing to a String cannot fail.
    let _ = write_insn_inner(out, r, insns, idx, insn);
}

/// The text of one instruction, as [`write_insn`].
pub fn insn_text(r: &dyn Resolve, insns: &[Insn], idx: usize) -> String {
    let mut s = String::with_capacity(48);
    write_insn(&mut s, r, insns, idx);
    s
}

fn write_insn_inner(
    out: &mut String,
    r: &dyn Resolve,
    insns: &[Insn],
    idx: usize,
    insn: Insn,
) -> std::fmt::Result {
    let code = insn.code;
    let class = insn.class();
    let dst = insn.dst_reg;
    let src = insn.src_reg;
    let off = insn.off;
    let imm = insn.imm;
    match class {
        BPF_ALU | BPF_ALU64 => {
            let rc = if class == BPF_ALU { 'w' } else { 'r' };
            let op = insn.op();
            if op == BPF_END {
                if class == BPF_ALU64 {
                    write!(out, "({code:02x}) r{dst} = bswap{imm} r{dst}")
                } else {
                    let order = if insn.src() == BPF_TO_BE { "be" } else { "le" };
                    write!(out, "({code:02x}) r{dst} = {order}{imm} r{dst}")
                }
            } else if op == BPF_NEG {
                write!(out, "({code:02x}) {rc}{dst} = -{rc}{dst}")
            } else if code == (BPF_ALU64 | BPF_MOV | BPF_X) && off == BPF_ADDR_SPACE_CAST {
                write!(
                    out,
                    "({code:02x}) r{dst} = addr_space_cast(r{src}, {}, {})",
                    (imm as u32) >> 16,
                    imm as u16
                )
            } else if code == (BPF_ALU64 | BPF_MOV | BPF_X) && off == BPF_ADDR_PERCPU {
                write!(out, "({code:02x}) r{dst} = &(void __percpu *)(r{src})")
            } else {
                let opstr = if is_sdiv_smod(insn) {
                    alu_sign_str(op)
                } else {
                    alu_str(op)
                };
                if insn.src() == BPF_X {
                    let sx = if is_movsx(insn) { movsx_str(off) } else { "" };
                    write!(out, "({code:02x}) {rc}{dst} {opstr} {sx}{rc}{src}")
                } else {
                    write!(out, "({code:02x}) {rc}{dst} {opstr} {imm}")
                }
            }
        }
        BPF_STX => {
            let sz = ldst_str(insn.size());
            let dw = if insn.size() == BPF_DW { "64" } else { "" };
            if insn.mode() == BPF_MEM {
                write!(out, "({code:02x}) *({sz} *)(r{dst} {off:+}) = r{src}")
            } else if insn.mode() == BPF_ATOMIC {
                let aop = (imm & 0xf0) as u8;
                match imm {
                    0x00 | 0x50 | 0x40 | 0xa0 => write!(
                        out,
                        "({code:02x}) lock *({sz} *)(r{dst} {off:+}) {} r{src}",
                        alu_str(aop)
                    ),
                    0x01 | 0x51 | 0x41 | 0xa1 => write!(
                        out,
                        "({code:02x}) r{src} = atomic{dw}_fetch_{}(({sz} *)(r{dst} {off:+}), r{src})",
                        atomic_alu_str(aop)
                    ),
                    BPF_CMPXCHG => write!(
                        out,
                        "({code:02x}) r0 = atomic{dw}_cmpxchg(({sz} *)(r{dst} {off:+}), r0, r{src})"
                    ),
                    BPF_XCHG => write!(
                        out,
                        "({code:02x}) r{src} = atomic{dw}_xchg(({sz} *)(r{dst} {off:+}), r{src})"
                    ),
                    BPF_LOAD_ACQ => write!(
                        out,
                        "({code:02x}) r{dst} = load_acquire(({sz} *)(r{src} {off:+}))"
                    ),
                    BPF_STORE_REL => write!(
                        out,
                        "({code:02x}) store_release(({sz} *)(r{dst} {off:+}), r{src})"
                    ),
                    _ => write!(out, "BUG_{code:02x}"),
                }
            } else {
                write!(out, "BUG_{code:02x}")
            }
        }
        BPF_ST => {
            if insn.mode() == BPF_MEM {
                let sz = ldst_str(insn.size());
                write!(out, "({code:02x}) *({sz} *)(r{dst} {off:+}) = {imm}")
            } else if insn.mode() == BPF_NOSPEC {
                write!(out, "({code:02x}) nospec")
            } else {
                write!(out, "BUG_st_{code:02x}")
            }
        }
        BPF_LDX => {
            let sz = match insn.mode() {
                BPF_MEM => ldst_str(insn.size()),
                BPF_MEMSX => ldsx_str(insn.size()),
                _ => return write!(out, "BUG_ldx_{code:02x}"),
            };
            write!(out, "({code:02x}) r{dst} = *({sz} *)(r{src} {off:+})")
        }
        BPF_LD => {
            let sz = ldst_str(insn.size());
            match insn.mode() {
                BPF_ABS => write!(out, "({code:02x}) r0 = *({sz} *)skb[{imm}]"),
                BPF_IND => write!(out, "({code:02x}) r0 = *({sz} *)skb[r{src} + {imm}]"),
                BPF_IMM if insn.size() == BPF_DW => {
                    let next = insns.get(idx + 1).copied().unwrap_or_default();
                    let full = (u64::from(next.imm as u32) << 32) | u64::from(imm as u32);
                    match r.imm_name(&insn, &next, full) {
                        Some(name) => write!(out, "({code:02x}) r{dst} = {name}"),
                        None => write!(out, "({code:02x}) r{dst} = {full:#x}"),
                    }
                }
                _ => write!(out, "BUG_ld_{code:02x}"),
            }
        }
        _ => {
            // BPF_JMP and BPF_JMP32: the only classes left.
            let op = insn.op();
            let rc = if class == BPF_JMP32 { 'w' } else { 'r' };
            if op == BPF_CALL {
                if src == BPF_PSEUDO_CALL {
                    write!(out, "({code:02x}) call pc{}", func_name(r, &insn, ""))
                } else {
                    write!(
                        out,
                        "({code:02x}) call {}#{imm}",
                        func_name(r, &insn, "unknown")
                    )
                }
            } else if code == (BPF_JMP | BPF_JA) {
                write!(out, "({code:02x}) goto pc{off:+}")
            } else if code == (BPF_JMP | BPF_JA | BPF_X) {
                write!(out, "({code:02x}) gotox r{dst}")
            } else if code == (BPF_JMP | BPF_JCOND) && src == BPF_MAY_GOTO {
                write!(out, "({code:02x}) may_goto pc{off:+}")
            } else if code == (BPF_JMP32 | BPF_JA) {
                write!(out, "({code:02x}) gotol pc{imm:+}")
            } else if code == (BPF_JMP | BPF_EXIT) {
                write!(out, "({code:02x}) exit")
            } else if insn.src() == BPF_X {
                write!(
                    out,
                    "({code:02x}) if {rc}{dst} {} {rc}{src} goto pc{off:+}",
                    jmp_str(op)
                )
            } else {
                write!(
                    out,
                    "({code:02x}) if {rc}{dst} {} {:#x} goto pc{off:+}",
                    jmp_str(op),
                    imm as u32
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (code, dst, src, off, imm, expected text): every class, mode, size,
    /// ALU/jump operation and source, v1 to v4 (sdiv/smod, movsx, bswap,
    /// sign-extending loads, gotol, load-acquire/store-release), plus the
    /// kernel's `BUG_` texts for encodings it rejects. Written from
    /// kernel/bpf/disasm.c by an independent model of its printf formats.
    const TABLE: &[(u8, u8, u8, i16, i32, &str)] = &[
        (0x04, 1, 0, 0, -7, "(04) w1 += -7"),        // alu K
        (0x0c, 2, 3, 0, 0, "(0c) w2 += w3"),         // alu X
        (0x14, 1, 0, 0, -7, "(14) w1 -= -7"),        // alu K
        (0x1c, 2, 3, 0, 0, "(1c) w2 -= w3"),         // alu X
        (0x24, 1, 0, 0, -7, "(24) w1 *= -7"),        // alu K
        (0x2c, 2, 3, 0, 0, "(2c) w2 *= w3"),         // alu X
        (0x34, 1, 0, 0, -7, "(34) w1 /= -7"),        // alu K
        (0x3c, 2, 3, 0, 0, "(3c) w2 /= w3"),         // alu X
        (0x44, 1, 0, 0, -7, "(44) w1 |= -7"),        // alu K
        (0x4c, 2, 3, 0, 0, "(4c) w2 |= w3"),         // alu X
        (0x54, 1, 0, 0, -7, "(54) w1 &= -7"),        // alu K
        (0x5c, 2, 3, 0, 0, "(5c) w2 &= w3"),         // alu X
        (0x64, 1, 0, 0, -7, "(64) w1 <<= -7"),       // alu K
        (0x6c, 2, 3, 0, 0, "(6c) w2 <<= w3"),        // alu X
        (0x74, 1, 0, 0, -7, "(74) w1 >>= -7"),       // alu K
        (0x7c, 2, 3, 0, 0, "(7c) w2 >>= w3"),        // alu X
        (0x94, 1, 0, 0, -7, "(94) w1 %= -7"),        // alu K
        (0x9c, 2, 3, 0, 0, "(9c) w2 %= w3"),         // alu X
        (0xa4, 1, 0, 0, -7, "(a4) w1 ^= -7"),        // alu K
        (0xac, 2, 3, 0, 0, "(ac) w2 ^= w3"),         // alu X
        (0xb4, 1, 0, 0, -7, "(b4) w1 = -7"),         // alu K
        (0xbc, 2, 3, 0, 0, "(bc) w2 = w3"),          // alu X
        (0xc4, 1, 0, 0, -7, "(c4) w1 s>>= -7"),      // alu K
        (0xcc, 2, 3, 0, 0, "(cc) w2 s>>= w3"),       // alu X
        (0x84, 4, 0, 0, 0, "(84) w4 = -w4"),         // alu neg
        (0x3c, 1, 2, 1, 0, "(3c) w1 s/= w2"),        // alu sdiv X
        (0x34, 1, 0, 1, 5, "(34) w1 s/= 5"),         // alu sdiv K
        (0x9c, 1, 2, 1, 0, "(9c) w1 s%= w2"),        // alu smod X
        (0x94, 1, 0, 1, -3, "(94) w1 s%= -3"),       // alu smod K
        (0xbc, 5, 6, 8, 0, "(bc) w5 = (s8)w6"),      // alu movsx8
        (0xbc, 5, 6, 16, 0, "(bc) w5 = (s16)w6"),    // alu movsx16
        (0x07, 1, 0, 0, -7, "(07) r1 += -7"),        // alu64 K
        (0x0f, 2, 3, 0, 0, "(0f) r2 += r3"),         // alu64 X
        (0x17, 1, 0, 0, -7, "(17) r1 -= -7"),        // alu64 K
        (0x1f, 2, 3, 0, 0, "(1f) r2 -= r3"),         // alu64 X
        (0x27, 1, 0, 0, -7, "(27) r1 *= -7"),        // alu64 K
        (0x2f, 2, 3, 0, 0, "(2f) r2 *= r3"),         // alu64 X
        (0x37, 1, 0, 0, -7, "(37) r1 /= -7"),        // alu64 K
        (0x3f, 2, 3, 0, 0, "(3f) r2 /= r3"),         // alu64 X
        (0x47, 1, 0, 0, -7, "(47) r1 |= -7"),        // alu64 K
        (0x4f, 2, 3, 0, 0, "(4f) r2 |= r3"),         // alu64 X
        (0x57, 1, 0, 0, -7, "(57) r1 &= -7"),        // alu64 K
        (0x5f, 2, 3, 0, 0, "(5f) r2 &= r3"),         // alu64 X
        (0x67, 1, 0, 0, -7, "(67) r1 <<= -7"),       // alu64 K
        (0x6f, 2, 3, 0, 0, "(6f) r2 <<= r3"),        // alu64 X
        (0x77, 1, 0, 0, -7, "(77) r1 >>= -7"),       // alu64 K
        (0x7f, 2, 3, 0, 0, "(7f) r2 >>= r3"),        // alu64 X
        (0x97, 1, 0, 0, -7, "(97) r1 %= -7"),        // alu64 K
        (0x9f, 2, 3, 0, 0, "(9f) r2 %= r3"),         // alu64 X
        (0xa7, 1, 0, 0, -7, "(a7) r1 ^= -7"),        // alu64 K
        (0xaf, 2, 3, 0, 0, "(af) r2 ^= r3"),         // alu64 X
        (0xb7, 1, 0, 0, -7, "(b7) r1 = -7"),         // alu64 K
        (0xbf, 2, 3, 0, 0, "(bf) r2 = r3"),          // alu64 X
        (0xc7, 1, 0, 0, -7, "(c7) r1 s>>= -7"),      // alu64 K
        (0xcf, 2, 3, 0, 0, "(cf) r2 s>>= r3"),       // alu64 X
        (0x87, 4, 0, 0, 0, "(87) r4 = -r4"),         // alu64 neg
        (0x3f, 1, 2, 1, 0, "(3f) r1 s/= r2"),        // alu64 sdiv X
        (0x37, 1, 0, 1, 5, "(37) r1 s/= 5"),         // alu64 sdiv K
        (0x9f, 1, 2, 1, 0, "(9f) r1 s%= r2"),        // alu64 smod X
        (0x97, 1, 0, 1, -3, "(97) r1 s%= -3"),       // alu64 smod K
        (0xbf, 5, 6, 8, 0, "(bf) r5 = (s8)r6"),      // alu64 movsx8
        (0xbf, 5, 6, 16, 0, "(bf) r5 = (s16)r6"),    // alu64 movsx16
        (0xbf, 5, 6, 32, 0, "(bf) r5 = (s32)r6"),    // alu64 movsx32
        (0xd4, 1, 0, 0, 16, "(d4) r1 = le16 r1"),    // end le
        (0xdc, 1, 0, 0, 16, "(dc) r1 = be16 r1"),    // end be
        (0xd7, 1, 0, 0, 16, "(d7) r1 = bswap16 r1"), // bswap
        (0xd4, 1, 0, 0, 32, "(d4) r1 = le32 r1"),    // end le
        (0xdc, 1, 0, 0, 32, "(dc) r1 = be32 r1"),    // end be
        (0xd7, 1, 0, 0, 32, "(d7) r1 = bswap32 r1"), // bswap
        (0xd4, 1, 0, 0, 64, "(d4) r1 = le64 r1"),    // end le
        (0xdc, 1, 0, 0, 64, "(dc) r1 = be64 r1"),    // end be
        (0xd7, 1, 0, 0, 64, "(d7) r1 = bswap64 r1"), // bswap
        (0xbf, 1, 2, 1, 65536, "(bf) r1 = addr_space_cast(r2, 1, 0)"), // arena cast
        (0xbf, 1, 2, 1, 1, "(bf) r1 = addr_space_cast(r2, 0, 1)"), // arena cast
        (0xbf, 0, 0, -1, 0, "(bf) r0 = &(void __percpu *)(r0)"), // percpu addr
        (0x61, 0, 1, -8, 0, "(61) r0 = *(u32 *)(r1 -8)"), // ldx mem
        (0x62, 10, 0, 16, -1, "(62) *(u32 *)(r10 +16) = -1"), // st mem
        (0x63, 10, 3, -4, 0, "(63) *(u32 *)(r10 -4) = r3"), // stx mem
        (0x81, 2, 1, 0, 0, "(81) r2 = *(s32 *)(r1 +0)"), // ldx memsx
        (0x20, 0, 0, 0, 12, "(20) r0 = *(u32 *)skb[12]"), // ld abs
        (0x40, 0, 7, 0, 2, "(40) r0 = *(u32 *)skb[r7 + 2]"), // ld ind
        (0x69, 0, 1, -8, 0, "(69) r0 = *(u16 *)(r1 -8)"), // ldx mem
        (0x6a, 10, 0, 16, -1, "(6a) *(u16 *)(r10 +16) = -1"), // st mem
        (0x6b, 10, 3, -4, 0, "(6b) *(u16 *)(r10 -4) = r3"), // stx mem
        (0x89, 2, 1, 0, 0, "(89) r2 = *(s16 *)(r1 +0)"), // ldx memsx
        (0x28, 0, 0, 0, 12, "(28) r0 = *(u16 *)skb[12]"), // ld abs
        (0x48, 0, 7, 0, 2, "(48) r0 = *(u16 *)skb[r7 + 2]"), // ld ind
        (0x71, 0, 1, -8, 0, "(71) r0 = *(u8 *)(r1 -8)"), // ldx mem
        (0x72, 10, 0, 16, -1, "(72) *(u8 *)(r10 +16) = -1"), // st mem
        (0x73, 10, 3, -4, 0, "(73) *(u8 *)(r10 -4) = r3"), // stx mem
        (0x91, 2, 1, 0, 0, "(91) r2 = *(s8 *)(r1 +0)"), // ldx memsx
        (0x30, 0, 0, 0, 12, "(30) r0 = *(u8 *)skb[12]"), // ld abs
        (0x50, 0, 7, 0, 2, "(50) r0 = *(u8 *)skb[r7 + 2]"), // ld ind
        (0x79, 0, 1, -8, 0, "(79) r0 = *(u64 *)(r1 -8)"), // ldx mem
        (0x7a, 10, 0, 16, -1, "(7a) *(u64 *)(r10 +16) = -1"), // st mem
        (0x7b, 10, 3, -4, 0, "(7b) *(u64 *)(r10 -4) = r3"), // stx mem
        (0xc3, 1, 2, 8, 0, "(c3) lock *(u32 *)(r1 +8) += r2"), // atomic
        (0xc3, 1, 2, 8, 64, "(c3) lock *(u32 *)(r1 +8) |= r2"), // atomic
        (0xc3, 1, 2, 8, 80, "(c3) lock *(u32 *)(r1 +8) &= r2"), // atomic
        (0xc3, 1, 2, 8, 160, "(c3) lock *(u32 *)(r1 +8) ^= r2"), // atomic
        (
            0xc3,
            1,
            2,
            8,
            1,
            "(c3) r2 = atomic_fetch_add((u32 *)(r1 +8), r2)",
        ), // atomic fetch
        (
            0xc3,
            1,
            2,
            8,
            65,
            "(c3) r2 = atomic_fetch_or((u32 *)(r1 +8), r2)",
        ), // atomic fetch
        (
            0xc3,
            1,
            2,
            8,
            81,
            "(c3) r2 = atomic_fetch_and((u32 *)(r1 +8), r2)",
        ), // atomic fetch
        (
            0xc3,
            1,
            2,
            8,
            161,
            "(c3) r2 = atomic_fetch_xor((u32 *)(r1 +8), r2)",
        ), // atomic fetch
        (
            0xc3,
            1,
            2,
            -8,
            225,
            "(c3) r2 = atomic_xchg((u32 *)(r1 -8), r2)",
        ), // xchg
        (
            0xc3,
            1,
            2,
            -8,
            241,
            "(c3) r0 = atomic_cmpxchg((u32 *)(r1 -8), r0, r2)",
        ), // cmpxchg
        (0xc3, 3, 1, 4, 256, "(c3) r3 = load_acquire((u32 *)(r1 +4))"), // load_acquire
        (0xc3, 1, 3, 4, 272, "(c3) store_release((u32 *)(r1 +4), r3)"), // store_release
        (0xc3, 1, 3, 4, 32, "BUG_c3"),               // bad atomic op
        (0xdb, 1, 2, 8, 0, "(db) lock *(u64 *)(r1 +8) += r2"), // atomic
        (0xdb, 1, 2, 8, 64, "(db) lock *(u64 *)(r1 +8) |= r2"), // atomic
        (0xdb, 1, 2, 8, 80, "(db) lock *(u64 *)(r1 +8) &= r2"), // atomic
        (0xdb, 1, 2, 8, 160, "(db) lock *(u64 *)(r1 +8) ^= r2"), // atomic
        (
            0xdb,
            1,
            2,
            8,
            1,
            "(db) r2 = atomic64_fetch_add((u64 *)(r1 +8), r2)",
        ), // atomic fetch
        (
            0xdb,
            1,
            2,
            8,
            65,
            "(db) r2 = atomic64_fetch_or((u64 *)(r1 +8), r2)",
        ), // atomic fetch
        (
            0xdb,
            1,
            2,
            8,
            81,
            "(db) r2 = atomic64_fetch_and((u64 *)(r1 +8), r2)",
        ), // atomic fetch
        (
            0xdb,
            1,
            2,
            8,
            161,
            "(db) r2 = atomic64_fetch_xor((u64 *)(r1 +8), r2)",
        ), // atomic fetch
        (
            0xdb,
            1,
            2,
            -8,
            225,
            "(db) r2 = atomic64_xchg((u64 *)(r1 -8), r2)",
        ), // xchg
        (
            0xdb,
            1,
            2,
            -8,
            241,
            "(db) r0 = atomic64_cmpxchg((u64 *)(r1 -8), r0, r2)",
        ), // cmpxchg
        (0xdb, 3, 1, 4, 256, "(db) r3 = load_acquire((u64 *)(r1 +4))"), // load_acquire
        (0xdb, 1, 3, 4, 272, "(db) store_release((u64 *)(r1 +4), r3)"), // store_release
        (0xdb, 1, 3, 4, 32, "BUG_db"),               // bad atomic op
        (0xcb, 3, 1, 4, 256, "(cb) r3 = load_acquire((u16 *)(r1 +4))"), // load_acquire
        (0xcb, 1, 3, 4, 272, "(cb) store_release((u16 *)(r1 +4), r3)"), // store_release
        (0xd3, 3, 1, 4, 256, "(d3) r3 = load_acquire((u8 *)(r1 +4))"), // load_acquire
        (0xd3, 1, 3, 4, 272, "(d3) store_release((u8 *)(r1 +4), r3)"), // store_release
        (0xc2, 0, 0, 0, 0, "(c2) nospec"),           // nospec
        (0x22, 0, 0, 0, 0, "BUG_st_22"),             // st bad mode
        (0x23, 0, 0, 0, 0, "BUG_23"),                // stx bad mode
        (0x21, 0, 0, 0, 0, "BUG_ldx_21"),            // ldx bad mode
        (0x60, 0, 0, 0, 0, "BUG_ld_60"),             // ld bad mode
        (0x00, 0, 0, 0, 0, "BUG_ld_00"),             // ld imm32
        (0x15, 1, 0, 3, -1, "(15) if r1 == 0xffffffff goto pc+3"), // jmp K
        (0x1d, 1, 2, -3, 0, "(1d) if r1 == r2 goto pc-3"), // jmp X
        (0x25, 1, 0, 3, -1, "(25) if r1 > 0xffffffff goto pc+3"), // jmp K
        (0x2d, 1, 2, -3, 0, "(2d) if r1 > r2 goto pc-3"), // jmp X
        (0x35, 1, 0, 3, -1, "(35) if r1 >= 0xffffffff goto pc+3"), // jmp K
        (0x3d, 1, 2, -3, 0, "(3d) if r1 >= r2 goto pc-3"), // jmp X
        (0x45, 1, 0, 3, -1, "(45) if r1 & 0xffffffff goto pc+3"), // jmp K
        (0x4d, 1, 2, -3, 0, "(4d) if r1 & r2 goto pc-3"), // jmp X
        (0x55, 1, 0, 3, -1, "(55) if r1 != 0xffffffff goto pc+3"), // jmp K
        (0x5d, 1, 2, -3, 0, "(5d) if r1 != r2 goto pc-3"), // jmp X
        (0x65, 1, 0, 3, -1, "(65) if r1 s> 0xffffffff goto pc+3"), // jmp K
        (0x6d, 1, 2, -3, 0, "(6d) if r1 s> r2 goto pc-3"), // jmp X
        (0x75, 1, 0, 3, -1, "(75) if r1 s>= 0xffffffff goto pc+3"), // jmp K
        (0x7d, 1, 2, -3, 0, "(7d) if r1 s>= r2 goto pc-3"), // jmp X
        (0xa5, 1, 0, 3, -1, "(a5) if r1 < 0xffffffff goto pc+3"), // jmp K
        (0xad, 1, 2, -3, 0, "(ad) if r1 < r2 goto pc-3"), // jmp X
        (0xb5, 1, 0, 3, -1, "(b5) if r1 <= 0xffffffff goto pc+3"), // jmp K
        (0xbd, 1, 2, -3, 0, "(bd) if r1 <= r2 goto pc-3"), // jmp X
        (0xc5, 1, 0, 3, -1, "(c5) if r1 s< 0xffffffff goto pc+3"), // jmp K
        (0xcd, 1, 2, -3, 0, "(cd) if r1 s< r2 goto pc-3"), // jmp X
        (0xd5, 1, 0, 3, -1, "(d5) if r1 s<= 0xffffffff goto pc+3"), // jmp K
        (0xdd, 1, 2, -3, 0, "(dd) if r1 s<= r2 goto pc-3"), // jmp X
        (0x16, 1, 0, 3, -1, "(16) if w1 == 0xffffffff goto pc+3"), // jmp K
        (0x1e, 1, 2, -3, 0, "(1e) if w1 == w2 goto pc-3"), // jmp X
        (0x26, 1, 0, 3, -1, "(26) if w1 > 0xffffffff goto pc+3"), // jmp K
        (0x2e, 1, 2, -3, 0, "(2e) if w1 > w2 goto pc-3"), // jmp X
        (0x36, 1, 0, 3, -1, "(36) if w1 >= 0xffffffff goto pc+3"), // jmp K
        (0x3e, 1, 2, -3, 0, "(3e) if w1 >= w2 goto pc-3"), // jmp X
        (0x46, 1, 0, 3, -1, "(46) if w1 & 0xffffffff goto pc+3"), // jmp K
        (0x4e, 1, 2, -3, 0, "(4e) if w1 & w2 goto pc-3"), // jmp X
        (0x56, 1, 0, 3, -1, "(56) if w1 != 0xffffffff goto pc+3"), // jmp K
        (0x5e, 1, 2, -3, 0, "(5e) if w1 != w2 goto pc-3"), // jmp X
        (0x66, 1, 0, 3, -1, "(66) if w1 s> 0xffffffff goto pc+3"), // jmp K
        (0x6e, 1, 2, -3, 0, "(6e) if w1 s> w2 goto pc-3"), // jmp X
        (0x76, 1, 0, 3, -1, "(76) if w1 s>= 0xffffffff goto pc+3"), // jmp K
        (0x7e, 1, 2, -3, 0, "(7e) if w1 s>= w2 goto pc-3"), // jmp X
        (0xa6, 1, 0, 3, -1, "(a6) if w1 < 0xffffffff goto pc+3"), // jmp K
        (0xae, 1, 2, -3, 0, "(ae) if w1 < w2 goto pc-3"), // jmp X
        (0xb6, 1, 0, 3, -1, "(b6) if w1 <= 0xffffffff goto pc+3"), // jmp K
        (0xbe, 1, 2, -3, 0, "(be) if w1 <= w2 goto pc-3"), // jmp X
        (0xc6, 1, 0, 3, -1, "(c6) if w1 s< 0xffffffff goto pc+3"), // jmp K
        (0xce, 1, 2, -3, 0, "(ce) if w1 s< w2 goto pc-3"), // jmp X
        (0xd6, 1, 0, 3, -1, "(d6) if w1 s<= 0xffffffff goto pc+3"), // jmp K
        (0xde, 1, 2, -3, 0, "(de) if w1 s<= w2 goto pc-3"), // jmp X
        (0x05, 0, 0, -1, 0, "(05) goto pc-1"),       // ja
        (0x05, 0, 0, 0, 0, "(05) goto pc+0"),        // ja 0
        (0x06, 0, 0, 0, 70000, "(06) gotol pc+70000"), // gotol
        (0x0d, 3, 0, 0, 0, "(0d) gotox r3"),         // gotox
        (0xe5, 0, 0, 5, 0, "(e5) may_goto pc+5"),    // may_goto
        (0x95, 0, 0, 0, 0, "(95) exit"),             // exit
        (0x85, 0, 0, 0, 1, "(85) call bpf_map_lookup_elem#1"), // helper
        (0x85, 0, 0, 0, 181, "(85) call bpf_loop#181"), // helper
        (0x85, 0, 0, 0, 211, "(85) call bpf_cgrp_storage_delete#211"), // last helper
        (0x85, 0, 0, 0, 212, "(85) call unknown#212"), // unknown helper
        (0x85, 0, 0, 0, -5, "(85) call unknown#-5"), // negative helper
        (0x85, 0, 1, 0, 7, "(85) call pc+7"),        // bpf-to-bpf
        (0x85, 0, 1, 0, -9, "(85) call pc-9"),       // bpf-to-bpf back
        (0x85, 0, 2, 0, 1234, "(85) call kernel-function#1234"), // kfunc
        (0x85, 0, 3, 0, 4, "(85) call unknown#4"),   // bad call src
    ];

    #[test]
    fn every_single_slot_encoding() {
        let mut bad = Vec::new();
        for &(code, dst, src, off, imm, want) in TABLE {
            let insns = [Insn::new(code, dst, src, off, imm)];
            let got = insn_text(&NoResolve, &insns, 0);
            if got != want {
                bad.push(format!("{code:#04x}: got {got:?}, want {want:?}"));
            }
        }
        assert!(
            bad.is_empty(),
            "{} mismatches:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }

    #[test]
    fn table_covers_every_class_and_mode() {
        let codes: std::collections::BTreeSet<u8> = TABLE.iter().map(|t| t.0).collect();
        // Every ALU/JMP opcode of both widths and both sources.
        for base in [BPF_ALU, BPF_ALU64] {
            for op in (0..=0xd0).step_by(0x10) {
                assert!(codes.contains(&(base | op)), "{:#x}", base | op);
            }
        }
        for base in [BPF_JMP, BPF_JMP32] {
            for op in [
                0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0,
            ] {
                assert!(codes.contains(&(base | op)) && codes.contains(&(base | op | BPF_X)));
            }
        }
        for size in [BPF_W, BPF_H, BPF_B, BPF_DW] {
            for c in [BPF_LDX | BPF_MEM, BPF_ST | BPF_MEM, BPF_STX | BPF_MEM] {
                assert!(codes.contains(&(c | size)), "{:#x}", c | size);
            }
            assert!(codes.contains(&(BPF_STX | BPF_ATOMIC | size)));
        }
    }

    struct Names;
    impl Resolve for Names {
        fn call_name(&self, insn: &Insn) -> Option<String> {
            match insn.src_reg {
                BPF_PSEUDO_CALL => Some(format!("{:+}#sub", insn.off)),
                _ => Some("sym".to_string()),
            }
        }
        fn imm_name(&self, insn: &Insn, next: &Insn, _full: u64) -> Option<String> {
            (insn.src_reg == BPF_PSEUDO_MAP_VALUE)
                .then(|| format!("map[id:{}][0]+{}", insn.imm, next.imm))
        }
    }

    #[test]
    fn ld_imm64_and_callbacks() {
        let p = [
            Insn::new(LD_IMM64, 1, 0, 0, 0x5678),
            Insn::new(0, 0, 0, 0, 0x1234),
            Insn::new(LD_IMM64, 2, BPF_PSEUDO_MAP_VALUE, 0, 7),
            Insn::new(0, 0, 0, 0, 16),
            Insn::new(LD_IMM64, 3, BPF_PSEUDO_MAP_FD, 0, -1),
            Insn::new(0, 0, 0, 0, -1),
        ];
        assert_eq!(insn_text(&NoResolve, &p, 0), "(18) r1 = 0x123400005678");
        assert_eq!(insn_text(&NoResolve, &p, 2), "(18) r2 = 0x1000000007");
        assert_eq!(insn_text(&NoResolve, &p, 4), "(18) r3 = 0xffffffffffffffff");
        assert_eq!(insn_text(&Names, &p, 2), "(18) r2 = map[id:7][0]+16");
        assert_eq!(insn_text(&Names, &p, 0), "(18) r1 = 0x123400005678");
        // Cut short: the missing half reads as zero.
        assert_eq!(insn_text(&NoResolve, &p[..1], 0), "(18) r1 = 0x5678");

        // Known helper ids win over the callback, as in the kernel.
        let c = [
            Insn::new(0x85, 0, 0, 0, 5),
            Insn::new(0x85, 0, 0, 0, 300000),
            Insn::new(0x85, 0, 1, 12, 2),
            Insn::new(0x85, 0, 2, 0, 99),
        ];
        assert_eq!(insn_text(&Names, &c, 0), "(85) call bpf_ktime_get_ns#5");
        assert_eq!(insn_text(&Names, &c, 1), "(85) call sym#300000");
        assert_eq!(insn_text(&Names, &c, 2), "(85) call pc+12#sub");
        assert_eq!(insn_text(&Names, &c, 3), "(85) call sym#99");
    }

    #[test]
    fn holes_print_null_like_c() {
        let p = [Insn::new(0xe4, 1, 0, 0, 1), Insn::new(0xe5, 1, 1, 2, 3)];
        assert_eq!(insn_text(&NoResolve, &p, 0), "(e4) w1 (null) 1");
        assert_eq!(
            insn_text(&NoResolve, &p, 1),
            "(e5) if r1 (null) 0x3 goto pc+2"
        );
    }
}
