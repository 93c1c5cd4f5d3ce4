//! The bundled tools' lifecycle in bpffs: load (pin programs and maps, no
//! links), attach (links pinned under links/), detach (links removed, data
//! kept), unload (the tool's directory removed, nothing else), and state
//! read back from bpffs so it survives bpfscope restarting.
//!
//! An *instance* is the directory name: the tool's name for `tool load`,
//! a per-process name for `tool run`, so a foreground run never touches
//! an operator's pinned tool.
//!
//! Load and attach are all or nothing: on any failure what this call
//! pinned is removed before the error is returned, and both pin into a
//! staging directory renamed into place at the end, so that a process
//! killed half-way leaves nothing that looks loaded or attached (see
//! [`super::instances`] for how the leftovers are found and removed).

use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use libbpf_rs::MapCore;
use tracing_tools::{AttachPoint, Config, RoValue, Tool, METADATA_ARGS_VAR};

use super::attach::{attach_perf_cpus, attach_pinned, attach_target};
use super::instances::{self, Purpose};
use super::object::{self, map_pin_name, RodataValue};
use super::pins::{self, ToolPaths};
use super::{bpf_err, fault, fs, io_err, LoaderError};
use crate::sys::attach::pin_fd;

/// A pinned program or map of a loaded tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pinned {
    pub name: String,
    pub id: u32,
    pub path: PathBuf,
}

/// What `load` pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub dir: PathBuf,
    pub progs: Vec<Pinned>,
    pub maps: Vec<Pinned>,
}

/// A tool's state as bpffs shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ToolState {
    pub loaded: bool,
    pub progs: usize,
    pub maps: usize,
    pub links: usize,
}

impl Loaded {
    /// Paths under `from` (the staging directory) moved to `to`.
    fn rebase(&mut self, from: &Path, to: &Path) {
        self.dir = to.to_path_buf();
        for p in self.progs.iter_mut().chain(self.maps.iter_mut()) {
            if let Ok(rest) = p.path.strip_prefix(from) {
                p.path = to.join(rest);
            }
        }
    }
}

impl ToolState {
    pub fn attached(&self) -> bool {
        self.links > 0
    }
}

fn ro_value(v: &RoValue) -> RodataValue {
    match v {
        RoValue::Str(s) => RodataValue::Str(s.clone()),
        other => RodataValue::Bytes(other.to_bytes()),
    }
}

/// Loads `tool` with `config` and pins its programs and maps under
/// ROOT/NAME/{progs,maps}/. An existing load is refused unless `force`,
/// which unloads it first.
///
/// Pins go to a staging directory (`NAME-loadingPID`) renamed to NAME at
/// the end: NAME exists only complete, and a load killed half-way leaves
/// a staging directory the next tool command removes ([`instances::sweep`]).
pub fn load(
    root: &Path,
    instance: &str,
    tool: &Tool,
    config: &Config,
    force: bool,
) -> Result<Loaded, LoaderError> {
    let paths = ToolPaths::new(root, instance)?;
    fs::ensure_bpffs(root)?;
    if paths.exists() {
        if !force {
            return Err(LoaderError::Exists {
                path: paths.dir,
                force: true,
            });
        }
        pins::remove_tool_dir(&paths)?;
    }

    // Before anything is created: the programs this kernel can attach
    // (fentry or kprobe set), or a one-line reason why the tool can't run.
    let probe = fs::AttachProbe::for_config(config);
    probe.check_uprobes(tool)?;
    let chosen = probe.select(tool)?;
    fs::check_targets(tool, config)?;
    let mut obj = object::open(tool.object, tool.name)?;
    for mut prog in obj.progs_mut() {
        let name = prog.name().to_string_lossy().into_owned();
        // A program for command-line targets loads only when some name it.
        let wanted = |p: &&&tracing_tools::ProgSpec| {
            p.name == name
                && (p.attach != AttachPoint::Targets
                    || config.targets.iter().any(|t| t.prog == name))
        };
        if !chosen.iter().any(|p| wanted(&p)) {
            prog.set_autoload(false);
        }
    }
    let mut values: Vec<(String, RodataValue)> = config
        .rodata
        .iter()
        .map(|(n, v)| (n.to_string(), ro_value(v)))
        .collect();
    values.push((
        METADATA_ARGS_VAR.to_string(),
        RodataValue::Str(config.args.clone()),
    ));
    object::set_rodata(&mut obj, &values)?;
    resize_maps(&mut obj, config)?;
    let obj = object::load(obj, tool.name)?;
    if let Some(cg) = &config.cgroup {
        set_cgroup(&obj, tool, cg)?;
    }
    let mut obj = obj;

    let staging = ToolPaths::new(root, &instances::owned_name(instance, Purpose::Load))?;
    std::fs::create_dir(&staging.dir).map_err(io_err("can't create directory", &staging.dir))?;
    let result = pin_object(&mut obj, tool, &staging).and_then(|mut loaded| {
        fault::point("load-pinned")?;
        // rename(2) does not replace a non-empty directory: of two
        // concurrent loads of one tool, the second fails here.
        std::fs::rename(&staging.dir, &paths.dir).map_err(|e| match e.raw_os_error() {
            Some(libc::ENOTEMPTY | libc::EEXIST) => LoaderError::Exists {
                path: paths.dir.clone(),
                force: true,
            },
            _ => io_err("can't rename directory", &staging.dir)(e),
        })?;
        loaded.rebase(&staging.dir, &paths.dir);
        Ok(loaded)
    });
    if result.is_err() {
        let _ = pins::remove_tool_dir(&staging);
    }
    result
}

/// Map sizes the configuration asks for (offcputime's stack map), and maps
/// replaced by the operator's pinned ones (tcpconnect -C/-M): the program
/// then reads the operator's map, which stays theirs (unload removes only
/// the tool's own pin of it).
fn resize_maps(obj: &mut libbpf_rs::OpenObject, config: &Config) -> Result<(), LoaderError> {
    for (name, path) in &config.reuse_maps {
        let Some(mut map) = obj.maps_mut().find(|m| m.name() == *name) else {
            return Err(LoaderError::Other {
                what: format!("can't use the map pinned at '{path}'"),
                why: format!("the object has no map '{name}'"),
            });
        };
        let pinned = libbpf_rs::MapHandle::from_pinned_path(path)
            .map_err(bpf_err(format!("can't open the map pinned at '{path}'")))?;
        let info = pinned
            .info()
            .map_err(bpf_err(format!("can't read the map pinned at '{path}'")))?;
        if info.info.type_ != libbpf_sys::BPF_MAP_TYPE_HASH || info.info.key_size != 8 {
            return Err(LoaderError::Other {
                what: format!("can't use the map pinned at '{path}'"),
                why: "it must be a hash map with 8-byte keys (u64 ids)".into(),
            });
        }
        map.reuse_fd(pinned.as_fd())
            .map_err(bpf_err(format!("can't use the map pinned at '{path}'")))?;
    }
    for (name, value_size, max_entries) in &config.map_sizes {
        let Some(mut map) = obj.maps_mut().find(|m| m.name() == *name) else {
            return Err(LoaderError::Other {
                what: format!("can't resize map '{name}'"),
                why: "the object has no such map".into(),
            });
        };
        let what = || format!("can't resize map '{name}'");
        if let Some(v) = value_size {
            map.set_value_size(*v).map_err(bpf_err(what()))?;
        }
        if let Some(n) = max_entries {
            map.set_max_entries(*n).map_err(bpf_err(what()))?;
        }
    }
    Ok(())
}

/// -c: the cgroup v2 directory `path` at index 0 of the object's
/// `cgroup_map`, which its programs test the current task against.
fn set_cgroup(obj: &libbpf_rs::Object, tool: &Tool, path: &str) -> Result<(), LoaderError> {
    let bad = |why: String| LoaderError::Other {
        what: format!("{}: invalid cgroup '{path}'", tool.name),
        why,
    };
    let dir = std::fs::File::open(path).map_err(|e| bad(e.to_string()))?;
    let on_v2 = nix::sys::statfs::fstatfs(&dir)
        .is_ok_and(|s| s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC);
    if !on_v2 || !dir.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(bad(
            "not a cgroup v2 directory (e.g. /sys/fs/cgroup/unified/NAME)".into(),
        ));
    }
    let Some(map) = obj.maps().find(|m| m.name() == "cgroup_map") else {
        return Err(bad("this tool has no cgroup filter".into()));
    };
    let fd = std::os::fd::AsRawFd::as_raw_fd(&dir) as u32;
    map.update(
        &0u32.to_ne_bytes(),
        &fd.to_ne_bytes(),
        libbpf_rs::MapFlags::ANY,
    )
    .map_err(bpf_err(format!("can't set the cgroup filter to '{path}'")))
}

fn pin_object(
    obj: &mut libbpf_rs::Object,
    tool: &Tool,
    paths: &ToolPaths,
) -> Result<Loaded, LoaderError> {
    for dir in [&paths.progs, &paths.maps, &paths.links] {
        std::fs::create_dir(dir).map_err(io_err("can't create directory", dir))?;
    }
    let mut loaded = Loaded {
        dir: paths.dir.clone(),
        progs: Vec::new(),
        maps: Vec::new(),
    };
    for spec in tool.programs {
        if !obj.progs().any(|p| p.name() == spec.name) {
            return Err(LoaderError::Other {
                what: format!("tool '{}'", tool.name),
                why: format!("program '{}' is missing from its object", spec.name),
            });
        }
    }
    for mut prog in obj.progs_mut() {
        if !prog.autoload() {
            continue; // the other alternative set (kprobe vs fentry)
        }
        let name = prog.name().to_string_lossy().into_owned();
        let path = paths.prog(&name)?;
        prog.pin(&path).map_err(bpf_err(format!(
            "can't pin program '{name}' at '{}'",
            path.display()
        )))?;
        fault::point("load-pinned-prog")?;
        let id = libbpf_rs::Program::id_from_fd(prog.as_fd()).unwrap_or(0);
        loaded.progs.push(Pinned { name, id, path });
    }
    for mut map in obj.maps_mut() {
        if !map.autocreate() {
            continue;
        }
        let name = map_pin_name(&map.name().to_string_lossy());
        let path = paths.map(&name)?;
        map.pin(&path).map_err(bpf_err(format!(
            "can't pin map '{name}' at '{}'",
            path.display()
        )))?;
        let id = map.info().map(|i| i.info.id).unwrap_or(0);
        loaded.maps.push(Pinned { name, id, path });
    }
    Ok(loaded)
}

fn loaded_paths(root: &Path, name: &str) -> Result<ToolPaths, LoaderError> {
    let paths = ToolPaths::new(root, name)?;
    if !paths.exists() {
        return Err(LoaderError::NotLoaded {
            name: name.to_string(),
        });
    }
    Ok(paths)
}

/// Attaches every program of a loaded tool, in registry order, pinning each
/// link at links/PROG. If one fails, the links made so far are removed.
pub fn attach(root: &Path, instance: &str, tool: &Tool) -> Result<Vec<PathBuf>, LoaderError> {
    attach_with(root, instance, tool, &Config::default())
}

/// [`attach`] with the tool's configuration (perf_event tools take their
/// sampling frequency from it).
///
/// Links are pinned in a staging directory (`NAME/attachingPID`) that
/// replaces the empty links/ at the end: a tool is attached completely or
/// not at all, and an attach killed half-way leaves staged links that the
/// next tool command unpins (which detaches them).
pub fn attach_with(
    root: &Path,
    instance: &str,
    tool: &Tool,
    config: &Config,
) -> Result<Vec<PathBuf>, LoaderError> {
    let paths = loaded_paths(root, instance)?;
    if !pins::entries(&paths.links)?.is_empty() {
        return Err(LoaderError::Other {
            what: format!("can't attach tool '{instance}'"),
            why: "it is attached already".into(),
        });
    }
    let staging = paths
        .dir
        .join(instances::owned_name(instance, Purpose::Attach));
    std::fs::create_dir(&staging).map_err(io_err("can't create directory", &staging))?;
    let mut made = Vec::new();
    let result = each_link(&paths, tool, config, |spec, name, link| {
        let path = staging.join(name);
        pin_link(spec, &link, &path)?;
        fault::point("attach-pinned-link")?;
        // Dropping `link` now is fine: the pin holds it.
        made.push(name.to_string());
        Ok(())
    })
    .and_then(|()| {
        fault::point("attach-staged")?;
        // Replaces the empty links/ (rename(2) allows an empty target).
        std::fs::rename(&staging, &paths.links).map_err(io_err("can't rename directory", &staging))
    });
    match result {
        Ok(()) => Ok(made.iter().map(|n| paths.links.join(n)).collect()),
        Err(e) => {
            let _ = pins::remove_pin_dir(&staging);
            Err(e)
        }
    }
}

/// Attaches a loaded tool without pinning its links: they live as long as
/// the returned fds (`tool run`: a killed run detaches with its process).
pub fn attach_held(
    root: &Path,
    instance: &str,
    tool: &Tool,
    config: &Config,
) -> Result<Vec<OwnedFd>, LoaderError> {
    let paths = loaded_paths(root, instance)?;
    let mut held = Vec::new();
    each_link(&paths, tool, config, |_, _, link| {
        held.push(link);
        Ok(())
    })?;
    Ok(held)
}

/// Makes every link of a loaded tool, in registry order, handing each to
/// `keep` with its pin name. Programs of the alternative set that load
/// left out (not pinned) are skipped. On an error the links made so far
/// are the caller's to drop.
fn each_link(
    paths: &ToolPaths,
    tool: &Tool,
    config: &Config,
    mut keep: impl FnMut(&tracing_tools::ProgSpec, &str, OwnedFd) -> Result<(), LoaderError>,
) -> Result<(), LoaderError> {
    for spec in tool.programs {
        if !config.runs_program(spec.name) {
            continue; // not loaded either
        }
        let prog_path = paths.prog(spec.name)?;
        if (spec.attach.is_fentry() || spec.attach.is_kprobe()) && !prog_path.exists() {
            continue;
        }
        if spec.attach == AttachPoint::Targets {
            // Pinned as PROG-INDEX: one link per target, in the configuration's order.
            for (i, t) in config.targets.iter().enumerate() {
                if t.prog == spec.name {
                    let link = attach_target(spec.name, &prog_path, t, config.uprobe_pid)?;
                    keep(spec, &format!("{}-{i}", spec.name), link)?;
                }
            }
            continue;
        }
        let perf_rate = match spec.attach {
            AttachPoint::PerfCpuClock if config.sample_freq > 0 => Some(config.sample_freq),
            AttachPoint::PerfCpuClock => Some(DEFAULT_SAMPLE_FREQ),
            AttachPoint::PerfHardware(_) if config.sample_period > 0 => Some(config.sample_period),
            AttachPoint::PerfHardware(_) => Some(DEFAULT_SAMPLE_PERIOD),
            _ => None,
        };
        if let Some(rate) = perf_rate {
            let links = attach_perf_cpus(spec.name, &prog_path, &spec.attach, rate, config.cpu)?;
            for (cpu, link) in links {
                keep(spec, &format!("{}-cpu{cpu}", spec.name), link)?;
            }
            continue;
        }
        let link = attach_pinned(spec.name, &prog_path, &spec.attach, config)?;
        keep(spec, spec.name, link)?;
    }
    Ok(())
}

/// Sampling frequency when a perf_event tool's configuration has none.
const DEFAULT_SAMPLE_FREQ: u64 = 49;
/// Events between two runs of a hardware perf_event program, when the
/// configuration has no period (libbpf-tools' llcstat default).
const DEFAULT_SAMPLE_PERIOD: u64 = 100;

fn pin_link(
    spec: &tracing_tools::ProgSpec,
    link: &OwnedFd,
    path: &Path,
) -> Result<(), LoaderError> {
    pin_fd(link, path).map_err(|source| LoaderError::Attach {
        prog: spec.name.to_string(),
        point: format!("{} (pinning link at '{}')", spec.attach, path.display()),
        source,
    })
}

/// Removes a tool's links (detaching it); maps and their data stay.
/// Returns how many links were removed.
pub fn detach(root: &Path, name: &str) -> Result<usize, LoaderError> {
    let paths = loaded_paths(root, name)?;
    let n = pins::entries(&paths.links)?.len();
    pins::clear_pin_dir(&paths.links)?;
    Ok(n)
}

/// Removes the tool's directory (links, programs, maps) and nothing else.
pub fn unload(root: &Path, name: &str) -> Result<(), LoaderError> {
    let paths = loaded_paths(root, name)?;
    pins::remove_tool_dir(&paths)
}

/// The tool's state as found in bpffs.
pub fn state(root: &Path, name: &str) -> Result<ToolState, LoaderError> {
    let paths = ToolPaths::new(root, name)?;
    if !paths.exists() {
        return Ok(ToolState::default());
    }
    Ok(ToolState {
        loaded: true,
        progs: pins::entries(&paths.progs)?.len(),
        maps: pins::entries(&paths.maps)?.len(),
        links: pins::entries(&paths.links)?.len(),
    })
}

/// What `tool list NAME` shows of a loaded tool: its pins with their ids,
/// when its programs were loaded, and the events its ring buffer had no
/// room for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Details {
    pub progs: Vec<Pinned>,
    pub maps: Vec<Pinned>,
    pub links: Vec<Pinned>,
    /// Wall-clock seconds of the first program's load.
    pub loaded_at: Option<i64>,
    /// Events dropped since load (ring buffer full), for event tools.
    pub lost: Option<u64>,
    /// Events handed to user space since load, for event tools.
    pub events: Option<u64>,
}

/// The pins of `dir` of kind `kind` with their ids (0 when unreadable).
fn pinned_ids(dir: &Path, kind: crate::sys::ObjKind) -> Result<Vec<Pinned>, LoaderError> {
    Ok(pins::entries(dir)?
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let id = crate::sys::obj_get(&path)
                .ok()
                .and_then(|fd| crate::sys::pins::id_of(kind, &fd))
                .unwrap_or(0);
            Pinned { name, id, path }
        })
        .collect())
}

/// [`Details`] of the loaded tool `instance`.
pub fn details(root: &Path, instance: &str) -> Result<Details, LoaderError> {
    use crate::sys::ObjKind;
    let paths = loaded_paths(root, instance)?;
    let progs = pinned_ids(&paths.progs, ObjKind::Prog)?;
    let loaded_at = progs
        .first()
        .and_then(|p| crate::sys::obj_get(&p.path).ok())
        .and_then(|fd| crate::sys::prog::info(&fd).ok())
        .and_then(|(info, _)| {
            (info.load_time != 0).then(|| crate::sys::prog::boot_ns_to_wall_secs(info.load_time))
        });
    let counters = paths
        .map(tracing_tools::DROPS_MAP)
        .ok()
        .filter(|p| p.exists());
    let counter = |i| {
        counters
            .as_ref()
            .and_then(|p| super::maps::percpu_sum_at(p, i).ok())
    };
    let (lost, events) = (counter(0), counter(1));
    Ok(Details {
        progs,
        maps: pinned_ids(&paths.maps, ObjKind::Map)?,
        links: pinned_ids(&paths.links, ObjKind::Link)?,
        loaded_at,
        lost,
        events,
    })
}

/// Path of a loaded tool's pinned map `map`.
pub fn map_path(root: &Path, name: &str, map: &str) -> Result<PathBuf, LoaderError> {
    loaded_paths(root, name)?.map(map)
}

/// The argument string a loaded tool was loaded with (its
/// `bpf_metadata_args`, read from the pinned .rodata map).
pub fn loaded_args(root: &Path, instance: &str, tool: &Tool) -> Result<String, LoaderError> {
    let paths = loaded_paths(root, instance)?;
    let obj = object::open(tool.object, tool.name)?;
    let Some(var) = object::rodata_vars(&obj)
        .into_iter()
        .find(|v| v.name == METADATA_ARGS_VAR)
    else {
        return Ok(String::new());
    };
    let data = super::maps::array_value(&paths.map("rodata")?, 0)?;
    let field = data
        .get(var.offset..var.offset + var.size)
        .unwrap_or_default();
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    Ok(String::from_utf8_lossy(&field[..end]).into_owned())
}
