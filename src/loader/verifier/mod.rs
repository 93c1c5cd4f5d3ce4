//! Verifier debugging: from a rejected program to the instruction, the
//! source line, the CFG block, the cause and a fix, with where the
//! registers got their values and the path walked, in C.
//!
//! - [`load`] verifies one program of an object through libbpf-rs with the
//!   log in our own, growing buffer (nothing pinned, everything closed);
//!   [`privilege`] does it again in a child with CAP_BPF alone; [`probe`]
//!   asks the kernel which program types may read a context field.
//! - [`objinfo`] gathers what the object says: final instructions, source
//!   lines, functions, CO-RE relocation records; [`btfinfo`] the structs of
//!   the context and of map values.
//! - [`parse`] turns the log into a structure ([`state`]: register states).
//! - [`classify`] names the cause and the fix ([`diagnosis`]: the classes
//!   and what classifiers read; [`memory`]: memory accesses; [`outside`]:
//!   libbpf, CO-RE, references, stack; [`msg`]: reading messages);
//!   [`provenance`] traces registers and the path; [`report`] assembles the
//!   summary ([`analyze`]) shown instead of the log; [`record`] and
//!   [`select`] are `prog verify`'s rows, their sort and filter.
//! - [`path`] gives the CFG views the failing path with its states.
//!
//! `cmd::prog_verify` drives it. A load path that failed calls
//! [`analyze`]`(log, &`[`elf_info`]`(file, prog))` on the log libbpf
//! printed (the program is not verified again): its `Display` is the
//! summary, its serde form the JSON.
pub mod btfinfo;
pub mod classify;
pub mod diagnosis;
pub mod load;
pub mod memory;
pub mod msg;
pub mod objinfo;
pub mod outside;
pub mod parse;
pub mod path;
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
