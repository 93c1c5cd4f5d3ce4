//! The classifier: the kernel's (or libbpf's) message, read against the
//! parsed log and the object, becomes a class with a plain-language cause
//! and a hint at the fix.
//!
//! Messages are matched by the fixed words of their format strings in
//! kernel/bpf/verifier.c (6.x) and libbpf's log fixups, never by numbers,
//! so they survive kernels that print other offsets or ids.

use serde::Serialize;

use super::objinfo::ObjInfo;
use super::parse::{ParsedLog, RegState};

/// What went wrong, as a stable JSON key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// A pointer that may be NULL (map lookup, socket lookup, …) used unchecked.
    NullCheck,
    /// Access outside a stack frame, map value, packet, context or memory region.
    OutOfBounds,
    /// The verifier gave up: 1M instructions, too many states, an unbounded loop.
    TooComplex,
    /// An acquired reference (ring buffer reservation, socket, kptr) not released.
    UnreleasedReference,
    /// A register or stack slot read before being written.
    Uninitialized,
    /// A helper or kfunc the program type may not call.
    HelperNotAllowed,
    /// A GPL-only helper in a program whose license is not GPL-compatible.
    GplOnly,
    /// R0 at exit outside the range the program type allows.
    BadReturn,
    /// The frames of a call chain need more than 512 bytes of stack.
    StackTooLarge,
    /// A CO-RE relocation libbpf could not resolve (the 0xbad2310 poison call).
    CoreRelocation,
    /// A kfunc this kernel does not have.
    UnknownKfunc,
    /// A map the program uses was not created.
    MapNotCreated,
    /// None of the above.
    Other,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::NullCheck => "null_check",
            Class::OutOfBounds => "out_of_bounds",
            Class::TooComplex => "too_complex",
            Class::UnreleasedReference => "unreleased_reference",
            Class::Uninitialized => "uninitialized",
            Class::HelperNotAllowed => "helper_not_allowed",
            Class::GplOnly => "gpl_only",
            Class::BadReturn => "bad_return",
            Class::StackTooLarge => "stack_too_large",
            Class::CoreRelocation => "core_relocation",
            Class::UnknownKfunc => "unknown_kfunc",
            Class::MapNotCreated => "map_not_created",
            Class::Other => "other",
        }
    }

    /// A short title for the summary.
    pub fn title(self) -> &'static str {
        match self {
            Class::NullCheck => "pointer used without a NULL check",
            Class::OutOfBounds => "access out of bounds",
            Class::TooComplex => "program too complex for the verifier",
            Class::UnreleasedReference => "reference not released",
            Class::Uninitialized => "read of uninitialised data",
            Class::HelperNotAllowed => "helper or kfunc not allowed here",
            Class::GplOnly => "GPL-only helper in a non-GPL program",
            Class::BadReturn => "wrong return value",
            Class::StackTooLarge => "stack over 512 bytes",
            Class::CoreRelocation => "CO-RE relocation failed",
            Class::UnknownKfunc => "unknown kfunc",
            Class::MapNotCreated => "map not created",
            Class::Other => "rejected",
        }
    }
}

/// An instruction other than the failing one that the explanation points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub insn: usize,
    /// What it is: `reference acquired here`, `checked 11115 times`, …
    pub what: String,
}

/// The classifier's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub class: Class,
    /// Which region / reference / helper, when the class has kinds
    /// (`packet`, `map_value`, `ring buffer`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub cause: String,
    pub hint: String,
    /// The failing instruction when the message itself does not come at it
    /// (stack size: the call that goes over the limit).
    #[serde(skip)]
    pub insn_override: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnosis {
    fn new(class: Class, cause: String, hint: String) -> Self {
        Diagnosis {
            class,
            detail: None,
            cause,
            hint,
            insn_override: None,
            related: Vec::new(),
        }
    }
    fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
}

/// `key=value` (up to a comma, space or parenthesis) in a message.
fn field<'a>(msg: &'a str, key: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(p) = msg[from..].find(key) {
        let at = from + p;
        let boundary = at == 0 || {
            let c = msg.as_bytes()[at - 1];
            !c.is_ascii_alphanumeric() && c != b'_'
        };
        if boundary && msg[at + key.len()..].starts_with('=') {
            let v = &msg[at + key.len() + 1..];
            let end = v
                .find(|c: char| c == ',' || c.is_whitespace() || c == ')' || c == '(')
                .unwrap_or(v.len());
            return Some(&v[..end]);
        }
        from = at + key.len();
    }
    None
}

/// The first `R<n>` register named in a message.
pub fn first_reg(msg: &str) -> Option<String> {
    msg.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| w.len() >= 2 && w.starts_with('R') && w[1..].parse::<u8>().is_ok_and(|n| n <= 10))
        .map(str::to_string)
}

/// Text between the first pair of single quotes.
fn quoted(msg: &str) -> Option<&str> {
    let a = msg.find('\'')?;
    let b = msg[a + 1..].find('\'')?;
    Some(&msg[a + 1..a + 1 + b])
}

/// The helper or kfunc name of a `call name#id` text.
fn call_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("call ")?;
    let name = rest.split('#').next()?.trim();
    (!name.is_empty()).then_some(name)
}

/// The log's text of instruction `idx` (its last appearance).
fn log_insn_text<'a>(p: &ParsedLog<'a>, idx: usize) -> Option<&'a str> {
    p.insns.iter().rev().find(|i| i.idx == idx).map(|i| i.text)
}

/// What kind of reference an acquiring call made.
fn reference_kind(call: Option<&str>) -> (&'static str, &'static str) {
    let c = call.unwrap_or("");
    if c.starts_with("bpf_ringbuf_reserve") {
        (
            "ring buffer reservation",
            "submit or discard it on every path: bpf_ringbuf_submit(e, 0) or bpf_ringbuf_discard(e, 0) before each return",
        )
    } else if c.contains("sk_lookup") || c.contains("skc_lookup") || c.contains("sk_fullsock") {
        (
            "socket reference",
            "release it on every path with bpf_sk_release(sk) once done, including early returns",
        )
    } else if c.contains("kptr_xchg") || c.contains("obj_new") || c.contains("percpu_obj_new") {
        (
            "kptr / allocated object",
            "store it back into a map kptr field with bpf_kptr_xchg(), or free it with bpf_obj_drop(), on every path",
        )
    } else if c.contains("dynptr") {
        (
            "dynptr",
            "submit or discard the ring buffer dynptr (bpf_ringbuf_submit_dynptr / bpf_ringbuf_discard_dynptr) on every path",
        )
    } else if c.contains("task")
        || c.contains("cgroup")
        || c.contains("acquire")
        || c.contains("get_")
    {
        (
            "acquired kernel object",
            "release it with the matching *_release() kfunc on every path",
        )
    } else {
        (
            "reference",
            "release what was acquired on every path before the program returns",
        )
    }
}

/// Classifies a rejection. `msg` is the error's lines, joined with newlines.
pub fn diagnose(msg: &str, parsed: &ParsedLog<'_>, info: &ObjInfo, state: &RegState) -> Diagnosis {
    let has = |s: &str| msg.contains(s);
    let reg = first_reg(msg);
    let reg_state = reg.as_deref().and_then(|r| state.reg(r));
    let failing = parsed.error.as_ref().and_then(|e| e.insn);

    // CO-RE: the poison call, or libbpf's rewrite of it.
    if has("CO-RE relocation") || has("195896080") || has("0xbad2310") {
        return core_relocation(msg, info, failing);
    }
    if (has("kfunc '") && has("wasn't resolved"))
        || has("unknown#2002")
        || has("invalid kernel function call not eliminated")
        || (has("extern (func ksym)") && has("not found"))
        || has("cannot find kernel function")
    {
        let name = quoted(msg)
            .map(str::to_string)
            .unwrap_or_else(|| "the kfunc".into());
        return Diagnosis::new(
            Class::UnknownKfunc,
            format!(
                "the program calls kfunc {name}, which this kernel does not export (it is not in /sys/kernel/btf/vmlinux nor in a module's BTF); libbpf left the call unresolved"
            ),
            format!(
                "check the kernel has it (`bpftool btf dump file /sys/kernel/btf/vmlinux | grep {name}`); to run on kernels without it, declare it `extern … __ksym __weak` and guard the call with `if (bpf_ksym_exists({name}))`"
            ),
        )
        .detail(name);
    }
    if has("is referenced but wasn't created") || has("unknown#2001") {
        let name = quoted(msg).unwrap_or("a map").to_string();
        return Diagnosis::new(
            Class::MapNotCreated,
            format!("the program uses map {name}, which libbpf did not create (its autocreate was turned off or its creation was skipped)"),
            "create the map (bpf_map__set_autocreate(map, true)) or make sure the code that uses it is not reachable".into(),
        )
        .detail(name);
    }
    if has("GPL-restricted") || has("GPL compatible") && has("cannot call") {
        let helper = failing
            .and_then(|i| log_insn_text(parsed, i))
            .and_then(call_name)
            .unwrap_or("this helper");
        return Diagnosis::new(
            Class::GplOnly,
            format!("{helper} is a GPL-only helper, and the program's license (the \"license\" section) is not GPL-compatible"),
            "declare a GPL-compatible license: `char LICENSE[] SEC(\"license\") = \"GPL\";` (or \"Dual BSD/GPL\"), or use a helper that is not GPL-only".into(),
        )
        .detail(helper);
    }
    if has("cannot use helper")
        || has("unknown func")
        || has("does not support helper")
        || (has("calling kernel function") && has("not allowed"))
        || has("helper call might sleep")
        || has("sleepable helper")
        || has("kernel function") && has("not allowed")
    {
        let name = failing
            .and_then(|i| log_insn_text(parsed, i))
            .and_then(call_name)
            .or_else(|| {
                msg.split_whitespace()
                    .find(|w| w.contains('#') && w.starts_with("bpf_"))
                    .and_then(|w| w.split('#').next())
            })
            .unwrap_or("this helper")
            .to_string();
        return Diagnosis::new(
            Class::HelperNotAllowed,
            format!(
                "{name} is not available to this program type (section '{}'); each program type has its own list of helpers and kfuncs",
                info.section
            ),
            format!(
                "pick a program type that may call it, or an equivalent helper this type has; `bpftool feature probe | grep {name}` lists the program types that can use it"
            ),
        )
        .detail(name);
    }
    if has("_or_null") || has("Possibly NULL pointer") || has("or_null expected") {
        let what = reg_state
            .map(|r| r.ty.clone())
            .or_else(|| quoted(msg).map(str::to_string))
            .unwrap_or_else(|| "pointer_or_null".into());
        let map = reg_state
            .and_then(|r| r.attrs.iter().find(|(k, _)| k == "map"))
            .map(|(_, v)| format!(" of map '{v}'"))
            .unwrap_or_default();
        let r = reg.clone().unwrap_or_else(|| "the register".into());
        let source = if what.starts_with("map_value") {
            format!("the value pointer{map} returned by bpf_map_lookup_elem(), which is NULL when the key is absent")
        } else if what.contains("sock") {
            "a socket returned by a lookup helper, which is NULL when no socket matches".to_string()
        } else {
            format!("a pointer of type {what}, which may be NULL")
        };
        return Diagnosis::new(
            Class::NullCheck,
            format!("{r} holds {source}; it is used here without a check"),
            "test the pointer right after the call and leave or skip on NULL: `if (!p) return 0;` — then every use below the test is allowed".into(),
        )
        .detail(what);
    }
    if has("!read_ok") {
        let r = reg.clone().unwrap_or_else(|| "a register".into());
        let at_exit = failing
            .and_then(|i| log_insn_text(parsed, i))
            .is_some_and(|t| t == "exit");
        let (cause, hint) = if r == "R0" && at_exit {
            (
                "R0, the return value, was never set on this path before exit".to_string(),
                "return a value on every path (a function that falls off its end without `return x;`, or inline asm that skips r0)".to_string(),
            )
        } else {
            (
                format!("{r} is read before anything was written to it on this path (at entry only R1, the context, and R10, the frame pointer, are set; after a call R1-R5 are scratched)"),
                "initialise the variable on every path; if it is inline asm or a value kept across a call, keep it in R6-R9 or on the stack".to_string(),
            )
        };
        return Diagnosis::new(Class::Uninitialized, cause, hint).detail(r);
    }
    if has("invalid read from stack") || has("invalid indirect read from stack") {
        let off = field(msg, "off").map(str::to_string).unwrap_or_default();
        return Diagnosis::new(
            Class::Uninitialized,
            format!("the program reads stack bytes (offset {off} from R10) that were never written on this path"),
            "initialise the whole variable or buffer before reading it or passing it to a helper, e.g. `struct x v = {};` or __builtin_memset(&v, 0, sizeof(v))".into(),
        )
        .detail("stack");
    }
    if has("Unreleased reference") || has("reference leak") || has("would lead to reference leak") {
        let alloc = field(msg, "alloc_insn").and_then(|v| v.parse::<usize>().ok());
        let call = alloc
            .and_then(|a| log_insn_text(parsed, a))
            .and_then(call_name);
        let (kind, hint) = reference_kind(call);
        let mut d = Diagnosis::new(
            Class::UnreleasedReference,
            format!(
                "a {kind}{} is still held when the program exits on this path; the kernel would leak it",
                match (call, alloc) {
                    (Some(c), Some(a)) => format!(" acquired by {c} at insn {a}"),
                    (None, Some(a)) => format!(" acquired at insn {a}"),
                    _ => String::new(),
                }
            ),
            hint.to_string(),
        )
        .detail(kind);
        if let Some(a) = alloc {
            d.related.push(Related {
                insn: a,
                what: "reference acquired here".into(),
            });
        }
        return d;
    }
    if has("bpf_spin_unlock is missing") || has("inside bpf_spin_lock-ed region") {
        return Diagnosis::new(
            Class::UnreleasedReference,
            "a bpf_spin_lock is still held on this path (at exit or across a call)".into(),
            "call bpf_spin_unlock() on every path, before any exit or call".into(),
        )
        .detail("spin lock");
    }
    if has("At program exit the register R0")
        || has("At subprogram exit the register R0")
        || has("should have been in")
    {
        let range = msg
            .find("should have been in ")
            .map(|p| {
                msg[p + 20..]
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })
            .unwrap_or_default();
        let has_val = msg
            .find(" has ")
            .map(|p| {
                msg[p + 5..]
                    .split(" should")
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })
            .unwrap_or_default();
        return Diagnosis::new(
            Class::BadReturn,
            format!(
                "this program type must return a value in {range}, but R0 can be {has_val} here"
            ),
            format!("return only values in {range} (for cgroup programs 1 allows, 0 denies); clamp or map the value before returning"),
        )
        .detail(range);
    }
    if has("combined stack size")
        || has("stack size") && has("oo large")
        || has("call stack of") && has("too deep")
    {
        let mut d = Diagnosis::new(
            Class::StackTooLarge,
            format!(
                "the frames of one call chain need more than 512 bytes of stack together ({}); each function's locals count, rounded up to 32 bytes",
                parsed
                    .stats
                    .stack_depths
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("+")
            ),
            "move large buffers to a per-CPU array map (a one-entry BPF_MAP_TYPE_PERCPU_ARRAY used as scratch space), or mark the helpers __always_inline so their locals can share space".into(),
        )
        .detail(if has("too deep") { "call depth" } else { "stack" });
        d.insn_override = stack_overflow_call(info, &parsed.stats.stack_depths);
        return d;
    }
    if has("BPF program is too large")
        || has("too complex")
        || has("infinite loop detected")
        || has("back-edge from insn")
        || has("loop detected")
        || has("too many states")
    {
        let mut d = Diagnosis::new(
            Class::TooComplex,
            if has("infinite loop") || has("back-edge") {
                "the verifier found a loop whose exit it cannot prove: it would run forever as far as the verifier can tell".to_string()
            } else {
                "the verifier walked 1,000,000 instructions without finishing: a loop it cannot bound (each iteration is a new state) or too many paths".to_string()
            },
            "give loops a constant bound the verifier can see (`for (i = 0; i < 64 && i < n; i++)`), or use bpf_loop() / bpf_for() / open-coded iterators for long loops; split work with tail calls; cut branches whose states differ only in values that do not matter".into(),
        )
        .detail(if has("infinite loop") || has("back-edge") { "loop" } else { "1M instructions" });
        if let Some((idx, n)) = hottest(parsed) {
            d.related.push(Related {
                insn: idx,
                what: format!("checked {n} times (the loop the verifier kept walking)"),
            });
        }
        return d;
    }
    if let Some(d) = out_of_bounds(msg, reg.as_deref(), state) {
        return d;
    }
    let hint = if has("invalid mem access 'scalar'") {
        "a plain number is used as a pointer: read kernel memory with bpf_probe_read_kernel() or BPF_CORE_READ(), or use a typed pointer (tp_btf/fentry arguments)".to_string()
    } else if has("type=") && has("expected=") {
        "a helper argument has the wrong type: check which argument the message names and pass what the helper expects".to_string()
    } else {
        "read the kernel's message with the instruction and registers above; `--log-level 2` shows the state after every instruction".to_string()
    };
    Diagnosis::new(
        Class::Other,
        format!(
            "the verifier refused the program: {}",
            msg.lines().next().unwrap_or("")
        ),
        hint,
    )
}

fn core_relocation(msg: &str, info: &ObjInfo, failing: Option<usize>) -> Diagnosis {
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
            "the CO-RE relocation ({kind}) of {what} could not be resolved against this kernel's BTF: {missing}; libbpf replaced the instruction with a call to the poison helper 195896080 (0xbad2310), which fails only because this path is reachable"
        ),
        format!(
            "check what this kernel has (`bpftool btf dump file /sys/kernel/btf/vmlinux format c | grep -A40 '^{kernel_type} {{'`); guard the access with `if (bpf_core_field_exists(...))`, or declare one `___flavour` of the type per kernel layout and choose with bpf_core_field_exists()"
        ),
    )
    .detail(what)
}

/// The instruction the verifier checked most often, and how often.
fn hottest(p: &ParsedLog<'_>) -> Option<(usize, usize)> {
    let mut counts: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for i in &p.insns {
        *counts.entry(i.idx).or_default() += 1;
    }
    counts
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .max_by_key(|&(idx, n)| (n, std::cmp::Reverse(idx)))
}

/// The call instruction at which the stack of a call chain passes 512
/// bytes, from the object's functions and the log's per-function depths.
fn stack_overflow_call(info: &ObjInfo, depths: &[u32]) -> Option<usize> {
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

fn out_of_bounds(msg: &str, reg: Option<&str>, state: &RegState) -> Option<Diagnosis> {
    let has = |s: &str| msg.contains(s);
    let reg_ty = reg
        .and_then(|r| state.reg(r))
        .map(|r| r.ty.as_str())
        .unwrap_or("");
    let off = field(msg, "off");
    let size = field(msg, "size");
    let bounds_words = has("outside of the allowed memory range")
        || has("unbounded memory access")
        || has("min value is negative")
        || has("value is outside");
    if has("invalid access to packet") || has("outside of the packet") {
        let r = field(msg, "r")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        let need = match (
            off.and_then(|o| o.parse::<i64>().ok()),
            size.and_then(|s| s.parse::<i64>().ok()),
        ) {
            (Some(o), Some(s)) => o + s,
            _ => 0,
        };
        return Some(
            Diagnosis::new(
                Class::OutOfBounds,
                format!(
                    "the program reads {} byte(s) at offset {} of the packet, but only {r} byte(s) from the start have been checked against data_end on this path",
                    size.unwrap_or("?"),
                    off.unwrap_or("?")
                ),
                format!(
                    "compare against data_end before the access: `if (data + {} > data_end) return XDP_PASS;` (the check must dominate the access, on the same pointer)",
                    need.max(1)
                ),
            )
            .detail("packet"),
        );
    }
    if has("invalid access to map value") || (bounds_words && reg_ty.starts_with("map_value")) {
        let vs = field(msg, "value_size");
        return Some(
            Diagnosis::new(
                Class::OutOfBounds,
                match (vs, off, size) {
                    (Some(v), Some(o), Some(s)) => format!(
                        "the access of {s} byte(s) at offset {o} goes past the end of the map value ({v} bytes); the offset comes from a value the verifier cannot bound tightly enough"
                    ),
                    _ => "an access into the map value may fall outside it: the offset's range is not bounded".to_string(),
                },
                "bound the index before using it (`if (idx >= ARRAY_SIZE(v->slots)) return 0;` or mask it with a power of two minus one) so offset + size stays within value_size".into(),
            )
            .detail("map_value"),
        );
    }
    if has("invalid bpf_context access")
        || has("invalid context access")
        || (bounds_words && reg_ty == "ctx")
    {
        return Some(
            Diagnosis::new(
                Class::OutOfBounds,
                format!(
                    "the context (R1 at entry) has no field this program type may access at offset {} with size {}",
                    off.unwrap_or("?"),
                    size.unwrap_or("?")
                ),
                "use the context struct of this program type (e.g. struct xdp_md for XDP, struct __sk_buff for tc, the tracepoint's format for tracepoints) and access its fields with their declared size; read kernel memory with bpf_probe_read_kernel()".into(),
            )
            .detail("context"),
        );
    }
    if has("invalid write to stack")
        || has("invalid stack off")
        || (has("stack") && has("variable-offset"))
        || (bounds_words && reg_ty == "fp")
    {
        return Some(
            Diagnosis::new(
                Class::OutOfBounds,
                format!(
                    "the access at offset {} (size {}) falls outside the 512-byte stack frame (R10-512 .. R10-1)",
                    off.unwrap_or("?"),
                    size.unwrap_or("?")
                ),
                "keep stack offsets constant and within the frame; move large buffers to a per-CPU array map".into(),
            )
            .detail("stack"),
        );
    }
    if has("invalid access to memory") || has("access beyond") || bounds_words {
        return Some(
            Diagnosis::new(
                Class::OutOfBounds,
                "an access may fall outside the memory region the pointer refers to: its offset is not bounded tightly enough".into(),
                "check the index or length against the region's size just before the access, in a way the verifier can follow (compare the same register you then use)".into(),
            )
            .detail(if reg_ty.is_empty() { "memory" } else { reg_ty }),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::verifier::parse::parse;

    fn diag(log: &str) -> Diagnosis {
        let p = parse(log);
        let msg = p
            .error
            .as_ref()
            .map(|e| e.lines.join("\n"))
            .unwrap_or_default();
        let st = p.state_before_error();
        diagnose(&msg, &p, &ObjInfo::default(), &st)
    }

    #[test]
    fn classes_from_messages() {
        let d = diag("7: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,map=seen,ks=4,vs=8)\n8: (79) r1 = *(u64 *)(r0 +0)\nR0 invalid mem access 'map_value_or_null'\n");
        assert_eq!(d.class, Class::NullCheck);
        assert!(d.cause.contains("map 'seen'"), "{}", d.cause);
        let d = diag("1: (71) r2 = *(u8 *)(r1 +13)\ninvalid access to packet, off=13 size=1, R1(id=0,off=13,r=0)\nR1 offset is outside of the packet\n");
        assert_eq!(
            (d.class, d.detail.as_deref()),
            (Class::OutOfBounds, Some("packet"))
        );
        assert!(d.hint.contains("data + 14 > data_end"));
        let d = diag("13: (79) r1 = *(u64 *)(r6 +0)\ninvalid access to map value, value_size=32 off=56 size=8\nR6 max value is outside of the allowed memory range\n");
        assert_eq!(d.detail.as_deref(), Some("map_value"));
        let d = diag("0: (bf) r0 = r6\nR6 !read_ok\n");
        assert_eq!(
            (d.class, d.detail.as_deref()),
            (Class::Uninitialized, Some("R6"))
        );
        let d = diag("4: (85) call bpf_ringbuf_reserve#131\n15: (95) exit\nUnreleased reference id=2 alloc_insn=4\nBPF_EXIT instruction in main prog would lead to reference leak\n");
        assert_eq!(d.class, Class::UnreleasedReference);
        assert_eq!(d.detail.as_deref(), Some("ring buffer reservation"));
        assert_eq!(d.related[0].insn, 4);
        let d = diag("3: (85) call bpf_perf_prog_read_value#56\nprogram of this type cannot use helper bpf_perf_prog_read_value#56\n");
        assert_eq!(
            (d.class, d.detail.as_deref()),
            (Class::HelperNotAllowed, Some("bpf_perf_prog_read_value"))
        );
        let d = diag("2: (85) call bpf_get_current_task#35\ncannot call GPL-restricted function from non-GPL compatible program\n");
        assert_eq!(
            (d.class, d.detail.as_deref()),
            (Class::GplOnly, Some("bpf_get_current_task"))
        );
        let d = diag("1: (95) exit\nAt program exit the register R0 has smin=2 smax=2 should have been in [0, 1]\n");
        assert_eq!(
            (d.class, d.detail.as_deref()),
            (Class::BadReturn, Some("[0, 1]"))
        );
        let d = diag("4: (95) exit\ncombined stack size of 3 calls is 640. Too large\n");
        assert_eq!(d.class, Class::StackTooLarge);
        let d = diag("15: (5f) r7 &= r8\nBPF program is too large. Processed 1000001 insn\n");
        assert_eq!(d.class, Class::TooComplex);
        let d = diag("3: R1=0 R10=fp0\n3: <invalid CO-RE relocation>\nfailed to resolve CO-RE relocation <byte_off> [5] struct task_struct___old.no_such_field (0:0 @ offset 0)\n");
        assert_eq!(d.class, Class::CoreRelocation);
        assert!(
            d.cause
                .contains("struct task_struct has no field 'no_such_field'"),
            "{}",
            d.cause
        );
        let d = diag("0: <invalid kfunc call>\nkfunc 'bpf_no_such_kfunc' is referenced but wasn't resolved\n");
        assert_eq!(
            (d.class, d.detail.as_deref()),
            (Class::UnknownKfunc, Some("bpf_no_such_kfunc"))
        );
        let d = diag("0: (b7) r0 = 0\nsomething new\n");
        assert_eq!(d.class, Class::Other);
    }

    #[test]
    fn fields() {
        assert_eq!(field("value_size=32 off=56 size=8", "size"), Some("8"));
        assert_eq!(field("R1(id=0,off=13,r=0)", "r"), Some("0"));
        assert_eq!(first_reg("invalid access, R12 x R6 y"), Some("R6".into()));
    }
}
