//! The report half of `tool report` and `tool run`: one loop for every
//! per-interval report (histograms, counts, stacks, histograms per stack),
//! and the follower of event tools' ring buffers. Interval reports print and then clear the
//! maps every INTERVAL, COUNT times, as libbpf-tools does; a report without
//! an interval reads once and leaves the maps as they are.
//!
//! Every wait ends early on a signal, on a stdout nobody reads, or when the
//! tool's directory disappears (unloaded from another shell).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use tracing_tools::stackhist::{sort_for_report, StackHist};
use tracing_tools::stacks::StackSample;
use tracing_tools::top::View;
use tracing_tools::{Column, Config, Event, Histogram, MapEntry, Report, Session, Tool};

use crate::cmd::prog::verify::loader_error;
use crate::cmd::{CmdError, Result};
use crate::loader::maps::{self, Follow};
use crate::loader::{fs, signal, stacks, tool as lt};
use crate::output::tool_report::{
    write_counts, write_flamegraph, write_hist, write_ndjson, write_stack_hists, write_stacks,
    write_top, CountsReport, EventSink, HistReport, StackHistReport, StacksReport, TopReport,
};
use crate::output::{self, write_json, Ctx};

/// The loaded tool a report reads.
pub(super) struct Target<'a> {
    pub root: &'a Path,
    /// Its directory name: the tool's name, or a `tool run` instance.
    pub instance: &'a str,
    pub tool: &'static Tool,
    pub config: &'a Config,
}

impl Target<'_> {
    fn map(&self, name: &str) -> Result<PathBuf> {
        lt::map_path(self.root, self.instance, name).map_err(loader_error)
    }

    fn loaded(&self) -> bool {
        self.root.join(self.instance).is_dir()
    }
}

/// What to report and when.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Plan {
    /// Interval tools: seconds between reports (maps cleared after each).
    pub interval: Option<u64>,
    /// Interval tools: how many reports; event tools: how many events.
    pub count: Option<u64>,
    /// Without an interval, trace this long before the one report (`tool
    /// run`); `Some(ZERO)` reports at once, None waits for a signal.
    /// Event tools follow the ring buffer this long.
    pub duration: Option<Duration>,
}

/// Why a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waited {
    Elapsed,
    /// A signal or a closed stdout: report once more and stop.
    Stopped,
    /// The tool was unloaded: its maps are gone, stop without a report.
    Unloaded,
}

/// Sleeps `d` (None: until stopped), checking every 50 ms.
fn wait(target: &Target<'_>, d: Option<Duration>) -> Waited {
    let end = d.map(|d| Instant::now() + d);
    loop {
        if signal::should_stop() {
            return Waited::Stopped;
        }
        if !target.loaded() {
            return Waited::Unloaded;
        }
        match end {
            Some(e) if Instant::now() >= e => return Waited::Elapsed,
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn unloaded_note(target: &Target<'_>) {
    eprintln!(
        "{} was unloaded: report ended",
        output::escape(target.instance)
    );
}

/// Runs the report `plan` asks for, printing as it goes.
pub(super) fn report(
    ctx: &Ctx,
    out: &mut output::Out,
    target: &Target<'_>,
    session: &mut Session,
    plan: Plan,
) -> Result<()> {
    match target.tool.report_for(target.config) {
        Report::Events {
            map,
            columns,
            decode,
        } => events(ctx, out, target, session, plan, map, columns, decode),
        kind => {
            if matches!(kind, Report::Histogram { .. }) {
                // Flag labels (biolatency -F) follow this kernel's bits.
                session.req = fs::kernel_req_names();
            }
            intervals(ctx, out, target, session, plan, Source::new(target, kind)?)
        }
    }
}

/// Where an interval report's data comes from.
enum Source {
    Hist {
        map: PathBuf,
        decode: fn(&Config, &Session, &[u8], &[u8]) -> Option<Histogram>,
        /// Slot i is the value i (runqlen), not a log2 range.
        linear: bool,
    },
    Counts {
        map: PathBuf,
        columns: Vec<Column>,
        rows: fn(&Config, &Session, &[MapEntry]) -> Vec<Event>,
        header_each: bool,
    },
    Stacks {
        counts: PathBuf,
        stacks: PathBuf,
        unit: &'static str,
    },
    Top {
        map: PathBuf,
        columns: Vec<Column>,
        rows: fn(&Config, &Session, &[MapEntry]) -> Vec<Event>,
        view: View,
        title: fn(&Config, &Session, &str) -> Option<String>,
    },
    StackHists {
        map: PathBuf,
        columns: Vec<Column>,
        decode: fn(&Config, &Session, &[u8], &[u8]) -> Option<StackHist>,
    },
}

/// One interval's data.
enum Snapshot {
    Hist(Vec<Histogram>),
    Counts(Vec<Event>),
    Stacks(Vec<StackSample>),
    /// Rows sorted and cut to the view's -r.
    Top(Vec<Event>),
    StackHists(Vec<StackHist>),
}

impl Source {
    fn new(t: &Target<'_>, kind: Report) -> Result<Source> {
        Ok(match kind {
            Report::Histogram { map, decode } => Source::Hist {
                map: t.map(map)?,
                decode,
                linear: false,
            },
            Report::Linear { map, decode } => Source::Hist {
                map: t.map(map)?,
                decode,
                linear: true,
            },
            Report::Counts {
                map,
                columns,
                rows,
                header_each,
            } => Source::Counts {
                map: t.map(map)?,
                columns: columns(t.config),
                rows,
                header_each,
            },
            Report::Stacks {
                counts,
                stacks,
                unit,
            } => Source::Stacks {
                counts: t.map(counts)?,
                stacks: t.map(stacks)?,
                unit,
            },
            Report::Top {
                map,
                columns,
                rows,
                sorts,
                title,
            } => Source::Top {
                map: t.map(map)?,
                columns: columns(t.config),
                rows,
                // `tool report`'s own -s/-r are checked here, before any output.
                view: View::new(&t.config.parsed, sorts)
                    .map_err(|e| CmdError::Usage(format!("{}: {e}", t.tool.name)))?,
                title,
            },
            Report::StackHistograms {
                map,
                columns,
                decode,
            } => Source::StackHists {
                map: t.map(map)?,
                columns: columns(t.config),
                decode,
            },
            Report::Events { .. } | Report::Select(_) => {
                return Err(CmdError::Failed(format!(
                    "{}: not an interval report",
                    t.tool.name
                )))
            }
        })
    }

    fn read(&self, config: &Config, session: &mut Session) -> Result<Snapshot> {
        Ok(match self {
            Source::Hist { map, decode, .. } => {
                let mut hists: Vec<(Vec<u8>, Histogram)> = maps::hash_entries(map)
                    .map_err(loader_error)?
                    .into_iter()
                    .filter_map(|(k, v)| decode(config, session, &k, &v).map(|h| (k, h)))
                    .collect();
                // Stable order: by key bytes read as numbers (dev, pid, …).
                hists.sort_by(|a, b| a.0.iter().rev().cmp(b.0.iter().rev()));
                Snapshot::Hist(hists.into_iter().map(|(_, h)| h).collect())
            }
            Source::Counts { map, rows, .. } => {
                session.meminfo_kb = fs::meminfo_kb();
                let entries = maps::hash_entries(map).map_err(loader_error)?;
                Snapshot::Counts(rows(config, session, &entries))
            }
            Source::Stacks { counts, stacks, .. } => {
                let entries = maps::hash_entries(counts).map_err(loader_error)?;
                let mut samples = stacks::samples(stacks, &entries).map_err(loader_error)?;
                // memleak -T: the N largest stacks only.
                if let Some(n) = config.top {
                    samples.sort_by_key(|s| std::cmp::Reverse(s.count));
                    samples.truncate(n);
                }
                Snapshot::Stacks(samples)
            }
            Source::Top {
                map, rows, view, ..
            } => {
                session.loadavg = fs::loadavg();
                session.meminfo_kb = fs::meminfo_kb(); // cachetop's title
                let entries = maps::hash_entries(map).map_err(loader_error)?;
                let mut rows = rows(config, session, &entries);
                view.arrange(&mut rows);
                Snapshot::Top(rows)
            }
            Source::StackHists { map, decode, .. } => {
                let mut hists: Vec<StackHist> = maps::hash_entries(map)
                    .map_err(loader_error)?
                    .iter()
                    .filter_map(|(k, v)| decode(config, session, k, v))
                    .collect();
                stacks::name_stack_hists(&mut hists);
                sort_for_report(&mut hists);
                Snapshot::StackHists(hists)
            }
        })
    }

    fn clear(&self) -> Result<()> {
        let maps: &[&PathBuf] = match self {
            Source::Hist { map, .. }
            | Source::Counts { map, .. }
            | Source::Top { map, .. }
            | Source::StackHists { map, .. } => &[map],
            Source::Stacks { counts, stacks, .. } => &[counts, stacks],
        };
        for m in maps {
            maps::clear(m).map_err(loader_error)?;
        }
        Ok(())
    }
}

/// Monotonic nanoseconds now (the clock of bpf_ktime_get_ns()).
fn monotonic_ns() -> u64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
        .unwrap_or(0)
}

/// Wall-clock nanoseconds since the epoch.
fn unix_ns() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Reports every interval (or once), with one print path per data kind.
fn intervals(
    ctx: &Ctx,
    out: &mut output::Out,
    target: &Target<'_>,
    session: &mut Session,
    plan: Plan,
    source: Source,
) -> Result<()> {
    let config = target.config;
    // A top view refreshes in place only on a terminal, every interval
    // without COUNT (a COUNT, -b or -C asks for plain lines).
    let clear_screen = matches!(&source, Source::Top { view, .. } if view.clear)
        && !ctx.json
        && plan.interval.is_some()
        && plan.count.is_none()
        && std::io::stdout().is_terminal();
    let timestamp = config.parsed.has("timestamp") || config.time_line;
    let mut done = 0u64;
    let mut first_wait = match plan.interval {
        Some(i) => Some(Duration::from_secs(i)),
        None => plan.duration,
    };
    loop {
        let waited = match (plan.interval, first_wait.take()) {
            (None, Some(Duration::ZERO)) => Waited::Stopped,
            (_, d) => wait(target, d),
        };
        if waited == Waited::Unloaded {
            unloaded_note(target);
            return Ok(());
        }
        let mut snap = source.read(config, session)?;
        if plan.interval.is_some() {
            source.clear()?;
        }
        // syscount's `[HH:MM:SS]` heads every report, -T or not.
        let hms = (timestamp || config.bracketed_time).then(|| session.wall_hms(monotonic_ns()));
        if let (Snapshot::Counts(rows), Some(now), Source::Counts { header_each, .. }) =
            (&mut snap, &hms, &source)
        {
            if !header_each {
                // cachestat's TIME is a column: the wall clock of this host.
                for e in rows.iter_mut() {
                    if let Some(t) = e.fields.iter_mut().find(|(k, _)| *k == "time") {
                        t.1 = now.clone().into();
                    }
                }
            }
        }
        let first = done == 0;
        let every = plan.interval.is_some();
        match (&snap, &source) {
            (Snapshot::Hist(h), source) => {
                let r = HistReport {
                    tool: target.tool.name,
                    time: hms,
                    histograms: h,
                    linear: matches!(source, Source::Hist { linear: true, .. }),
                };
                if ctx.json {
                    emit_json(ctx, out, every, r.json())?;
                } else {
                    if every {
                        writeln!(out)?;
                    }
                    write_hist(ctx, out, &r)?;
                }
            }
            (
                Snapshot::Counts(rows),
                Source::Counts {
                    columns,
                    header_each,
                    ..
                },
            ) => {
                let r = CountsReport {
                    tool: target.tool.name,
                    time: hms.filter(|_| *header_each || config.bracketed_time),
                    bracketed: config.bracketed_time,
                    columns,
                    rows,
                };
                if ctx.json {
                    emit_json(ctx, out, every, r.json())?;
                } else {
                    if every && (*header_each || first) {
                        writeln!(out)?;
                    }
                    write_counts(ctx, out, &r, *header_each || first)?;
                }
            }
            (
                Snapshot::Top(rows),
                Source::Top {
                    columns,
                    view,
                    title,
                    ..
                },
            ) => {
                let now = session.wall_hms(monotonic_ns());
                let r = TopReport {
                    tool: target.tool.name,
                    title: title(config, session, &now),
                    time: now,
                    loadavg: session.loadavg.as_deref().map(str::trim_end),
                    sort: view.sort.name,
                    columns,
                    rows,
                };
                if ctx.json {
                    emit_json(ctx, out, every, r.json())?;
                } else {
                    if clear_screen {
                        // What clear(1) writes: home, then erase the screen.
                        out.write_all(b"\x1b[H\x1b[2J")?;
                    }
                    write_top(ctx, out, &r)?;
                }
            }
            (Snapshot::Stacks(samples), Source::Stacks { unit, .. }) => {
                let r = StacksReport {
                    tool: target.tool.name,
                    unit,
                    samples,
                };
                if let Some(svg) = &config.svg {
                    write_svg(target.tool, unit, svg, &r.folded())?;
                }
                if ctx.json {
                    emit_json(ctx, out, every, r.json())?;
                } else {
                    write_stacks(ctx, out, &r, config.folded)?;
                }
            }
            (Snapshot::StackHists(hists), Source::StackHists { columns, .. }) => {
                let r = StackHistReport {
                    tool: target.tool.name,
                    time: hms,
                    columns,
                    hists,
                };
                if ctx.json {
                    emit_json(ctx, out, every, r.json())?;
                } else {
                    write_stack_hists(ctx, out, &r)?;
                }
            }
            _ => {}
        }
        out.flush()?;
        done += 1;
        if waited != Waited::Elapsed || plan.count.is_some_and(|c| done >= c) {
            return Ok(());
        }
        if plan.interval.is_none() {
            return Ok(());
        }
        first_wait = plan.interval.map(Duration::from_secs);
    }
}

/// One JSON value: alone, or one NDJSON line of a series (an interval
/// report streams, so a reader sees each interval when it ends). Both
/// carry the monotonic and wall-clock time of the report.
fn emit_json(ctx: &Ctx, out: &mut output::Out, series: bool, mut v: Value) -> Result<()> {
    if let Value::Object(m) = &mut v {
        m.insert("monotonic_ns".into(), monotonic_ns().into());
        m.insert("unix_ns".into(), (unix_ns() as u64).into());
    }
    if series {
        write_ndjson(out, &v)?;
    } else {
        write_json(ctx, out, &v)?;
    }
    Ok(())
}

fn write_svg(tool: &Tool, unit: &str, path: &str, folded: &[String]) -> Result<()> {
    let title = match tool.name {
        "offcputime" => "Off-CPU Time Flame Graph",
        "wakeuptime" => "Wakeup Time Flame Graph",
        "offwaketime" => "Off-Wake Time Flame Graph",
        _ => "CPU Flame Graph",
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

/// Follows an event tool's ring buffer, streaming lines or JSON.
#[allow(clippy::too_many_arguments)]
fn events(
    ctx: &Ctx,
    out: &mut output::Out,
    target: &Target<'_>,
    session: &mut Session,
    plan: Plan,
    map: &str,
    columns: fn(&Config) -> Vec<Column>,
    decode: fn(&Config, &mut Session, &[u8]) -> Option<Event>,
) -> Result<()> {
    let config = target.config;
    let path = target.map(map)?;
    let sink = EventSink::start(ctx, out, columns(config))?;
    // Both callbacks need the writer: share it through a RefCell. A write
    // error (EPIPE from `| head`) also raised SIGPIPE, which ends the follow.
    let state = std::cell::RefCell::new((sink, out, None::<std::io::Error>));
    let follow = Follow {
        duration: plan.duration,
        max_events: plan.count,
    };
    let seen = maps::follow_ringbuf(
        &path,
        follow,
        |data| {
            let Some(mut e) = decode(config, session, data) else {
                return false;
            };
            if ctx.json {
                // Wall clock beside the monotonic `ts` (bpf_ktime_get_ns).
                if let Some(ts) = e.get("ts").and_then(|v| v.as_u64()) {
                    let unix = ts as i128 + session.mono_to_realtime_ns;
                    e.push("unix_ns", u64::try_from(unix).unwrap_or(0));
                }
            }
            let mut st = state.borrow_mut();
            let (sink, out, err) = &mut *st;
            if err.is_none() {
                if let Err(e) = sink.event(*out, &e) {
                    *err = Some(e);
                }
            }
            true
        },
        || {
            let mut st = state.borrow_mut();
            let (_, out, err) = &mut *st;
            if err.is_none() {
                if let Err(e) = out.flush() {
                    *err = Some(e);
                }
            }
        },
    )
    .map_err(loader_error)?;
    let (sink, out, err) = state.into_inner();
    if let Some(e) = err {
        return Err(e.into());
    }
    sink.finish(out)?;
    if !path.exists() {
        unloaded_note(target);
        return Ok(());
    }
    let counters = target.map(tracing_tools::DROPS_MAP).ok();
    let counter = |i| {
        counters
            .as_ref()
            .and_then(|p| maps::percpu_sum_at(p, i).ok())
            .unwrap_or(0)
    };
    // Summary on stderr: stdout stays one JSON value or the tool's lines.
    eprintln!(
        "{seen} events; since load: {} handed over, {} lost (ring buffer full)",
        counter(1),
        counter(0)
    );
    Ok(())
}
