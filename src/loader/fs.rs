//! What the loader needs of the host: a bpffs under the tool root, the
//! attach-point probes of `tool list` (vmlinux BTF, tracefs, the fentry
//! probe through `sys`, the uprobe PMU and the uprobes' symbols), and the facts a report needs (/proc/meminfo,
//! /proc/partitions, clocks).

use std::path::Path;

use crate::btf::view::kind;
use crate::btf::View;
use tracing_tools::{AttachPoint, Config, ProgSpec, Tool};

use super::{io_err, uprobe, LoaderError};

/// Makes sure `root` exists inside a bpffs. Mounting bpffs is the
/// command layer's job (`cmd::run`, unless -n); this only refuses to
/// create pins on anything else.
pub fn ensure_bpffs(root: &Path) -> Result<(), LoaderError> {
    let bpffs = Path::new(super::pins::BPFFS);
    if !crate::sys::bpffs::is_bpffs(bpffs).unwrap_or(false) {
        return Err(LoaderError::Other {
            what: format!("{} is not a bpffs", bpffs.display()),
            why: "nothing mounted there (bpfscope mounts it unless -n/--nomount)".into(),
        });
    }
    std::fs::create_dir_all(root).map_err(io_err("can't create directory", root))
}

/// Answers "does this kernel have attach point X" for `tool list` and
/// `tool load`.
pub struct AttachProbe {
    vmlinux: Option<View>,
    /// Uprobes: the operator's binaries ([`Config::uprobe_binaries`]).
    binaries: Vec<(&'static str, String)>,
    /// Programs the configuration leaves out ([`Config::skip_programs`]).
    skip: Vec<&'static str>,
    /// fentry/fexit answers per (is_exit, function): each is a real load
    /// and attach of a no-op program, so it is asked once.
    tracing: std::cell::RefCell<Vec<((bool, String), bool)>>,
    /// Program types and helpers of the chosen programs.
    needs: super::needs::NeedsProbe,
    /// vmlinux BTF ids of kernel functions, by name (None: absent). Each
    /// lookup is a scan of every type, so names are asked together
    /// ([`AttachProbe::prefetch`]) and remembered.
    funcs: std::cell::RefCell<std::collections::HashMap<String, Option<u32>>>,
}

impl AttachProbe {
    pub fn new() -> Self {
        AttachProbe {
            vmlinux: crate::btf::vmlinux_lookup().ok(),
            binaries: Vec::new(),
            skip: Vec::new(),
            tracing: Default::default(),
            needs: Default::default(),
            funcs: Default::default(),
        }
    }

    /// A probe of the programs `config` keeps, with uprobes in the
    /// binaries it names.
    pub fn for_config(config: &Config) -> Self {
        AttachProbe {
            binaries: config.uprobe_binaries.clone(),
            skip: config.skip_programs.clone(),
            ..Self::new()
        }
    }

    /// The programs of `tool` this probe considers.
    fn programs<'t>(&self, tool: &'t Tool) -> Vec<&'t ProgSpec> {
        tool.programs
            .iter()
            .filter(|p| !self.skip.contains(&p.name))
            .collect()
    }

    /// The binary a uprobe on `binary` goes to (see [`Config::uprobe_binary`]).
    fn uprobe_binary<'a>(&'a self, binary: &'a str) -> &'a str {
        tracing_tools::args::replaced_binary(&self.binaries, binary)
    }

    /// With the uprobe PMU here, every uprobe of `tool` must resolve: a
    /// missing library, symbol or a non-ELF file is the operator's to fix,
    /// said as such rather than as an unsupported kernel.
    pub fn check_uprobes(&self, tool: &Tool) -> Result<(), LoaderError> {
        if !uprobe::pmu_exists() {
            return Ok(()); // select() says the kernel lacks uprobes
        }
        for (binary, func, _) in self.programs(tool).iter().filter_map(|p| p.attach.uprobe()) {
            uprobe::resolve(self.uprobe_binary(binary), func)?;
        }
        Ok(())
    }

    pub fn supported(&self, point: &AttachPoint) -> bool {
        match point {
            AttachPoint::TpBtf(name) => self.vmlinux.as_ref().is_some_and(|btf| {
                btf.find_named(&[(kind::TYPEDEF, &format!("btf_trace_{name}"))])[0].is_some()
            }),
            AttachPoint::Tracepoint(cat, name) => {
                crate::sys::tracefs::tracepoint_id(cat, name).is_ok()
            }
            AttachPoint::PerfCpuClock => {
                Path::new("/sys/bus/event_source/devices/software").is_dir()
            }
            AttachPoint::PerfHardware(ev) => {
                crate::sys::attach::probe_hardware_event(ev.config()).is_ok()
            }
            AttachPoint::Fentry(func) => self.tracing_ok(false, func),
            AttachPoint::Fexit(func) => self.tracing_ok(true, func),
            AttachPoint::Kprobe(func) | AttachPoint::Kretprobe(func) => {
                has_kprobes() && self.func_btf_id(func).is_some()
            }
            // Checked per target when loading ([`check_targets`]).
            AttachPoint::Targets => true,
            AttachPoint::Uprobe(binary, func) | AttachPoint::Uretprobe(binary, func) => {
                uprobe::pmu_exists() && uprobe::resolve(self.uprobe_binary(binary), func).is_ok()
            }
        }
    }

    /// The programs of `tool` this kernel can run and what it lacks: all
    /// programs, except that of a fentry set and a kprobe set only one is
    /// kept (fentry when it attaches). Lacks are attach points, or one
    /// "fentry/F or kprobe/F" line for the alternative sets; where every
    /// attach point is there, the program types and helpers the chosen
    /// programs need ([`super::needs`]).
    pub fn plan<'t>(&self, tool: &'t Tool) -> (Vec<&'t ProgSpec>, Vec<String>) {
        let (fentry, rest): (Vec<_>, Vec<_>) = self
            .programs(tool)
            .into_iter()
            .partition(|p| p.attach.is_fentry());
        let (kprobe, common): (Vec<_>, Vec<_>) = rest
            .into_iter()
            .partition(|p: &&ProgSpec| p.attach.is_kprobe());
        let lacking = |set: &[&ProgSpec]| -> Vec<String> {
            set.iter()
                .filter(|p| !self.supported(&p.attach))
                .map(|p| p.attach.to_string())
                .collect()
        };
        // Of an alternative set only its first lack is told: stop there
        // (each fentry probe is a real load and attach).
        let first_lacking = |set: &[&ProgSpec]| -> Option<String> {
            set.iter()
                .find(|p| !self.supported(&p.attach))
                .map(|p| p.attach.to_string())
        };
        let mut missing = lacking(&common);
        let mut chosen = common;
        if !fentry.is_empty() || !kprobe.is_empty() {
            let f = first_lacking(&fentry);
            if !fentry.is_empty() && f.is_none() {
                chosen.extend(fentry);
            } else {
                let k = first_lacking(&kprobe);
                if !kprobe.is_empty() && k.is_none() {
                    chosen.extend(kprobe);
                } else {
                    missing.push(format!(
                        "{} or {}",
                        f.unwrap_or_default(),
                        k.unwrap_or_default()
                    ));
                }
            }
        }
        if missing.is_empty() {
            missing = self.needs.missing(tool, &chosen);
        }
        (chosen, missing)
    }

    /// The programs of `tool` to load here ([`AttachProbe::plan`]), or the
    /// one-line reason it can't run on this kernel.
    pub fn select<'t>(&self, tool: &'t Tool) -> Result<Vec<&'t ProgSpec>, LoaderError> {
        let (chosen, missing) = self.plan(tool);
        if missing.is_empty() {
            return Ok(chosen);
        }
        let alternatives = tool
            .programs
            .iter()
            .any(|p| p.attach.is_fentry() || p.attach.is_kprobe());
        if let Some(why) = missing_pmu(tool) {
            return Err(LoaderError::Other {
                what: format!("tool '{}' is not supported on this machine", tool.name),
                why,
            });
        }
        Err(LoaderError::Other {
            what: format!("tool '{}' is not supported by this kernel", tool.name),
            why: if alternatives {
                let absent = self
                    .absent_function(tool)
                    .map(|f| format!("; {f} is not in the kernel's BTF (a module not loaded?)"))
                    .unwrap_or_default();
                format!(
                    "it needs fentry or kprobes, and neither attaches here ({} missing){absent}",
                    missing.join(", ")
                )
            } else {
                format!("missing {}", missing.join(", "))
            },
        })
    }

    /// The first function of `tool`'s fentry or kprobe programs that
    /// vmlinux BTF lacks (nfs, zfs, md functions where their module is not
    /// built in): then no kernel feature alone would make the tool run.
    fn absent_function(&self, tool: &Tool) -> Option<&'static str> {
        tool.programs
            .iter()
            .filter_map(|p| p.attach.kernel_function())
            .find(|f| self.func_btf_id(f).is_none())
    }

    /// Looks up the kernel functions every program of `tools` attaches to
    /// in one scan of vmlinux BTF (`tool list` asks about all of them).
    pub fn prefetch<'t>(&self, tools: impl IntoIterator<Item = &'t Tool>) {
        let Some(btf) = self.vmlinux.as_ref() else {
            return;
        };
        let mut names: Vec<&str> = Vec::new();
        for t in tools {
            for f in t.programs.iter().filter_map(|p| p.attach.kernel_function()) {
                if !names.contains(&f) && !self.funcs.borrow().contains_key(f) {
                    names.push(f);
                }
            }
        }
        let wanted: Vec<(u32, &str)> = names.iter().map(|n| (kind::FUNC, *n)).collect();
        let found = btf.find_named(&wanted);
        let mut funcs = self.funcs.borrow_mut();
        for (name, id) in names.into_iter().zip(found) {
            funcs.insert(name.to_string(), id);
        }
    }

    fn func_btf_id(&self, func: &str) -> Option<u32> {
        if let Some(id) = self.funcs.borrow().get(func) {
            return *id;
        }
        let id = self.vmlinux.as_ref()?.find_named(&[(kind::FUNC, func)])[0];
        self.funcs.borrow_mut().insert(func.to_string(), id);
        id
    }

    fn tracing_ok(&self, exit: bool, func: &str) -> bool {
        let key = (exit, func.to_string());
        if let Some((_, ok)) = self.tracing.borrow().iter().find(|(k, _)| *k == key) {
            return *ok;
        }
        let ok = self
            .func_btf_id(func)
            .is_some_and(|id| crate::sys::attach::probe_tracing_attach(exit, id));
        self.tracing.borrow_mut().push((key, ok));
        ok
    }
}

/// Why `tool`'s hardware events can't be opened, naming the missing PMU
/// and what perf_event_open(2) said; None when every one opens.
fn missing_pmu(tool: &Tool) -> Option<String> {
    let mut names = Vec::new();
    let mut error = None;
    for p in tool.programs {
        let AttachPoint::PerfHardware(ev) = p.attach else {
            continue;
        };
        if let Err(e) = crate::sys::attach::probe_hardware_event(ev.config()) {
            if !names.contains(&ev.name()) {
                names.push(ev.name());
            }
            error.get_or_insert(e);
        }
    }
    let e = error?;
    Some(format!(
        "no hardware PMU counts {} here (perf_event_open: {e})",
        names.join(", ")
    ))
}

fn has_kprobes() -> bool {
    Path::new("/sys/bus/event_source/devices/kprobe/type").exists()
}

/// The command-line targets of `config` this kernel can't attach, as the
/// one-line reason `tool load` gives before creating anything: kprobe
/// targets where there are no kprobes, tracepoints tracefs lacks.
pub fn check_targets(tool: &Tool, config: &tracing_tools::Config) -> Result<(), LoaderError> {
    use tracing_tools::probe::Probe;
    for t in &config.targets {
        let why = match &t.probe {
            Probe::Kprobe { .. } if !has_kprobes() => {
                "this kernel has no kprobes (no kprobe PMU in /sys/bus/event_source/devices)"
                    .to_string()
            }
            Probe::Tracepoint { category, name } => {
                match crate::sys::tracefs::tracepoint_id(category, name) {
                    Ok(_) => continue,
                    Err(e) => e.to_string(),
                }
            }
            Probe::Uprobe { .. } if !uprobe::pmu_exists() => {
                "this kernel has no uprobes (no uprobe PMU in /sys/bus/event_source/devices)"
                    .to_string()
            }
            Probe::Uprobe { binary, func, .. } => match uprobe::resolve(binary, func) {
                Ok(_) => continue,
                Err(e) => e.to_string(),
            },
            Probe::Kprobe { .. } => continue,
        };
        return Err(LoaderError::Other {
            what: format!("tool '{}' can't attach {}", tool.name, t.probe),
            why,
        });
    }
    Ok(())
}

/// /proc/meminfo's Buffers and Cached (KiB), for cachestat.
pub fn meminfo_kb() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("Buffers:")?, field("Cached:")?))
}

impl Default for AttachProbe {
    fn default() -> Self {
        Self::new()
    }
}

/// Host facts a report needs: disk names (/proc/partitions) and the
/// offset from bpf_ktime_get_ns() (CLOCK_MONOTONIC) to wall time.
pub fn host_session() -> tracing_tools::Session {
    use nix::time::{clock_gettime, ClockId};
    let disks = std::fs::read_to_string("/proc/partitions").unwrap_or_default();
    let ns = |id| {
        clock_gettime(id)
            .map(|t| t.tv_sec() as i128 * 1_000_000_000 + t.tv_nsec() as i128)
            .unwrap_or(0)
    };
    let real = ns(ClockId::CLOCK_REALTIME);
    let mono = ns(ClockId::CLOCK_MONOTONIC);
    tracing_tools::Session {
        disks: tracing_tools::DiskNames::parse(&disks),
        mono_to_realtime_ns: real - mono,
        utc_offset_secs: utc_offset((real / 1_000_000_000) as i64),
        first_ts: None,
        meminfo_kb: meminfo_kb(),
        req: tracing_tools::ReqNames::default(),
        loadavg: loadavg(),
        tracefs: Some(tracing_tools::Tracefs {
            format: |cat, name| {
                crate::sys::tracefs::tracepoint_format(cat, name).map_err(|e| e.to_string())
            },
            list: || crate::sys::tracefs::tracepoints().map_err(|e| e.to_string()),
        }),
        functions: Some(|binary| super::functions::defined(binary).map_err(|e| e.to_string())),
    }
}

/// /proc/loadavg as it reads (top views print it as libbpf-tools does).
pub fn loadavg() -> Option<String> {
    std::fs::read_to_string("/proc/loadavg").ok()
}

/// Request flag and op names of the running kernel, from its BTF's `enum
/// req_flag_bits` and `enum req_op` (the bits move between versions); the
/// built-in table of Linux 6.x without BTF.
pub fn kernel_req_names() -> tracing_tools::ReqNames {
    let Ok(btf) = crate::btf::vmlinux_lookup() else {
        return tracing_tools::ReqNames::default();
    };
    let values = |name: &str| -> Option<Vec<(String, i64)>> {
        let id = btf.find_named(&[(kind::ENUM, name)])[0]?;
        let e = btf.ty(id)?;
        Some(
            e.enum32()
                .map(|(off, v)| {
                    (
                        String::from_utf8_lossy(btf.name(off)).into_owned(),
                        i64::from(v),
                    )
                })
                .collect(),
        )
    };
    match (values("req_flag_bits"), values("req_op")) {
        (Some(flags), Some(ops)) => tracing_tools::ReqNames::from_enums(&flags, &ops),
        _ => tracing_tools::ReqNames::default(),
    }
}

/// Local time's offset from UTC at `secs` since the epoch (0 if unknown).
fn utc_offset(secs: i64) -> i64 {
    let t = secs as libc::time_t;
    // SAFETY: tm is plain old data, filled by localtime_r from a valid time_t.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the call.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return 0;
    }
    tm.tm_gmtoff
}
