//! What `gen` can fail at, shared by every generator.
use std::path::PathBuf;

/// Everything `gen` can fail at; each is one line for `Error: …`.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{0}")]
    Failed(String),
    #[error("{what} '{}': {}", path.display(), os_msg(source))]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sys(#[from] crate::sys::SysError),
}

pub(super) fn os_msg(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
