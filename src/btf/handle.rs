//! The BTF handle: a libbpf `struct btf` (loaded and validated by libbpf,
//! exactly as bpftool loads it) together with a safe [`View`] of its raw
//! data for the dumpers and the value formatter.
//!
//! This file holds the only `unsafe` of src/btf besides the C dumper: calls
//! into libbpf-sys that parse memory or files (none of them touch the
//! kernel; raw BTF of kernel objects comes from src/sys as bytes).

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;

use super::view::{check_header, Bytes, View};
use super::BtfError;

/// Where vmlinux BTF lives; also the base for module BTF files.
pub const SYSFS_VMLINUX: &str = "/sys/kernel/btf/vmlinux";
/// Module BTF files live here and need vmlinux as their base.
pub const SYSFS_BTF_DIR: &str = "/sys/kernel/btf/";

/// Loaded BTF. For split BTF (kernel modules, or program BTF on top of a
/// module) `base` holds the base, which libbpf requires to outlive the split.
pub struct Btf {
    raw: NonNull<libbpf_sys::btf>,
    view: Arc<View>,
    // Dropped after `raw` is freed (Drop::drop runs before fields drop).
    base: Option<Rc<Btf>>,
}

impl std::fmt::Debug for Btf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Btf")
            .field("type_cnt", &self.view.type_cnt())
            .field("split", &self.base.is_some())
            .finish()
    }
}

impl Drop for Btf {
    fn drop(&mut self) {
        // SAFETY: `raw` came from a successful btf__new_split/btf__parse_split,
        // is owned by this handle alone and freed exactly once, here.
        unsafe { libbpf_sys::btf__free(self.raw.as_ptr()) }
    }
}

/// strerror(errno) after a failed libbpf call (without Rust's "(os error N)").
fn last_os_error() -> String {
    os_msg(&std::io::Error::last_os_error())
}

/// An io::Error's message as plain strerror text.
fn os_msg(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

impl Btf {
    /// Parses raw BTF bytes (the kernel's format: header, types, strings).
    /// `base` is required for split BTF (module BTF, or program BTF of a
    /// program that uses module types).
    pub fn from_bytes(data: &[u8], base: Option<Rc<Btf>>) -> Result<Btf, BtfError> {
        Self::from_bytes_named("BTF data", data, base)
    }

    /// Like [`Btf::from_bytes`], with `what` naming the source in errors.
    pub fn from_bytes_named(
        what: &str,
        data: &[u8],
        base: Option<Rc<Btf>>,
    ) -> Result<Btf, BtfError> {
        let load_err = |reason: String| BtfError::Load {
            what: what.to_string(),
            reason,
        };
        // Our own header check first: libbpf only says EINVAL, we say why.
        check_header(data).map_err(load_err)?;
        let size = u32::try_from(data.len()).map_err(|_| load_err("too large".into()))?;
        let base_ptr = base
            .as_ref()
            .map_or(std::ptr::null_mut(), |b| b.raw.as_ptr());
        // SAFETY: `data` is valid for `size` bytes for the duration of the
        // call (libbpf copies it); `base_ptr` is null or a live btf kept alive
        // by `base`, which we store in the result.
        let p = unsafe { libbpf_sys::btf__new_split(data.as_ptr().cast(), size, base_ptr) };
        let raw = NonNull::new(p).ok_or_else(|| load_err(libbpf_reason(&base)))?;
        Self::finish(raw, base).map_err(load_err)
    }

    /// Loads BTF from a file: a raw BTF file (as in /sys/kernel/btf/) or an
    /// ELF object with a .BTF section, like bpftool's `btf__parse_split`.
    /// Files under /sys/kernel/btf/ other than vmlinux get vmlinux as base;
    /// any other file that fails to load alone is retried with vmlinux as base
    /// (module BTF copied elsewhere).
    pub fn from_file(path: &Path) -> Result<Btf, BtfError> {
        let shown = path.display().to_string();
        let is_sysfs_module = shown.starts_with(SYSFS_BTF_DIR) && shown != SYSFS_VMLINUX;
        if is_sysfs_module {
            let base = Rc::new(Self::parse_file(Path::new(SYSFS_VMLINUX), None)?);
            return Self::parse_file(path, Some(base));
        }
        match Self::parse_file(path, None) {
            Ok(b) => Ok(b),
            Err(first) => {
                // A split (module) BTF file's string section does not start
                // with NUL; only then is retrying on vmlinux worth it.
                if !looks_split(path) {
                    return Err(first);
                }
                let base = match Self::parse_file(Path::new(SYSFS_VMLINUX), None) {
                    Ok(b) => Rc::new(b),
                    Err(_) => return Err(first),
                };
                Self::parse_file(path, Some(base)).map_err(|_| first)
            }
        }
    }

    /// Loads a file with an explicit base (or none).
    pub fn parse_file(path: &Path, base: Option<Rc<Btf>>) -> Result<Btf, BtfError> {
        let load_err = |reason: String| BtfError::Load {
            what: path.display().to_string(),
            reason,
        };
        // Raw BTF in our byte order (everything under /sys/kernel/btf/) is
        // mapped and handed to libbpf as bytes: libbpf's own file reader
        // gets one page per read(2) from sysfs. The view reads the mapping
        // in place and is built while libbpf parses its own copy.
        // Not a regular file, or too large: say so before libbpf reads it.
        crate::infile::check_path(path).map_err(|e| load_err(e.to_string()))?;
        if let Ok(bytes) = map_file(path) {
            if check_header(bytes.as_slice()).is_ok() {
                let size = u32::try_from(bytes.as_slice().len())
                    .map_err(|_| load_err("too large".into()))?;
                let base_view = base.as_ref().map(|b| b.view.clone());
                let (p, view) = match &bytes {
                    Bytes::Mapped(map) => std::thread::scope(|s| {
                        let shared = Bytes::Mapped(map.clone());
                        let view = s.spawn(move || View::from_bytes(shared, base_view));
                        (new_split(map, size, &base), Some(view.join()))
                    }),
                    Bytes::Owned(data) => (new_split(data, size, &base), None),
                };
                if let Some(raw) = NonNull::new(p) {
                    let view = match view {
                        Some(Ok(v)) => v,
                        Some(Err(_)) => Err("internal error while indexing types".to_string()),
                        None => View::from_bytes(bytes, base.as_ref().map(|b| b.view.clone())),
                    };
                    return Self::wrap(raw, base, view).map_err(load_err);
                }
                // Fall through: libbpf's file loader says why it fails.
            }
        }
        let c = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| load_err("path contains a NUL byte".into()))?;
        let base_ptr = base
            .as_ref()
            .map_or(std::ptr::null_mut(), |b| b.raw.as_ptr());
        // SAFETY: `c` is a valid NUL-terminated path; `base_ptr` is null or a
        // live btf owned by `base`, which the result keeps.
        let p = unsafe { libbpf_sys::btf__parse_split(c.as_ptr(), base_ptr) };
        match NonNull::new(p) {
            Some(raw) => Self::finish(raw, base).map_err(load_err),
            None => {
                let os = last_os_error();
                // Say more than "Invalid argument" where we can tell.
                let detail = match crate::infile::read(path) {
                    Err(e) => return Err(load_err(os_msg(&e))),
                    Ok(bytes) if bytes.starts_with(b"\x7fELF") => {
                        format!("{os} (ELF object without valid .BTF section)")
                    }
                    Ok(bytes) => match check_header(&bytes) {
                        Err(why) => why,
                        Ok(_) if base.is_none() && split_strings(&bytes) => {
                            format!("{os} (split BTF: needs a base, e.g. vmlinux)")
                        }
                        Ok(_) => format!("{os} (malformed type or string data)"),
                    },
                };
                Err(load_err(detail))
            }
        }
    }

    /// Wraps a freshly loaded libbpf btf: forces native byte order and
    /// builds the view over a copy of its raw data.
    fn finish(raw: NonNull<libbpf_sys::btf>, base: Option<Rc<Btf>>) -> Result<Btf, String> {
        let native = if cfg!(target_endian = "little") {
            libbpf_sys::BTF_LITTLE_ENDIAN
        } else {
            libbpf_sys::BTF_BIG_ENDIAN
        };
        // SAFETY: `raw` is a live btf we own.
        unsafe { libbpf_sys::btf__set_endianness(raw.as_ptr(), native) };
        let mut size: u32 = 0;
        // SAFETY: `raw` is live; libbpf returns a pointer to `size` bytes it
        // owns (valid until the btf is modified or freed); we copy them now.
        let copy = unsafe {
            let p = libbpf_sys::btf__raw_data(raw.as_ptr(), &mut size);
            (!p.is_null())
                .then(|| std::slice::from_raw_parts(p.cast::<u8>(), size as usize).to_vec())
        };
        let view = match copy {
            Some(data) => View::new(data, base.as_ref().map(|b| b.view.clone())),
            None => Err(last_os_error()),
        };
        Self::wrap(raw, base, view)
    }

    /// Takes ownership of `raw` (freed on every path) and pairs it with
    /// its view.
    fn wrap(
        raw: NonNull<libbpf_sys::btf>,
        base: Option<Rc<Btf>>,
        view: Result<View, String>,
    ) -> Result<Btf, String> {
        let mut this = Btf {
            raw,
            view: Arc::new(View::empty()),
            base,
        };
        this.view = Arc::new(view?);
        Ok(this)
    }

    /// The safe view of all types (base types included through the base).
    pub fn view(&self) -> &View {
        &self.view
    }

    /// A shareable reference to the view (for formatters kept by callers).
    pub fn view_arc(&self) -> Arc<View> {
        self.view.clone()
    }

    /// The base BTF, for split BTF.
    pub fn base(&self) -> Option<&Rc<Btf>> {
        self.base.as_ref()
    }

    /// The libbpf object, for libbpf calls (btf_dump) in this module.
    pub(crate) fn as_ptr(&self) -> *mut libbpf_sys::btf {
        self.raw.as_ptr()
    }

    /// A type's alignment as libbpf computes it (btf__align_of), the
    /// number bpftool lays skeleton data sections out by.
    pub fn align_of(&self, id: u32) -> Option<u32> {
        // SAFETY: raw is a live btf; libbpf checks the id.
        let a = unsafe { libbpf_sys::btf__align_of(self.raw.as_ptr(), id) };
        (a > 0).then_some(a as u32)
    }

    /// A type's size as libbpf resolves it (btf__resolve_size).
    pub fn resolve_size(&self, id: u32) -> Option<u64> {
        // SAFETY: raw is a live btf; libbpf checks the id.
        let s = unsafe { libbpf_sys::btf__resolve_size(self.raw.as_ptr(), id) };
        (s >= 0).then_some(s as u64)
    }

    /// One past the highest type id.
    pub fn type_cnt(&self) -> u32 {
        self.view.type_cnt()
    }
}

/// libbpf's errno for a failed parse, with a hint about split BTF.
fn libbpf_reason(base: &Option<Rc<Btf>>) -> String {
    let os = last_os_error();
    if base.is_none() {
        format!("{os} (malformed BTF, or split BTF that needs a base)")
    } else {
        os
    }
}

/// True if raw BTF bytes have a string section that does not start with
/// NUL: the mark of split BTF, which libbpf refuses without a base.
fn split_strings(bytes: &[u8]) -> bool {
    match check_header(bytes) {
        Ok(h) => {
            let at = h.hdr_len as usize + h.str_off as usize;
            h.str_len > 0 && bytes.get(at).is_some_and(|&c| c != 0)
        }
        Err(_) => false,
    }
}

fn looks_split(path: &Path) -> bool {
    crate::infile::read(path).is_ok_and(|b| split_strings(&b))
}

/// libbpf's btf__new_split over `data` (which it copies); null on error.
fn new_split(data: &[u8], size: u32, base: &Option<Rc<Btf>>) -> *mut libbpf_sys::btf {
    let base_ptr = base
        .as_ref()
        .map_or(std::ptr::null_mut(), |b| b.raw.as_ptr());
    // SAFETY: `data` is valid for `size` bytes for the call (libbpf copies
    // it); `base_ptr` is null or a live btf owned by `base`, which the
    // caller keeps with the result.
    unsafe { libbpf_sys::btf__new_split(data.as_ptr().cast(), size, base_ptr) }
}

/// A copy of a BTF that libbpf holds (an opened object's, with DATASEC
/// sizes and offsets filled in) as a view.
///
/// # Safety
/// `btf` must point to a live libbpf `struct btf` for the whole call.
pub unsafe fn view_of_libbpf(btf: NonNull<libbpf_sys::btf>) -> Option<View> {
    let mut size = 0u32;
    // SAFETY: `btf` is live (the caller's promise); libbpf returns a pointer
    // to `size` bytes it owns, or NULL.
    let p = unsafe { libbpf_sys::btf__raw_data(btf.as_ptr(), &mut size) };
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` points to `size` readable bytes, copied right away.
    let data = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), size as usize) }.to_vec();
    View::new(data, None).ok()
}

/// vmlinux BTF for name lookups: mapped from sysfs, indexed without the
/// reference check only libbpf's btf_dump needs.
pub fn vmlinux_lookup() -> Result<View, BtfError> {
    let load_err = |reason: String| BtfError::Load {
        what: SYSFS_VMLINUX.to_string(),
        reason,
    };
    let bytes = map_file(Path::new(SYSFS_VMLINUX)).map_err(|e| load_err(e.to_string()))?;
    View::for_lookup(bytes).map_err(load_err)
}

/// A file's bytes: through a private read-only mapping for sysfs BTF files
/// (allowed since 6.16; reading sysfs returns one page per read(2), about
/// 1350 calls and 7 ms for vmlinux's 5.5 MB), read for everything else. Only
/// sysfs is mapped: its BTF never changes, where a regular file truncated
/// under a mapping would kill us with SIGBUS.
pub fn map_file(path: &Path) -> std::io::Result<Bytes> {
    let (file, _) = crate::infile::open(path)?;
    let on_sysfs = nix::sys::statfs::fstatfs(&file)
        .is_ok_and(|s| s.filesystem_type() == nix::sys::statfs::SYSFS_MAGIC);
    if on_sysfs {
        // SAFETY: a private read-only mapping of a sysfs BTF file, whose
        // contents the kernel never changes.
        if let Ok(map) = unsafe { memmap2::MmapOptions::new().map_copy_read_only(&file) } {
            return Ok(Bytes::Mapped(Arc::new(map)));
        }
    }
    drop(file);
    Ok(Bytes::Owned(crate::infile::read(path)?))
}
