//! Verifier debugging: from a rejected program to the instruction, the
//! source line, the CFG block, the cause and a fix.
//!
//! - [`load`] verifies one program of an object through libbpf-rs with the
//!   log in our own, growing buffer (nothing pinned, everything closed).
//! - [`objinfo`] gathers what the object says: final instructions, source
//!   lines, functions, CO-RE relocation records.
//! - [`parse`] turns the log into a structure.
//! - [`classify`] names the cause and the fix; [`report`] assembles the
//!   summary ([`analyze`]) shown instead of the log.
//!
//! `cmd::prog_verify` drives it; the load paths call [`analyze`] on failure.
pub mod classify;
pub mod load;
pub mod objinfo;
pub mod parse;
pub mod record;
pub mod report;

pub use classify::Class;
pub use load::{verify, Verdict, VerifyError, VerifyOpts};
pub use objinfo::ObjInfo;
pub use report::{analyze, Report};
