//! `top -b`: one block of text per interval, as top(1) in batch mode, or
//! (with -j) one JSON array of snapshots when the run ends.
use std::io::{self, Write};

use serde::Serialize;

use super::escape;
use crate::top::Row;

/// One interval's view.
#[derive(Debug, Serialize)]
pub struct TopSnapshot {
    /// Wall-clock seconds since the epoch at the end of the interval.
    pub time: u64,
    pub interval_ns: u64,
    pub programs: Vec<Row>,
}

pub fn write_text(w: &mut impl Write, s: &TopSnapshot) -> io::Result<()> {
    let busy = s.programs.iter().filter(|r| r.interval_run_cnt > 0).count();
    writeln!(
        w,
        "bpfscope top - {} programs, {} ran in the last {:.2}s",
        s.programs.len(),
        busy,
        s.interval_ns as f64 / 1e9
    )?;
    writeln!(
        w,
        "{:>7} {:<16} {:<20} {:>7} {:>10} {:>13} {:>12}",
        "ID", "TYPE", "NAME", "CPU %", "EVENTS/S", "AVG RUNTIME", "TOTAL RUNS"
    )?;
    for r in &s.programs {
        writeln!(
            w,
            "{:>7} {:<16} {:<20} {:>7.2} {:>10.0} {:>10} ns {:>12}",
            r.id,
            escape(&r.prog_type),
            escape(&r.name),
            r.cpu_percent,
            r.events_per_sec,
            r.avg_run_time_ns,
            r.run_cnt
        )?;
    }
    writeln!(w)
}
