//! Filesystems the loader needs (bpffs for pins, tracefs for tracepoint
//! ids), mounted on demand unless the user said -n, and attach-point probes
//! for `tool list`.

use std::path::Path;

use libbpf_rs::btf::types::Typedef;
use libbpf_rs::btf::Btf;
use nix::mount::{mount, MsFlags};
use nix::sys::statfs::statfs;
use tracing_tools::AttachPoint;

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

/// Answers "does this kernel have attach point X" for `tool list`.
pub struct AttachProbe {
    vmlinux: Option<Btf<'static>>,
}

impl AttachProbe {
    pub fn new() -> Self {
        AttachProbe {
            vmlinux: Btf::from_vmlinux().ok(),
        }
    }

    pub fn supported(&self, point: &AttachPoint) -> bool {
        match point {
            AttachPoint::TpBtf(name) => self.vmlinux.as_ref().is_some_and(|btf| {
                btf.type_by_name::<Typedef<'_>>(&format!("btf_trace_{name}"))
                    .is_some()
            }),
            AttachPoint::Tracepoint(cat, name) => tracepoint_id(cat, name).is_ok(),
        }
    }
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
