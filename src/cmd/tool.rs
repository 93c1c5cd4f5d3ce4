//! `tool list|load|attach|detach|report|unload|run`: the bundled tracing
//! tools (tracing-tools crate) driven through the loader. Arguments arrive
//! as raw words: tool options (-m, -p PID, …) are the tool's, parsed by
//! its registry entry. A loaded tool's options are read back from its
//! pinned `bpf_metadata_args`, so `report` needs no state besides bpffs.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tracing_tools::{Config, Histogram, Report, Session, Tool};

// Counting and stack reports (issue 8's tools).
mod more;

use super::{CmdError, Result};
use crate::cli::request::{ToolReq, ToolVerb};
use crate::loader::maps::{self, Follow};
use crate::loader::{self, fs, pins, signal, tool as lt, LoaderError};
use crate::output::tool::{
    write_action, write_hist, write_list, write_load, ActionRecord, EventSink, HistReport,
    LoadRecord, PinRecord, ToolRecord,
};
use crate::output::{self, write_json, Ctx};

pub fn run(ctx: &Ctx, req: ToolReq, out: &mut output::Out) -> Result<()> {
    loader::log::set_debug(ctx.debug);
    // The tool's words as its commands read them: NAME first, then its options.
    let args: Vec<String> = req.name.iter().cloned().chain(req.args).collect();
    let args = &args[..];
    if req.verb != ToolVerb::List && !wants_help(args) {
        // Without the capabilities every step fails, some only as "not
        // loaded" (the pins are unreadable): say the real reason first.
        if let Err(e) = crate::sys::ids::next_id(crate::sys::ObjKind::Prog, 0) {
            if matches!(e.errno(), Some(libc::EPERM | libc::EACCES)) {
                let verb = format!("{:?}", req.verb).to_lowercase();
                return Err(crate::sys::SysError::os(format!("tool {verb}"), libc::EPERM).into());
            }
        }
    }
    let r = match req.verb {
        ToolVerb::List => list(ctx, args, out),
        ToolVerb::Load => load(ctx, args, out),
        ToolVerb::Attach => attach(ctx, args, out),
        ToolVerb::Detach => detach(ctx, args, out),
        ToolVerb::Report => report(ctx, args, out),
        ToolVerb::Unload => unload(ctx, args, out),
        ToolVerb::Run => run_foreground(ctx, args, out),
    };
    out.flush()?;
    r
}

/// Errors out on words left over after a complete command.
fn no_more_args(rest: &[String]) -> Result<()> {
    match rest.first() {
        None => Ok(()),
        Some(w) => Err(CmdError::Usage(format!(
            "too many arguments: unexpected '{w}'"
        ))),
    }
}

/// A loader error as one message: `what: why (hint)`, then the verifier's
/// last lines when a load was rejected.
pub fn loader_error(e: LoaderError) -> CmdError {
    let mut msg = e.to_string();
    if let Some(h) = e.hint() {
        msg.push_str(&format!(" ({h})"));
    }
    let log = e.verifier_log();
    if !log.is_empty() {
        return CmdError::Rejected {
            msg,
            log: log.to_vec(),
        };
    }
    match e {
        LoaderError::InvalidName { .. } | LoaderError::InvalidRoot { .. } => CmdError::Usage(msg),
        _ => CmdError::Failed(msg),
    }
}

fn root() -> Result<PathBuf> {
    pins::tool_root().map_err(loader_error)
}

/// The tool NAME names, after checking NAME is a safe path component.
fn find_tool(name: Option<&String>) -> Result<&'static Tool> {
    let Some(name) = name else {
        return Err(CmdError::Usage(
            "missing tool NAME (see 'bpfscope tool list')".into(),
        ));
    };
    pins::validate_name(name).map_err(loader_error)?;
    tracing_tools::find(name).ok_or_else(|| {
        let names: Vec<_> = tracing_tools::tools().iter().map(|t| t.name).collect();
        CmdError::Usage(format!(
            "unknown tool '{name}' (available: {})",
            names.join(", ")
        ))
    })
}

fn configure(tool: &Tool, args: &[String], session: &Session) -> Result<Config> {
    tool.configure(args, session).map_err(|e| {
        CmdError::Usage(format!(
            "{}: {e} (see 'bpfscope tool load {} --help')",
            tool.name, tool.name
        ))
    })
}

fn wants_help(args: &[String]) -> bool {
    args.iter().any(|a| a == "-h" || a == "--help")
}

fn list(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    no_more_args(args)?;
    let root = root()?;
    let probe = fs::AttachProbe::new();
    let mut records = Vec::new();
    for t in tracing_tools::tools() {
        let (_, missing) = probe.plan(t);
        let st = lt::state(&root, t.name).map_err(loader_error)?;
        let args = if st.loaded {
            lt::loaded_args(&root, t.name, t).ok()
        } else {
            None
        };
        records.push(ToolRecord {
            name: t.name,
            summary: t.summary,
            supported: missing.is_empty(),
            missing,
            state: match (st.loaded, st.attached()) {
                (false, _) => "not loaded",
                (true, false) => "loaded",
                (true, true) => "attached",
            },
            pinned: st.loaded.then(|| root.join(t.name).display().to_string()),
            args,
        });
    }
    write_list(ctx, out, &records)?;
    Ok(())
}

fn load(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    let force = args.iter().any(|a| a == "--force");
    let args: Vec<String> = args.iter().filter(|a| *a != "--force").cloned().collect();
    let tool = find_tool(args.first())?;
    if wants_help(&args[1..]) {
        out.write_all(tool.usage().as_bytes())?;
        return Ok(());
    }
    let session = fs::host_session();
    let config = configure(tool, &args[1..], &session)?;
    if config.has_run_arguments() {
        return Err(CmdError::Usage(format!(
            "{}: {} belong to 'tool report' or 'tool run', not 'tool load'",
            tool.name, tool.positional
        )));
    }
    let root = root()?;
    let loaded = lt::load(&root, tool.name, tool, &config, force).map_err(|e| {
        super::prog::load::explain_rejection(ctx, e, |prog, opts| {
            crate::loader::verifier::verify_bytes(tool.object, prog, opts)
        })
    })?;
    let pin = |p: &lt::Pinned| PinRecord {
        name: p.name.clone(),
        id: p.id,
        pinned: p.path.display().to_string(),
    };
    let record = LoadRecord {
        tool: tool.name,
        pinned: loaded.dir.display().to_string(),
        args: config.args.clone(),
        progs: loaded.progs.iter().map(pin).collect(),
        maps: loaded.maps.iter().map(pin).collect(),
    };
    write_load(ctx, out, &record)?;
    Ok(())
}

fn one_name(args: &[String]) -> Result<&'static Tool> {
    let tool = find_tool(args.first())?;
    no_more_args(&args[1..])?;
    Ok(tool)
}

fn attach(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    let tool = one_name(args)?;
    let root = root()?;
    // The load's options (profile's -F) decide how some programs attach.
    let loaded = lt::loaded_args(&root, tool.name, tool).map_err(loader_error)?;
    let words: Vec<String> = loaded.split_whitespace().map(String::from).collect();
    let config = configure(tool, &words, &fs::host_session())?;
    let links = lt::attach_with(&root, tool.name, tool, &config).map_err(loader_error)?;
    let r = ActionRecord {
        tool: tool.name,
        action: "attach",
        pinned: root.join(tool.name).display().to_string(),
        links: links.iter().map(|p| p.display().to_string()).collect(),
    };
    write_action(ctx, out, &r)?;
    Ok(())
}

fn detach(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    remove(ctx, args, out, "detach", |r, n| lt::detach(r, n).map(drop))
}

fn unload(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    remove(ctx, args, out, "unload", lt::unload)
}

/// `detach` and `unload`: note the links pinned now, remove, report them.
fn remove(
    ctx: &Ctx,
    args: &[String],
    out: &mut output::Out,
    action: &'static str,
    op: fn(&std::path::Path, &str) -> std::result::Result<(), LoaderError>,
) -> Result<()> {
    let tool = one_name(args)?;
    let root = root()?;
    let links = pins::entries(&root.join(tool.name).join("links")).map_err(loader_error)?;
    op(&root, tool.name).map_err(loader_error)?;
    let r = ActionRecord {
        tool: tool.name,
        action,
        pinned: root.join(tool.name).display().to_string(),
        links,
    };
    write_action(ctx, out, &r)?;
    Ok(())
}

/// `report` arguments after NAME: histograms take `[INTERVAL [COUNT]]`;
/// event tools take `[COUNT]` and `duration SECS` (0: only what is buffered).
#[derive(Debug, Default, PartialEq, Eq)]
struct ReportArgs {
    interval: Option<u64>,
    count: Option<u64>,
    duration: Option<u64>,
    /// Stack tools: `-f` and `--svg FILE` given to report (besides load's).
    folded: bool,
    svg: Option<String>,
}

fn number(word: &str, what: &str) -> Result<u64> {
    word.parse()
        .map_err(|_| CmdError::Usage(format!("invalid {what} '{word}': expected a whole number")))
}

fn report_args(tool: &Tool, interval_kind: bool, words: &[String]) -> Result<ReportArgs> {
    let mut r = ReportArgs::default();
    let mut positional = Vec::new();
    let mut i = 0;
    let stacks = matches!(tool.report, Report::Stacks { .. });
    while i < words.len() {
        if stacks && (words[i] == "-f" || words[i] == "--folded") {
            r.folded = true;
            i += 1;
        } else if stacks && words[i] == "--svg" {
            let v = words
                .get(i + 1)
                .ok_or_else(|| CmdError::Usage("'--svg' needs FILE".into()))?;
            r.svg = Some(v.clone());
            i += 2;
        } else if words[i] == "duration" {
            let v = words
                .get(i + 1)
                .ok_or_else(|| CmdError::Usage("'duration' needs SECS".into()))?;
            r.duration = Some(number(v, "duration")?);
            i += 2;
        } else {
            positional.push(&words[i]);
            i += 1;
        }
    }
    if interval_kind {
        if r.duration.is_some() {
            return Err(CmdError::Usage(format!(
                "{}: use [INTERVAL [COUNT]], not 'duration'",
                tool.name
            )));
        }
        match positional.as_slice() {
            [] => {}
            [i] => r.interval = Some(number(i, "interval")?.max(1)),
            [i, c] => {
                r.interval = Some(number(i, "interval")?.max(1));
                r.count = Some(number(c, "count")?);
            }
            _ => {
                return Err(CmdError::Usage(
                    "too many arguments: expected [INTERVAL [COUNT]]".into(),
                ))
            }
        }
    } else {
        match positional.as_slice() {
            [] => {}
            [c] => r.count = Some(number(c, "count")?),
            _ => {
                return Err(CmdError::Usage(
                    "too many arguments: expected [COUNT] [duration SECS]".into(),
                ))
            }
        }
    }
    Ok(r)
}

fn report(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    let tool = find_tool(args.first())?;
    let root = root()?;
    let mut session = fs::host_session();
    let loaded = lt::loaded_args(&root, tool.name, tool).map_err(loader_error)?;
    let words: Vec<String> = loaded.split_whitespace().map(String::from).collect();
    let mut config = configure(tool, &words, &session)?;
    let kind = tool.report_for(&config);
    let ra = report_args(tool, kind.is_interval(), &args[1..])?;
    config.folded |= ra.folded;
    if ra.svg.is_some() {
        config.svg = ra.svg.clone();
    }
    signal::install();
    match kind {
        Report::Counts { .. } | Report::Stacks { .. } | Report::Select(_) => more::report_interval(
            ctx,
            out,
            &root,
            tool.name,
            tool,
            &config,
            &mut session,
            ra.interval,
            ra.count,
        ),
        Report::Histogram { .. } => report_histograms(
            ctx,
            out,
            &root,
            tool.name,
            tool,
            &config,
            &session,
            ra.interval,
            ra.count,
        ),
        Report::Events { .. } => {
            let follow = Follow {
                duration: ra.duration.map(Duration::from_secs),
                max_events: ra.count,
            };
            report_events(
                ctx,
                out,
                &root,
                tool.name,
                tool,
                &config,
                &mut session,
                follow,
            )
        }
    }
}

fn read_histograms(
    root: &std::path::Path,
    instance: &str,
    tool: &Tool,
    config: &Config,
    session: &Session,
) -> Result<Vec<Histogram>> {
    let Report::Histogram { map, decode } = tool.report_for(config) else {
        return Ok(Vec::new());
    };
    let path = lt::map_path(root, instance, map).map_err(loader_error)?;
    let mut hists: Vec<(Vec<u8>, Histogram)> = maps::hash_entries(&path)
        .map_err(loader_error)?
        .into_iter()
        .filter_map(|(k, v)| decode(config, session, &k, &v).map(|h| (k, h)))
        .collect();
    // Stable order: by key bytes read as numbers (dev, pid, …).
    hists.sort_by(|a, b| a.0.iter().rev().cmp(b.0.iter().rev()));
    Ok(hists.into_iter().map(|(_, h)| h).collect())
}

/// Sleeps up to `d`, returning early (false) on Ctrl-C.
fn sleep_interruptible(d: Option<Duration>) -> bool {
    let end = d.map(|d| Instant::now() + d);
    loop {
        if signal::interrupted() {
            return false;
        }
        match end {
            Some(e) if Instant::now() >= e => return true,
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn report_histograms(
    ctx: &Ctx,
    out: &mut output::Out,
    root: &std::path::Path,
    instance: &str,
    tool: &Tool,
    config: &Config,
    session: &Session,
    interval: Option<u64>,
    count: Option<u64>,
) -> Result<()> {
    let time = |s: &Session| {
        config.parsed.has("timestamp").then(|| {
            let now = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
                .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
                .unwrap_or(0);
            s.wall_hms(now)
        })
    };
    let Some(interval) = interval else {
        let hists = read_histograms(root, instance, tool, config, session)?;
        let r = HistReport {
            tool: tool.name,
            time: time(session),
            histograms: &hists,
        };
        if ctx.json {
            write_json(ctx, out, &r.json())?;
        } else {
            write_hist(ctx, out, &r)?;
        }
        return Ok(());
    };
    // Every INTERVAL: print, then clear (libbpf-tools' behaviour), COUNT times.
    let Report::Histogram { map, .. } = tool.report_for(config) else {
        return Ok(());
    };
    let path = lt::map_path(root, instance, map).map_err(loader_error)?;
    let mut done = 0u64;
    let mut reports = Vec::new();
    loop {
        let completed = sleep_interruptible(Some(Duration::from_secs(interval)));
        let hists = read_histograms(root, instance, tool, config, session)?;
        maps::clear(&path).map_err(loader_error)?;
        let r = HistReport {
            tool: tool.name,
            time: time(session),
            histograms: &hists,
        };
        if ctx.json {
            reports.push(r.json());
        } else {
            writeln!(out)?;
            write_hist(ctx, out, &r)?;
            out.flush()?;
        }
        done += 1;
        if !completed || count.is_some_and(|c| done >= c) {
            break;
        }
    }
    if ctx.json {
        write_json(ctx, out, &reports)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn report_events(
    ctx: &Ctx,
    out: &mut output::Out,
    root: &std::path::Path,
    instance: &str,
    tool: &Tool,
    config: &Config,
    session: &mut Session,
    follow: Follow,
) -> Result<()> {
    let Report::Events {
        map,
        columns,
        decode,
    } = tool.report_for(config)
    else {
        return Ok(());
    };
    let path = lt::map_path(root, instance, map).map_err(loader_error)?;
    let sink = EventSink::start(ctx, out, columns(config))?;
    // Both callbacks need the writer: share it through a RefCell.
    let state = std::cell::RefCell::new((sink, out, None::<std::io::Error>));
    let seen = maps::follow_ringbuf(
        &path,
        follow,
        |data| {
            let Some(e) = decode(config, session, data) else {
                return false;
            };
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
    let drops = lt::map_path(root, instance, tracing_tools::DROPS_MAP)
        .ok()
        .and_then(|p| maps::percpu_sum(&p).ok())
        .unwrap_or(0);
    // Summary on stderr: stdout stays one JSON value or the tool's lines.
    eprintln!("{seen} events, {drops} lost since load (ring buffer full)");
    Ok(())
}

/// Unloads a `tool run` instance however the run ends (error, Ctrl-C).
struct RunGuard {
    root: PathBuf,
    instance: String,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        if let Err(e) = lt::unload(&self.root, &self.instance) {
            eprintln!("Warning: cleanup of {}: {e}", self.instance);
        }
    }
}

fn run_foreground(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    let tool = find_tool(args.first())?;
    if wants_help(&args[1..]) {
        out.write_all(tool.usage().as_bytes())?;
        return Ok(());
    }
    let mut session = fs::host_session();
    let config = configure(tool, &args[1..], &session)?;
    let root = root()?;
    // A per-process instance: never collides with an operator's `tool load`.
    let instance = format!("{}-run{}", tool.name, std::process::id());
    signal::install();
    lt::load(&root, &instance, tool, &config, false).map_err(loader_error)?;
    let _guard = RunGuard {
        root: root.clone(),
        instance: instance.clone(),
    };
    lt::attach_with(&root, &instance, tool, &config).map_err(loader_error)?;
    match tool.report_for(&config) {
        kind @ (Report::Counts { .. } | Report::Stacks { .. } | Report::Select(_)) => {
            eprintln!("Tracing ({})... Hit Ctrl-C to end.", tool.name);
            if config.interval.is_none() {
                sleep_interruptible(config.duration.map(Duration::from_secs));
            }
            let _ = kind;
            more::report_interval(
                ctx,
                out,
                &root,
                &instance,
                tool,
                &config,
                &mut session,
                config.interval,
                config.count,
            )
        }
        Report::Histogram { .. } => {
            match config.interval {
                Some(_) => eprintln!("Tracing ({})... Hit Ctrl-C to end.", tool.name),
                None => {
                    eprintln!("Tracing ({})... Hit Ctrl-C to end.", tool.name);
                    sleep_interruptible(config.duration.map(Duration::from_secs));
                }
            }
            report_histograms(
                ctx,
                out,
                &root,
                &instance,
                tool,
                &config,
                &session,
                config.interval,
                config.count,
            )
        }
        Report::Events { .. } => {
            let follow = Follow {
                duration: config.duration.map(Duration::from_secs),
                max_events: None,
            };
            report_events(
                ctx,
                out,
                &root,
                &instance,
                tool,
                &config,
                &mut session,
                follow,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn report_words() {
        let bio = tracing_tools::find("biolatency").unwrap();
        let exec = tracing_tools::find("execsnoop").unwrap();
        assert_eq!(
            report_args(bio, true, &w("1 3")).unwrap(),
            ReportArgs {
                interval: Some(1),
                count: Some(3),
                ..Default::default()
            }
        );
        assert!(report_args(bio, true, &w("duration 1")).is_err());
        assert_eq!(
            report_args(exec, false, &w("5 duration 0")).unwrap(),
            ReportArgs {
                interval: None,
                count: Some(5),
                duration: Some(0),
                ..Default::default()
            }
        );
        assert!(report_args(exec, false, &w("1 2")).is_err());
    }

    #[test]
    fn bad_names_refused() {
        for bad in ["../x", "a/b", "..", ""] {
            assert!(find_tool(Some(&bad.to_string())).is_err(), "{bad}");
        }
        assert!(find_tool(Some(&"nosuchtool".to_string())).is_err());
    }
}
