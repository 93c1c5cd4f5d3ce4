//! The rejected programs of tests/fixtures/verifier, one table: each is
//! verified against the live kernel and its report must name the class, the
//! source line, and say the key words of its cause and fix. Half of them
//! are modelled on public bug reports, named next to their row (and in the
//! fixture's header). A second test checks that no cause or fix prints a
//! number the verifier log (or libbpf's lines) does not contain.
mod common;

use std::collections::HashSet;

use common::verifier::{compile, line_of, out_dir};
use common::{bpfscope, stderr, stdout};
use serde_json::Value;

struct Case {
    fixture: &'static str,
    class: &'static str,
    detail: &'static str,
    /// Text of the failing instruction's source line (None: libbpf failed first).
    line: Option<&'static str>,
    cause: &'static [&'static str],
    fix: &'static [&'static str],
}

const CASES: &[Case] = &[
    // bpftrace/bpftrace#3629: LLVM moved the ctx pointer before a load.
    Case {
        fixture: "ctx_modified",
        class: "ctx_pointer",
        detail: "modified",
        line: Some("return *(__u32 *)p"),
        cause: &["context pointer plus 4", "data_end", "`r1 += 4`"],
        fix: &["unmodified context", "`ctx->data_end`"],
    },
    Case {
        fixture: "ctx_variable",
        class: "ctx_pointer",
        detail: "variable",
        line: Some("(char *)ctx + i"),
        cause: &["var_off=(0x0; 0x4)", "constant offsets"],
        fix: &["if/switch"],
    },
    // KanishJebaMathewM/Truxify#14939: helpers called under bpf_spin_lock.
    Case {
        fixture: "lock_call",
        class: "call_under_lock",
        detail: "bpf_ktime_get_ns",
        line: Some("c->last = bpf_ktime_get_ns();"),
        cause: &[
            "bpf_ktime_get_ns",
            "bpf_spin_lock taken at insn 10 (line 24)",
        ],
        fix: &["after bpf_spin_unlock()"],
    },
    // iovisor/bcc#4844: bpf_spin_lock and its restrictions.
    Case {
        fixture: "lock_exit",
        class: "call_under_lock",
        detail: "exit",
        line: None,
        cause: &["still held", "bpf_spin_lock taken at insn"],
        fix: &["bpf_spin_unlock() on every path"],
    },
    Case {
        fixture: "jump_seq",
        class: "too_complex",
        detail: "jump sequence",
        line: Some("if (bpf_get_prandom_u32() & 1)"),
        cause: &[
            "8193 branches pending",
            "processed 98310 insns",
            "not at the instruction limit",
        ],
        fix: &["branch-free", "bpf_loop()"],
    },
    Case {
        fixture: "stack_var_off",
        class: "stack_variable_offset",
        detail: "R2",
        line: Some("hist[b] += 1;"),
        cause: &["R10-16", "var_off=(0x0; 0x1f)", "the index is R1"],
        fix: &["`if (b >= 16) return 0;`"],
    },
    // iovisor/bcc#213: a kernel pointer dereferenced directly ('inv', now 'scalar').
    Case {
        fixture: "scalar_kernel",
        class: "scalar_deref",
        detail: "kernel",
        line: Some("return t->pid == 1;"),
        cause: &["kernel address", "bpf_get_current_task"],
        fix: &["BPF_CORE_READ", "bpf_get_current_task_btf()"],
    },
    // iovisor/bcc#1133: a user address (a probe argument) dereferenced.
    Case {
        fixture: "scalar_user",
        class: "scalar_deref",
        detail: "user",
        line: Some("return fn[0] == '/';"),
        cause: &["user-space address", "loaded from the context"],
        fix: &["bpf_probe_read_user()"],
    },
    // eunomia-bpf/bpf-developer-tutorial#158, gamemann/XDP-TCP-Header-Options#2.
    Case {
        fixture: "pkt_var_off",
        class: "packet_variable_offset",
        detail: "tcph",
        line: Some("return tcph->dest == 80"),
        cause: &["variable offset", "[0, 60]", "does not cover"],
        fix: &["(void *)(tcph + 1) > data_end"],
    },
    // xdp-project/xdp-tools#267: checked up to 34, read at 50.
    Case {
        fixture: "pkt_const_off",
        class: "out_of_bounds",
        detail: "packet",
        line: Some("*(__u32 *)(data + 50)"),
        cause: &["offset 50", "only 34 byte(s)"],
        fix: &["data + 50 + 4 > data_end"],
    },
    // iovisor/bcc#3269: invalid access to map value.
    Case {
        fixture: "map_off_by_one",
        class: "out_of_bounds",
        detail: "map_value",
        line: Some("s->v[i] = 0;"),
        cause: &[
            "constant offset 32",
            "off-by-one",
            "struct slots",
            "last field is v",
        ],
        fix: &["`i < N`"],
    },
    // iovisor/bcc#1427: a socket filter reading a field it may not.
    Case {
        fixture: "ctx_field_type",
        class: "ctx_field",
        detail: "__sk_buff.remote_ip4",
        line: Some("skb->remote_ip4"),
        cause: &["__sk_buff.remote_ip4", "cgroup_skb"],
        fix: &["program of a type that may read"],
    },
    // iovisor/bcc#5169: a 4-byte field read with 8 bytes.
    Case {
        fixture: "ctx_narrow",
        class: "ctx_field",
        detail: "size",
        line: Some("asm volatile"),
        cause: &["8 bytes", "xdp_md.data_end", "wider than the field"],
        fix: &["declared type"],
    },
    // libbpf/libbpf#770 ("Create map failed": a map left with max_entries 0).
    Case {
        fixture: "libbpf_map",
        class: "libbpf_map",
        detail: "empty_hash",
        line: None,
        cause: &[
            "could not create map 'empty_hash'",
            "-EINVAL",
            "never reached the verifier",
        ],
        fix: &["max_entries"],
    },
    Case {
        fixture: "libbpf_extern",
        class: "libbpf_btf",
        detail: "bpfscope_no_such_symbol",
        line: None,
        cause: &["__ksym", "'bpfscope_no_such_symbol' is not there"],
        fix: &["__weak"],
    },
    // iovisor/bcc#2391, iovisor/bcc#5251: "R2 min value is negative".
    Case {
        fixture: "size_negative",
        class: "unbounded_size",
        detail: "negative",
        line: Some("bpf_probe_read_kernel(buf, len"),
        cause: &["R2, argument 2 of bpf_probe_read_kernel", "may be negative"],
        fix: &["unsigned", "if (len > sizeof(buf))"],
    },
    Case {
        fixture: "size_unbounded",
        class: "unbounded_size",
        detail: "unbounded",
        line: Some("bpf_probe_read_kernel(buf, len"),
        cause: &["no upper bound", "bpf_ktime_get_ns"],
        fix: &["if (len > sizeof(buf))"],
    },
    // latchset/crypto-auditing#301 (bpf_copy_from_user needs a sleepable program).
    Case {
        fixture: "sleepable_helper",
        class: "helper_not_allowed",
        detail: "bpf_copy_from_user",
        line: Some("bpf_copy_from_user(buf"),
        cause: &["may sleep"],
        fix: &["bpf_probe_read_user()", "sleepable"],
    },
    // iovisor/bcc#209: "R3 type=inv expected=fp".
    Case {
        fixture: "helper_arg_type",
        class: "helper_argument",
        detail: "R3 scalar",
        line: Some("bpf_map_update_elem(&seen_at"),
        cause: &["argument 3 (R3) of bpf_map_update_elem is scalar", "fp"],
        fix: &["`&now`"],
    },
    Case {
        fixture: "map_type_arg",
        class: "helper_argument",
        detail: "map type",
        line: Some("bpf_ringbuf_reserve(&not_a_ringbuf"),
        cause: &["bpf_ringbuf_reserve", "type 1 (hash)"],
        fix: &["BPF_MAP_TYPE_RINGBUF"],
    },
    Case {
        fixture: "sock_leak",
        class: "unreleased_reference",
        detail: "socket reference",
        line: None,
        cause: &["socket reference", "bpf_sk_lookup_tcp"],
        fix: &["bpf_sk_release(sk)"],
    },
    Case {
        fixture: "sock_null",
        class: "null_check",
        detail: "sock_or_null",
        line: Some("bpf_sk_release(sk);"),
        cause: &["socket returned by a lookup helper", "passed to a helper"],
        fix: &["if (!sk) return 0;"],
    },
    Case {
        fixture: "null_second",
        class: "null_check",
        detail: "map_value_or_null",
        line: Some("return *x + *y;"),
        cause: &["map 'b'", "the same call at insn", "was checked"],
        fix: &["if (!y) return 0;"],
    },
    Case {
        fixture: "ret_pointer",
        class: "bad_return",
        detail: "ctx",
        line: Some("return r;"),
        cause: &["pointer (ctx)"],
        fix: &["not a pointer"],
    },
    Case {
        fixture: "ctx_write",
        class: "ctx_field",
        detail: "write",
        line: Some("ctx[1] = 0;"),
        cause: &["writes 8 byte(s)", "offset 8"],
        fix: &["copy the value"],
    },
    // cilium/cilium#8250: packet pointers invalidated by a helper.
    Case {
        fixture: "pkt_after_adjust",
        class: "packet_invalidated",
        detail: "bpf_xdp_adjust_head",
        line: Some("return data[12] == 8"),
        cause: &["was a packet pointer", "bpf_xdp_adjust_head at insn"],
        fix: &["ctx->data and ctx->data_end again"],
    },
    Case {
        fixture: "stack_small_buf",
        class: "out_of_bounds",
        detail: "stack",
        line: Some("bpf_probe_read_kernel(&v, 16"),
        cause: &["bpf_probe_read_kernel is given 16 bytes at R10-8"],
        fix: &["sizeof(v)"],
    },
];

/// One fixture verified: its record (JSON) and its whole log (with libbpf's lines).
fn verify(name: &str) -> (Value, String) {
    let obj = compile(name);
    let logf = out_dir().join(format!("{name}.log"));
    let o = bpfscope(&[
        "-j",
        "prog",
        "verify",
        obj.to_str().unwrap(),
        "--log-file",
        logf.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{name}: {}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{name}: bad JSON ({e}): {}", stdout(&o)));
    let log = std::fs::read_to_string(&logf).unwrap_or_default();
    (v[0].clone(), log)
}

#[test]
fn table_of_rejections() {
    assert!(CASES.len() >= 25);
    let mut failures = Vec::new();
    for c in CASES {
        let (r, _) = verify(c.fixture);
        let rep = &r["report"];
        let mut bad = |what: &str| failures.push(format!("{}: {what}\n  report: {rep}", c.fixture));
        if r["verdict"] != "failure" {
            bad("not rejected");
            continue;
        }
        if rep["class"] != c.class {
            bad(&format!("class {} (want {})", rep["class"], c.class));
        }
        if rep["detail"] != c.detail {
            bad(&format!("detail {} (want {})", rep["detail"], c.detail));
        }
        if let Some(snippet) = c.line {
            if rep["source"]["line"] != line_of(c.fixture, snippet) {
                bad(&format!(
                    "line {} (want '{snippet}')",
                    rep["source"]["line"]
                ));
            }
        }
        let cause = rep["cause"].as_str().unwrap_or("");
        let hint = rep["hint"].as_str().unwrap_or("");
        for w in c.cause {
            if !cause.contains(w) {
                bad(&format!("cause lacks '{w}'"));
            }
        }
        for w in c.fix {
            if !hint.contains(w) {
                bad(&format!("fix lacks '{w}'"));
            }
        }
        if rep["class"] == "other" {
            bad("unknown class");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every number in `text`, as values (decimal and 0x hex), except digits
/// inside identifiers (`R10`, `ipv4`, `bpf_probe_read_kernel`).
fn numbers(text: &str, inside_words: bool) -> Vec<u64> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let prev = if i > 0 { b[i - 1] } else { b' ' };
            let in_word = prev.is_ascii_alphanumeric() || prev == b'_';
            let start = i;
            let hex = b[i] == b'0' && b.get(i + 1) == Some(&b'x');
            if hex {
                i += 2;
                while i < b.len() && b[i].is_ascii_hexdigit() {
                    i += 1;
                }
            } else {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let next_in_word = i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'_');
            if inside_words || !(in_word || next_in_word) {
                let t = &text[start..i];
                let v = if hex {
                    u64::from_str_radix(&t[2..], 16).ok()
                } else {
                    t.parse().ok()
                };
                out.extend(v);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// No cause or fix prints a number that the log does not contain.
#[test]
fn every_number_comes_from_the_log() {
    let old = [
        "null_check",
        "oob_packet",
        "oob_map",
        "too_complex",
        "unreleased_ref",
        "uninit",
        "helper_not_allowed",
        "gpl_only",
        "bad_return",
        "stack_too_big",
        "core_fail",
        "unknown_kfunc",
    ];
    let mut failures = Vec::new();
    for name in CASES.iter().map(|c| c.fixture).chain(old) {
        let (r, log) = verify(name);
        assert!(!log.is_empty(), "{name}: empty log file");
        let in_log: HashSet<u64> = numbers(&log, true).into_iter().collect();
        for key in ["cause", "hint"] {
            let text = r["report"][key].as_str().unwrap_or("");
            for n in numbers(text, false) {
                if !in_log.contains(&n) {
                    failures.push(format!("{name}: {key} has {n}, not in the log: {text}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn numbers_are_found() {
    assert_eq!(
        numbers("R10-16 off=0x1f [0, 60] ipv4 u64 x_2", false),
        [16, 31, 0, 60]
    );
    assert_eq!(numbers("R10", true), [10]);
}

/// A program that passes as root but not with CAP_BPF alone (a map key
/// whose padding was never written), and one the kernel refuses to load
/// at all without CAP_PERFMON (a tracepoint program).
#[test]
fn privilege_dependent_verdict() {
    let obj = compile("padding_key");
    let o = bpfscope(&[
        "-j",
        "prog",
        "verify",
        obj.to_str().unwrap(),
        "--as-unprivileged",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &v[0];
    assert_eq!(r["verdict"], "success", "{r}");
    let p = &r["privilege"];
    assert_eq!(p["accepted"], false, "{p}");
    assert_eq!(p["needs_more"], true, "{p}");
    assert_eq!(p["class"], "uninitialized", "{p}");
    assert_eq!(
        p["source"]["line"],
        line_of("padding_key", "bpf_map_lookup_elem(&flows, &k)")
    );
    assert!(p["why"].as_str().unwrap().contains("CAP_PERFMON"), "{p}");
    // Without the flag, nothing of it.
    let o = bpfscope(&["-j", "prog", "verify", obj.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v[0].get("privilege").is_none());
    // Text: the note under the table.
    let o = bpfscope(&["prog", "verify", obj.to_str().unwrap(), "--as-unprivileged"]);
    let t = stdout(&o);
    assert!(t.contains("accepted, but rejected with CAP_BPF"), "{t}");
    // A tracepoint program: refused at load without CAP_PERFMON.
    let obj = compile("scalar_kernel");
    let o = bpfscope(&[
        "-j",
        "prog",
        "verify",
        obj.to_str().unwrap(),
        "--as-unprivileged",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["privilege"]["needs_more"], false, "{}", v[0]);
    assert_eq!(v[0]["privilege"]["accepted"], false);
    // Accepted as root, not loadable at all with CAP_BPF alone.
    let obj = compile("pass");
    let o = bpfscope(&[
        "-j",
        "prog",
        "verify",
        obj.to_str().unwrap(),
        "--as-unprivileged",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v[0]["privilege"];
    assert_eq!(
        (p["needs_more"].as_bool(), p["errno"].as_i64()),
        (Some(true), Some(1)),
        "{p}"
    );
}

/// `--compare` has veristat's duration and peak-states diff columns, and
/// `--sort`/`--filter` order and choose the rows.
#[test]
fn compare_sort_and_filter() {
    let a = compile("pass");
    let b = compile("ctx_modified");
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let names = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["-j", "prog", "verify", a, "--compare", b];
        args.extend_from_slice(extra);
        let o = bpfscope(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["programs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&[]), ["count_getpid", "moved_ctx"]);
    assert_eq!(
        names(&["--sort", "name:desc"]),
        ["moved_ctx", "count_getpid"]
    );
    assert_eq!(names(&["--filter", "verdict_b=missing"]), ["count_getpid"]);
    assert_eq!(names(&["--filter", "!count*"]), ["moved_ctx"]);
    assert_eq!(names(&["--filter", "insns_a>0"]), ["count_getpid"]);
    let o = bpfscope(&["prog", "verify", a, "--compare", b]);
    let t = stdout(&o);
    assert!(
        t.contains("Peak (DIFF)") && t.contains("Duration us (DIFF)"),
        "{t}"
    );
    let o = bpfscope(&["prog", "verify", a, "--sort", "bogus"]);
    assert_eq!(o.status.code(), Some(255));
    assert!(stderr(&o).starts_with("Error: "), "{}", stderr(&o));
}
