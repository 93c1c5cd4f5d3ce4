//! The error every kernel call returns: what we tried and the errno, shown
//! as bpftool shows it (plain strerror, a hint for missing privileges).
/// A failed kernel or file-system operation: what we tried, and the errno.
use crate::text::strerror;

#[derive(Debug, thiserror::Error)]
pub enum SysError {
    #[error("{what}: {}{}", strerror(*.errno), hint(*.errno))]
    Os { what: String, errno: i32 },
    #[error("{0}")]
    Msg(String),
}

pub type Result<T> = std::result::Result<T, SysError>;

impl SysError {
    pub fn os(what: impl Into<String>, errno: i32) -> Self {
        SysError::Os {
            what: what.into(),
            errno,
        }
    }
    /// The errno of the last failed libc call, with a description of it.
    pub fn last(what: impl Into<String>) -> Self {
        Self::os(what, errno())
    }
    pub fn errno(&self) -> Option<i32> {
        match self {
            SysError::Os { errno, .. } => Some(*errno),
            SysError::Msg(_) => None,
        }
    }
}

pub fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn hint(errno: i32) -> String {
    match errno {
        libc::EPERM | libc::EACCES => format!(" ({})", super::caps::eperm_hint()),
        _ => String::new(),
    }
}
