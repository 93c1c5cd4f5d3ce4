//! Ctrl-C (SIGINT) and SIGTERM for the foreground commands (`tool run`,
//! following reports): the handler only sets a flag that the polling loops
//! check, so cleanup runs on the normal path.

use std::sync::atomic::{AtomicBool, Ordering};

use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: nix::libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Installs the handler for SIGINT and SIGTERM (no SA_RESTART, so a
/// blocking poll returns early).
pub fn install() {
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for sig in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: on_signal only stores to an atomic, which is async-signal-safe.
        // A failure leaves the default action (terminate), which is acceptable.
        let _ = unsafe { sigaction(sig, &action) };
    }
}

/// Whether SIGINT/SIGTERM arrived since [`install`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
