//! The instruction views on arbitrary bytes: decoder, kernel-syntax printer
//! (with and without kernel names), xlated records as text and JSON, the CFG
//! and its DOT writer.
//!
//! Input: byte 0 flags (bit 0 jited, bit 1 opcodes, bit 2 linum, bit 3
//! kernel names), byte 1 the number of func_info starts (mod 16) that follow
//! as u32, byte 2 a line-info step (0: none); the rest is the image.
//!
//! The body is shared by the fuzz target (fuzz_targets/decoder.rs) and by
//! tests/fuzz_seeds.rs, which runs every seed and regress-* input in
//! `cargo test`.

use bpfscope::disasm::cfg::Cfg;
use bpfscope::disasm::insn::{flow_xlated, parse_insns};
use bpfscope::disasm::printer::{insn_text, NoResolve, Resolve};
use bpfscope::disasm::visual::{self, Graph, VisualFormat};
use bpfscope::disasm::xlated::{
    records, write_plain, DumpOpts, FuncInfo, KernelNames, LineInfo, Xlated,
};
use bpfscope::record::kallsyms::KernelSymbols;

/// The target: any input must neither panic nor hang.
pub fn run(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let flags = data[0];
    let nfuncs = usize::from(data[1] % 16);
    let step = usize::from(data[2]);
    let rest = &data[3..];
    let (starts_b, image) = rest.split_at((nfuncs * 4).min(rest.len()));
    let func_starts: Vec<u32> = starts_b
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let insns = parse_insns(image);
    let jited = flags & 1 != 0;
    let opts = DumpOpts {
        opcodes: flags & 2 != 0,
        linum: flags & 4 != 0,
    };

    for i in 0..insns.len() {
        let _ = insn_text(&NoResolve, &insns, i);
        let _ = flow_xlated(&insns, i, jited);
    }

    let funcs: Vec<FuncInfo> = func_starts
        .iter()
        .map(|&s| FuncInfo {
            insn_off: s,
            proto: Some(format!("int f{s}(void *ctx) \"{{<|>}}\"\n\\")),
            name: Some(format!("f{s}")),
        })
        .collect();
    let lines: Vec<LineInfo> = if step == 0 {
        Vec::new()
    } else {
        (0..insns.len())
            .step_by(step)
            .map(|i| LineInfo {
                insn_off: i as u32,
                src: Some(format!("x = \"{{<{i}>}}\" | y;\x1b[0m\t\\l")),
                file: Some("/tmp/odd \"dir\"/x.c".into()),
                line_num: i as u32,
                line_col: 3,
            })
            .collect()
    };
    let syms = KernelSymbols::parse(
        "ffffffff81000000 T __bpf_call_base\nffffffff81001000 T bpf_map_lookup_elem\n".to_string(),
    );
    let ksyms = [0xffffffffc0001000u64, 0xffffffffc0002000];
    let kn = KernelNames {
        syms: &syms,
        jited_ksyms: if jited { &ksyms } else { &[] },
    };
    let names: &dyn Resolve = if flags & 8 != 0 { &kn } else { &NoResolve };
    let x = Xlated {
        insns: &insns,
        funcs: &funcs,
        lines: &lines,
        names,
    };
    let recs = records(&x, opts);
    let mut out = Vec::new();
    write_plain(&mut out, &recs).unwrap();
    // Our Serialize impls over the records (serde_json output is valid by construction).
    serde_json::to_writer(std::io::sink(), &recs).unwrap();

    let cfg = Cfg::build(&insns, &func_starts, jited);
    // Every block lies inside the program and inside its function.
    for b in &cfg.blocks {
        assert!(b.start < b.end && b.end <= insns.len());
        let f = &cfg.funcs[b.func];
        assert!(f.start <= b.start && b.end <= f.end);
    }
    let mut dot = Vec::new();
    let graph = Graph {
        x: &x,
        cfg: &cfg,
        opts,
        title: "fuzz",
        verification: None,
    };
    visual::render(&mut dot, VisualFormat::Dot, &graph).unwrap();
    let dot = String::from_utf8(dot).unwrap();
    assert!(!dot.contains('\x1b'), "raw escape in DOT");
}
