//! cargo-fuzz entry of the `value_fmt` target: the body is fuzz/targets/value_fmt.rs.
#![no_main]

#[path = "../targets/value_fmt.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
