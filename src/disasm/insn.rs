//! The eBPF instruction encoding: the 8-byte `struct bpf_insn`, the opcode
//! field constants of the uapi header, and a decoder that classifies each
//! instruction by its effect on control flow.
//!
//! The decoder accepts every byte pattern: it never fails, it only says what
//! an instruction does to the program counter. The printer (`printer.rs`)
//! turns the same fields into the kernel's text.

// Instruction classes (`BPF_CLASS(code)`).
pub const BPF_LD: u8 = 0x00;
pub const BPF_LDX: u8 = 0x01;
pub const BPF_ST: u8 = 0x02;
pub const BPF_STX: u8 = 0x03;
pub const BPF_ALU: u8 = 0x04;
pub const BPF_JMP: u8 = 0x05;
pub const BPF_JMP32: u8 = 0x06;
pub const BPF_ALU64: u8 = 0x07;

// Load/store sizes (`BPF_SIZE(code)`).
pub const BPF_W: u8 = 0x00;
pub const BPF_H: u8 = 0x08;
pub const BPF_B: u8 = 0x10;
pub const BPF_DW: u8 = 0x18;

// Load/store modes (`BPF_MODE(code)`).
pub const BPF_IMM: u8 = 0x00;
pub const BPF_ABS: u8 = 0x20;
pub const BPF_IND: u8 = 0x40;
pub const BPF_MEM: u8 = 0x60;
pub const BPF_MEMSX: u8 = 0x80;
pub const BPF_ATOMIC: u8 = 0xc0;
/// `BPF_ST | 0xc0`: the verifier's speculation barrier (not in the uapi).
pub const BPF_NOSPEC: u8 = 0xc0;

// Operand source (`BPF_SRC(code)`); for BPF_END the byte order.
pub const BPF_K: u8 = 0x00;
pub const BPF_X: u8 = 0x08;
pub const BPF_TO_BE: u8 = 0x08;

// ALU operations (`BPF_OP(code)`).
pub const BPF_ADD: u8 = 0x00;
pub const BPF_SUB: u8 = 0x10;
pub const BPF_MUL: u8 = 0x20;
pub const BPF_DIV: u8 = 0x30;
pub const BPF_OR: u8 = 0x40;
pub const BPF_AND: u8 = 0x50;
pub const BPF_LSH: u8 = 0x60;
pub const BPF_RSH: u8 = 0x70;
pub const BPF_NEG: u8 = 0x80;
pub const BPF_MOD: u8 = 0x90;
pub const BPF_XOR: u8 = 0xa0;
pub const BPF_MOV: u8 = 0xb0;
pub const BPF_ARSH: u8 = 0xc0;
pub const BPF_END: u8 = 0xd0;

// Jump operations (`BPF_OP(code)`).
pub const BPF_JA: u8 = 0x00;
pub const BPF_JEQ: u8 = 0x10;
pub const BPF_JGT: u8 = 0x20;
pub const BPF_JGE: u8 = 0x30;
pub const BPF_JSET: u8 = 0x40;
pub const BPF_JNE: u8 = 0x50;
pub const BPF_JSGT: u8 = 0x60;
pub const BPF_JSGE: u8 = 0x70;
pub const BPF_CALL: u8 = 0x80;
pub const BPF_EXIT: u8 = 0x90;
pub const BPF_JLT: u8 = 0xa0;
pub const BPF_JLE: u8 = 0xb0;
pub const BPF_JSLT: u8 = 0xc0;
pub const BPF_JSLE: u8 = 0xd0;
pub const BPF_JCOND: u8 = 0xe0;

// Atomic operations (in `imm` of `BPF_STX | BPF_ATOMIC`).
pub const BPF_FETCH: i32 = 0x01;
pub const BPF_XCHG: i32 = 0xe0 | BPF_FETCH;
pub const BPF_CMPXCHG: i32 = 0xf0 | BPF_FETCH;
pub const BPF_LOAD_ACQ: i32 = 0x100;
pub const BPF_STORE_REL: i32 = 0x110;

// `src_reg` of `BPF_LD | BPF_IMM | BPF_DW`.
pub const BPF_PSEUDO_MAP_FD: u8 = 1;
pub const BPF_PSEUDO_MAP_VALUE: u8 = 2;
pub const BPF_PSEUDO_BTF_ID: u8 = 3;
pub const BPF_PSEUDO_FUNC: u8 = 4;
pub const BPF_PSEUDO_MAP_IDX: u8 = 5;
pub const BPF_PSEUDO_MAP_IDX_VALUE: u8 = 6;

// `src_reg` of `BPF_JMP | BPF_CALL`.
pub const BPF_PSEUDO_CALL: u8 = 1;
pub const BPF_PSEUDO_KFUNC_CALL: u8 = 2;

/// `src_reg` of `BPF_JMP | BPF_JCOND`.
pub const BPF_MAY_GOTO: u8 = 0;
/// `off` of `BPF_ALU64 | BPF_MOV | BPF_X` for an arena address-space cast.
pub const BPF_ADDR_SPACE_CAST: i16 = 1;
/// `off` of the same mov for the verifier's per-CPU address form.
pub const BPF_ADDR_PERCPU: i16 = -1;

/// `BPF_LD | BPF_IMM | BPF_DW`: the 16-byte load that takes two slots.
pub const LD_IMM64: u8 = BPF_LD | BPF_IMM | BPF_DW;

/// Size in bytes of one instruction slot.
pub const INSN_SIZE: usize = 8;

/// One instruction slot, `struct bpf_insn` in host (little-endian) order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Insn {
    pub code: u8,
    pub dst_reg: u8,
    pub src_reg: u8,
    pub off: i16,
    pub imm: i32,
}

impl Insn {
    /// Builds an instruction from its fields (tests and hand assembly).
    pub const fn new(code: u8, dst_reg: u8, src_reg: u8, off: i16, imm: i32) -> Self {
        Insn {
            code,
            dst_reg,
            src_reg,
            off,
            imm,
        }
    }

    /// Decodes one 8-byte slot (little endian, as on x86-64 and arm64).
    pub fn from_bytes(b: [u8; INSN_SIZE]) -> Self {
        Insn {
            code: b[0],
            dst_reg: b[1] & 0x0f,
            src_reg: b[1] >> 4,
            off: i16::from_le_bytes([b[2], b[3]]),
            imm: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }

    /// The 8 raw bytes of the slot.
    pub fn to_bytes(self) -> [u8; INSN_SIZE] {
        let off = self.off.to_le_bytes();
        let imm = self.imm.to_le_bytes();
        [
            self.code,
            (self.src_reg << 4) | (self.dst_reg & 0x0f),
            off[0],
            off[1],
            imm[0],
            imm[1],
            imm[2],
            imm[3],
        ]
    }

    pub fn class(self) -> u8 {
        self.code & 0x07
    }
    pub fn size(self) -> u8 {
        self.code & 0x18
    }
    pub fn mode(self) -> u8 {
        self.code & 0xe0
    }
    pub fn op(self) -> u8 {
        self.code & 0xf0
    }
    pub fn src(self) -> u8 {
        self.code & 0x08
    }
    pub fn is_ld_imm64(self) -> bool {
        self.code == LD_IMM64
    }
    pub fn is_jmp_class(self) -> bool {
        matches!(self.class(), BPF_JMP | BPF_JMP32)
    }
    /// A call of another function of the same program (`call pc+N`).
    pub fn is_pseudo_call(self) -> bool {
        self.code == (BPF_JMP | BPF_CALL) && self.src_reg == BPF_PSEUDO_CALL
    }
    /// `r = subprog[+N]`: the address of a function of the same program
    /// (callbacks for bpf_loop, timers, ...).
    pub fn is_pseudo_func(self) -> bool {
        self.code == LD_IMM64 && self.src_reg == BPF_PSEUDO_FUNC
    }
}

/// Splits a byte image into instruction slots; a trailing partial slot is
/// ignored, as the kernel never produces one (and bpftool ignores it too).
pub fn parse_insns(image: &[u8]) -> Vec<Insn> {
    image
        .chunks_exact(INSN_SIZE)
        .map(|c| {
            let mut b = [0u8; INSN_SIZE];
            b.copy_from_slice(c);
            Insn::from_bytes(b)
        })
        .collect()
}

/// What an instruction does to the program counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Goes on with the next instruction (ALU, loads, stores, helper and
    /// kfunc calls). `slots` is 2 for ld_imm64, 1 otherwise.
    Next { slots: usize },
    /// Calls function of the same program at `target`, then goes on.
    Call { target: i64 },
    /// Unconditional jump (`goto`, `gotol`).
    Jump { target: i64 },
    /// Conditional jump (`if ...`, `may_goto`): `target` or next.
    Branch { target: i64 },
    /// Jump through a register (`gotox`): targets unknown statically.
    Indirect,
    /// Returns from the function.
    Exit,
}

/// Classifies instruction `idx` of `insns`. Targets are instruction
/// indexes (they may lie outside the program for broken input: callers check).
pub fn flow(insns: &[Insn], idx: usize) -> Flow {
    let Some(&insn) = insns.get(idx) else {
        return Flow::Exit;
    };
    let here = idx as i64;
    if insn.is_ld_imm64() {
        return Flow::Next { slots: 2 };
    }
    if !insn.is_jmp_class() {
        return Flow::Next { slots: 1 };
    }
    let class = insn.class();
    match insn.op() {
        BPF_CALL => {
            if insn.is_pseudo_call() {
                Flow::Call {
                    target: here + i64::from(insn.imm) + 1,
                }
            } else {
                Flow::Next { slots: 1 }
            }
        }
        BPF_EXIT if class == BPF_JMP => Flow::Exit,
        BPF_JA if class == BPF_JMP && insn.src() == BPF_X => Flow::Indirect,
        BPF_JA if class == BPF_JMP => Flow::Jump {
            target: here + i64::from(insn.off) + 1,
        },
        // gotol: the 32-bit offset is in imm, not off.
        BPF_JA if class == BPF_JMP32 && insn.src() == BPF_K => Flow::Jump {
            target: here + i64::from(insn.imm) + 1,
        },
        _ => Flow::Branch {
            target: here + i64::from(insn.off) + 1,
        },
    }
}

/// Like [`flow`], but for `call pc+N` in an xlated image after JIT, where the
/// kernel moved the relative offset to `off` and put the subprogram index in
/// `imm` (kernel/bpf/verifier.c, jit_subprogs).
pub fn flow_xlated(insns: &[Insn], idx: usize, jited: bool) -> Flow {
    match (flow(insns, idx), insns.get(idx)) {
        (Flow::Call { .. }, Some(insn)) if jited => Flow::Call {
            target: idx as i64 + i64::from(insn.off) + 1,
        },
        (f, _) => f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_roundtrip() {
        let b = [0x63, 0x7a, 0xfc, 0xff, 0x01, 0x00, 0x00, 0x80];
        let i = Insn::from_bytes(b);
        assert_eq!(i, Insn::new(0x63, 0xa, 0x7, -4, i32::MIN + 1));
        assert_eq!(i.to_bytes(), b);
    }

    #[test]
    fn flows() {
        let p = [
            Insn::new(0xb7, 0, 0, 0, 0),                     // 0 r0 = 0
            Insn::new(0x18, 1, 1, 0, 3),                     // 1 ld_imm64
            Insn::new(0, 0, 0, 0, 0),                        // 2
            Insn::new(0x15, 0, 0, 2, 0),                     // 3 if r0 == 0 goto +2
            Insn::new(0x85, 0, 1, 0, 3),                     // 4 call pc+3
            Insn::new(0x06, 0, 0, 0, -6),                    // 5 gotol -6
            Insn::new(0x05, 0, 0, -3, 0),                    // 6 goto -3
            Insn::new(0x0d, 1, 0, 0, 0),                     // 7 gotox r1
            Insn::new(0xe5, 0, 0, 1, 0),                     // 8 may_goto +1
            Insn::new(0x95, 0, 0, 0, 0),                     // 9 exit
            Insn::new(0x85, 0, BPF_PSEUDO_KFUNC_CALL, 0, 9), // 10 kfunc
        ];
        assert_eq!(flow(&p, 0), Flow::Next { slots: 1 });
        assert_eq!(flow(&p, 1), Flow::Next { slots: 2 });
        assert_eq!(flow(&p, 3), Flow::Branch { target: 6 });
        assert_eq!(flow(&p, 4), Flow::Call { target: 8 });
        assert_eq!(flow(&p, 5), Flow::Jump { target: 0 });
        assert_eq!(flow(&p, 6), Flow::Jump { target: 4 });
        assert_eq!(flow(&p, 7), Flow::Indirect);
        assert_eq!(flow(&p, 8), Flow::Branch { target: 10 });
        assert_eq!(flow(&p, 9), Flow::Exit);
        assert_eq!(flow(&p, 10), Flow::Next { slots: 1 });
    }
}
