//! Counting and stack reports (syscount, hardirqs, cachestat, tcpconnect
//! -c, tcpretrans -c; profile, offcputime): read the pinned maps, once or
//! every INTERVAL (then cleared, as libbpf-tools does), COUNT times.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use tracing_tools::{Config, Report, Session, Tool};

use super::{loader_error, report_histograms, sleep_interruptible, CmdError, Result};
use crate::loader::maps;
use crate::loader::{fs, stacks, tool as lt};
use crate::output::tool_more::{
    write_counts, write_flamegraph, write_stacks, CountsReport, StacksReport,
};
use crate::output::{self, write_json, Ctx};

/// HH:MM:SS of now, for -T.
fn now_hms(session: &Session) -> String {
    let now = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
        .unwrap_or(0);
    session.wall_hms(now)
}

/// Reports an interval-style tool: histograms, counts or stacks.
#[allow(clippy::too_many_arguments)]
pub(super) fn report_interval(
    ctx: &Ctx,
    out: &mut output::Out,
    root: &Path,
    instance: &str,
    tool: &Tool,
    config: &Config,
    session: &mut Session,
    interval: Option<u64>,
    count: Option<u64>,
) -> Result<()> {
    match tool.report_for(config) {
        Report::Histogram { .. } => report_histograms(
            ctx, out, root, instance, tool, config, session, interval, count,
        ),
        Report::Counts {
            map,
            columns,
            rows,
            header_each,
        } => {
            let path = lt::map_path(root, instance, map).map_err(loader_error)?;
            let columns = columns(config);
            let timestamp = config.parsed.has("timestamp");
            let mut done = 0u64;
            let mut reports = Vec::new();
            loop {
                let completed = match interval {
                    Some(i) => sleep_interruptible(Some(Duration::from_secs(i))),
                    None => false,
                };
                session.meminfo_kb = fs::meminfo_kb();
                let entries = maps::hash_entries(&path).map_err(loader_error)?;
                if interval.is_some() {
                    maps::clear(&path).map_err(loader_error)?;
                }
                let mut rows = rows(config, session, &entries);
                if timestamp && !header_each {
                    // cachestat's TIME is a column: the wall clock of this host.
                    let now = now_hms(session);
                    for e in &mut rows {
                        if let Some(t) = e.fields.iter_mut().find(|(k, _)| *k == "time") {
                            t.1 = now.clone().into();
                        }
                    }
                }
                let r = CountsReport {
                    tool: tool.name,
                    // cachestat puts its time in the row.
                    time: (timestamp && header_each).then(|| now_hms(session)),
                    columns: &columns,
                    rows: &rows,
                };
                if ctx.json {
                    reports.push(r.json());
                } else {
                    if interval.is_some() && (header_each || done == 0) {
                        writeln!(out)?;
                    }
                    write_counts(ctx, out, &r, header_each || done == 0)?;
                    out.flush()?;
                }
                done += 1;
                if !completed || count.is_some_and(|c| done >= c) {
                    break;
                }
            }
            if ctx.json {
                if interval.is_some() {
                    write_json(ctx, out, &reports)?;
                } else if let Some(r) = reports.first() {
                    write_json(ctx, out, r)?;
                }
            }
            Ok(())
        }
        Report::Stacks {
            counts,
            stacks: stack_map,
            unit,
        } => {
            let counts_path = lt::map_path(root, instance, counts).map_err(loader_error)?;
            let stacks_path = lt::map_path(root, instance, stack_map).map_err(loader_error)?;
            let mut done = 0u64;
            let mut reports = Vec::new();
            loop {
                let completed = match interval {
                    Some(i) => sleep_interruptible(Some(Duration::from_secs(i))),
                    None => false,
                };
                let entries = maps::hash_entries(&counts_path).map_err(loader_error)?;
                let samples = stacks::samples(&stacks_path, &entries).map_err(loader_error)?;
                if interval.is_some() {
                    maps::clear(&counts_path).map_err(loader_error)?;
                    maps::clear(&stacks_path).map_err(loader_error)?;
                }
                let r = StacksReport {
                    tool: tool.name,
                    unit,
                    samples: &samples,
                };
                if let Some(svg) = &config.svg {
                    write_svg(tool, unit, svg, &r.folded())?;
                }
                if ctx.json {
                    reports.push(r.json());
                } else {
                    write_stacks(ctx, out, &r, config.folded)?;
                    out.flush()?;
                }
                done += 1;
                if !completed || count.is_some_and(|c| done >= c) {
                    break;
                }
            }
            if ctx.json {
                if interval.is_some() {
                    write_json(ctx, out, &reports)?;
                } else if let Some(r) = reports.first() {
                    write_json(ctx, out, r)?;
                }
            }
            Ok(())
        }
        Report::Events { .. } | Report::Select(_) => Ok(()),
    }
}

fn write_svg(tool: &Tool, unit: &str, path: &str, folded: &[String]) -> Result<()> {
    let title = if tool.name == "offcputime" {
        "Off-CPU Time Flame Graph"
    } else {
        "CPU Flame Graph"
    };
    let fail =
        |e: std::io::Error| CmdError::Failed(format!("can't write flame graph '{path}': {e}"));
    let file = std::fs::File::create(path).map_err(fail)?;
    let mut w = std::io::BufWriter::new(file);
    write_flamegraph(&mut w, title, unit, folded).map_err(fail)?;
    w.flush().map_err(fail)?;
    eprintln!("wrote flame graph of {} stacks to {path}", folded.len());
    Ok(())
}
