//! Loading one program of an object for verification, through libbpf-rs,
//! with the verifier log in our own buffer.
//!
//! Each program is verified alone, as veristat does: the object is opened
//! afresh, every other program has autoload off, map pinning is cleared (so
//! nothing lands in bpffs), `bpf_object__prepare` relocates (CO-RE, subprogram
//! calls, maps), and `bpf_object__load` hands the program to the kernel with
//! our log buffer. Dropping the object closes every map and program fd: nothing
//! stays loaded or pinned.
//!
//! The log buffer: libbpf keeps a caller's buffer as it is (it only grows its
//! own), and the kernel answers ENOSPC when the log did not fit, whatever the
//! verdict would have been. The kernel's `log_true_size` (the size needed)
//! is written into the load attributes that libbpf keeps on its stack, out of
//! our reach through the object API; so on ENOSPC the object is opened again
//! with a buffer four times larger, up to the kernel's limit, until the whole
//! log fits. Level 1 logs rarely pass the first 1 MiB; a program that hits
//! the 1M-instruction limit writes some 150 MB at level 1, and only the end
//! of that is needed to explain it (see [`verify`]).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use libbpf_rs::{AsRawLibbpf, ObjectBuilder, OpenObject, PrintLevel};

use super::objinfo::{self, ObjInfo};

/// `BPF_LOG_LEVEL1`: the instructions walked, states at branches.
pub const LOG_LEVEL1: u32 = 1;
/// `BPF_LOG_LEVEL2`: the state after every instruction.
pub const LOG_LEVEL2: u32 = 2;
/// `BPF_LOG_STATS`: the closing counts (insns, states, time, stack).
pub const LOG_STATS: u32 = 4;

/// First buffer sizes: level 2 logs are large from the start.
const FIRST_BUF_L1: usize = 1 << 20;
const FIRST_BUF_L2: usize = 16 << 20;
/// The kernel refuses log buffers larger than `UINT_MAX >> 2`.
const MAX_BUF: usize = (u32::MAX >> 2) as usize;

/// What verification can fail at before any verdict (the object itself).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("can't open object '{path}': {why}")]
    Open { path: String, why: String },
    #[error("no program '{name}' in '{path}' (programs: {available})")]
    NoProgram {
        name: String,
        path: String,
        available: String,
    },
    #[error("'{path}' has no BPF programs")]
    Empty { path: String },
    /// The kernel refused to load anything: no verdict to give.
    #[error("can't verify '{path}': Operation not permitted ({why})")]
    Denied { path: String, why: &'static str },
}

/// How to verify.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOpts {
    /// 1 or 2; `None`: statistics only, and level 1 again on rejection.
    pub log_level: Option<u32>,
    /// Echo libbpf's own messages to stderr (`-d`).
    pub debug: bool,
    /// Grow the log buffer until the whole log fits, even when only its
    /// end is needed (`--log-file`).
    pub whole_log: bool,
}

/// What the ELF alone says of program `prog` (CO-RE records, the context
/// and map value types), for a log captured by another load path; empty
/// when the object cannot be opened.
pub fn elf_info(path: &Path, prog: &str) -> ObjInfo {
    let section = programs(path)
        .ok()
        .and_then(|v| v.into_iter().find(|p| p.name == prog))
        .map(|p| p.section)
        .unwrap_or_default();
    objinfo::from_elf(path, prog, &section)
}

/// [`elf_info`] for an object held in memory (through a memfd).
pub fn elf_info_bytes(bytes: &[u8], prog: &str) -> ObjInfo {
    with_memfd(bytes, |path| Ok(elf_info(path, prog))).unwrap_or_default()
}

/// A program of an object, before loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgEntry {
    pub name: String,
    pub section: String,
}

/// The outcome of verifying one program.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub name: String,
    pub section: String,
    /// bpftool's name for the program type (`tracepoint`, `xdp`, …).
    pub prog_type: String,
    pub accepted: bool,
    /// errno of the failed load (0 when accepted).
    pub errno: i32,
    /// libbpf failed before the kernel saw the program (no verifier log).
    pub before_kernel: bool,
    /// The verifier log, whole.
    pub log: String,
    /// Level the log was taken at (1, 2, with 4 = statistics).
    pub log_level: u32,
    /// Size of the buffer the log was written to.
    pub log_buf_size: usize,
    /// The log did not fit: the kernel kept its end (rotating log).
    pub log_truncated: bool,
    /// `bpf_prog_info.verified_insns` of the accepted program.
    pub verified_insns: Option<u32>,
    /// Wall time of the load call, nanoseconds.
    pub load_ns: u64,
    /// What the object says about the program (instructions, lines, CO-RE).
    pub info: ObjInfo,
}

static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());
static ECHO: AtomicBool = AtomicBool::new(false);

fn capture(_level: PrintLevel, msg: String) {
    if ECHO.load(Ordering::Relaxed) {
        eprint!("{msg}");
    }
    if let Ok(mut v) = CAPTURED.lock() {
        v.extend(msg.lines().map(str::to_string));
    }
}

/// Runs `f` with libbpf's messages captured (and echoed with -d).
fn with_capture<T>(debug: bool, f: impl FnOnce() -> T) -> (T, Vec<String>) {
    if let Ok(mut v) = CAPTURED.lock() {
        v.clear();
    }
    ECHO.store(debug, Ordering::Relaxed);
    let previous = libbpf_rs::set_print(Some((PrintLevel::Debug, capture)));
    let out = f();
    libbpf_rs::set_print(previous);
    let lines = CAPTURED
        .lock()
        .map(|mut v| std::mem::take(&mut *v))
        .unwrap_or_default();
    (out, lines)
}

/// libbpf's own complaint lines (warnings), without its debug chatter.
fn libbpf_errors(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.starts_with("libbpf: "))
        .filter(|l| !l.contains("BEGIN PROG LOAD LOG") && !l.contains("END PROG LOAD LOG"))
        .cloned()
        .collect()
}

fn open(path: &Path, debug: bool) -> Result<OpenObject, VerifyError> {
    // libbpf reads the file itself: refuse devices, FIFOs and huge files first.
    crate::infile::check_path(path).map_err(|e| VerifyError::Open {
        path: path.display().to_string(),
        why: e.to_string(),
    })?;
    let (res, lines) = with_capture(debug, || ObjectBuilder::default().open_file(path));
    res.map_err(|e| VerifyError::Open {
        path: path.display().to_string(),
        why: libbpf_errors(&lines)
            .last()
            .map(|l| l.trim_start_matches("libbpf: ").to_string())
            .unwrap_or_else(|| e.to_string()),
    })
}

/// The programs of an object, in ELF order.
pub fn programs(path: &Path) -> Result<Vec<ProgEntry>, VerifyError> {
    let obj = open(path, false)?;
    let v: Vec<ProgEntry> = obj
        .progs()
        .map(|p| ProgEntry {
            name: p.name().to_string_lossy().into_owned(),
            section: p.section().to_string_lossy().into_owned(),
        })
        .collect();
    if v.is_empty() {
        return Err(VerifyError::Empty {
            path: path.display().to_string(),
        });
    }
    Ok(v)
}

/// The text up to the first NUL of a log buffer.
fn log_text(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// One attempt: open, configure, prepare, load. `Err` only for the object.
fn attempt(
    path: &Path,
    prog: &str,
    level: u32,
    buf: &mut [u8],
    debug: bool,
) -> Result<Verdict, VerifyError> {
    let mut obj = open(path, debug)?;
    let mut found = None;
    for mut p in obj.progs_mut() {
        let name = p.name().to_string_lossy().into_owned();
        if name == prog {
            found = Some((name, p.section().to_string_lossy().into_owned()));
            p.set_autoload(true);
            p.set_log_level(level);
            let raw = p.as_libbpf_object().as_ptr();
            // SAFETY: `raw` is a live program of `obj`; `buf` is borrowed from
            // the caller and so outlives `obj` (dropped in this function), and
            // the kernel writes at most `buf.len()` bytes into it.
            unsafe {
                libbpf_sys::bpf_program__set_log_buf(
                    raw,
                    buf.as_mut_ptr().cast(),
                    buf.len() as u64,
                );
            }
        } else {
            p.set_autoload(false);
        }
    }
    let Some((name, section)) = found else {
        let available: Vec<String> = obj
            .progs()
            .map(|p| p.name().to_string_lossy().into_owned())
            .collect();
        return Err(VerifyError::NoProgram {
            name: prog.to_string(),
            path: path.display().to_string(),
            available: available.join(", "),
        });
    };
    for m in obj.maps_mut() {
        let raw = m.as_libbpf_object().as_ptr();
        // SAFETY: a live map of `obj`; NULL clears the pin path (libbpf frees the old one).
        unsafe {
            libbpf_sys::bpf_map__set_pin_path(raw, std::ptr::null());
        }
    }
    let raw_obj = obj.as_libbpf_object().as_ptr();
    let prog_ptr = obj
        .progs_mut()
        .find(|p| p.name().to_string_lossy() == prog)
        .map(|p| p.as_libbpf_object().as_ptr());
    let Some(prog_ptr) = prog_ptr else {
        return Err(VerifyError::NoProgram {
            name: prog.to_string(),
            path: path.display().to_string(),
            available: String::new(),
        });
    };
    // SAFETY: live object and program; libbpf_bpf_prog_type_str returns a static string or NULL.
    let prog_type =
        crate::sys::names::prog_type(unsafe { libbpf_sys::bpf_program__type(prog_ptr) })
            .to_string();

    let start = Instant::now();
    // SAFETY: `raw_obj` is the live object; prepare may only run once, and does here.
    let (ret, lines) = with_capture(debug, || unsafe {
        libbpf_sys::bpf_object__prepare(raw_obj)
    });
    let mut verdict = Verdict {
        name,
        section,
        prog_type,
        accepted: false,
        errno: 0,
        before_kernel: false,
        log: String::new(),
        log_level: level,
        log_buf_size: buf.len(),
        log_truncated: false,
        verified_insns: None,
        load_ns: 0,
        info: ObjInfo::default(),
    };
    if ret == -libc::EPERM {
        // libbpf's probe load was refused: a missing capability, not a verdict.
        return Err(VerifyError::Denied {
            path: path.display().to_string(),
            why: crate::sys::caps::eperm_hint(),
        });
    }
    if ret < 0 {
        verdict.errno = -ret;
        verdict.before_kernel = true;
        verdict.info = objinfo::from_elf(path, &verdict.name, &verdict.section);
        verdict.info.libbpf_messages = libbpf_errors(&lines);
        verdict.load_ns = start.elapsed().as_nanos() as u64;
        return Ok(verdict);
    }
    // SAFETY: the object is prepared: the program's instructions, func and
    // line info are final and stay valid while `obj` lives.
    verdict.info = unsafe { objinfo::from_prepared(raw_obj, prog_ptr) };
    objinfo::add_elf_info(&mut verdict.info, path, &verdict.name, &verdict.section);

    // SAFETY: the prepared object; load runs once.
    let (ret, lines) = with_capture(debug, || unsafe { libbpf_sys::bpf_object__load(raw_obj) });
    verdict.load_ns = start.elapsed().as_nanos() as u64;
    verdict.log = log_text(buf);
    if ret == -libc::EPERM && verdict.log.is_empty() {
        return Err(VerifyError::Denied {
            path: path.display().to_string(),
            why: crate::sys::caps::eperm_hint(),
        });
    }
    if ret < 0 {
        verdict.errno = -ret;
        verdict.before_kernel = verdict.log.is_empty();
        verdict.info.libbpf_messages = libbpf_errors(&lines);
        verdict.info.ctx_readers = ctx_readers_for(&verdict.log, &verdict.info);
    } else {
        verdict.accepted = true;
        // SAFETY: the loaded program's fd stays open while `obj` lives.
        let fd = unsafe { libbpf_sys::bpf_program__fd(prog_ptr) };
        verdict.verified_insns = crate::sys::prog::verified_insns(&fd);
    }
    drop(obj);
    Ok(verdict)
}

/// For a refused context read, the program types that may read that field
/// (probed live), so the report can name them.
fn ctx_readers_for(log: &str, info: &ObjInfo) -> Option<Vec<String>> {
    let line = log
        .lines()
        .rev()
        .take(8)
        .find(|l| l.starts_with("invalid bpf_context access"))?;
    let off = super::msg::int(super::msg::field(line, "off")?)?;
    let size = super::msg::int(super::msg::field(line, "size")?)?;
    let layout = info.ctx_layout.as_ref()?;
    super::probe::ctx_readers(&layout.name, off, size)
}

/// Verifies program `prog` of the object at `path`.
///
/// Without a log level the program is first loaded with statistics only
/// (cheap, as veristat does) and, if rejected, once more at level 1 for the
/// log to explain it. That second log need not be whole: the kernel keeps
/// the end of a log that does not fit (the error and the statistics), which
/// is what the analysis reads; `whole_log` grows the buffer until all of it
/// fits (for `--log-file`). With a log level the log is always whole, since
/// a cut log hides the verdict (the kernel answers ENOSPC instead).
pub fn verify(path: &Path, prog: &str, opts: VerifyOpts) -> Result<Verdict, VerifyError> {
    if let Some(l) = opts.log_level {
        return verify_at(path, prog, l | LOG_STATS, true, opts.debug);
    }
    let v = verify_at(path, prog, LOG_STATS, true, opts.debug)?;
    if v.accepted || v.before_kernel {
        return Ok(v);
    }
    let mut again = verify_at(
        path,
        prog,
        LOG_LEVEL1 | LOG_STATS,
        opts.whole_log,
        opts.debug,
    )?;
    if again.accepted {
        // Cannot happen (the log level does not change the verdict); the
        // first answer stands.
        return Ok(v);
    }
    again.errno = v.errno;
    Ok(again)
}

/// Verifies at one log level; with `whole`, grows the buffer until the log fits.
fn verify_at(
    path: &Path,
    prog: &str,
    level: u32,
    whole: bool,
    debug: bool,
) -> Result<Verdict, VerifyError> {
    let mut size = if level & LOG_LEVEL2 != 0 || !whole {
        FIRST_BUF_L2
    } else {
        FIRST_BUF_L1
    };
    loop {
        let mut buf = vec![0u8; size];
        let mut v = attempt(path, prog, level, &mut buf, debug)?;
        if v.errno != libc::ENOSPC || v.before_kernel {
            return Ok(v);
        }
        if !whole || size >= MAX_BUF {
            v.log_truncated = true;
            return Ok(v);
        }
        size = (size * 4).min(MAX_BUF);
    }
}

/// [`verify`] for an object held in memory (the bundled tools): the bytes
/// go to a memfd and are verified through its `/proc/self/fd` path, so
/// libbpf and the `.BTF.ext` reader see a file as usual.
pub fn verify_bytes(bytes: &[u8], prog: &str, opts: VerifyOpts) -> Result<Verdict, VerifyError> {
    with_memfd(bytes, |path| verify(path, prog, opts))
}

/// Runs `f` on a `/proc/self/fd` path of a memfd holding `bytes`.
fn with_memfd<T>(
    bytes: &[u8],
    f: impl FnOnce(&Path) -> Result<T, VerifyError>,
) -> Result<T, VerifyError> {
    use std::io::Write;
    use std::os::fd::FromRawFd;
    let err = |why: String| VerifyError::Open {
        path: "<memory>".into(),
        why,
    };
    // SAFETY: a NUL-terminated name; the returned fd is owned by `file` below.
    let fd = unsafe { libc::memfd_create(c"bpfscope-verify".as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(err(std::io::Error::last_os_error().to_string()));
    }
    // SAFETY: `fd` is a fresh descriptor that nothing else owns.
    let mut file = unsafe { std::fs::File::from_raw_fd(fd) };
    file.write_all(bytes).map_err(|e| err(e.to_string()))?;
    let path = std::path::PathBuf::from(format!("/proc/self/fd/{fd}"));
    let v = f(&path);
    drop(file);
    v
}
