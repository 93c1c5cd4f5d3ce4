//! The classifier: the kernel's (or libbpf's) message, read against the
//! parsed log and the object, becomes a class with a plain-language cause
//! and a hint at the fix.
//!
//! Messages are matched by the fixed words of their format strings in
//! kernel/bpf/verifier.c (6.x) and libbpf's messages, never by numbers, so
//! they survive kernels that print other offsets or ids. Every number a
//! cause or hint prints is taken from the log (the message, a register
//! state, the statistics) or is a line or instruction of it; a message not
//! known here gets a neutral title and the kernel's own words, never a guess.
//! Memory-access messages are in [`super::memory`].

pub use super::diagnosis::{Class, Diagnosis, Input, Related};
use super::msg::{call_name, field, first_reg, log_insn_text, quoted};
use super::outside::{core_relocation, libbpf_step, reference_kind, stack_overflow_call};
use super::provenance;

/// Classifies a rejection.
pub fn diagnose(inp: &Input<'_, '_>) -> Diagnosis {
    let has = |s: &str| inp.has(s);
    let msg = inp.msg;
    let info = inp.info;
    let parsed = inp.parsed;
    let failing = inp.failing();
    if inp.from_libbpf {
        if let Some(d) = libbpf_step(inp) {
            return d;
        }
    }

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
        let helper = inp.failing_call().unwrap_or("this helper");
        return Diagnosis::new(
            Class::GplOnly,
            format!("{helper} is a GPL-only helper, and the program's license (the \"license\" section) is not GPL-compatible"),
            "declare a GPL-compatible license: `char LICENSE[] SEC(\"license\") = \"GPL\";` (or \"Dual BSD/GPL\"), or use a helper that is not GPL-only".into(),
        )
        .detail(helper);
    }
    if has("while holding a lock")
        || has("inside bpf_spin_lock-ed region")
        || has("bpf_spin_unlock is missing")
    {
        return under_lock(inp);
    }
    if has("cannot use helper")
        || has("unknown func")
        || has("does not support helper")
        || (has("calling kernel function") && has("not allowed"))
        || has("helper call might sleep")
        || has("sleepable helper")
        || has("kernel function") && has("not allowed")
    {
        let name = inp
            .failing_call()
            .or_else(|| {
                msg.split_whitespace()
                    .find(|w| w.contains('#') && w.starts_with("bpf_"))
                    .and_then(|w| w.split('#').next())
            })
            .unwrap_or("this helper")
            .to_string();
        if has("might sleep") || has("sleepable") {
            return Diagnosis::new(
                Class::HelperNotAllowed,
                format!("{name} may sleep, and this program (section '{}') runs where sleeping is not allowed", info.section),
                format!("use the non-sleeping variant (bpf_probe_read_user() instead of bpf_copy_from_user()), or a sleepable program type: a section with `.s` (`fentry.s/`, `lsm.s/`, `uprobe.s/`) lets {name} sleep"),
            )
            .detail(name);
        }
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
        return null_check(inp);
    }
    if has("!read_ok") {
        let r = first_reg(msg).unwrap_or_else(|| "a register".into());
        let at_exit = inp.failing_text().is_some_and(|t| t == "exit");
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
    // `read from stack [Rn] off -8+0 size 8` (space-separated) is a read of
    // bytes never written; `stack Rn off=-8 size=16` is out of the frame.
    if has("read from stack") && !has("variable-offset") && !has(" off=") {
        let off = super::msg::at_fp(&super::msg::stack_off(msg).unwrap_or_default());
        let via = inp
            .failing_call()
            .map(|c| format!(" (passed to {c})"))
            .unwrap_or_default();
        return Diagnosis::new(
            Class::Uninitialized,
            format!("the program reads stack bytes at {off}{via} that were never written on this path"),
            "initialise the whole variable or buffer before reading it or passing it to a helper, e.g. `struct x v = {};` or __builtin_memset(&v, 0, sizeof(v)) (padding bytes between fields count too)".into(),
        )
        .detail("stack");
    }
    if has("Unreleased reference") || has("reference leak") || has("would lead to reference leak") {
        let alloc = field(msg, "alloc_insn").and_then(|v| v.parse::<usize>().ok());
        let call = alloc
            .and_then(|a| log_insn_text(parsed, a))
            .and_then(call_name);
        // The program's variable holding it: what the acquiring line assigns.
        let var = alloc
            .and_then(|a| inp.source_text(a))
            .and_then(|t| super::msg::assigned_name(&t))
            .unwrap_or_else(|| "ptr".into());
        let (kind, hint) = reference_kind(call, &var);
        let mut d = Diagnosis::new(
            Class::UnreleasedReference,
            format!(
                "a {kind}{} is still held when the program exits on this path; the kernel would leak it",
                match (call, alloc) {
                    (Some(c), Some(a)) => format!(" acquired by {c} at {}", inp.at(a)),
                    (None, Some(a)) => format!(" acquired at {}", inp.at(a)),
                    _ => String::new(),
                }
            ),
            hint,
        )
        .detail(kind);
        if let Some(a) = alloc {
            d = d.related(a, "reference acquired here");
        }
        return d;
    }
    if has("At program exit the register R0")
        || has("At subprogram exit the register R0")
        || has("should have been in")
    {
        return bad_return(inp);
    }
    if has("combined stack size")
        || has("stack size") && has("oo large")
        || has("call stack of") && has("too deep")
    {
        let depths: Vec<String> = parsed
            .stats
            .stack_depths
            .iter()
            .map(|d| d.to_string())
            .collect();
        let mut d = Diagnosis::new(
            Class::StackTooLarge,
            if has("too deep") {
                format!("the chain of calls is deeper than the verifier allows: {}", msg.lines().next().unwrap_or(""))
            } else {
                format!(
                    "the frames of one call chain need more stack together than the verifier allows (per function: {}); each function's locals count",
                    depths.join("+")
                )
            },
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
    {
        return too_complex(inp);
    }
    if let Some(d) = helper_argument(inp) {
        return d;
    }
    if let Some(d) = super::memory::diagnose(inp) {
        return d;
    }
    // Not a message bpfscope knows: the kernel's words, no guess.
    let mut d = Diagnosis::new(
        Class::Other,
        format!(
            "bpfscope does not know this message; the kernel said: {}",
            msg.lines().next().unwrap_or("")
        ),
        "the registers above are the state before the refused instruction; `--log-level 2` prints the state after every instruction of the path".into(),
    );
    d.title = Some(match failing {
        Some(i) => format!("the verifier refused instruction {i}"),
        None => "the verifier refused the program".into(),
    });
    d
}

fn null_check(inp: &Input<'_, '_>) -> Diagnosis {
    let msg = inp.msg;
    let reg = first_reg(msg);
    let reg_state = reg.as_deref().and_then(|r| inp.state.reg(r));
    let what = reg_state
        .map(|r| r.ty.clone())
        .filter(|t| t.ends_with("_or_null"))
        .or_else(|| field(msg, "type").map(str::to_string))
        .or_else(|| quoted(msg).map(str::to_string))
        .unwrap_or_else(|| "pointer_or_null".into());
    let map = reg_state
        .and_then(|r| r.attrs.iter().find(|(k, _)| k == "map"))
        .map(|(_, v)| format!(" of map '{v}'"))
        .unwrap_or_default();
    let r = reg.clone().unwrap_or_else(|| "the register".into());
    // Where the pointer came from: the call that returned it.
    let call_step = reg
        .as_deref()
        .map(|r| inp.trace(r))
        .and_then(|steps| steps.into_iter().find(|s| s.how == provenance::How::Call));
    let origin = call_step
        .as_ref()
        .map(|s| format!(" (from `{}` at {})", s.text, inp.at(s.insn)))
        .unwrap_or_default();
    let checked = call_step
        .as_ref()
        .and_then(|s| checked_twin(inp, s))
        .map(|i| format!("; the same call at {} was checked", inp.at(i)))
        .unwrap_or_default();
    // The program's name for the pointer: the variable the call's line assigns.
    let p = call_step
        .as_ref()
        .and_then(|s| inp.source_text(s.insn))
        .and_then(|t| super::msg::assigned_name(&t))
        .unwrap_or_else(|| "p".into());
    let source = if what.starts_with("map_value") {
        format!("the value pointer{map} returned by bpf_map_lookup_elem(), which is NULL when the key is absent")
    } else if what.contains("sock") {
        "a socket returned by a lookup helper, which is NULL when no socket matches".to_string()
    } else {
        format!("a pointer of type {what}, which may be NULL")
    };
    let use_ = if inp.failing_call().is_some() {
        "passed to a helper that needs a valid pointer"
    } else {
        "used"
    };
    Diagnosis::new(
        Class::NullCheck,
        format!("{r} holds {source}{origin}; it is {use_} here without a check{checked}"),
        format!("test the pointer right after the call and leave or skip on NULL: `if (!{p}) return 0;` — then every use below the test is allowed"),
    )
    .detail(what)
}

/// Another call of the same helper on the failing path whose result was
/// tested against NULL (an `if rN == 0x0`/`!= 0x0` within the next few
/// instructions walked): the lookup that was checked, next to the one not.
fn checked_twin(inp: &Input<'_, '_>, call: &provenance::Step) -> Option<usize> {
    let name = call_name(&call.text)?;
    let insns = &inp.parsed.insns;
    inp.path.iter().enumerate().find_map(|(k, &l)| {
        let i = &insns[l];
        if i.idx == call.insn || call_name(i.text) != Some(name) {
            return None;
        }
        let tested = inp.path[k + 1..].iter().take(4).any(|&n| {
            let t = insns[n].text;
            t.starts_with("if r") && (t.contains(" == 0x0 ") || t.contains(" != 0x0 "))
        });
        tested.then_some(i.idx)
    })
}

fn under_lock(inp: &Input<'_, '_>) -> Diagnosis {
    let end = inp.path.len().saturating_sub(1);
    let lock = inp
        .last_lock_before(end)
        .map(|k| inp.parsed.insns[inp.path[k]].idx);
    let held = lock
        .map(|l| format!("the bpf_spin_lock taken at {}", inp.at(l)))
        .unwrap_or_else(|| "a bpf_spin_lock".into());
    let failing = inp.failing();
    let mut d = if inp.has("while holding a lock") {
        let call = match inp.failing_call() {
            Some(pc) if pc.starts_with("pc") => format!("the function at `call {pc}`"),
            Some(name) => name.to_string(),
            None => "a function".to_string(),
        };
        let at = failing
            .map(|i| format!(" at {}", inp.at(i)))
            .unwrap_or_default();
        Diagnosis::new(
            Class::CallUnderLock,
            format!("{call} is called{at} while {held} is held; between bpf_spin_lock() and bpf_spin_unlock() only loads, stores and arithmetic on the locked value are allowed"),
            format!("call {call} before bpf_spin_lock() or after bpf_spin_unlock(), keeping its result in a local, and do only the update of the locked value inside"),
        )
        .detail(call)
    } else {
        let at = failing
            .map(|i| format!(" at {}", inp.at(i)))
            .unwrap_or_default();
        Diagnosis::new(
            Class::CallUnderLock,
            format!("the program leaves{at} while {held} is still held on this path"),
            "call bpf_spin_unlock() on every path before returning (an early `return` between lock and unlock is the usual cause)".into(),
        )
        .detail("exit")
    };
    if let Some(l) = lock {
        d = d.related(l, "lock taken here");
    }
    d
}

fn bad_return(inp: &Input<'_, '_>) -> Diagnosis {
    let msg = inp.msg;
    let after = |key: &str, stop: &str| {
        msg.find(key).map(|p| {
            msg[p + key.len()..]
                .lines()
                .next()
                .unwrap_or("")
                .split(stop)
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
    };
    if let Some(what) = after("is not a known value (", ")") {
        return Diagnosis::new(
            Class::BadReturn,
            format!("R0 holds a pointer ({what}) at exit; this program type must return a number"),
            "return a constant or a computed number, not a pointer (a cast from a pointer keeps it a pointer for the verifier)".into(),
        )
        .detail(what);
    }
    let range = after("should have been in ", "\n").unwrap_or_default();
    let has_val = after(" has ", " should").unwrap_or_default();
    let extra = if range == "[0, 1]" {
        " (for cgroup programs 1 allows, 0 denies)"
    } else {
        ""
    };
    let origin = inp
        .trace("R0")
        .first()
        .map(|s| format!(", set by `{}` at {}", s.text, inp.at(s.insn)))
        .unwrap_or_default();
    Diagnosis::new(
        Class::BadReturn,
        format!("this program type must return a value in {range}, but R0 can be {has_val} here{origin}"),
        format!("return only values in {range}{extra}; clamp or map the value before returning"),
    )
    .detail(range)
}

fn too_complex(inp: &Input<'_, '_>) -> Diagnosis {
    let has = |s: &str| inp.has(s);
    let st = &inp.parsed.stats;
    let processed = st
        .processed_insns
        .map(|p| format!("processed {p} insns"))
        .unwrap_or_default();
    let mut d = if has("infinite loop") || has("back-edge") {
        Diagnosis::new(
            Class::TooComplex,
            "the verifier found a loop whose exit it cannot prove: it saw the same state again, so the loop would run forever as far as it can tell".into(),
            "make the loop's exit depend on a counter the verifier can follow (`for (i = 0; i < N && cond; i++)`), or use bpf_loop() / bpf_for(); a loop that waits on memory another CPU writes cannot be verified".into(),
        )
        .detail("loop")
    } else if has("jumps is too complex") {
        let n = inp
            .msg
            .split("sequence of ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or("too many");
        Diagnosis::new(
            Class::TooComplex,
            format!("the verifier had {n} branches pending at once (states it pushed at conditional jumps, to check later) on the path it was following; it stopped there, {processed}, not at the instruction limit"),
            "a loop whose body branches leaves one pending branch per iteration: make the body branch-free (compute with arithmetic or a conditional move), shorten the loop, or use bpf_loop() / bpf_for() so the body is verified once".into(),
        )
        .detail("jump sequence")
    } else {
        let limit = st
            .insn_limit
            .map(|l| format!(" (limit {l})"))
            .unwrap_or_default();
        Diagnosis::new(
            Class::TooComplex,
            format!("the verifier {processed}{limit} without finishing: a loop it cannot bound (each iteration is a new state) or too many paths"),
            "give loops a bound the verifier can see, or use bpf_loop() / bpf_for() / open-coded iterators for long loops; split work with tail calls; the instructions with the most states below show where the walk repeats".into(),
        )
        .detail("instruction limit")
    };
    if let Some(h) = provenance::hot_insns(inp.parsed, 1).first() {
        d = d.related(
            h.insn,
            format!(
                "checked {} times (the loop the verifier kept walking)",
                h.visits
            ),
        );
    }
    d
}

/// A helper argument of the wrong type, or a map of the wrong type.
fn helper_argument(inp: &Input<'_, '_>) -> Option<Diagnosis> {
    let msg = inp.msg;
    let call = inp.failing_call().unwrap_or("the helper").to_string();
    if let Some(rest) = msg.split("cannot pass map_type ").nth(1) {
        let n = rest.split_whitespace().next().unwrap_or("");
        let name = n
            .parse::<u32>()
            .map(|t| crate::sys::names::map_type(t).to_string())
            .unwrap_or_default();
        return Some(
            Diagnosis::new(
                Class::HelperArgument,
                format!("{call} does not work on a map of type {n} ({name})"),
                format!("give {call} a map of a type it accepts (bpf-helpers(7) lists them per helper; the bpf_ringbuf_* helpers need a BPF_MAP_TYPE_RINGBUF, bpf_perf_event_output a BPF_MAP_TYPE_PERF_EVENT_ARRAY)"),
            )
            .detail("map type"),
        );
    }
    let reg = first_reg(msg)?;
    let got = field(msg, "type")?;
    let expected = msg.split("expected=").nth(1)?.lines().next()?.trim();
    let arg = reg.trim_start_matches('R');
    let origin = inp
        .trace(&reg)
        .first()
        .map(|s| format!("; {reg} was set by `{}` at {}", s.text, inp.at(s.insn)))
        .unwrap_or_default();
    let hint = if got == "scalar" {
        let v = arg
            .parse()
            .ok()
            .and_then(|k| inp.call_arg(k))
            .filter(|a| super::msg::is_ident(a))
            .unwrap_or_else(|| "v".into());
        format!("pass a pointer: the address of a variable on the stack (`&{v}`) or a map value, not the value itself")
    } else {
        format!("pass one of the expected kinds ({expected}); a pointer of another kind must be copied first (e.g. to the stack)")
    };
    Some(
        Diagnosis::new(
            Class::HelperArgument,
            format!("argument {arg} ({reg}) of {call} is {got}, but the helper wants one of: {expected}{origin}"),
            hint,
        )
        .detail(format!("{reg} {got}")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::verifier::objinfo::ObjInfo;
    use crate::loader::verifier::parse::parse;

    fn diag(log: &str) -> Diagnosis {
        let p = parse(log);
        let msg = p
            .error
            .as_ref()
            .map(|e| e.lines.join("\n"))
            .unwrap_or_default();
        let st = p.state_before_error();
        let path = p.error_path_lines();
        diagnose(&Input {
            msg: &msg,
            parsed: &p,
            info: &ObjInfo::default(),
            state: &st,
            path: &path,
            from_libbpf: false,
        })
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
        assert!(d.hint.contains("data + 13 + 1 > data_end"));
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

    /// Logs from public bug reports (as posted, older kernels' spellings
    /// included): the class and the words a reader needs.
    #[test]
    fn public_reports() {
        // xdp-project/xdp-tools#267.
        let d = diag("307: (61) r1 = *(u32 *)(r6 +36)\ninvalid access to packet, off=50 size=4, R6(id=0,off=50,r=34)\nR6 offset is outside of the packet\nprocessed 195 insns (limit 1000000) max_states_per_insn 0 total_states 14 peak_states 14 mark_read 6\n");
        assert_eq!(
            (d.class, d.detail.as_deref()),
            (Class::OutOfBounds, Some("packet"))
        );
        assert!(d.cause.contains("only 34 byte(s)"), "{}", d.cause);
        assert!(d.hint.contains("data + 50 + 4 > data_end"), "{}", d.hint);
        // iovisor/bcc#5169 (sockops remote_ip4 read as u64).
        let d = diag("7: (79) r2 = *(u64 *)(r1 +24)\ninvalid bpf_context access off=24 size=8\nprocessed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n");
        assert_eq!(d.class, Class::CtxField);
        assert!(
            d.cause.contains("offset 24") && d.cause.contains("8 bytes"),
            "{}",
            d.cause
        );
        // gojue/ecapture#694: a struct partly written, passed to a helper.
        let d = diag("10: (b7) r5 = 64                      ; R5_w=64\n11: (85) call bpf_perf_event_output#25\ninvalid indirect read from stack R4 off -64+0 size 64\n");
        assert_eq!(d.class, Class::Uninitialized);
        assert!(
            d.cause.contains("R10-64+0") && d.cause.contains("bpf_perf_event_output"),
            "{}",
            d.cause
        );
        // open-telemetry/opentelemetry-ebpf-instrumentation#1004: out of the
        // frame (`off=`), not uninitialised.
        let d = diag("106: (61) r1 = *(u32 *)(r6 +24)\ninvalid read from stack R6 off=0 size=4\n");
        assert_eq!(
            (d.class, d.detail.as_deref()),
            (Class::OutOfBounds, Some("stack"))
        );
        assert!(d.cause.contains("R10+0"), "{}", d.cause);
        // sched-ext/scx#3527: a global function called under a lock.
        let d = diag("567: (85) call pc+128\nR1 type=arena expected=fp\nglobal function calls are not allowed while holding a lock,\nuse static function instead\n");
        assert_eq!(d.class, Class::CallUnderLock);
        // iovisor/bcc#209 (old spelling 'inv' of a scalar).
        let d = diag("46: (85) call 2\nR3 type=inv expected=fp\n");
        assert_eq!(d.class, Class::HelperArgument);
        assert!(d.cause.contains("argument 3 (R3)"), "{}", d.cause);
        // iovisor/bcc#1133: a number dereferenced (old spelling).
        let d = diag(
            "33: (05) goto pc+2\n36: (79) r3 = *(u64 *)(r1 +0)\nR1 invalid mem access 'inv'\n",
        );
        assert_eq!(d.class, Class::ScalarDeref);
        // iovisor/bcc#2391: a signed length.
        let d = diag("20: (85) call bpf_probe_read#4\nR2 min value is negative, either use unsigned or 'var &= const'\n");
        assert_eq!(
            (d.class, d.detail.as_deref()),
            (Class::UnboundedSize, Some("negative"))
        );
        // Unknown to bpfscope: neutral, the kernel's words.
        let d = diag("5: (bf) r1 = r2\nsome message from a future kernel\n");
        assert_eq!(d.class, Class::Other);
        assert_eq!(
            d.title.as_deref(),
            Some("the verifier refused instruction 5")
        );
        assert!(d.cause.contains("some message from a future kernel"));
    }
}
