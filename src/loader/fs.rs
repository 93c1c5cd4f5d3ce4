//! Filesystems the loader needs (bpffs for pins, tracefs for tracepoint
//! ids), mounted on demand unless the user said -n, and attach-point probes
//! for `tool list`.

use std::path::Path;

use libbpf_rs::btf::types::{Enum, Func, Typedef};
use libbpf_rs::btf::Btf;
use nix::mount::{mount, MsFlags};
use nix::sys::statfs::statfs;
use tracing_tools::{AttachPoint, ProgSpec, Tool};

use super::{io_err, LoaderError};

const BPF_FS_MAGIC: i64 = 0xcafe_4a11;
const TRACEFS: &str = "/sys/kernel/tracing";

fn is_bpffs(path: &Path) -> bool {
    statfs(path)
        .map(|s| s.filesystem_type().0 == BPF_FS_MAGIC)
        .unwrap_or(false)
}

/// Makes sure `root` exists inside a bpffs. Mounting bpffs is the
/// command layer's job (`cmd::run`, unless -n); this only refuses to
/// create pins on anything else.
pub fn ensure_bpffs(root: &Path) -> Result<(), LoaderError> {
    let bpffs = Path::new(super::pins::BPFFS);
    if !is_bpffs(bpffs) {
        return Err(LoaderError::Other {
            what: format!("{} is not a bpffs", bpffs.display()),
            why: "nothing mounted there (bpfscope mounts it unless -n/--nomount)".into(),
        });
    }
    std::fs::create_dir_all(root).map_err(io_err("can't create directory", root))
}

/// Makes sure tracefs is reachable (tracepoint ids live there).
pub fn ensure_tracefs() -> Result<(), LoaderError> {
    if Path::new(TRACEFS).join("events").is_dir()
        || Path::new("/sys/kernel/debug/tracing/events").is_dir()
    {
        return Ok(());
    }
    mount(
        Some("tracefs"),
        TRACEFS,
        Some("tracefs"),
        MsFlags::empty(),
        None::<&str>,
    )
    .map_err(|source| LoaderError::Mount {
        fs: "tracefs",
        path: TRACEFS.into(),
        source,
    })
}

/// The id of tracepoint CATEGORY/NAME, from tracefs.
pub fn tracepoint_id(category: &str, name: &str) -> Result<u64, LoaderError> {
    ensure_tracefs()?;
    let mut last = None;
    for base in [TRACEFS, "/sys/kernel/debug/tracing"] {
        let path = Path::new(base)
            .join("events")
            .join(category)
            .join(name)
            .join("id");
        match std::fs::read_to_string(&path) {
            Ok(s) => {
                return s.trim().parse().map_err(|_| LoaderError::Other {
                    what: format!("can't read tracepoint id '{}'", path.display()),
                    why: format!("not a number: {:?}", s.trim()),
                })
            }
            Err(e) => last = Some(io_err("can't read tracepoint id", path)(e)),
        }
    }
    Err(last.unwrap_or(LoaderError::Other {
        what: "tracefs".into(),
        why: "not found".into(),
    }))
}

/// Answers "does this kernel have attach point X" for `tool list` and
/// `tool load`.
pub struct AttachProbe {
    vmlinux: Option<Btf<'static>>,
    /// fentry/fexit answers per (is_exit, function): each is a real load
    /// and attach of a no-op program, so it is asked once.
    tracing: std::cell::RefCell<Vec<((bool, String), bool)>>,
}

impl AttachProbe {
    pub fn new() -> Self {
        AttachProbe {
            vmlinux: Btf::from_vmlinux().ok(),
            tracing: Default::default(),
        }
    }

    pub fn supported(&self, point: &AttachPoint) -> bool {
        match point {
            AttachPoint::TpBtf(name) => self.vmlinux.as_ref().is_some_and(|btf| {
                btf.type_by_name::<Typedef<'_>>(&format!("btf_trace_{name}"))
                    .is_some()
            }),
            AttachPoint::Tracepoint(cat, name) => tracepoint_id(cat, name).is_ok(),
            AttachPoint::PerfCpuClock => {
                Path::new("/sys/bus/event_source/devices/software").is_dir()
            }
            AttachPoint::Fentry(func) => self.tracing_ok(false, func),
            AttachPoint::Fexit(func) => self.tracing_ok(true, func),
            AttachPoint::Kprobe(func) | AttachPoint::Kretprobe(func) => {
                Path::new("/sys/bus/event_source/devices/kprobe/type").exists()
                    && self.func_btf_id(func).is_some()
            }
        }
    }

    /// The programs of `tool` this kernel can run and what it lacks: all
    /// programs, except that of a fentry set and a kprobe set only one is
    /// kept (fentry when it attaches). Lacks are attach points, or one
    /// "fentry/F or kprobe/F" line for the alternative sets.
    pub fn plan<'t>(&self, tool: &'t Tool) -> (Vec<&'t ProgSpec>, Vec<String>) {
        let (fentry, rest): (Vec<_>, Vec<_>) =
            tool.programs.iter().partition(|p| p.attach.is_fentry());
        let (kprobe, common): (Vec<_>, Vec<_>) = rest
            .into_iter()
            .partition(|p: &&ProgSpec| p.attach.is_kprobe());
        let lacking = |set: &[&ProgSpec]| -> Vec<String> {
            set.iter()
                .filter(|p| !self.supported(&p.attach))
                .map(|p| p.attach.to_string())
                .collect()
        };
        let mut missing = lacking(&common);
        let mut chosen = common;
        if !fentry.is_empty() || !kprobe.is_empty() {
            let f = lacking(&fentry);
            if !fentry.is_empty() && f.is_empty() {
                chosen.extend(fentry);
            } else {
                let k = lacking(&kprobe);
                if !kprobe.is_empty() && k.is_empty() {
                    chosen.extend(kprobe);
                } else {
                    let first = |v: &[String]| v.first().cloned().unwrap_or_default();
                    missing.push(format!("{} or {}", first(&f), first(&k)));
                }
            }
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
        Err(LoaderError::Other {
            what: format!("tool '{}' is not supported by this kernel", tool.name),
            why: if alternatives {
                format!(
                    "it needs fentry or kprobes, and neither attaches here ({} missing)",
                    missing.join(", ")
                )
            } else {
                format!("missing {}", missing.join(", "))
            },
        })
    }

    fn func_btf_id(&self, func: &str) -> Option<u32> {
        let btf = self.vmlinux.as_ref()?;
        btf.type_by_name::<Func<'_>>(func)
            .map(|f| f.type_id().into())
    }

    fn tracing_ok(&self, exit: bool, func: &str) -> bool {
        let key = (exit, func.to_string());
        if let Some((_, ok)) = self.tracing.borrow().iter().find(|(k, _)| *k == key) {
            return *ok;
        }
        let ok = self
            .func_btf_id(func)
            .is_some_and(|id| probe_tracing_attach(exit, id));
        self.tracing.borrow_mut().push((key, ok));
        ok
    }
}

/// Loads `r0 = 0; exit` as a fentry/fexit program on vmlinux BTF id
/// `btf_id` and attaches it: whether this kernel runs BPF trampolines
/// there (no kernel support, or a locked-down ftrace, fail here). The
/// program and link are closed right away.
fn probe_tracing_attach(exit: bool, btf_id: u32) -> bool {
    use std::os::fd::{FromRawFd, OwnedFd};
    let insns = [
        libbpf_sys::bpf_insn {
            code: (libbpf_sys::BPF_ALU64 | libbpf_sys::BPF_MOV | libbpf_sys::BPF_K) as u8,
            ..Default::default()
        },
        libbpf_sys::bpf_insn {
            code: (libbpf_sys::BPF_JMP | libbpf_sys::BPF_EXIT) as u8,
            ..Default::default()
        },
    ];
    let mut opts = libbpf_sys::bpf_prog_load_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_load_opts>() as _,
        expected_attach_type: if exit {
            libbpf_sys::BPF_TRACE_FEXIT
        } else {
            libbpf_sys::BPF_TRACE_FENTRY
        },
        attach_btf_id: btf_id,
        ..Default::default()
    };
    // SAFETY: the name and license are NUL-terminated, `insns` and `opts`
    // outlive the call and `opts.sz` is its size.
    let fd = unsafe {
        libbpf_sys::bpf_prog_load(
            libbpf_sys::BPF_PROG_TYPE_TRACING,
            c"bpfscope_probe".as_ptr(),
            c"GPL".as_ptr(),
            insns.as_ptr(),
            insns.len() as _,
            &mut opts,
        )
    };
    if fd < 0 {
        return false;
    }
    // SAFETY: `fd` was just returned by a successful load and is ours.
    let prog = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: a NULL name is allowed for tracing programs; the fd is valid.
    let link = unsafe {
        libbpf_sys::bpf_raw_tracepoint_open(
            std::ptr::null(),
            std::os::fd::AsRawFd::as_raw_fd(&prog),
        )
    };
    if link < 0 {
        return false;
    }
    // SAFETY: as above, a fresh fd of ours; dropping it detaches.
    drop(unsafe { OwnedFd::from_raw_fd(link) });
    true
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
    }
}

/// Request flag and op names of the running kernel, from its BTF's `enum
/// req_flag_bits` and `enum req_op` (the bits move between versions); the
/// built-in table of Linux 6.x without BTF.
pub fn kernel_req_names() -> tracing_tools::ReqNames {
    let Ok(btf) = Btf::from_vmlinux() else {
        return tracing_tools::ReqNames::default();
    };
    let values = |name: &str| -> Option<Vec<(String, i64)>> {
        let e = btf.type_by_name::<Enum<'_>>(name)?;
        Some(
            e.iter()
                .filter_map(|m| Some((m.name?.to_string_lossy().into_owned(), m.value)))
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
