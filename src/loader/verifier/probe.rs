//! Live probes that answer what the log cannot: which program types may
//! read a context field. A three-instruction program that reads the field
//! is loaded as each candidate type (and closed at once); the types the
//! kernel accepts are the answer, for this kernel.

/// Program types whose context is `struct __sk_buff`, with bpftool's names.
const SKB_TYPES: &[(u32, &str)] = &[
    (libbpf_sys::BPF_PROG_TYPE_SOCKET_FILTER, "socket_filter"),
    (libbpf_sys::BPF_PROG_TYPE_SCHED_CLS, "sched_cls"),
    (libbpf_sys::BPF_PROG_TYPE_SCHED_ACT, "sched_act"),
    (libbpf_sys::BPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb"),
    (libbpf_sys::BPF_PROG_TYPE_LWT_IN, "lwt_in"),
    (libbpf_sys::BPF_PROG_TYPE_LWT_OUT, "lwt_out"),
    (libbpf_sys::BPF_PROG_TYPE_LWT_XMIT, "lwt_xmit"),
    (libbpf_sys::BPF_PROG_TYPE_SK_SKB, "sk_skb"),
    (libbpf_sys::BPF_PROG_TYPE_LWT_SEG6LOCAL, "lwt_seg6local"),
];

fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> libbpf_sys::bpf_insn {
    let mut i = libbpf_sys::bpf_insn {
        code,
        off,
        imm,
        ..Default::default()
    };
    i.set_dst_reg(dst);
    i.set_src_reg(src);
    i
}

/// The program types (among those with `ctx_struct` as context) that this
/// kernel lets read `size` bytes at offset `off` of the context. `None` for
/// a context struct not probed here or an offset/size no load can express.
pub fn ctx_readers(ctx_struct: &str, off: i64, size: i64) -> Option<Vec<String>> {
    if ctx_struct != "struct __sk_buff" {
        return None;
    }
    let sz = match size {
        1 => libbpf_sys::BPF_B,
        2 => libbpf_sys::BPF_H,
        4 => libbpf_sys::BPF_W,
        8 => libbpf_sys::BPF_DW,
        _ => return None,
    } as u8;
    let off = i16::try_from(off).ok()?;
    let prog = [
        // r0 = *(size *)(r1 + off); r0 = 0; exit
        insn(
            libbpf_sys::BPF_LDX as u8 | libbpf_sys::BPF_MEM as u8 | sz,
            0,
            1,
            off,
            0,
        ),
        insn(
            libbpf_sys::BPF_ALU64 as u8 | libbpf_sys::BPF_MOV as u8 | libbpf_sys::BPF_K as u8,
            0,
            0,
            0,
            0,
        ),
        insn(
            libbpf_sys::BPF_JMP as u8 | libbpf_sys::BPF_EXIT as u8,
            0,
            0,
            0,
            0,
        ),
    ];
    let mut out = Vec::new();
    for &(t, name) in SKB_TYPES {
        if crate::sys::prog::loads_as(t, &prog) {
            out.push(name.to_string());
        }
    }
    Some(out)
}
