//! `prog profile PROG [duration D] METRIC…` (bpftool's do_profile):
//! attaches the profiler's fentry/fexit programs to PROG
//! (`loader::profiler`), lets it run for D seconds or until Ctrl-C, then
//! prints the run count and each metric's counter (`output::profile`).
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use crate::cli::request::ProgProfile;
use crate::cmd::{CmdError, Result};
use crate::loader::{profiler, signal, LoaderError};
use crate::output::{self, profile as render, Ctx, Out};
use crate::sys::{handle, profile, ObjKind};

/// How often the wait looks for Ctrl-C.
const TICK: Duration = Duration::from_millis(100);

pub fn run(ctx: &Ctx, r: &ProgProfile, out: &mut Out) -> Result<()> {
    let (id, fd) = handle::resolve_one(ObjKind::Prog, &r.prog)?;
    let failed = |why: String| CmdError::Failed(format!("can't profile prog {id}: {why}"));
    let func = profile::target_func(fd.as_fd()).map_err(|e| failed(e.to_string()))?;
    signal::install();
    let p = profiler::start(fd.as_fd(), &func, &r.metrics).map_err(|e| failed(why(&e)))?;
    // bpftool sleeps for the duration (UINT_MAX seconds without one).
    let end = r
        .duration
        .map(|s| Instant::now() + Duration::from_secs(u64::from(s)));
    while !signal::interrupted() && end.is_none_or(|e| Instant::now() < e) {
        let left = end.map_or(TICK, |e| e.saturating_duration_since(Instant::now()));
        std::thread::sleep(left.min(TICK));
    }
    let readings = p.finish().map_err(|e| failed(e.to_string()))?;
    if ctx.json {
        output::write_json(
            ctx,
            out,
            &render::records(readings.run_cnt, &readings.metrics),
        )?;
    } else {
        render::text(out, readings.run_cnt, &readings.metrics)?;
    }
    Ok(())
}

/// The loader's error in one line, saying what the kernel lacks when that
/// is why the profiler was refused.
fn why(e: &LoaderError) -> String {
    match e {
        LoaderError::Load { source, .. } => {
            let lacks = match source.kind() {
                // Refused to root: not a missing capability but a kernel
                // without fentry on BPF programs.
                libbpf_rs::ErrorKind::PermissionDenied if profile::is_root() => {
                    " (this kernel does not allow fentry programs: refused to root)"
                }
                libbpf_rs::ErrorKind::PermissionDenied => {
                    " (needs root, or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)"
                }
                libbpf_rs::ErrorKind::Unsupported => {
                    " (this kernel can't attach fentry programs to BPF programs)"
                }
                _ => "",
            };
            format!("{e}{lacks}")
        }
        other => other.to_string(),
    }
}
