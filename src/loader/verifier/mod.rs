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
//! `cmd::prog_verify` drives it. A load path that failed calls
//! [`verify`] (or [`verify_bytes`]) for the failing program with
//! `log_level: Some(1)` and prints [`analyze`]`(&v.log, &v.info)`: its
//! `Display` is the summary, its serde form the JSON; or, with a log it
//! captured itself, `analyze(log, &ObjInfo::default())` (no source lines
//! beyond the log's own, no CO-RE records).
pub mod btfinfo;
pub mod classify;
pub mod diagnosis;
pub mod load;
pub mod memory;
pub mod msg;
pub mod objinfo;
pub mod outside;
pub mod parse;
pub mod privilege;
pub mod probe;
pub mod provenance;
pub mod record;
pub mod report;
pub mod select;
pub mod state;

pub use classify::Class;
pub use load::{elf_info, elf_info_bytes, verify, verify_bytes, Verdict, VerifyError, VerifyOpts};
pub use objinfo::ObjInfo;
pub use report::{analyze, Report};
