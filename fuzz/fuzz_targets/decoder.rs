//! cargo-fuzz entry of the `decoder` target: the body is fuzz/targets/decoder.rs.
#![no_main]

#[path = "../targets/decoder.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
