//! `serve`: checks, then the metrics endpoint (`crate::serve`) until
//! SIGTERM or SIGINT. With `--stats`, run-time stats are on only while
//! serving (an fd held by this process; the kernel drops it on exit).
use std::time::Duration;

use super::prog::verify::loader_error;
use super::{CmdError, Result};
use crate::cli::request::ServeReq;
use crate::loader::{pins, signal};
use crate::metrics::collect::Options;
use crate::serve::{self, Config};

/// Time budget per scrape for counting map elements (--map-entries).
const MAP_ENTRIES_BUDGET: Duration = Duration::from_millis(50);
/// Scrapes served at once (Prometheus itself scrapes one at a time per target).
const MAX_SCRAPES: usize = 2;
/// Time allowed to write one response to a client.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Without CAP_BPF nothing can be listed: say so before binding.
pub fn require_privileges(what: &str) -> Result<()> {
    if let Err(e) = crate::sys::ids::next_id(crate::sys::ObjKind::Prog, 0) {
        if matches!(e.errno(), Some(libc::EPERM | libc::EACCES)) {
            return Err(crate::sys::SysError::os(what.to_string(), libc::EPERM).into());
        }
        return Err(e.into());
    }
    Ok(())
}

pub fn run(req: ServeReq) -> Result<()> {
    require_privileges("serve")?;
    let tool_root = match &req.tool_root {
        Some(dir) => {
            let root = pins::check_root(&dir.to_string_lossy()).map_err(loader_error)?;
            if !root.is_dir() {
                return Err(CmdError::Usage(format!(
                    "tool root {}: no such directory (load a tool there first, or leave out --tool-root)",
                    root.display()
                )));
            }
            root
        }
        None => pins::tool_root().map_err(loader_error)?,
    };
    let endpoint =
        serve::bind(req.listen, SEND_TIMEOUT).map_err(|e| CmdError::Failed(e.to_string()))?;
    let _stats = if req.stats {
        Some(crate::sys::stats::enable()?)
    } else {
        None
    };
    signal::install();
    eprintln!(
        "Serving metrics on http://{}/metrics (Ctrl-C or SIGTERM to stop)",
        endpoint.addr
    );
    serve::serve(
        endpoint,
        Config {
            collect: Options {
                tool_root,
                map_entries_budget: req.map_entries.then_some(MAP_ENTRIES_BUDGET),
                max_series: req.max_series,
                stats_held: req.stats,
            },
            max_scrapes: MAX_SCRAPES,
            send_timeout: SEND_TIMEOUT,
        },
        signal::interrupted,
    );
    Ok(())
}
