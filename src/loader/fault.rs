//! Fault points for crash-consistency tests: in debug builds, a step of
//! `tool load`/`attach` named in `$BPFSCOPE_FAULT` kills the process there
//! with SIGKILL, as an operator's `kill -9` or an OOM kill would, or, as
//! `NAME:error`, fails there with an error (to test the rollback). Release
//! builds compile every point away.

use super::LoaderError;

/// The variable naming the point to die or fail at.
pub const ENV: &str = "BPFSCOPE_FAULT";

/// Dies here (SIGKILL, no cleanup) when `$BPFSCOPE_FAULT` is `name`, or
/// fails when it is `name:error`.
pub fn point(name: &str) -> Result<(), LoaderError> {
    if !cfg!(debug_assertions) {
        return Ok(());
    }
    let Ok(want) = std::env::var(ENV) else {
        return Ok(());
    };
    if want == name {
        let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
    }
    if want.strip_suffix(":error") == Some(name) {
        return Err(LoaderError::Other {
            what: format!("fault point '{name}'"),
            why: format!("failing as {ENV} asks"),
        });
    }
    Ok(())
}
