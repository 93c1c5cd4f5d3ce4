//! Map elements: batch and per-key reads, update/delete, queue/stack ops,
//! create, freeze and pin.
//!
//! Dumps stream: a `Reader` refills one fixed-size chunk of entries at a time
//! (BPF_MAP_LOOKUP_BATCH where the map type has it, GET_NEXT_KEY + LOOKUP where
//! not), so a map is never held whole in memory. The cmd layer turns chunks
//! into text or JSON through `output::mapdump`.
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use libbpf_sys as bpf;

use super::{fd_result, Result, SysError};

/// The kernel's internal ENOTSUPP; bpf(2) lets it reach user space.
pub const ENOTSUPP: i32 = 524;

/// Per-cpu maps hold one value per possible cpu, each padded to 8 bytes.
pub fn is_percpu(map_type: u32) -> bool {
    matches!(
        map_type,
        bpf::BPF_MAP_TYPE_PERCPU_HASH
            | bpf::BPF_MAP_TYPE_PERCPU_ARRAY
            | bpf::BPF_MAP_TYPE_LRU_PERCPU_HASH
            | bpf::BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
    )
}

pub fn is_map_of_maps(map_type: u32) -> bool {
    matches!(
        map_type,
        bpf::BPF_MAP_TYPE_ARRAY_OF_MAPS | bpf::BPF_MAP_TYPE_HASH_OF_MAPS
    )
}

pub fn is_prog_array(map_type: u32) -> bool {
    map_type == bpf::BPF_MAP_TYPE_PROG_ARRAY
}

/// Maps without keys, read only from the head (peek/pop).
pub fn is_queue_or_stack(map_type: u32) -> bool {
    matches!(map_type, bpf::BPF_MAP_TYPE_QUEUE | bpf::BPF_MAP_TYPE_STACK)
}

/// The number of possible cpus (libbpf reads /sys/devices/system/cpu/possible once).
pub fn possible_cpus() -> Result<usize> {
    // SAFETY: no arguments; libbpf caches the parsed value.
    let n = unsafe { bpf::libbpf_num_possible_cpus() };
    if n <= 0 {
        return Err(SysError::os("can't get the number of possible cpus", -n));
    }
    Ok(n as usize)
}

/// An open map and what its element operations need to know.
pub struct Map {
    fd: OwnedFd,
    pub info: bpf::bpf_map_info,
    ncpus: usize,
}

/// Result of a per-element operation that may legitimately find nothing.
pub type Found = std::result::Result<(), i32>;

fn errno_result(ret: i32) -> Found {
    if ret < 0 {
        let e = super::errno();
        Err(if e != 0 { e } else { -ret })
    } else {
        Ok(())
    }
}

fn opt_ptr(b: Option<&[u8]>) -> *const libc::c_void {
    b.map_or(std::ptr::null(), |b| b.as_ptr() as *const libc::c_void)
}

impl Map {
    pub fn from_fd(fd: OwnedFd) -> Result<Self> {
        let info = super::map::info(&fd)?;
        let ncpus = if is_percpu(info.type_) {
            possible_cpus()?
        } else {
            1
        };
        Ok(Map { fd, info, ncpus })
    }

    pub fn id(&self) -> u32 {
        self.info.id
    }
    pub fn name(&self) -> String {
        super::cstr_name(&self.info.name)
    }
    pub fn map_type(&self) -> u32 {
        self.info.type_
    }
    pub fn key_size(&self) -> usize {
        self.info.key_size as usize
    }
    pub fn value_size(&self) -> usize {
        self.info.value_size as usize
    }
    /// Cpus a per-cpu value spans (1 for other maps).
    pub fn ncpus(&self) -> usize {
        self.ncpus
    }
    /// Bytes of one element's value buffer: per-cpu maps hold one 8-byte
    /// aligned slot per possible cpu.
    pub fn value_stride(&self) -> usize {
        if is_percpu(self.info.type_) {
            self.value_size().div_ceil(8) * 8 * self.ncpus
        } else {
            self.value_size()
        }
    }
    /// Offset between per-cpu copies inside one value buffer.
    pub fn cpu_step(&self) -> usize {
        self.value_size().div_ceil(8) * 8
    }
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
    /// Whether user space may no longer write (BPF_MAP_FREEZE), from fdinfo.
    pub fn frozen(&self) -> bool {
        super::fdinfo::read(&self.fd)
            .get("frozen")
            .is_some_and(|v| v != "0")
    }

    /// BPF_MAP_LOOKUP_ELEM; `Err(errno)` when the key has no value.
    /// Queue, stack and bloom filter take no key (`None`); for a bloom filter
    /// `value` is the value tested for membership.
    pub fn lookup(&self, key: Option<&[u8]>, value: &mut [u8]) -> Found {
        // SAFETY: key is key_size bytes (or NULL for keyless maps) and value
        // is value_stride bytes, as the kernel reads/writes for this map.
        errno_result(unsafe {
            bpf::bpf_map_lookup_elem(
                self.fd.as_raw_fd(),
                opt_ptr(key),
                value.as_mut_ptr() as *mut libc::c_void,
            )
        })
    }

    /// BPF_MAP_UPDATE_ELEM with BPF_ANY / BPF_NOEXIST / BPF_EXIST.
    pub fn update(&self, key: Option<&[u8]>, value: &[u8], flags: u64) -> Result<()> {
        // SAFETY: key/value buffers are sized for this map (see lookup).
        let r = errno_result(unsafe {
            bpf::bpf_map_update_elem(
                self.fd.as_raw_fd(),
                opt_ptr(key),
                value.as_ptr() as *const libc::c_void,
                flags,
            )
        });
        r.map_err(|e| self.write_error("update failed", e))
    }

    /// BPF_MAP_DELETE_ELEM; `Err(errno)` for the caller to judge (ENOENT).
    pub fn delete(&self, key: &[u8]) -> Found {
        // SAFETY: key is key_size bytes.
        errno_result(unsafe {
            bpf::bpf_map_delete_elem(self.fd.as_raw_fd(), key.as_ptr() as *const libc::c_void)
        })
    }

    /// The error of a write to the map, naming a frozen map instead of the
    /// generic EPERM hint about capabilities.
    pub fn write_error(&self, what: &str, errno: i32) -> SysError {
        if errno == libc::EPERM && self.frozen() {
            SysError::Msg(format!(
                "{what}: Operation not permitted (map {} is frozen: read-only from user space)",
                self.id()
            ))
        } else if errno == libc::EPERM && self.info.map_flags & bpf::BPF_F_RDONLY != 0 {
            SysError::Msg(format!(
                "{what}: Operation not permitted (map {} was created read-only for user space, flag rdonly)",
                self.id()
            ))
        } else {
            SysError::os(what, errno)
        }
    }

    /// BPF_MAP_GET_NEXT_KEY: the key after `key`, or the first key for None.
    pub fn next_key(&self, key: Option<&[u8]>, next: &mut [u8]) -> Found {
        // SAFETY: key (or NULL) and next are key_size bytes.
        errno_result(unsafe {
            bpf::bpf_map_get_next_key(
                self.fd.as_raw_fd(),
                opt_ptr(key),
                next.as_mut_ptr() as *mut libc::c_void,
            )
        })
    }

    /// BPF_MAP_LOOKUP_AND_DELETE_ELEM (pop/dequeue for queue and stack).
    pub fn lookup_and_delete(&self, key: Option<&[u8]>, value: &mut [u8]) -> Found {
        // SAFETY: as lookup.
        errno_result(unsafe {
            bpf::bpf_map_lookup_and_delete_elem(
                self.fd.as_raw_fd(),
                opt_ptr(key),
                value.as_mut_ptr() as *mut libc::c_void,
            )
        })
    }

    /// BPF_MAP_DELETE_BATCH over `n` packed keys; returns how many went.
    /// `Err(errno)` lets the caller fall back to one delete per key.
    pub fn delete_batch(&self, keys: &[u8], n: usize) -> std::result::Result<usize, (usize, i32)> {
        let mut count = n as u32;
        let opts = bpf::bpf_map_batch_opts {
            sz: std::mem::size_of::<bpf::bpf_map_batch_opts>() as _,
            ..Default::default()
        };
        // SAFETY: keys holds n packed keys of key_size bytes; count is in/out.
        let r = errno_result(unsafe {
            bpf::bpf_map_delete_batch(
                self.fd.as_raw_fd(),
                keys.as_ptr() as *const libc::c_void,
                &mut count,
                &opts,
            )
        });
        match r {
            Ok(()) => Ok(count as usize),
            Err(e) => Err((count as usize, e)),
        }
    }

    /// BPF_MAP_FREEZE.
    pub fn freeze(&self) -> Result<()> {
        // SAFETY: plain syscall on an fd we own.
        errno_result(unsafe { bpf::bpf_map_freeze(self.fd.as_raw_fd()) })
            .map_err(|e| SysError::os("failed to freeze map", e))
    }

    /// A streaming reader over every element.
    pub fn reader(&self) -> Reader<'_> {
        Reader::new(self)
    }

    /// The contents of a queue or stack in the order pop would return them,
    /// left in place. The kernel has no way to read past the head without
    /// popping, so this pops everything and pushes it back with signals
    /// blocked; a frozen map (no pops allowed) shows its head only.
    pub fn queue_snapshot(&self) -> Result<QueueSnapshot> {
        let vs = self.value_size();
        let mut values = Vec::new();
        let mut buf = vec![0u8; vs];
        let first = self.lookup_and_delete(None, &mut buf);
        match first {
            Err(libc::ENOENT) => {
                return Ok(QueueSnapshot {
                    values,
                    count: 0,
                    head_only: false,
                })
            }
            Err(libc::EPERM) => {
                // Frozen or read-only: peek is all we may do.
                return Ok(match self.lookup(None, &mut buf) {
                    Ok(()) => QueueSnapshot {
                        values: buf,
                        count: 1,
                        head_only: true,
                    },
                    Err(libc::ENOENT) => QueueSnapshot {
                        values,
                        count: 0,
                        head_only: true,
                    },
                    Err(e) => return Err(SysError::os("peek failed", e)),
                });
            }
            Err(e) => return Err(SysError::os("pop failed", e)),
            Ok(()) => {}
        }
        // From here on we hold popped values: keep SIGINT & co. from killing us
        // before they are back.
        let _guard = SignalBlock::new();
        values.extend_from_slice(&buf);
        let mut count = 1usize;
        let mut err = None;
        // A program pushing meanwhile could keep us going forever: stop at max_entries.
        while count < self.info.max_entries as usize {
            match self.lookup_and_delete(None, &mut buf) {
                Ok(()) => {
                    values.extend_from_slice(&buf);
                    count += 1;
                }
                Err(libc::ENOENT) => break,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        // Put back: a queue in pop order, a stack bottom first.
        let order: Vec<usize> = if self.map_type() == bpf::BPF_MAP_TYPE_STACK {
            (0..count).rev().collect()
        } else {
            (0..count).collect()
        };
        let mut lost = 0usize;
        let mut push_err = 0;
        for i in order {
            if let Err(e) = self.update(None, &values[i * vs..(i + 1) * vs], bpf::BPF_ANY as u64) {
                lost += 1;
                push_err = e.errno().unwrap_or(0);
            }
        }
        if lost > 0 {
            return Err(SysError::os(
                format!(
                    "reading the {} map popped its values and {lost} of {count} could not be pushed back",
                    if self.map_type() == bpf::BPF_MAP_TYPE_STACK {
                        "stack"
                    } else {
                        "queue"
                    }
                ),
                push_err,
            ));
        }
        if let Some(e) = err {
            return Err(SysError::os("pop failed", e));
        }
        Ok(QueueSnapshot {
            values,
            count,
            head_only: false,
        })
    }
}

/// What `queue_snapshot` saw: `count` values of value_size bytes, head first.
pub struct QueueSnapshot {
    pub values: Vec<u8>,
    pub count: usize,
    /// The map refused pops (frozen): only the head was read.
    pub head_only: bool,
}

/// Blocks the terminating signals a user can send from a terminal while
/// alive; restores the previous mask on drop.
struct SignalBlock(Option<nix::sys::signal::SigSet>);

impl SignalBlock {
    fn new() -> Self {
        use nix::sys::signal::{SigSet, SigmaskHow, Signal};
        let mut set = SigSet::empty();
        for s in [
            Signal::SIGINT,
            Signal::SIGTERM,
            Signal::SIGHUP,
            Signal::SIGQUIT,
            Signal::SIGPIPE,
            Signal::SIGTSTP,
        ] {
            set.add(s);
        }
        let mut old = SigSet::empty();
        match nix::sys::signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&set), Some(&mut old)) {
            Ok(()) => SignalBlock(Some(old)),
            Err(_) => SignalBlock(None),
        }
    }
}

impl Drop for SignalBlock {
    fn drop(&mut self) {
        if let Some(old) = &self.0 {
            let _ = nix::sys::signal::sigprocmask(
                nix::sys::signal::SigmaskHow::SIG_SETMASK,
                Some(old),
                None,
            );
        }
    }
}

/// How a `Reader` walks the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// BPF_MAP_LOOKUP_BATCH, one syscall per chunk.
    Batch,
    /// BPF_MAP_GET_NEXT_KEY + BPF_MAP_LOOKUP_ELEM per element.
    NextKey,
}

/// Streams a map's elements chunk by chunk (see the module comment).
pub struct Reader<'m> {
    map: &'m Map,
    mode: ReadMode,
    cap: usize,
    keys: Vec<u8>,
    values: Vec<u8>,
    /// Per-element lookup errno in NextKey mode (0 = ok); empty in Batch mode.
    errs: Vec<i32>,
    n: usize,
    /// Batch token: None before the first call.
    in_batch: Option<Vec<u8>>,
    out_batch: Vec<u8>,
    prev_key: Option<Vec<u8>>,
    done: bool,
}

/// About 1 MiB of keys and values per chunk, at most 8192 elements.
const CHUNK_BYTES: usize = 1 << 20;
const CHUNK_MAX: usize = 8192;

/// One chunk of elements: packed keys and values, and per-element errors.
pub struct Chunk<'a> {
    pub keys: &'a [u8],
    pub values: &'a [u8],
    pub errs: &'a [i32],
    pub key_size: usize,
    pub value_stride: usize,
    pub len: usize,
}

impl Chunk<'_> {
    pub fn key(&self, i: usize) -> &[u8] {
        &self.keys[i * self.key_size..(i + 1) * self.key_size]
    }
    pub fn value(&self, i: usize) -> &[u8] {
        &self.values[i * self.value_stride..(i + 1) * self.value_stride]
    }
    /// The errno of a failed lookup of element i (NextKey mode only).
    pub fn error(&self, i: usize) -> Option<i32> {
        self.errs.get(i).copied().filter(|&e| e != 0)
    }
}

impl<'m> Reader<'m> {
    fn new(map: &'m Map) -> Self {
        let ks = map.key_size();
        let vs = map.value_stride();
        let cap = (CHUNK_BYTES / (ks + vs).max(1)).clamp(1, CHUNK_MAX);
        Reader {
            map,
            mode: ReadMode::Batch,
            cap,
            keys: vec![0; cap * ks],
            values: vec![0; cap * vs],
            errs: Vec::new(),
            n: 0,
            in_batch: None,
            // Hash maps use a u32 bucket token, arrays a key: room for both.
            out_batch: vec![0; ks.max(8)],
            prev_key: None,
            done: false,
        }
    }

    /// Forces per-key reads (for comparison with bpftool, and for tests).
    pub fn force_next_key(&mut self) {
        self.mode = ReadMode::NextKey;
    }

    pub fn mode(&self) -> ReadMode {
        self.mode
    }

    /// The next chunk, or None when the map is exhausted.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk<'_>>> {
        loop {
            if self.done {
                return Ok(None);
            }
            self.n = 0;
            match self.mode {
                ReadMode::Batch => self.fill_batch()?,
                ReadMode::NextKey => self.fill_next_key()?,
            }
            if self.n > 0 {
                break;
            }
        }
        let ks = self.map.key_size();
        let vs = self.map.value_stride();
        Ok(Some(Chunk {
            keys: &self.keys[..self.n * ks],
            values: &self.values[..self.n * vs],
            errs: if self.errs.is_empty() {
                &[]
            } else {
                &self.errs[..self.n]
            },
            key_size: ks,
            value_stride: vs,
            len: self.n,
        }))
    }

    fn fill_batch(&mut self) -> Result<()> {
        let opts = bpf::bpf_map_batch_opts {
            sz: std::mem::size_of::<bpf::bpf_map_batch_opts>() as _,
            ..Default::default()
        };
        loop {
            let mut count = self.cap as u32;
            let in_ptr = self.in_batch.as_mut().map_or(std::ptr::null_mut(), |b| {
                b.as_mut_ptr() as *mut libc::c_void
            });
            // SAFETY: in_batch/out_batch hold a token of at least key_size and
            // 4 bytes; keys and values hold `cap` packed elements; count is in/out.
            let r = errno_result(unsafe {
                bpf::bpf_map_lookup_batch(
                    self.map.fd.as_raw_fd(),
                    in_ptr,
                    self.out_batch.as_mut_ptr() as *mut libc::c_void,
                    self.keys.as_mut_ptr() as *mut libc::c_void,
                    self.values.as_mut_ptr() as *mut libc::c_void,
                    &mut count,
                    &opts,
                )
            });
            match r {
                Ok(()) => {}
                // The last chunk: ENOENT may still carry elements.
                Err(libc::ENOENT) => self.done = true,
                // A hash bucket holds more elements than fit: grow and retry.
                Err(libc::ENOSPC) if self.cap < (1 << 24) => {
                    self.grow(self.cap * 2);
                    continue;
                }
                // No batch support for this map type: walk key by key.
                Err(libc::EINVAL | libc::EOPNOTSUPP | ENOTSUPP) if self.in_batch.is_none() => {
                    self.mode = ReadMode::NextKey;
                    return self.fill_next_key();
                }
                Err(e) => return Err(SysError::os("batch lookup failed", e)),
            }
            self.n = (count as usize).min(self.cap);
            match &mut self.in_batch {
                Some(b) => b.copy_from_slice(&self.out_batch),
                None => self.in_batch = Some(self.out_batch.clone()),
            }
            return Ok(());
        }
    }

    fn grow(&mut self, cap: usize) {
        self.cap = cap;
        self.keys.resize(cap * self.map.key_size(), 0);
        self.values.resize(cap * self.map.value_stride(), 0);
    }

    fn fill_next_key(&mut self) -> Result<()> {
        let ks = self.map.key_size();
        let vs = self.map.value_stride();
        if self.errs.len() < self.cap {
            self.errs.resize(self.cap, 0);
        }
        while self.n < self.cap {
            let i = self.n;
            let (prev, rest) = (
                self.prev_key.as_deref(),
                &mut self.keys[i * ks..(i + 1) * ks],
            );
            match self.map.next_key(prev, rest) {
                Ok(()) => {}
                Err(libc::ENOENT) => {
                    self.done = true;
                    return Ok(());
                }
                Err(e) => return Err(SysError::os("can't get next key", e)),
            }
            let key = &self.keys[i * ks..(i + 1) * ks];
            match &mut self.prev_key {
                Some(p) => p.copy_from_slice(key),
                None => self.prev_key = Some(key.to_vec()),
            }
            let value = &mut self.values[i * vs..(i + 1) * vs];
            let r = self.map.lookup(Some(key), value);
            match r {
                Ok(()) => self.errs[i] = 0,
                // Empty slots of fd arrays are not elements (bpftool skips them too).
                Err(libc::ENOENT)
                    if is_map_of_maps(self.map.map_type())
                        || is_prog_array(self.map.map_type()) =>
                {
                    continue
                }
                Err(e) => self.errs[i] = e,
            }
            self.n += 1;
        }
        Ok(())
    }
}

/// What `map create` asks for.
#[derive(Debug, Default, Clone)]
pub struct CreateSpec {
    pub map_type: u32,
    pub name: String,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub map_extra: u64,
    pub ifindex: u32,
}

/// BPF_MAP_CREATE; `inner` is the template map for map-in-map types.
pub fn create(spec: &CreateSpec, inner: Option<BorrowedFd<'_>>) -> Result<OwnedFd> {
    let name = std::ffi::CString::new(spec.name.as_bytes())
        .map_err(|_| SysError::Msg("map name contains a NUL byte".into()))?;
    let opts = bpf::bpf_map_create_opts {
        sz: std::mem::size_of::<bpf::bpf_map_create_opts>() as _,
        map_flags: spec.flags,
        map_extra: spec.map_extra,
        map_ifindex: spec.ifindex,
        inner_map_fd: inner.map_or(0, |f| f.as_raw_fd() as u32),
        ..Default::default()
    };
    // SAFETY: name is NUL-terminated; opts is a properly sized, initialised struct.
    let ret = unsafe {
        bpf::bpf_map_create(
            spec.map_type,
            name.as_ptr(),
            spec.key_size,
            spec.value_size,
            spec.max_entries,
            &opts,
        )
    };
    fd_result(ret, || "map create failed".to_string())
}

/// BPF_OBJ_PIN at `path`, which must not exist and must be on a bpffs.
pub fn pin(fd: BorrowedFd<'_>, path: &Path) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(SysError::Msg(format!(
            "can't pin BPF object: path '{}' already exists",
            path.display()
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.exists() {
        return Err(SysError::Msg(format!(
            "can't pin BPF object: dir '{}' doesn't exist",
            dir.display()
        )));
    }
    if !super::bpffs::is_bpffs(dir)? {
        return Err(SysError::Msg(format!(
            "can't pin the object ({}): {} is not on a BPF file system (pin under {})",
            path.display(),
            dir.display(),
            super::bpffs::DEFAULT_MOUNT
        )));
    }
    let c = super::cpath(path)?;
    // SAFETY: c is a NUL-terminated path, fd a live BPF object.
    errno_result(unsafe { bpf::bpf_obj_pin(fd.as_raw_fd(), c.as_ptr()) })
        .map_err(|e| SysError::os(format!("can't pin the object ({})", path.display()), e))
}
