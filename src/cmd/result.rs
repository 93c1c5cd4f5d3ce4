//! What every command returns: `CmdError` (main prints `Error: …` and exits
//! 255) and `Result`; and the `null` that -j prints for commands without output.
use std::io::Write;

use crate::output::{Ctx, Out};
use crate::sys::SysError;

/// Everything a command can fail with; main prints `Error: {self}` and exits 255.
#[derive(Debug, thiserror::Error)]
pub enum CmdError {
    /// Bad words on the command line.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Sys(#[from] SysError),
    /// A failure with its own full message (loader, verifier, tools…).
    #[error("{0}")]
    Failed(String),
    #[error("write error: {0}")]
    Io(#[from] std::io::Error),
    /// A failure whose `-j` form carries more than the message (e.g. the
    /// verifier analysis under "verifier"); `json` is the whole error object.
    #[error("{msg}")]
    Detailed {
        msg: String,
        json: serde_json::Value,
    },
    /// A refused load: the message, then the verifier log's last lines
    /// (kept apart so only these lines break the one-line error).
    #[error("{msg}\nverifier log (last lines):\n  {}", log.join("\n  "))]
    Rejected { msg: String, log: Vec<String> },
}

impl CmdError {
    /// The `-j` error object: `{"error": "..."}`, plus details when there are any.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            CmdError::Detailed { json, .. } => json.clone(),
            other => serde_json::json!({ "error": other.to_string() }),
        }
    }
}

pub type Result<T> = std::result::Result<T, CmdError>;

/// `-j` commands that print nothing in text print `null`, as bpftool does.
pub fn json_null(ctx: &Ctx, out: &mut Out) -> Result<()> {
    if ctx.json {
        writeln!(out, "null")?;
    }
    Ok(())
}
