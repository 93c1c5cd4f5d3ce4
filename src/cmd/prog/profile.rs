//! `prog profile PROG [duration D] METRIC…` (bpftool's do_profile). The
//! kernel must attach fentry/fexit programs to PROG and offer the hardware
//! counters; `sys::profile::check` tries both (loading nothing that stays)
//! and the command says which one this machine lacks. Readings would be
//! rendered by `output::profile`.
use std::os::fd::AsFd;

use crate::cli::request::ProgProfile;
use crate::cmd::{CmdError, Result};
use crate::output::{Ctx, Out};
use crate::sys::{handle, profile, ObjKind};

pub fn run(_ctx: &Ctx, r: &ProgProfile, _out: &mut Out) -> Result<()> {
    let (id, fd) = handle::resolve_one(ObjKind::Prog, &r.prog)?;
    profile::check(fd.as_fd(), &r.metrics).map_err(|e| {
        CmdError::Failed(format!(
            "can't profile prog {id}: {e} (prog profile reads perf counters from fentry/fexit programs attached to it)"
        ))
    })?;
    // Every requirement is met: the fentry/fexit profiler itself is not part
    // of this build (its programs are bpftool's skeleton, not bundled here).
    Err(CmdError::Failed(format!(
        "can't profile prog {id}: this build has no profiler programs (the kernel would allow it)"
    )))
}
