//! Objects appearing and vanishing while we list them: `show` must neither
//! fail nor panic, and JSON must stay valid every time.
mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

/// Loads and closes socket filters and maps in a loop until told to stop.
fn churn(stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let insns = [
            libbpf_sys::bpf_insn {
                code: 0xb7,
                _bitfield_align_1: [],
                _bitfield_1: libbpf_sys::bpf_insn::new_bitfield_1(0, 0),
                off: 0,
                imm: 0,
            },
            libbpf_sys::bpf_insn {
                code: 0x95,
                _bitfield_align_1: [],
                _bitfield_1: libbpf_sys::bpf_insn::new_bitfield_1(0, 0),
                off: 0,
                imm: 0,
            },
        ];
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
            assert!(pfd >= 0 && mfd >= 0, "load failed");
            std::thread::sleep(Duration::from_micros(200));
            // SAFETY: we own both fds.
            unsafe {
                libc::close(pfd);
                libc::close(mfd);
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
