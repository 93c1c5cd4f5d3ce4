//! BTF: loading (raw bytes, files, ELF .BTF, split BTF on a base), the raw
//! text and JSON listings and the C header of `btf dump`, and the typed
//! value formatter that map dumps use.
//!
//! Nothing here talks to the kernel: BTF of kernel objects reaches this
//! module as bytes from `crate::sys`. libbpf (libbpf-sys) loads and
//! validates BTF and prints C (btf_dump) exactly as bpftool does; the rest
//! reads a safe [`View`] of the raw data.
//!
//! Entry points: [`Btf::from_bytes`], [`Btf::from_file`], [`dump_raw_text`],
//! [`dump_raw_json`], [`dump_c`], and for map values [`format_value`],
//! [`format_entry`] (text and JSON `formatted`, per-CPU aware).

pub mod builder;
mod c;
pub mod encode;
mod fmt;
mod handle;
pub mod layout;
mod order;
mod raw;
pub mod sig;
pub mod view;

use std::io::{self, Write};

use crate::text::JsonW;

pub use c::{dump_c, DeclWriter};
pub use fmt::{
    format_entry, format_json, format_text, format_value, FormatError, Mode, PerCpu, Value,
};
pub use handle::{map_file, view_of_libbpf, vmlinux_lookup, Btf, SYSFS_BTF_DIR, SYSFS_VMLINUX};
pub use order::sorted_ids;
pub use raw::put_name;
pub use view::View;

/// Errors of the BTF layer.
#[derive(Debug, thiserror::Error)]
pub enum BtfError {
    /// Parsing failed; `what` names the source (a path, "BTF id 5", …).
    #[error("failed to load BTF from {what}: {reason}")]
    Load { what: String, reason: String },
    #[error("invalid root ID: {0}")]
    InvalidRoot(u32),
    #[error("can't dump BTF as C: {0}")]
    CDump(String),
    #[error("can't write output: {0}")]
    Io(#[from] io::Error),
}

/// Checks root type ids against the BTF, as bpftool does before dumping.
pub fn check_roots(btf: &Btf, roots: &[u32]) -> Result<(), BtfError> {
    match roots.iter().find(|&&id| id >= btf.type_cnt()) {
        Some(&bad) => Err(BtfError::InvalidRoot(bad)),
        None => Ok(()),
    }
}

/// `format raw` as text: every type of this BTF (not of its base), or
/// only `roots`.
pub fn dump_raw_text<W: Write + ?Sized>(
    btf: &Btf,
    roots: &[u32],
    out: &mut W,
) -> Result<(), BtfError> {
    check_roots(btf, roots)?;
    raw::dump_text(btf.view(), roots, out)?;
    Ok(())
}

/// `format raw` with `-j`: `{"types":[…]}` through a bpftool-style writer.
pub fn dump_raw_json<W: Write>(btf: &Btf, roots: &[u32], w: &mut JsonW<W>) -> Result<(), BtfError> {
    check_roots(btf, roots)?;
    raw::dump_json(btf.view(), roots, w)?;
    Ok(())
}

#[cfg(test)]
mod tests;
