//! Classes whose explanation comes from outside the walk: libbpf's own
//! failures (maps, BTF, CO-RE), the kinds of acquired references, and the
//! call at which a chain of frames passes the stack limit.

use super::diagnosis::{Class, Diagnosis, Input};
use super::msg::quoted;
use super::objinfo::ObjInfo;

/// libbpf's failing step before the kernel saw the program.
pub fn libbpf_step(inp: &Input<'_, '_>) -> Option<Diagnosis> {
    let msg = inp.msg;
    let has = |s: &str| msg.contains(s);
    let errno = msg
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .find(|w| w.starts_with("-E") && w.len() > 2)
        .map(|w| w.trim_end_matches(['.', ':']).to_string());
    if has("failed to create") || has("bpf_create_map") || has("map '") && has("failed") {
        let map = msg
            .lines()
            .find(|l| l.contains("failed to create"))
            .and_then(quoted)
            .or_else(|| quoted(msg))
            .unwrap_or("a map")
            .to_string();
        let why = errno
            .map(|e| format!(" (the kernel answered {e})"))
            .unwrap_or_default();
        // The definition's max_entries, from the object's BTF.
        let zero = inp
            .info
            .map_max_entries
            .iter()
            .any(|(n, e)| *n == map && *e == 0);
        let zero_note = if zero {
            "; its definition sets max_entries to zero, and nothing set it before the load (libbpf-tools call bpf_map__set_max_entries() on such a map when the size is known only at run time)".to_string()
        } else {
            String::new()
        };
        return Some(
            Diagnosis::new(
                Class::LibbpfMap,
                format!("libbpf could not create map '{map}'{why}, so the program never reached the verifier{zero_note}"),
                format!("check the definition of '{map}' (type, key and value size, max_entries, flags) against what this map type needs; `bpftool feature probe | grep map_type` lists the map types this kernel has"),
            )
            .detail(map),
        );
    }
    if has("BTF") || has("ksym") || has("extern") {
        let name = quoted(msg).map(str::to_string);
        let (cause, hint) = if has("extern") && has("not found") {
            let n = name.clone().unwrap_or_else(|| "an extern".into());
            (
                format!("libbpf resolves `__ksym` externs against the kernel's BTF, and '{n}' is not there: the program never reached the verifier"),
                format!("check the name (`bpftool btf dump file /sys/kernel/btf/vmlinux | grep {n}`); for a symbol some kernels lack, declare it `__weak` and test it (`if (&{n})` / bpf_ksym_exists) before use"),
            )
        } else {
            (
                format!("libbpf stopped on BTF before loading the program: {}", msg.lines().next().unwrap_or("")),
                "check that the kernel has BTF (/sys/kernel/btf/vmlinux) and that the object was built with -g by a clang that emits BTF the kernel accepts".into(),
            )
        };
        let mut d = Diagnosis::new(Class::LibbpfBtf, cause, hint);
        d.detail = name;
        return Some(d);
    }
    None
}

/// What kind of reference an acquiring call made.
/// The hint names the program's variable `var` holding the reference.
pub fn reference_kind(call: Option<&str>, var: &str) -> (&'static str, String) {
    let c = call.unwrap_or("");
    if c.starts_with("bpf_ringbuf_reserve") {
        (
            "ring buffer reservation",
            format!("submit or discard it on every path: bpf_ringbuf_submit({var}, 0) or bpf_ringbuf_discard({var}, 0) before each return"),
        )
    } else if c.contains("sk_lookup") || c.contains("skc_lookup") || c.contains("sk_fullsock") {
        (
            "socket reference",
            format!("release it on every path with bpf_sk_release({var}) once done, including early returns"),
        )
    } else if c.contains("kptr_xchg") || c.contains("obj_new") || c.contains("percpu_obj_new") {
        (
            "kptr / allocated object",
            "store it back into a map kptr field with bpf_kptr_xchg(), or free it with bpf_obj_drop(), on every path".to_string(),
        )
    } else if c.contains("dynptr") {
        (
            "dynptr",
            "submit or discard the ring buffer dynptr (bpf_ringbuf_submit_dynptr / bpf_ringbuf_discard_dynptr) on every path".to_string(),
        )
    } else if c.contains("task")
        || c.contains("cgroup")
        || c.contains("acquire")
        || c.contains("get_")
    {
        (
            "acquired kernel object",
            "release it with the matching *_release() kfunc on every path".to_string(),
        )
    } else {
        (
            "reference",
            "release what was acquired on every path before the program returns".to_string(),
        )
    }
}

pub fn core_relocation(msg: &str, info: &ObjInfo, failing: Option<usize>) -> Diagnosis {
    let relo = failing.and_then(|i| info.core_relo_at(i));
    // libbpf's rewrite: `failed to resolve CO-RE relocation <byte_off> [5] struct t___x.f (0:0 @ offset 0)`.
    let from_log = msg.lines().find_map(|l| {
        let rest = l.split("failed to resolve CO-RE relocation ").nth(1)?;
        let after_id = rest.split("] ").nth(1)?;
        Some(after_id.split(" (").next()?.trim().to_string())
    });
    let (what, kernel_type, field, kind) = match relo {
        Some(r) => (
            format!("{} {}", r.type_name.split(' ').next().unwrap_or(""), r.spec)
                .trim()
                .to_string(),
            r.kernel_type.clone(),
            r.field.clone(),
            r.kind.clone(),
        ),
        None => {
            let spec = from_log.clone().unwrap_or_else(|| "a field".into());
            let ty = spec.split('.').next().unwrap_or("").to_string();
            let field = spec.rsplit_once('.').map(|(_, f)| f.to_string());
            let base = ty.split("___").next().unwrap_or(&ty).to_string();
            (spec, base, field, "byte_off".into())
        }
    };
    let missing = match &field {
        Some(f) => format!("{kernel_type} has no field '{f}'"),
        None => format!("{kernel_type} does not match the program's definition"),
    };
    Diagnosis::new(
        Class::CoreRelocation,
        format!(
            "the CO-RE relocation ({kind}) of {what} could not be resolved against this kernel's BTF: {missing}; libbpf replaced the instruction with a call to its poison helper, which fails only because this path is reachable"
        ),
        format!(
            "check what this kernel has (`bpftool btf dump file /sys/kernel/btf/vmlinux format c | grep -A40 '^{kernel_type} {{'`); guard the access with `if (bpf_core_field_exists(...))`, or declare one `___flavour` of the type per kernel layout and choose with bpf_core_field_exists()"
        ),
    )
    .detail(what)
}

/// The call instruction at which the stack of a call chain passes 512
/// bytes, from the object's functions and the log's per-function depths.
pub fn stack_overflow_call(info: &ObjInfo, depths: &[u32]) -> Option<usize> {
    use crate::disasm::insn::BPF_PSEUDO_CALL;
    let starts: Vec<usize> = info.funcs.iter().map(|f| f.insn).collect();
    if starts.is_empty() || depths.len() != starts.len() {
        return None;
    }
    let func_of = |i: usize| starts.partition_point(|&s| s <= i).checked_sub(1);
    let round = |d: u32| d.max(1).div_ceil(32) * 32;
    // Depth-first over the call graph, carrying the total so far.
    let mut stack = vec![(0usize, round(depths[0]), 0usize)];
    while let Some((f, total, level)) = stack.pop() {
        if level > 8 {
            continue;
        }
        let end = starts.get(f + 1).copied().unwrap_or(info.insns.len());
        for i in starts[f]..end.min(info.insns.len()) {
            let insn = info.insns[i];
            if insn.code == 0x85 && insn.src_reg == BPF_PSEUDO_CALL {
                let target = i as i64 + i64::from(insn.imm) + 1;
                let Some(g) = usize::try_from(target).ok().and_then(func_of) else {
                    continue;
                };
                let t = total + round(depths[g]);
                if t > 512 {
                    return Some(i);
                }
                stack.push((g, t, level + 1));
            }
        }
    }
    None
}
