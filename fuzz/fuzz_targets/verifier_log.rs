//! cargo-fuzz entry of the `verifier_log` target: the body is fuzz/targets/verifier_log.rs.
#![no_main]

#[path = "../targets/verifier_log.rs"]
mod target;

libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
