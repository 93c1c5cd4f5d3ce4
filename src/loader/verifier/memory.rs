//! Memory-access messages: the context, the packet, the stack, map values,
//! numbers used as pointers and helper sizes. Each message has sub-cases
//! that need different fixes; they are told apart by what the log says of
//! the register (its type, a variable part) and by the instruction.

use super::diagnosis::{Class, Diagnosis, Input};
use super::msg::{call_name, field, first_reg, int, is_ident, reg_range, stack_off, var_off};
use super::provenance::{How, Step};

/// Helpers after which the verifier forgets every packet pointer
/// (`bpf_helper_changes_pkt_data` in net/core/filter.c).
const PKT_CHANGERS: &[&str] = &[
    "bpf_xdp_adjust_head",
    "bpf_xdp_adjust_tail",
    "bpf_xdp_adjust_meta",
    "bpf_skb_change_",
    "bpf_skb_adjust_room",
    "bpf_skb_pull_data",
    "bpf_skb_store_bytes",
    "bpf_skb_vlan_",
    "bpf_l3_csum_replace",
    "bpf_l4_csum_replace",
    "bpf_clone_redirect",
    "bpf_lwt_push_encap",
    "bpf_lwt_seg6_",
    "bpf_msg_pull_data",
    "bpf_msg_push_data",
    "bpf_msg_pop_data",
    "bpf_skb_ecn_set_ce",
];

/// Sections whose context holds user-space addresses (syscall arguments,
/// uprobe registers).
fn user_ctx(section: &str) -> bool {
    let s = section;
    s.contains("sys_enter")
        || s.starts_with("uprobe")
        || s.starts_with("uretprobe")
        || s.starts_with("usdt")
        || s.starts_with("ksyscall")
        || s.starts_with("kretsyscall")
}

/// Sections whose context describes the kernel (kernel tracing).
fn kernel_ctx(section: &str) -> bool {
    [
        "kprobe",
        "kretprobe",
        "tracepoint",
        "tp/",
        "raw_tp",
        "raw_tracepoint",
        "perf_event",
    ]
    .iter()
    .any(|p| section.starts_with(p))
}

pub fn diagnose(inp: &Input<'_, '_>) -> Option<Diagnosis> {
    let has = |s: &str| inp.has(s);
    if has("dereference of modified ctx ptr") || has("variable ctx access") {
        return Some(ctx_pointer(inp));
    }
    if has("invalid bpf_context access") || has("invalid context access") {
        return Some(ctx_field(inp));
    }
    if has("invalid access to packet") || has("outside of the packet") {
        return Some(packet(inp));
    }
    if has("invalid mem access 'scalar'") || has("invalid mem access 'inv'") {
        return Some(scalar_deref(inp));
    }
    if (has("unbounded memory access") || has("min value is negative"))
        && inp.failing_call().is_some()
    {
        return Some(unbounded_size(inp));
    }
    if has("variable-offset") && has("stack") {
        return Some(stack_variable(inp));
    }
    let reg = first_reg(inp.msg);
    let reg_ty = reg
        .as_deref()
        .and_then(|r| inp.state.reg(r))
        .map(|r| r.ty.clone())
        .unwrap_or_default();
    let bounds_words = has("outside of the allowed memory range")
        || has("unbounded memory access")
        || has("min value is negative")
        || has("value is outside");
    if has("invalid access to map value") || (bounds_words && reg_ty.starts_with("map_value")) {
        return Some(map_value(inp));
    }
    if has("invalid write to stack")
        || has("invalid stack off")
        || has("invalid indirect access to stack")
        || has("invalid read from stack")
        || (bounds_words && reg_ty == "fp")
    {
        return Some(stack_const(inp));
    }
    if has("invalid access to memory") || has("access beyond") || bounds_words {
        return Some(
            Diagnosis::new(
                Class::OutOfBounds,
                "an access may fall outside the memory region the pointer refers to: its offset is not bounded tightly enough".into(),
                "check the index or length against the region's size just before the access, in a way the verifier can follow (compare the same register you then use)".into(),
            )
            .detail(if reg_ty.is_empty() { "memory".to_string() } else { reg_ty }),
        );
    }
    None
}

/// `` `r1 += 4` at insn 0 (line 8) `` for a step.
fn step_text(inp: &Input<'_, '_>, s: &Step) -> String {
    format!("`{}` at {}", s.text, inp.at(s.insn))
}

fn ctx_pointer(inp: &Input<'_, '_>) -> Diagnosis {
    let reg = first_reg(inp.msg).unwrap_or_else(|| "the context pointer".into());
    let moved = inp
        .trace(&reg)
        .into_iter()
        .find(|s| s.how == How::Arith)
        .map(|s| format!(", moved by {}", step_text(inp, &s)))
        .unwrap_or_default();
    if inp.has("variable ctx access") {
        let (v, m) = var_off(inp.msg).unwrap_or(("?", "?"));
        return Diagnosis::new(
            Class::CtxPointer,
            format!("the context pointer is indexed by a value the verifier only knows as var_off=({v}; {m}){moved}; context fields must be read at constant offsets, which the kernel rewrites to its own layout"),
            "read each field by name (`ctx->field`) and choose between them with if/switch, not with an index or pointer arithmetic".into(),
        )
        .detail("variable");
    }
    let off = field(inp.msg, "off").unwrap_or("?");
    let fld = inp
        .info
        .ctx_layout
        .as_ref()
        .and_then(|l| {
            int(off)
                .and_then(|o| l.field_at(o))
                .map(|f| format!(" (field {f} of {})", l.name))
        })
        .unwrap_or_default();
    let field_name = inp
        .info
        .ctx_layout
        .as_ref()
        .and_then(|l| int(off).and_then(|o| l.field_at(o)))
        .unwrap_or("field");
    Diagnosis::new(
        Class::CtxPointer,
        format!("{reg} is the context pointer plus {off}{fld}{moved}, and is dereferenced; the verifier only allows context loads at `ctx + constant` written in the load itself"),
        format!("read the field straight from the unmodified context (`ctx->{field_name}`), once, into a local; if the compiler moved the pointer itself (LLVM may share `ctx + off` between branches), read the field before branching or through a volatile access"),
    )
    .detail("modified")
}

fn ctx_field(inp: &Input<'_, '_>) -> Diagnosis {
    let off = field(inp.msg, "off").unwrap_or("?");
    let size = field(inp.msg, "size").unwrap_or("?");
    let write = inp.failing_text().is_some_and(|t| t.starts_with('*'));
    let layout = inp.info.ctx_layout.as_ref();
    let name = layout.and_then(|l| {
        let o = int(off)?;
        let f = l.field_at(o)?;
        Some(format!("{}.{f}", l.name.trim_start_matches("struct ")))
    });
    let what = name
        .clone()
        .map(|n| format!("{n} (offset {off})"))
        .unwrap_or_else(|| format!("offset {off}"));
    let section = &inp.info.section;
    if write {
        return Diagnosis::new(
            Class::CtxField,
            format!("the program writes {size} byte(s) to its context at {what}; this program type (section '{section}') may not write there"),
            "copy the value to a local, a map or a buffer and change it there; only a few fields of a few program types are writable (for example __sk_buff.mark in tc programs)".into(),
        )
        .detail("write");
    }
    // A read wider than the field (the field's span from the BTF layout).
    let span = layout.and_then(|l| {
        let o = int(off)?;
        let k = l.fields.iter().position(|(_, fo)| i64::from(*fo) == o)?;
        let next = l.fields.get(k + 1)?.1;
        Some(i64::from(next) - o)
    });
    if let (Some(span), Some(sz)) = (span, int(size)) {
        if sz > span {
            return Diagnosis::new(
                Class::CtxField,
                format!("the program reads {size} bytes of its context at {what}, wider than the field"),
                "read the field with its declared type (`ctx->field`, not through a wider pointer); if clang merged two reads into one wide load, read the fields into separate locals or through a volatile access".into(),
            )
            .detail("size");
        }
    }
    let readers = match &inp.info.ctx_readers {
        Some(v) if !v.is_empty() => format!(
            "; on this kernel these program types may read it: {}",
            v.join(", ")
        ),
        Some(_) => {
            "; none of the program types with this context may read it on this kernel".into()
        }
        None => String::new(),
    };
    Diagnosis::new(
        Class::CtxField,
        format!("this program type (section '{section}') may not read {what} of its context ({size} bytes){readers}"),
        match &inp.info.ctx_readers {
            Some(v) if !v.is_empty() => "move this read to a program of a type that may read the field, or get the value through a helper this type may call".into(),
            _ => "use only the context fields this program type may read (the kernel's <type>_is_valid_access lists them); other data comes through helpers".into(),
        },
    )
    .detail(name.unwrap_or_else(|| format!("offset {off}")))
}

/// The pointer named in the source line (`tcph` of `tcph->dest`), when one is.
fn deref_name(text: &str) -> Option<String> {
    let mut names: Vec<String> = Vec::new();
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = text[from..].find("->") {
        let end = from + p;
        let start = text[..end]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map(|s| s + 1)
            .unwrap_or(0);
        if start < end && !b[start].is_ascii_digit() {
            let n = text[start..end].to_string();
            if !names.contains(&n) {
                names.push(n);
            }
        }
        from = end + 2;
    }
    (names.len() == 1).then(|| names.remove(0))
}

fn packet(inp: &Input<'_, '_>) -> Diagnosis {
    let msg = inp.msg;
    let off = field(msg, "off").unwrap_or("?");
    let size = field(msg, "size").unwrap_or("?");
    let r = field(msg, "r").unwrap_or("0");
    let reg = first_reg(msg).unwrap_or_else(|| "the pointer".into());
    let reg_state = inp.state.reg(&reg);
    let variable = field(msg, "id").is_some_and(|id| id != "0")
        || reg_state.is_some_and(|s| {
            s.attrs
                .iter()
                .any(|(k, _)| k == "var_off" || k == "umax" || k == "smax")
        });
    let checked = if r == "0" {
        "no byte past it has been checked against data_end".to_string()
    } else {
        format!("only {r} byte(s) from it have been checked against data_end")
    };
    if variable {
        let src = inp
            .failing()
            .and_then(|i| inp.source_text(i))
            .unwrap_or_default();
        let ptr = deref_name(&src);
        let range = reg_state
            .and_then(reg_range)
            .map(|(lo, hi)| format!(" (the variable part is in [{lo}, {hi}])"))
            .unwrap_or_default();
        let var_from = inp
            .trace(&reg)
            .iter()
            .find_map(|s| super::provenance::added_reg(&s.text).map(|a| (a, s.insn)))
            .map(|(a, insn)| format!("; the variable part is {a}, added at {}", inp.at(insn)))
            .unwrap_or_default();
        let p = ptr.clone().unwrap_or_else(|| "p".into());
        return Diagnosis::new(
            Class::PacketVariableOffset,
            format!("{reg} points into the packet at a variable offset{range}, and the {size}-byte read at +{off} is not covered: {checked}{var_from}; a check of data + a constant does not cover a pointer whose offset varies"),
            format!(
                "check the pointer you read through, after computing it: `if ((void *)({p} + 1) > data_end) return ...;` right before the access{}",
                if ptr.is_some() { String::new() } else { " (p: the pointer of the failing line)".to_string() }
            ),
        )
        .detail(ptr.unwrap_or_else(|| "packet".into()));
    }
    Diagnosis::new(
        Class::OutOfBounds,
        format!("the program reads {size} byte(s) at offset {off} of the packet, but {checked} on this path"),
        format!("compare against data_end before the access: `if (data + {off} + {size} > data_end) return ...;` (the check must dominate the access, on the same pointer)"),
    )
    .detail("packet")
}

fn scalar_deref(inp: &Input<'_, '_>) -> Diagnosis {
    let reg = first_reg(inp.msg).unwrap_or_else(|| "a register".into());
    let steps = inp.trace(&reg);
    // Was it a packet pointer until a helper moved the packet?
    let end = inp.path.len().saturating_sub(1);
    let written_at = steps
        .first()
        .and_then(|s| inp.path.iter().position(|&l| l == s.line));
    let changer = inp.path[..end]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(k, &l)| {
            let name = call_name(inp.parsed.insns[l].text)?;
            (PKT_CHANGERS.iter().any(|c| name.starts_with(c)) && written_at.is_none_or(|w| k > w))
                .then_some((k, name))
        });
    if let Some((k, name)) = changer {
        let was_pkt = inp.path[..k].iter().rev().find_map(|&l| {
            let st = super::parse::parse_state(inp.parsed.insns[l].state?);
            st.reg(&reg).map(|r| r.ty.starts_with("pkt"))
        });
        if was_pkt == Some(true) {
            let call_insn = inp.parsed.insns[inp.path[k]].idx;
            return Diagnosis::new(
                Class::PacketInvalidated,
                format!("{reg} was a packet pointer, but {name} at {} may move the packet, and the verifier forgets every packet pointer at such a call: {reg} is a plain number afterwards", inp.at(call_insn)),
                format!("after {name}, load ctx->data and ctx->data_end again and redo the bounds check before reading the packet"),
            )
            .detail(name)
            .related(call_insn, "packet pointers invalidated here");
        }
    }
    let root = steps.last();
    let section = inp.info.section.as_str();
    let from = root
        .map(|s| format!(" from {}", step_text(inp, s)))
        .unwrap_or_default();
    // The type of the base register of the load that produced the value,
    // as the log last printed it before that load.
    let base_is_ctx = root.is_some_and(|s| {
        let base = s
            .text
            .split("*)(")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .map(|r| r.replace('r', "R"));
        let pos = inp.path.iter().position(|&l| l == s.line);
        match (s.how, base, pos) {
            (How::Load, Some(b), Some(pos)) => {
                value_before(inp, pos, &b).is_some_and(|t| t == "ctx")
            }
            _ => false,
        }
    });
    let called = root
        .filter(|s| s.how == How::Call)
        .and_then(|s| call_name(&s.text));
    let (kind, cause, hint) = if base_is_ctx && user_ctx(section) {
        (
            "user",
            format!("{reg} holds a value loaded from the context{from}: in this program (section '{section}') that is a user-space address, which a BPF program cannot dereference"),
            "copy the data with bpf_probe_read_user() (bpf_probe_read_user_str() for a string) into a buffer on the stack or in a map, then read the copy".to_string(),
        )
    } else if base_is_ctx && kernel_ctx(section) {
        (
            "kernel",
            format!("{reg} holds a value loaded from the context{from}: in a kernel tracing program (section '{section}') that is an address the verifier cannot follow (a kernel address, unless the traced field is a __user pointer), so it may not be dereferenced"),
            "read through it with bpf_probe_read_kernel() or BPF_CORE_READ() (bpf_probe_read_user() if the field is a __user pointer); in tp_btf/fentry programs the arguments are typed pointers that can be read directly".to_string(),
        )
    } else if called == Some("bpf_get_current_task") {
        (
            "kernel",
            format!("{reg} holds a kernel address as a plain number{from}; the verifier does not know what it points to, so it may not be dereferenced"),
            if called == Some("bpf_get_current_task") {
                "read fields with BPF_CORE_READ(task, field) or bpf_probe_read_kernel(), or call bpf_get_current_task_btf(), whose result the verifier can follow (in tp_btf/fentry/LSM programs)".to_string()
            } else {
                "read through it with bpf_probe_read_kernel() or BPF_CORE_READ(); in tp_btf/fentry programs the arguments are typed pointers that can be read directly".to_string()
            },
        )
    } else {
        (
            "unknown",
            format!("{reg} holds a plain number (scalar){from}, not a pointer the verifier knows, and it is dereferenced"),
            "if it points to kernel memory read it with bpf_probe_read_kernel() (BPF_CORE_READ), if to user memory with bpf_probe_read_user(); if it should be a pointer the verifier knows, check where it lost its type (a spill of a partial register, arithmetic it cannot follow)".to_string(),
        )
    };
    Diagnosis::new(Class::ScalarDeref, cause, hint).detail(kind)
}

/// The type of `reg` just before position `pos` of the path: from the
/// instruction comments before it, else the last full state line.
fn value_before(inp: &Input<'_, '_>, pos: usize, reg: &str) -> Option<String> {
    let p = inp.parsed;
    for &l in inp.path[..pos].iter().rev() {
        if let Some(st) = p.insns[l].state {
            if let Some(r) = super::parse::parse_state(st).reg(reg) {
                return Some(r.ty.clone());
            }
        }
    }
    let log_line = p.insns[inp.path[pos]].log_line;
    p.states
        .iter()
        .rev()
        .filter(|s| s.log_line < log_line && s.idx.is_some())
        .find_map(|s| {
            super::parse::parse_state(s.state)
                .reg(reg)
                .map(|r| r.ty.clone())
        })
}

fn unbounded_size(inp: &Input<'_, '_>) -> Diagnosis {
    let reg = first_reg(inp.msg).unwrap_or_else(|| "the size".into());
    let call = inp.failing_call().unwrap_or("the helper");
    let arg = reg.trim_start_matches('R');
    let range = inp
        .state
        .reg(&reg)
        .map(|r| r.value.clone())
        .map(|v| format!(" (the verifier knows it as {v})"))
        .unwrap_or_default();
    let negative = inp.has("min value is negative");
    let set = inp
        .trace(&reg)
        .last()
        .map(|s| format!("; it comes from {}", step_text(inp, s)))
        .unwrap_or_default();
    Diagnosis::new(
        Class::UnboundedSize,
        format!(
            "{reg}, argument {arg} of {call} (a size), {}{range}{set}",
            if negative { "may be negative here" } else { "has no upper bound here" }
        ),
        {
            // The program's own names: the length and the buffer before it.
            let k: usize = arg.parse().unwrap_or(0);
            let len = inp.call_arg(k).filter(|a| is_ident(a)).unwrap_or_else(|| "len".into());
            let buf = k
                .checked_sub(1)
                .and_then(|b| inp.call_arg(b))
                .map(|b| b.trim_start_matches('&').to_string())
                .filter(|b| is_ident(b))
                .unwrap_or_else(|| "buf".into());
            if negative {
                format!("make {len} unsigned (__u32) and bound it right before the call, on the variable that is passed: `if ({len} > sizeof({buf})) {len} = sizeof({buf});`")
            } else {
                format!("bound {len} right before the call with an unsigned compare on the variable passed (`if ({len} > sizeof({buf})) {len} = sizeof({buf});`), or mask it for a power-of-two buffer (`{len} &= sizeof({buf}) - 1`)")
            }
        },
    )
    .detail(if negative { "negative" } else { "unbounded" })
}

fn stack_variable(inp: &Input<'_, '_>) -> Diagnosis {
    let msg = inp.msg;
    let reg = first_reg(msg).unwrap_or_else(|| "the pointer".into());
    let off = field(msg, "off").unwrap_or("?");
    let size = field(msg, "size").unwrap_or("?");
    let (v, m) = var_off(msg).unwrap_or(("?", "?"));
    let room = int(off)
        .map(|o| (-o).to_string())
        .unwrap_or_else(|| "?".into());
    let index = inp
        .trace(&reg)
        .iter()
        .find_map(|s| super::provenance::added_reg(&s.text).map(|a| (a, s.clone())));
    let index_from = index
        .as_ref()
        .map(|(a, s)| format!("; the index is {a}, added by {}", step_text(inp, s)))
        .unwrap_or_default();
    let access = if msg.contains("write") {
        "write"
    } else {
        "read"
    };
    Diagnosis::new(
        Class::StackVariableOffset,
        format!("{reg} is R10{off} plus an index the verifier knows as var_off=({v}; {m}), so the {size}-byte {access} at the largest index ends above R10, the top of the frame: only {room} bytes lie between R10{off} and R10{index_from}"),
        {
            let idx = inp
                .failing()
                .and_then(|i| inp.source_text(i))
                .and_then(|t| super::msg::subscript(&t))
                .map(|(_, i)| i)
                .filter(|i| is_ident(i))
                .unwrap_or_else(|| "idx".into());
            format!("bound the index before it is used so R10{off} + index + {size} stays at or below R10: `if ({idx} >= {room}) return 0;`, or mask it with a power of two that fits (`{idx} &= {room} - 1` when that is one)")
        },
    )
    .detail(reg)
}

fn stack_const(inp: &Input<'_, '_>) -> Diagnosis {
    let msg = inp.msg;
    let off = super::msg::at_fp(&stack_off(msg).unwrap_or_else(|| "?".into()));
    let size = field(msg, "size").unwrap_or("?");
    let call = inp.failing_call();
    let past_top = int(&stack_off(msg).unwrap_or_default())
        .zip(int(size))
        .is_some_and(|(o, s)| o + s > 0);
    let cause = match call {
        Some(c) if past_top => format!("{c} is given {size} bytes at {off}, which runs past the top of the frame (R10): the buffer there is smaller than the size passed"),
        Some(c) => format!("{c} is given {size} bytes at {off}, outside the stack frame"),
        None => format!("the {size}-byte access at {off} falls outside the stack frame (R10 is its top)"),
    };
    let hint = match call {
        Some(_) => {
            let k: usize = first_reg(msg)
                .and_then(|r| r.trim_start_matches('R').parse().ok())
                .unwrap_or(0);
            let v = inp
                .call_arg(k)
                .map(|b| b.trim_start_matches('&').to_string())
                .filter(|b| is_ident(b))
                .unwrap_or_else(|| "v".into());
            format!("pass the size of the variable itself (`sizeof({v})`), or make {v} as large as the size you pass")
        }
        None => "keep stack offsets constant and inside the variables you declared; large buffers belong in a per-CPU array map".into(),
    };
    Diagnosis::new(Class::OutOfBounds, cause, hint).detail("stack")
}

fn map_value(inp: &Input<'_, '_>) -> Diagnosis {
    let msg = inp.msg;
    let reg = first_reg(msg);
    let st = reg.as_deref().and_then(|r| inp.state.reg(r));
    // The register of the access: named in the message, or the base of the load/store.
    let base = inp.failing_text().and_then(|t| {
        let p = t.find("*)(r")?;
        let r = t[p + 3..].split_whitespace().next()?;
        Some(r.replace('r', "R"))
    });
    let st = st.or_else(|| base.as_deref().and_then(|b| inp.state.reg(b)));
    let map = st
        .and_then(|r| r.attrs.iter().find(|(k, _)| k == "map"))
        .map(|(_, v)| v.clone());
    // Constant only when the log printed the register, without a range.
    let variable = st.is_none_or(|s| {
        s.attrs
            .iter()
            .any(|(k, _)| k == "var_off" || k == "umax" || k == "smax" || k == "smin")
    });
    let vs = field(msg, "value_size");
    let off = field(msg, "off");
    let size = field(msg, "size");
    let layout = map
        .as_deref()
        .and_then(|m| inp.info.map_values.iter().find(|(n, _)| n == m))
        .map(|(_, l)| l);
    if let (false, Some(v), Some(o), Some(s)) = (variable, vs, off, size) {
        let at_end = o == v;
        let last = layout.and_then(|l| {
            int(v)
                .and_then(|v| l.field_at(v - 1))
                .map(|f| (l.name.clone(), f.to_string()))
        });
        let field_note = last
            .as_ref()
            .map(|(ty, f)| format!(" (the value is {ty}; its last field is {f})"))
            .unwrap_or_default();
        let map_note = map
            .as_deref()
            .map(|m| format!(" of map '{m}'"))
            .unwrap_or_default();
        return Diagnosis::new(
            Class::OutOfBounds,
            format!(
                "the {s}-byte access at constant offset {o} ends past the map value{map_note} ({v} bytes){field_note}{}",
                if at_end { "; it starts exactly at the end: one element past the last, an off-by-one" } else { "" }
            ),
            if at_end {
                "stop one element earlier: a loop bound `i <= N` over an array of N elements should be `i < N` (or `i < ARRAY_SIZE(a)`)".into()
            } else {
                "keep the offset plus the access size within the value: check the index against the array's length".into()
            },
        )
        .detail("map_value");
    }
    let range = st
        .and_then(reg_range)
        .map(|(lo, hi)| format!(" (the offset is known only as [{lo}, {hi}])"))
        .unwrap_or_default();
    Diagnosis::new(
        Class::OutOfBounds,
        match (vs, off, size) {
            (Some(v), Some(o), Some(s)) => format!(
                "the access of {s} byte(s) at offset {o} may go past the end of the map value ({v} bytes){range}: the index is not bounded tightly enough"
            ),
            _ => format!("an access into the map value may fall outside it{range}: the offset is not bounded tightly enough"),
        },
        {
            let (arr, idx) = inp
                .failing()
                .and_then(|i| inp.source_text(i))
                .and_then(|t| super::msg::subscript(&t))
                .unwrap_or_else(|| ("a".into(), "idx".into()));
            format!("bound the index right before using it (`if ({idx} >= ARRAY_SIZE({arr})) return 0;` or mask it with a power of two minus one) so offset + size stays within the value")
        },
    )
    .detail("map_value")
}
