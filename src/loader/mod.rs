//! Loader: turns BPF objects into loaded, pinned and attached kernel
//! objects through libbpf-rs, and takes them apart again.
//!
//! - [`object`] opens an ELF from bytes, sets read-only data before load,
//!   loads it while capturing libbpf's output ([`log`]) so a verifier
//!   rejection can be shown.
//! - [`tool`] is the bundled tools' lifecycle under
//!   `/sys/fs/bpf/bpfscope/NAME/{progs,maps,links}`: load (all or nothing),
//!   attach, detach, unload, state. [`pins`] owns the path rules: names are
//!   validated and nothing outside the tool root is ever touched.
//!   [`instances`] finds directories left by dead processes (a killed
//!   `tool run`, load or attach) and removes them; [`fault`] kills the
//!   process at named steps in crash-consistency tests.
//! - [`attach`] attaches already-pinned programs (a later process than the
//!   one that loaded them) and pins the links.
//! - [`maps`] reads pinned maps for reports: hash maps, per-CPU counters,
//!   ring buffers (followed until a stop condition or Ctrl-C, see [`signal`]).
//! - [`stacks`] symbolizes profile/offcputime stacks (blazesym).
//! - `objdump` reads programs of an ELF object before loading (prog dump … file).
//! - [`fs`] checks bpffs under the tool root and probes attach points.
//! - [`uprobe`] finds a uprobe's binary (libraries through [`ldcache`]) and
//!   the file offset of its function, and attaches programs there.
//!
//! Only this module and `sys` touch the kernel: here through libbpf-rs
//! objects (open, load, pin, attach, map reads), and every raw call
//! (bpf(2) wrappers, perf_event_open, mounts, tracefs) through `sys`.
//! `cmd` calls in here.

pub mod attach;
pub mod core_relo;
pub mod fault;
pub mod fs;
pub mod functions;
pub mod instances;
pub mod iter;
pub mod ldcache;
pub mod log;
pub mod maps;
pub mod needs;
pub mod objdump;
pub mod object;
pub mod objinfo;
pub mod pins;
pub mod profiler;
pub mod prog;
pub mod signal;
pub mod stacks;
pub mod structops;
pub mod tool;
pub mod uprobe;
pub mod verifier;

use std::path::PathBuf;

/// What the loader can fail at. Display is `what failed: why`;
/// [`LoaderError::hint`] gives the `(hint)` part when there is one.
#[derive(Debug, thiserror::Error)]
pub enum LoaderError {
    #[error("invalid name '{name}': {why}")]
    InvalidName { name: String, why: &'static str },
    #[error("invalid tool root '{path}': {why}")]
    InvalidRoot { path: String, why: &'static str },
    #[error("{what} '{}': {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what}: {source}")]
    Bpf {
        what: String,
        source: libbpf_rs::Error,
    },
    /// `force`: the command has `--force` to replace it (`tool load` does,
    /// `prog load` does not), so the hint may name it.
    #[error("{}: already exists", path.display())]
    Exists { path: PathBuf, force: bool },
    #[error("tool '{name}' is not loaded")]
    NotLoaded { name: String },
    #[error("can't set read-only variable '{var}': {why}")]
    Rodata { var: String, why: String },
    /// The ELF could not be opened (not an object, truncated, bad BTF…).
    #[error("can't open object '{object}': {why}")]
    Open { object: String, why: String },
    #[error("can't load object '{object}'{}: {source}", prog.as_ref().map(|p| format!(" (program '{p}')")).unwrap_or_default())]
    Load {
        object: String,
        prog: Option<String>,
        log: Vec<String>,
        /// The whole verifier log libbpf printed (for the analysis).
        full_log: String,
        source: libbpf_rs::Error,
    },
    #[error("can't attach program '{prog}' to {point}: {source}")]
    Attach {
        prog: String,
        point: String,
        source: std::io::Error,
    },
    #[error("{what}: {why}")]
    Other { what: String, why: String },
    /// A uprobe target that can't be found (library, symbol, not ELF).
    #[error(transparent)]
    Uprobe(#[from] uprobe::UprobeError),
    /// A kernel call made through `sys` (tracefs, raw attach calls).
    #[error(transparent)]
    Sys(#[from] crate::sys::SysError),
}

impl LoaderError {
    /// The `(hint)` of the error line, when the loader knows one.
    pub fn hint(&self) -> Option<String> {
        match self {
            LoaderError::Exists { force: true, .. } => Some("use --force to replace it".into()),
            LoaderError::NotLoaded { name } => {
                Some(format!("run 'bpfscope tool load {name}' first"))
            }
            LoaderError::Load { log, source, .. }
                if log.is_empty() && source.kind() == libbpf_rs::ErrorKind::PermissionDenied =>
            {
                Some(crate::sys::caps::eperm_hint().into())
            }
            LoaderError::Load { log, .. } if !log.is_empty() => {
                Some("see the verifier log above; -d shows all of libbpf's output".into())
            }
            LoaderError::Attach { source, .. } if source.raw_os_error() == Some(libc::EEXIST) => {
                Some("already attached? 'bpfscope tool detach' first".into())
            }
            LoaderError::Io { source, .. } | LoaderError::Attach { source, .. }
                if source.raw_os_error() == Some(libc::EPERM) =>
            {
                Some("needs root or CAP_BPF + CAP_PERFMON".into())
            }
            _ => None,
        }
    }

    /// The verifier log's last lines, for load failures.
    pub fn verifier_log(&self) -> &[String] {
        match self {
            LoaderError::Load { log, .. } => log,
            _ => &[],
        }
    }
}

pub(crate) fn io_err(
    what: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(std::io::Error) -> LoaderError {
    let path = path.into();
    move |source| LoaderError::Io { what, path, source }
}

pub(crate) fn bpf_err(what: impl Into<String>) -> impl FnOnce(libbpf_rs::Error) -> LoaderError {
    let what = what.into();
    move |source| LoaderError::Bpf { what, source }
}
