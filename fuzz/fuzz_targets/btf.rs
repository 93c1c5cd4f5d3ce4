//! cargo-fuzz entry of the `btf` target: the body is fuzz/targets/btf.rs.
#![no_main]

#[path = "../targets/btf.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
