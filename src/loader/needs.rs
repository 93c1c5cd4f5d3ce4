//! What a tool's programs need of the kernel besides their attach points:
//! their program types and the helpers they call, read from the embedded
//! object (libbpf parses it; nothing is loaded) and probed here, so `tool
//! list` says "supported" from what this kernel does, not from a guess.

use std::cell::RefCell;
use std::collections::HashMap;

use tracing_tools::{ProgSpec, Tool};

use crate::sys::feature::{helper_supported, prog_type_supported};

/// `BPF_JMP | BPF_CALL`; a helper call has src_reg 0 (1 is a call to a
/// BPF function, 2 a kfunc) and the helper's id in imm.
const CALL: u8 = 0x85;

/// Answers, cached per program type and (type, helper): each is a real
/// program load.
#[derive(Default)]
pub struct NeedsProbe {
    types: RefCell<HashMap<u32, Option<bool>>>,
    helpers: RefCell<HashMap<(u32, u32), Option<bool>>>,
}

impl NeedsProbe {
    /// What the `chosen` programs of `tool` lack here: "prog type NAME"
    /// and "helper NAME for TYPE" lines, empty when all is there. A probe
    /// that can't tell (tracing programs) counts as present: their attach
    /// probe is the real test.
    pub fn missing(&self, tool: &Tool, chosen: &[&ProgSpec]) -> Vec<String> {
        let names: Vec<&str> = chosen.iter().map(|p| p.name).collect();
        self.missing_in(tool.object, tool.name, &names)
    }

    /// [`NeedsProbe::missing`] for the programs `chosen` (by function
    /// name) of the object `bytes`.
    pub fn missing_in(&self, bytes: &[u8], name: &str, chosen: &[&str]) -> Vec<String> {
        // A tool that loads nothing (tplist) needs nothing.
        if chosen.is_empty() {
            return Vec::new();
        }
        let Ok(obj) = super::object::open(bytes, name) else {
            return vec!["a BPF object libbpf can open".into()];
        };
        let mut missing = Vec::new();
        for prog in obj.progs() {
            let name = prog.name().to_string_lossy();
            if !chosen.contains(&name.as_ref()) {
                continue;
            }
            let t = prog.prog_type() as u32;
            let type_ok = *self
                .types
                .borrow_mut()
                .entry(t)
                .or_insert_with(|| prog_type_supported(t));
            if type_ok == Some(false) {
                push_once(&mut missing, format!("prog type {}", type_name(t)));
                continue;
            }
            for id in helper_calls(prog.insns()) {
                let ok = *self
                    .helpers
                    .borrow_mut()
                    .entry((t, id))
                    .or_insert_with(|| helper_supported(t, id));
                if ok == Some(false) {
                    let helper = crate::disasm::helpers::helper_name(id as i32)
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("#{id}"));
                    push_once(
                        &mut missing,
                        format!("helper {helper} for {}", type_name(t)),
                    );
                }
            }
        }
        missing
    }
}

fn push_once(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// The helper ids a program calls, each once, in order of first call.
fn helper_calls(insns: &[libbpf_sys::bpf_insn]) -> Vec<u32> {
    let mut ids = Vec::new();
    for i in insns {
        if i.code == CALL && i.src_reg() == 0 && i.imm > 0 && !ids.contains(&(i.imm as u32)) {
            ids.push(i.imm as u32);
        }
    }
    ids
}

/// libbpf's name of a program type ("tracepoint"), or its number.
fn type_name(t: u32) -> String {
    // SAFETY: libbpf returns a static string or NULL.
    let p = unsafe { libbpf_sys::libbpf_bpf_prog_type_str(t) };
    if p.is_null() {
        return t.to_string();
    }
    // SAFETY: non-NULL: a NUL-terminated static string.
    unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insn(code: u8, src: u8, imm: i32) -> libbpf_sys::bpf_insn {
        let mut i = libbpf_sys::bpf_insn {
            code,
            imm,
            ..Default::default()
        };
        i.set_src_reg(src);
        i
    }

    #[test]
    fn only_helper_calls_once_each() {
        let prog = [
            insn(CALL, 0, 1),   // bpf_map_lookup_elem
            insn(CALL, 1, 5),   // a BPF-to-BPF call, not a helper
            insn(CALL, 2, 77),  // a kfunc
            insn(0xb7, 0, 14),  // mov r0, 14: not a call
            insn(CALL, 0, 1),   // again
            insn(CALL, 0, 130), // bpf_ringbuf_reserve... whatever 130 is
        ];
        assert_eq!(helper_calls(&prog), vec![1, 130]);
    }

    #[test]
    fn type_names_from_libbpf() {
        assert_eq!(
            type_name(libbpf_sys::BPF_PROG_TYPE_TRACEPOINT),
            "tracepoint"
        );
        assert_eq!(type_name(100_000), "100000");
    }
}
