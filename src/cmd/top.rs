//! `top`: the interactive view, or `-b` batch output (text, or JSON with
//! -j). Run-time stats are on only while it runs: a BPF_ENABLE_STATS fd
//! held by this process, closed by the kernel however the process ends.
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use super::{CmdError, Result};
use crate::cli::request::TopReq;
use crate::loader::signal;
use crate::output::top::{write_text, TopSnapshot};
use crate::output::{write_json, Ctx, Out};
use crate::top::{self, arrange, SortBy};

pub fn run(ctx: &Ctx, req: TopReq, out: &mut Out) -> Result<()> {
    super::serve::require_privileges("top")?;
    let batch = req.batch || ctx.json || req.iterations.is_some();
    let tty = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if !batch && !tty {
        return Err(CmdError::Usage(
            "top: the live view needs a terminal (use -b for batch output)".into(),
        ));
    }
    let _stats = crate::sys::stats::enable()?;
    signal::install();
    if !batch {
        return top::tui::run(req.delay, signal::interrupted).map_err(CmdError::Io);
    }
    let mut prev = top::sample()?;
    let mut done = 0u64;
    let mut snaps = Vec::new();
    while req.iterations.is_none_or(|n| done < n) {
        if !sleep(req.delay) {
            break;
        }
        let cur = top::sample()?;
        let (interval_ns, mut rows) = top::rows(&prev, &cur);
        arrange(&mut rows, SortBy::Cpu, "");
        prev = cur;
        let snap = TopSnapshot {
            time: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            interval_ns,
            programs: rows,
        };
        if ctx.json {
            snaps.push(snap);
        } else {
            write_text(out, &snap)?;
            out.flush()?;
        }
        done += 1;
    }
    if ctx.json {
        write_json(ctx, out, &snaps)?;
    }
    Ok(())
}

/// Sleeps `d`; false when SIGINT/SIGTERM came first.
fn sleep(d: Duration) -> bool {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if signal::interrupted() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20).min(end - Instant::now()));
    }
    !signal::interrupted()
}
