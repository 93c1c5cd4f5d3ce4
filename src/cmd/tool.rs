//! `tool list|load|attach|detach|report|unload|run`: the bundled tracing
//! tools (tracing-tools crate) driven through the loader. Arguments arrive
//! as raw words: tool options (-m, -p PID, …) are the tool's, parsed by
//! its registry entry (`-h`/`--help` there too). A loaded tool's options
//! are read back from its pinned `bpf_metadata_args`, so `report` needs no
//! state besides bpffs.
//!
//! Every command first removes what dead processes left under the tool
//! root (a killed `tool run`, load or attach: see `loader::instances`).

use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::time::Duration;

use tracing_tools::{args, Config, Report, Tool};

// The report loop of `report` and `run`.
mod report;

use super::prog::verify::{explain_rejection, loader_error};
use super::{CmdError, Result};
use crate::cli::request::{ToolReq, ToolVerb};
use crate::loader::instances::{self, Purpose};
use crate::loader::{self, fs, pins, signal, tool as lt};
use crate::output::tool::{
    write_action, write_list, write_load, write_one, ActionRecord, LoadRecord, PinRecord,
    ToolRecord,
};
use crate::output::{self, Ctx};
use report::{Plan, Target};

pub fn run(ctx: &Ctx, req: ToolReq, out: &mut output::Out) -> Result<()> {
    loader::log::set_debug(ctx.debug);
    // The tool's words as its commands read them: NAME first, then its options.
    let args: Vec<String> = req.name.iter().cloned().chain(req.args).collect();
    let args = &args[..];
    if let Some(text) = help_text(args) {
        out.write_all(text.as_bytes())?;
        out.flush()?;
        return Ok(());
    }
    if req.verb != ToolVerb::List {
        // Without the capabilities every step fails, some only as "not
        // loaded" (the pins are unreadable): say the real reason first.
        if let Err(e) = crate::sys::ids::next_id(crate::sys::ObjKind::Prog, 0) {
            if matches!(e.errno(), Some(libc::EPERM | libc::EACCES)) {
                let what = format!("tool {}", req.verb.word());
                return Err(crate::sys::SysError::os(what, libc::EPERM).into());
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
    let r = r.and_then(|()| Ok(out.flush()?));
    match r {
        // A reader that went away (`| head`) ends a report; that is not a failure.
        Err(CmdError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
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

/// The usage `tool CMD NAME --help` asks for: the tool's own (`tool
/// help` and `tool --help` print the grammar's help with every tool's usage).
fn help_text(args: &[String]) -> Option<String> {
    match args.first().map(String::as_str) {
        Some("-h" | "--help") => Some(tracing_tools::usage_all()),
        Some(name) => {
            let tool = tracing_tools::find(base_name(name))?;
            tool.wants_help(&args[1..])
                .then(|| tracing_tools::usage(tool))
        }
        None => None,
    }
}

/// The tool root, after removing what dead processes left there. The
/// sweep is best effort: a root this user cannot read (no privileges)
/// leaves the command to fail, or not, on its own.
fn root() -> Result<PathBuf> {
    let root = pins::tool_root().map_err(loader_error)?;
    for o in instances::sweep(&root).unwrap_or_default() {
        eprintln!(
            "Note: removed {} left by a {} (pid {}) that ended without cleaning up",
            o.path.display(),
            o.purpose.as_str(),
            o.pid
        );
    }
    Ok(root)
}

/// A tool's name, or the tool a `tool run` instance name (`NAME-runPID`) is of.
fn base_name(name: &str) -> &str {
    instances::parse_run(name).map_or(name, |(base, _)| base)
}

/// The tool NAME names and its directory name, after checking NAME is a
/// safe path component. NAME may be a `tool run` instance.
fn find_tool(name: Option<&String>) -> Result<(&'static Tool, String)> {
    let Some(name) = name else {
        return Err(CmdError::Usage(
            "missing tool NAME (see 'bpfscope tool list')".into(),
        ));
    };
    pins::validate_name(name).map_err(loader_error)?;
    let tool = tracing_tools::find(base_name(name)).ok_or_else(|| {
        let names: Vec<_> = tracing_tools::tools().iter().map(|t| t.name).collect();
        CmdError::Usage(format!(
            "unknown tool '{name}' (available: {})",
            names.join(", ")
        ))
    })?;
    Ok((tool, name.clone()))
}

fn configure(tool: &Tool, args: &[String]) -> Result<Config> {
    tool.configure(args, &fs::host_session()).map_err(|e| {
        CmdError::Usage(format!(
            "{}: {e} (see 'bpfscope tool load {} --help')",
            tool.name, tool.name
        ))
    })
}

/// The tool NAME names (a tool, not a `tool run` instance) and its
/// configuration from the options given; `None` when an option only prints
/// (and it has printed).
fn new_config(
    args: &[String],
    verb: &str,
    out: &mut output::Out,
) -> Result<Option<(&'static Tool, Config)>> {
    let (tool, name) = find_tool(args.first())?;
    if name != tool.name {
        return Err(CmdError::Usage(format!(
            "'{name}' is a 'tool run' instance: {verb} '{}'",
            tool.name
        )));
    }
    let config = configure(tool, &args[1..])?;
    if let Some(text) = &config.print_only {
        out.write_all(text.as_bytes())?;
        return Ok(None);
    }
    Ok(Some((tool, config)))
}

/// The configuration a loaded tool was loaded with.
fn loaded_config(root: &std::path::Path, tool: &Tool, instance: &str) -> Result<Config> {
    let loaded = lt::loaded_args(root, instance, tool).map_err(loader_error)?;
    configure(tool, &args::split_canonical(&loaded))
}

/// `tool list [NAME]`: every tool (state, since when, arguments, ids,
/// lost events), the `tool run` instances and the leftovers of dead
/// processes; with NAME, that one in full, pins included.
fn list(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    let wanted = args.first();
    if let Some(name) = wanted {
        pins::validate_name(name).map_err(loader_error)?;
    }
    no_more_args(args.get(1..).unwrap_or_default())?;
    let root = pins::tool_root().map_err(loader_error)?;
    // Listed before the sweep, so that `tool list` shows the orphans it removes.
    let owned = instances::scan(&root).unwrap_or_default();
    let root = self::root()?;
    let probe = fs::AttachProbe::new();
    probe.prefetch(tracing_tools::tools());
    let mut records = Vec::new();
    for t in tracing_tools::tools() {
        let (_, missing) = probe.plan(t);
        let st = lt::state(&root, t.name).map_err(loader_error)?;
        let mut r = ToolRecord {
            name: t.name.to_string(),
            summary: t.summary,
            supported: missing.is_empty(),
            missing,
            state: match (st.loaded, st.attached()) {
                _ if t.loads_nothing() => "prints only".into(),
                (false, _) => "not loaded".into(),
                (true, false) => "loaded".into(),
                (true, true) => "attached".into(),
            },
            pinned: None,
            args: None,
            pid: None,
            loaded_at: None,
            progs: Vec::new(),
            maps: Vec::new(),
            links: Vec::new(),
            lost: None,
            events: None,
        };
        if st.loaded {
            r.args = lt::loaded_args(&root, t.name, t).ok();
            add_details(&mut r, &root, t.name);
        }
        records.push(r);
    }
    for o in owned {
        // A run's own staging directory is `TOOL-runPID-loadingPID`.
        let Some(t) = tracing_tools::find(base_name(&o.base)) else {
            continue;
        };
        let state = match (o.purpose, o.alive) {
            (Purpose::Run, true) => "running".to_string(),
            (p, true) => format!("{} in progress", p.as_str()),
            (p, false) => format!("orphan of a killed {} (removed)", p.as_str()),
        };
        let mut r = ToolRecord {
            name: o.name.clone(),
            summary: t.summary,
            supported: true,
            missing: Vec::new(),
            state,
            pinned: None,
            args: None,
            pid: Some(o.pid),
            loaded_at: None,
            progs: Vec::new(),
            maps: Vec::new(),
            links: Vec::new(),
            lost: None,
            events: None,
        };
        if o.alive && o.purpose == Purpose::Run {
            r.args = lt::loaded_args(&root, &o.name, t).ok();
            add_details(&mut r, &root, &o.name);
        } else {
            r.pinned = Some(o.path.display().to_string());
        }
        records.push(r);
    }
    match wanted {
        None => write_list(ctx, out, &records)?,
        Some(name) => {
            let Some(r) = records.iter().find(|r| &r.name == name) else {
                return Err(CmdError::Usage(format!(
                    "no tool or 'tool run' instance '{name}' (see 'bpfscope tool list')"
                )));
            };
            write_one(ctx, out, r)?;
        }
    }
    Ok(())
}

/// Pins, ids, load time and lost events of a loaded tool or running instance.
fn add_details(r: &mut ToolRecord, root: &std::path::Path, instance: &str) {
    let Ok(d) = lt::details(root, instance) else {
        return; // unloaded meanwhile: the state says enough
    };
    let pin = |p: &lt::Pinned| PinRecord {
        name: p.name.clone(),
        id: p.id,
        pinned: p.path.display().to_string(),
    };
    r.pinned = Some(root.join(instance).display().to_string());
    r.loaded_at = d.loaded_at;
    r.progs = d.progs.iter().map(pin).collect();
    r.maps = d.maps.iter().map(pin).collect();
    r.links = d.links.iter().map(pin).collect();
    r.lost = d.lost;
    r.events = d.events;
}

fn load(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    let force = args.iter().any(|a| a == "--force");
    let args: Vec<String> = args.iter().filter(|a| *a != "--force").cloned().collect();
    if let Ok((tool, _)) = find_tool(args.first()) {
        if tool.loads_nothing() {
            return Err(CmdError::Usage(format!(
                "{} loads nothing: it only prints (see 'bpfscope tool run {}')",
                tool.name, tool.name
            )));
        }
    }
    let Some((tool, config)) = new_config(&args, "load", out)? else {
        return Ok(());
    };
    if config.has_run_arguments() {
        return Err(CmdError::Usage(format!(
            "{}: when to report (interval, count, duration) belongs to 'tool report' or \
             'tool run', not 'tool load'",
            tool.name
        )));
    }
    let root = root()?;
    let before = lt::state(&root, tool.name).map_err(loader_error)?;
    let loaded = lt::load(&root, tool.name, tool, &config, force).map_err(|e| {
        explain_rejection(ctx, e, |prog| {
            crate::loader::verifier::elf_info_bytes(tool.object, prog)
        })
    })?;
    if force && before.loaded {
        // Not silently: the old load and its links (tracing) are gone.
        eprintln!(
            "Note: --force replaced the loaded {}{}",
            tool.name,
            if before.attached() {
                format!(" and detached its {} links", before.links)
            } else {
                String::new()
            }
        );
    }
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

fn one_name(args: &[String]) -> Result<(&'static Tool, String)> {
    let found = find_tool(args.first())?;
    no_more_args(&args[1..])?;
    Ok(found)
}

fn attach(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    let (tool, name) = one_name(args)?;
    let root = root()?;
    // The load's options (profile's -F) decide how some programs attach.
    let config = loaded_config(&root, tool, &name)?;
    let links = lt::attach_with(&root, &name, tool, &config).map_err(loader_error)?;
    let r = ActionRecord {
        tool: tool.name,
        action: "attach",
        pinned: root.join(&name).display().to_string(),
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
    op: fn(&std::path::Path, &str) -> std::result::Result<(), loader::LoaderError>,
) -> Result<()> {
    let (tool, name) = one_name(args)?;
    let root = root()?;
    let links = pins::entries(&root.join(&name).join("links")).map_err(loader_error)?;
    op(&root, &name).map_err(loader_error)?;
    let r = ActionRecord {
        tool: tool.name,
        action,
        pinned: root.join(&name).display().to_string(),
        links,
    };
    write_action(ctx, out, &r)?;
    Ok(())
}

fn number(word: &str, what: &str) -> Result<u64> {
    word.parse()
        .map_err(|_| CmdError::Usage(format!("invalid {what} '{word}': expected a whole number")))
}

/// `report` words after NAME: interval tools take `[INTERVAL [COUNT]]`,
/// event tools `[COUNT]` and `duration SECS` (0: only what is buffered);
/// both take the tool's report-only options (-T, -f, --svg FILE).
fn report_plan(tool: &Tool, config: &mut Config, words: &[String]) -> Result<Plan> {
    let mut plan = Plan::default();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if words[i] == "duration" {
            let v = words
                .get(i + 1)
                .ok_or_else(|| CmdError::Usage("'duration' needs SECS".into()))?;
            plan.duration = Some(Duration::from_secs(number(v, "duration")?));
            i += 2;
        } else {
            rest.push(words[i].clone());
            i += 1;
        }
    }
    let specs = tool.report_specs();
    let parsed = args::parse(&specs, &rest).map_err(|e| {
        CmdError::Usage(format!(
            "{}: {e} ('tool report' takes only [INTERVAL [COUNT]] and the options that change \
             how a report is printed; the others belong to 'tool load')",
            tool.name
        ))
    })?;
    config.folded |= parsed.has("folded");
    if let Some(svg) = parsed.value("svg") {
        config.svg = Some(svg.to_string());
    }
    config.parsed.opts.extend(parsed.opts.iter().cloned());
    let interval_kind = tool.report_for(config).is_interval();
    let positional: Vec<&String> = parsed.positionals.iter().collect();
    if interval_kind {
        if plan.duration.is_some() {
            return Err(CmdError::Usage(format!(
                "{}: use [INTERVAL [COUNT]], not 'duration'",
                tool.name
            )));
        }
        match positional.as_slice() {
            [] => {}
            [i] => plan.interval = Some(number(i, "interval")?.max(1)),
            [i, c] => {
                plan.interval = Some(number(i, "interval")?.max(1));
                plan.count = Some(number(c, "count")?);
            }
            _ => {
                return Err(CmdError::Usage(
                    "too many arguments: expected [INTERVAL [COUNT]]".into(),
                ))
            }
        }
        if plan.interval.is_none() {
            plan.duration = Some(Duration::ZERO); // read once, now
        }
    } else {
        match positional.as_slice() {
            [] => {}
            [c] => plan.count = Some(number(c, "count")?),
            _ => {
                return Err(CmdError::Usage(
                    "too many arguments: expected [COUNT] [duration SECS]".into(),
                ))
            }
        }
    }
    Ok(plan)
}

fn report(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    let (tool, name) = find_tool(args.first())?;
    let root = root()?;
    let mut config = loaded_config(&root, tool, &name)?;
    let plan = report_plan(tool, &mut config, &args[1..])?;
    // Rows see this report's interval, not the load's: per-second columns
    // (vfsstat, dcstat) and rates (pidpersec) divide by it.
    config.interval = plan.interval;
    signal::install();
    let target = Target {
        root: &root,
        instance: &name,
        tool,
        config: &config,
    };
    report::report(ctx, out, &target, &mut fs::host_session(), plan)
}

/// A `tool run` instance: its links (held, never pinned, so they die with
/// the process, even on SIGKILL) and its directory, removed however the
/// run ends. A SIGKILL leaves the directory, which the next tool command
/// removes (its pid is gone).
struct RunGuard {
    root: PathBuf,
    instance: String,
    links: Vec<OwnedFd>,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.links.clear(); // detach first
        if let Err(e) = lt::unload(&self.root, &self.instance) {
            eprintln!("Warning: cleanup of {}: {e}", self.instance);
        }
    }
}

fn run_foreground(ctx: &Ctx, args: &[String], out: &mut output::Out) -> Result<()> {
    let Some((tool, config)) = new_config(args, "run", out)? else {
        return Ok(());
    };
    let root = root()?;
    // A per-process instance: never collides with an operator's `tool load`.
    let instance = instances::owned_name(tool.name, Purpose::Run);
    signal::install();
    lt::load(&root, &instance, tool, &config, false).map_err(loader_error)?;
    let mut guard = RunGuard {
        root: root.clone(),
        instance: instance.clone(),
        links: Vec::new(),
    };
    guard.links = lt::attach_held(&root, &instance, tool, &config).map_err(loader_error)?;
    let events = matches!(tool.report_for(&config), Report::Events { .. });
    if !events {
        eprintln!("Tracing ({})... Hit Ctrl-C to end.", tool.name);
    }
    let mut plan = Plan {
        interval: config.interval,
        count: config.count,
        duration: config.duration.map(Duration::from_secs),
    };
    if matches!(tool.report_for(&config), Report::Top { .. }) && plan.interval.is_none() {
        // A top view refreshes every second by default, as libbpf-tools' do.
        plan.interval = Some(1);
    }
    let target = Target {
        root: &root,
        instance: &instance,
        tool,
        config: &config,
    };
    report::report(ctx, out, &target, &mut fs::host_session(), plan)
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
        let mut c = Config::default();
        assert_eq!(
            report_plan(bio, &mut c, &w("1 3")).unwrap(),
            Plan {
                interval: Some(1),
                count: Some(3),
                duration: None,
            }
        );
        assert!(report_plan(bio, &mut c, &w("duration 1")).is_err());
        // Report-only options: -T is accepted, -m (a load option) is not.
        let p = report_plan(bio, &mut c, &w("-T 2")).unwrap();
        assert_eq!(p.interval, Some(2));
        assert!(c.parsed.has("timestamp"));
        assert!(report_plan(bio, &mut Config::default(), &w("-m")).is_err());
        assert_eq!(
            report_plan(exec, &mut Config::default(), &w("5 duration 0")).unwrap(),
            Plan {
                interval: None,
                count: Some(5),
                duration: Some(Duration::ZERO),
            }
        );
        assert!(report_plan(exec, &mut Config::default(), &w("1 2")).is_err());
        // A top view: its view options are report options, load options are not.
        let top = tracing_tools::find("biotop").unwrap();
        let mut c = Config::default();
        let p = report_plan(top, &mut c, &w("-C -s io -r 5 2 3")).unwrap();
        assert_eq!((p.interval, p.count), (Some(2), Some(3)));
        assert_eq!(c.parsed.value("sort"), Some("io"));
        assert!(report_plan(top, &mut Config::default(), &w("-p 1")).is_err());
    }

    #[test]
    fn bad_names_refused() {
        for bad in ["../x", "a/b", "..", ""] {
            assert!(find_tool(Some(&bad.to_string())).is_err(), "{bad}");
        }
        assert!(find_tool(Some(&"nosuchtool".to_string())).is_err());
        let (t, n) = find_tool(Some(&"runqlat-run42".to_string())).unwrap();
        assert_eq!((t.name, n.as_str()), ("runqlat", "runqlat-run42"));
    }

    #[test]
    fn help_words() {
        assert!(help_text(&w("--help")).unwrap().contains("Tools:"));
        let u = help_text(&w("runqlat --help")).unwrap();
        assert!(u.contains("runqlat"), "{u}");
        assert!(help_text(&w("biolatency -m -h")).is_some());
        assert!(help_text(&w("biolatency -m")).is_none());
    }
}
