//! When a foreground command (`tool run`, a following `tool report`) must
//! stop: SIGINT, SIGTERM, SIGHUP (a closing terminal) or SIGPIPE (a reader
//! gone), or a stdout nobody reads any more (`| head` exited while nothing
//! was being written). The handler only sets a flag that the polling loops
//! check, so cleanup runs on the normal path.

use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: nix::libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Installs the handler for SIGINT, SIGTERM, SIGHUP and SIGPIPE (no
/// SA_RESTART, so a blocking poll returns early; a write to a closed pipe
/// still fails with EPIPE after the handler ran).
pub fn install() {
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for sig in [
        Signal::SIGINT,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGPIPE,
    ] {
        // SAFETY: on_signal only stores to an atomic, which is async-signal-safe.
        // A failure leaves the default action (terminate), which is acceptable.
        let _ = unsafe { sigaction(sig, &action) };
    }
}

/// Whether one of those signals arrived since [`install`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Whether stdout is a pipe or socket whose reader is gone (or a terminal
/// that hung up): poll reports POLLERR/POLLHUP on it without blocking.
pub fn stdout_closed() -> bool {
    let stdout = std::io::stdout();
    let mut fds = [PollFd::new(stdout.as_fd(), PollFlags::empty())];
    match poll(&mut fds, PollTimeout::ZERO) {
        Ok(n) if n > 0 => fds[0]
            .revents()
            .is_some_and(|r| r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP)),
        _ => false,
    }
}

/// Whether a foreground loop should end: a signal, or nobody reading.
pub fn should_stop() -> bool {
    interrupted() || stdout_closed()
}
