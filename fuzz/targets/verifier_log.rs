//! The verifier-log parser and the rejection analysis on arbitrary logs:
//! parse, register-state parsing, classification, the report (text and
//! JSON). Input: byte 0 picks the object info (none, or a small program
//! with line info so instruction and source lookups run); the rest is the
//! log (lossy UTF-8, as captured logs are).
//!
//! The body is shared by the fuzz target (fuzz_targets/verifier_log.rs) and by
//! tests/fuzz_seeds.rs, which runs every seed and regress-* input in
//! `cargo test`.

use bpfscope::disasm::insn::Insn;
use bpfscope::loader::verifier::objinfo::{FuncStart, SrcLine};
use bpfscope::loader::verifier::parse::{parse, parse_state};
use bpfscope::loader::verifier::{analyze, ObjInfo};

fn info() -> ObjInfo {
    let mut insns = Vec::new();
    for i in 0..24 {
        insns.push(match i % 6 {
            0 => Insn::new(0xb7, 1, 0, 0, i),
            1 => Insn::new(0x79, 2, 1, 8, 0),
            2 => Insn::new(0x15, 2, 0, 2, 0),
            3 => Insn::new(0x85, 0, 0, 0, 1),
            4 => Insn::new(0x18, 1, 1, 0, 3),
            _ => Insn::new(0, 0, 0, 0, 0),
        });
    }
    insns.push(Insn::new(0x95, 0, 0, 0, 0));
    ObjInfo {
        prog_name: "f\x1b[31m".into(),
        section: "tp/x".into(),
        insns,
        funcs: vec![FuncStart {
            insn: 0,
            name: "f".into(),
        }],
        lines: (0..25)
            .step_by(3)
            .map(|i| SrcLine {
                insn: i,
                file: "/a/b.c".into(),
                line: i as u32 + 1,
                col: 2,
                text: "int x = *p;\n".into(),
            })
            .collect(),
        ..Default::default()
    }
}

/// The target: any input must neither panic nor hang.
pub fn run(data: &[u8]) {
    let Some((&sel, log)) = data.split_first() else {
        return;
    };
    let log = String::from_utf8_lossy(log);
    let p = parse(&log);
    let _ = p.visited();
    let _ = p.error_path();
    let _ = p.state_before_error();
    for (i, _) in p.insns.iter().enumerate().take(64) {
        let _ = p.source_before(i);
    }
    for l in log.lines().take(64) {
        let _ = parse_state(l);
    }
    let oi = if sel & 1 == 0 {
        ObjInfo::default()
    } else {
        info()
    };
    let r = analyze(&log, &oi);
    let _ = r.to_string();
    serde_json::to_writer(std::io::sink(), &r).unwrap();
}
