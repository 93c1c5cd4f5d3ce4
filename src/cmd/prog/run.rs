//! `prog run PROG [data_in FILE [data_out FILE [data_size_out L]]]
//! [ctx_in FILE [ctx_out FILE [ctx_size_out M]]] [repeat N]` (bpftool's
//! do_run): reads the inputs (`-` is stdin), test-runs the program through
//! `sys::testrun`, writes outputs to their files or, for `-`, to the report.
use std::io::Read;
use std::os::fd::AsFd;
use std::path::Path;

use crate::cli::request::ProgRun;
use crate::cmd::{CmdError, Result};
use crate::output::{run::RunReport, Ctx, Out};
use crate::sys::testrun::{self, TestInput};
use crate::sys::{handle, ObjKind};

fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == "-"
}

fn read_input(path: Option<&Path>) -> Result<Option<Vec<u8>>> {
    let Some(p) = path else { return Ok(None) };
    let mut buf = Vec::new();
    let r = if is_stdin(p) {
        std::io::stdin().read_to_end(&mut buf).map(|_| ())
    } else {
        // A regular file of bounded size only: no FIFO, device or directory.
        crate::infile::read(p).map(|b| buf = b)
    };
    r.map_err(|e| CmdError::Failed(format!("failed to open {}: {e}", p.display())))?;
    if buf.len() > u32::MAX as usize {
        return Err(CmdError::Failed(format!(
            "data_in/ctx_in is too long (max: {})",
            u32::MAX
        )));
    }
    Ok(Some(buf))
}

/// Writes an output to its file; returns it when it goes to the report (`-`).
fn place_output(path: Option<&Path>, data: Option<Vec<u8>>) -> Result<Option<Vec<u8>>> {
    match (path, data) {
        (Some(p), Some(d)) if is_stdin(p) => Ok(Some(d)),
        (Some(p), Some(d)) => {
            std::fs::write(p, &d)
                .map_err(|e| CmdError::Failed(format!("failed to write {}: {e}", p.display())))?;
            Ok(None)
        }
        _ => Ok(None),
    }
}

pub fn run(ctx: &Ctx, r: &ProgRun, out: &mut Out) -> Result<()> {
    let (data_in, ctx_in) = (r.data_in.as_deref(), r.ctx_in.as_deref());
    if data_in.is_some_and(is_stdin) && ctx_in.is_some_and(is_stdin) {
        return Err(CmdError::Usage(
            "cannot use standard input for both data_in and ctx_in".into(),
        ));
    }
    let (_, fd) = handle::resolve_one(ObjKind::Prog, &r.prog)?;
    let input = TestInput {
        data: read_input(data_in)?,
        data_size_out: r.data_size_out,
        ctx: read_input(ctx_in)?,
        ctx_size_out: r.ctx_size_out,
        repeat: r.repeat,
    };
    let res = testrun::run(fd.as_fd(), &input)?;
    let report = RunReport {
        data_out: place_output(r.data_out.as_deref(), res.data_out)?,
        ctx_out: place_output(r.ctx_out.as_deref(), res.ctx_out)?,
        retval: res.retval,
        duration: res.duration_ns,
        repeated: r.repeat > 1,
    };
    crate::output::run::write(ctx, out, &report)?;
    Ok(())
}
