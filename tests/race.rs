//! Objects appearing and vanishing while we list them: `show` must neither
//! fail nor panic, and JSON must stay valid every time.
mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

/// `r0 = 0; exit`.
fn ret0() -> [libbpf_sys::bpf_insn; 2] {
    let insn = |code| libbpf_sys::bpf_insn {
        code,
        _bitfield_align_1: [],
        _bitfield_1: libbpf_sys::bpf_insn::new_bitfield_1(0, 0),
        off: 0,
        imm: 0,
    };
    [insn(0xb7), insn(0x95)]
}

/// Raw BTF with one type (`int`), for BTF objects that come and go.
fn tiny_btf() -> Vec<u8> {
    let strs = b"\0int\0";
    let mut types = Vec::new();
    for v in [1u32, 1 << 24, 4, (1 << 24) | 32] {
        types.extend_from_slice(&v.to_ne_bytes());
    }
    let mut b = Vec::new();
    b.extend_from_slice(&0xeb9fu16.to_ne_bytes());
    b.extend_from_slice(&[1, 0]);
    for v in [
        24u32,
        0,
        types.len() as u32,
        types.len() as u32,
        strs.len() as u32,
    ] {
        b.extend_from_slice(&v.to_ne_bytes());
    }
    b.extend_from_slice(&types);
    b.extend_from_slice(strs);
    b
}

/// Loads and closes socket filters, maps, raw tracepoint links (with their
/// programs) and BTF objects in a loop until told to stop.
fn churn(stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let insns = ret0();
        let btf = tiny_btf();
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            // SAFETY: valid instruction array, license and NULL opts.
            let pfd = unsafe {
                libbpf_sys::bpf_prog_load(
                    libbpf_sys::BPF_PROG_TYPE_SOCKET_FILTER,
                    c"race".as_ptr(),
                    c"GPL".as_ptr(),
                    insns.as_ptr(),
                    2,
                    std::ptr::null_mut(),
                )
            };
            // SAFETY: plain map creation with NULL opts.
            let mfd = unsafe {
                libbpf_sys::bpf_map_create(
                    libbpf_sys::BPF_MAP_TYPE_ARRAY,
                    c"race_map".as_ptr(),
                    4,
                    8,
                    4,
                    std::ptr::null(),
                )
            };
            // SAFETY: as above, a raw tracepoint program.
            let rfd = unsafe {
                libbpf_sys::bpf_prog_load(
                    libbpf_sys::BPF_PROG_TYPE_RAW_TRACEPOINT,
                    c"race_raw".as_ptr(),
                    c"GPL".as_ptr(),
                    insns.as_ptr(),
                    2,
                    std::ptr::null_mut(),
                )
            };
            // SAFETY: a valid tracepoint name and our program's fd; the
            // result is a link fd we own.
            let lfd = unsafe { libbpf_sys::bpf_raw_tracepoint_open(c"sys_enter".as_ptr(), rfd) };
            // SAFETY: `btf` is valid raw BTF of the given size; NULL opts.
            let bfd = unsafe {
                libbpf_sys::bpf_btf_load(btf.as_ptr().cast(), btf.len() as _, std::ptr::null_mut())
            };
            assert!(
                pfd >= 0 && mfd >= 0 && rfd >= 0 && lfd >= 0 && bfd >= 0,
                "load failed: prog {pfd} map {mfd} raw_tp {rfd} link {lfd} btf {bfd}"
            );
            std::thread::sleep(Duration::from_micros(200));
            // SAFETY: we own all five fds.
            unsafe {
                libc::close(lfd);
                libc::close(rfd);
                libc::close(pfd);
                libc::close(mfd);
                libc::close(bfd);
            }
            n += 1;
        }
        n
    })
}

#[test]
fn show_survives_objects_vanishing() {
    let stop = Arc::new(AtomicBool::new(false));
    let worker = churn(stop.clone());
    let until = Instant::now() + Duration::from_secs(6);
    let mut runs = 0;
    while Instant::now() < until {
        for obj in ["prog", "map", "link", "btf", "perf"] {
            for json in [false, true] {
                let mut args = vec![obj, "show"];
                if json {
                    args.insert(0, "-j");
                }
                let o = bpfscope(&args);
                let err = stderr(&o);
                assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
                assert!(o.status.success(), "{args:?} failed: {err}");
                if json {
                    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
                        .unwrap_or_else(|e| panic!("{args:?}: invalid JSON ({e}): {}", stdout(&o)));
                    assert!(v.is_array());
                }
                runs += 1;
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let loaded = worker.join().unwrap();
    assert!(
        loaded > 10 && runs > 10,
        "churned {loaded} objects over {runs} runs"
    );
}
