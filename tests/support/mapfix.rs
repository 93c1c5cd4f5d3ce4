//! Map fixtures for tests/maps.rs and bench/map_dump.sh (through
//! examples/map_fixture.rs): maps with BTF built in memory through libbpf
//! (no clang needed), and fast fills through BPF_MAP_UPDATE_BATCH.
//!
//! Test and bench code: failures panic with a message.
#![allow(dead_code)]

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;

use libbpf_sys as bpf;

/// BTF under construction (libbpf `struct btf`), loaded into the kernel on demand.
pub struct TestBtf {
    ptr: *mut bpf::btf,
}

fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL in names")
}

fn check(id: i32, what: &str) -> i32 {
    assert!(id > 0, "btf {what} failed: {id}");
    id
}

impl TestBtf {
    pub fn new() -> Self {
        // SAFETY: returns a new empty btf or NULL.
        let ptr = unsafe { bpf::btf__new_empty() };
        assert!(!ptr.is_null(), "btf__new_empty failed");
        TestBtf { ptr }
    }
    /// encoding: 0 unsigned, 1 signed (BTF_INT_SIGNED), 2 char, 4 bool.
    pub fn int(&mut self, name: &str, size: usize, encoding: i32) -> i32 {
        // SAFETY: ptr is live; name is NUL-terminated.
        check(
            unsafe { bpf::btf__add_int(self.ptr, c(name).as_ptr(), size as _, encoding) },
            "int",
        )
    }
    pub fn array(&mut self, index: i32, elem: i32, n: u32) -> i32 {
        // SAFETY: ptr is live.
        check(
            unsafe { bpf::btf__add_array(self.ptr, index, elem, n) },
            "array",
        )
    }
    pub fn typedef(&mut self, name: &str, t: i32) -> i32 {
        // SAFETY: ptr is live; name is NUL-terminated.
        check(
            unsafe { bpf::btf__add_typedef(self.ptr, c(name).as_ptr(), t) },
            "typedef",
        )
    }
    pub fn enum_(&mut self, name: &str, size: u32, values: &[(&str, i64)]) -> i32 {
        // SAFETY: ptr is live; names are NUL-terminated.
        let id = check(
            unsafe { bpf::btf__add_enum(self.ptr, c(name).as_ptr(), size) },
            "enum",
        );
        for (n, v) in values {
            // SAFETY: as above; values follow their enum.
            let r = unsafe { bpf::btf__add_enum_value(self.ptr, c(n).as_ptr(), *v) };
            assert!(r == 0, "btf enum value failed: {r}");
        }
        id
    }
    /// fields: (name, type, bit offset, bitfield size or 0).
    pub fn struct_(&mut self, name: &str, size: u32, fields: &[(&str, i32, u32, u32)]) -> i32 {
        // SAFETY: ptr is live; name is NUL-terminated.
        let id = check(
            unsafe { bpf::btf__add_struct(self.ptr, c(name).as_ptr(), size) },
            "struct",
        );
        for (n, t, off, bits) in fields {
            // SAFETY: as above; fields follow their struct.
            let r = unsafe { bpf::btf__add_field(self.ptr, c(n).as_ptr(), *t, *off, *bits) };
            assert!(r == 0, "btf field {n} failed: {r}");
        }
        id
    }
    /// Loads into the kernel; the fd lives as long as this object.
    pub fn load(&mut self) -> i32 {
        // SAFETY: ptr is live.
        let r = unsafe { bpf::btf__load_into_kernel(self.ptr) };
        assert!(r == 0, "btf load failed: {r}");
        // SAFETY: ptr is live and loaded.
        unsafe { bpf::btf__fd(self.ptr) }
    }
}

impl Drop for TestBtf {
    fn drop(&mut self) {
        // SAFETY: we own ptr; this also closes the BTF fd.
        unsafe { bpf::btf__free(self.ptr) }
    }
}

/// BTF of the test/bench struct value, with a u64 key:
/// ```c
/// enum state { IDLE, RUNNING, BLOCKED };
/// struct task_stat {
///     unsigned int pid; unsigned int tid;
///     unsigned long long bytes; unsigned long long calls;
///     char comm[16]; enum state state;
///     unsigned int flags:3, prio:5;
/// };  /* 48 bytes */
/// ```
pub struct StatBtf {
    pub btf: TestBtf,
    pub fd: i32,
    pub key_id: u32,
    pub value_id: u32,
}

pub const STAT_SIZE: usize = 48;

pub fn stat_btf() -> StatBtf {
    let mut b = TestBtf::new();
    let u32_ = b.int("unsigned int", 4, 0);
    let u64_ = b.int("long long unsigned int", 8, 0);
    let ch = b.int("char", 1, 1);
    let idx = b.int("int", 4, 1);
    let comm = b.array(idx, ch, 16);
    let st = b.enum_("state", 4, &[("IDLE", 0), ("RUNNING", 1), ("BLOCKED", 2)]);
    let key = b.typedef("__u64", u64_);
    let val = b.struct_(
        "task_stat",
        STAT_SIZE as u32,
        &[
            ("pid", u32_, 0, 0),
            ("tid", u32_, 32, 0),
            ("bytes", u64_, 64, 0),
            ("calls", u64_, 128, 0),
            ("comm", comm, 192, 0),
            ("state", st, 320, 0),
            ("flags", u32_, 352, 3),
            ("prio", u32_, 355, 5),
        ],
    );
    let fd = b.load();
    StatBtf {
        btf: b,
        fd,
        key_id: key as u32,
        value_id: val as u32,
    }
}

/// One task_stat value for element `i` (deterministic content).
pub fn stat_value(i: u64) -> [u8; STAT_SIZE] {
    let mut v = [0u8; STAT_SIZE];
    v[0..4].copy_from_slice(&((i as u32) + 100).to_ne_bytes());
    v[4..8].copy_from_slice(&((i as u32) + 200).to_ne_bytes());
    v[8..16].copy_from_slice(&(i * 4096).to_ne_bytes());
    v[16..24].copy_from_slice(&(i * 3 + 1).to_ne_bytes());
    let name = format!("task-{}", i % 1000);
    v[24..24 + name.len()].copy_from_slice(name.as_bytes());
    v[40..44].copy_from_slice(&((i % 3) as u32).to_ne_bytes());
    let bits: u32 = ((i % 8) as u32) | (((i % 32) as u32) << 3);
    v[44..48].copy_from_slice(&bits.to_ne_bytes());
    v
}

/// BPF_MAP_CREATE, optionally with BTF (fd, key type id, value type id).
pub fn create_map(
    map_type: u32,
    name: &str,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    flags: u32,
    btf: Option<(i32, u32, u32)>,
) -> OwnedFd {
    let mut opts = bpf::bpf_map_create_opts {
        sz: std::mem::size_of::<bpf::bpf_map_create_opts>() as _,
        map_flags: flags,
        ..Default::default()
    };
    if let Some((fd, k, v)) = btf {
        opts.btf_fd = fd as u32;
        opts.btf_key_type_id = k;
        opts.btf_value_type_id = v;
    }
    // SAFETY: name is NUL-terminated, opts initialised and sized.
    let fd = unsafe {
        bpf::bpf_map_create(
            map_type,
            c(name).as_ptr(),
            key_size,
            value_size,
            max_entries,
            &opts,
        )
    };
    assert!(
        fd >= 0,
        "map create failed: {}",
        std::io::Error::last_os_error()
    );
    // SAFETY: a fresh fd we own.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

pub fn pin(fd: &OwnedFd, path: &Path) {
    let p = c(path.to_str().expect("utf-8 path"));
    // SAFETY: p is NUL-terminated; fd is a live map.
    let r = unsafe { bpf::bpf_obj_pin(fd.as_raw_fd(), p.as_ptr()) };
    assert!(
        r == 0,
        "pin {} failed: {}",
        path.display(),
        std::io::Error::last_os_error()
    );
}

/// BPF_MAP_UPDATE_BATCH of `n` packed keys and values, in chunks.
pub fn update_batch(fd: &OwnedFd, keys: &[u8], values: &[u8], n: usize) {
    let ks = keys.len() / n.max(1);
    let vs = values.len() / n.max(1);
    let opts = bpf::bpf_map_batch_opts {
        sz: std::mem::size_of::<bpf::bpf_map_batch_opts>() as _,
        ..Default::default()
    };
    let step = 65536;
    let mut i = 0;
    while i < n {
        let m = step.min(n - i);
        let mut count = m as u32;
        // SAFETY: keys/values hold m packed elements from i on; count is in/out.
        let r = unsafe {
            bpf::bpf_map_update_batch(
                fd.as_raw_fd(),
                keys[i * ks..].as_ptr() as *const _,
                values[i * vs..].as_ptr() as *const _,
                &mut count,
                &opts,
            )
        };
        assert!(
            r == 0,
            "update batch failed: {}",
            std::io::Error::last_os_error()
        );
        i += m;
    }
}

pub fn update(fd: &OwnedFd, key: &[u8], value: &[u8]) {
    // SAFETY: key/value are sized for the map by the caller.
    let r = unsafe {
        bpf::bpf_map_update_elem(
            fd.as_raw_fd(),
            key.as_ptr() as *const _,
            value.as_ptr() as *const _,
            0,
        )
    };
    assert!(r == 0, "update failed: {}", std::io::Error::last_os_error());
}

/// A hash map of `n` u64 -> u64 elements (key i, value i * 3), pinned at `path`.
pub fn hash8(path: &Path, n: usize) {
    let fd = create_map(
        bpf::BPF_MAP_TYPE_HASH,
        "bench_hash8",
        8,
        8,
        n as u32,
        0,
        None,
    );
    let keys: Vec<u8> = (0..n as u64).flat_map(|i| i.to_ne_bytes()).collect();
    let values: Vec<u8> = (0..n as u64).flat_map(|i| (i * 3).to_ne_bytes()).collect();
    update_batch(&fd, &keys, &values, n);
    pin(&fd, path);
}

/// A hash map of `n` u64 -> struct task_stat elements with BTF, pinned at `path`.
pub fn hash_btf(path: &Path, n: usize) {
    let b = stat_btf();
    let fd = create_map(
        bpf::BPF_MAP_TYPE_HASH,
        "bench_btf",
        8,
        STAT_SIZE as u32,
        n as u32,
        0,
        Some((b.fd, b.key_id, b.value_id)),
    );
    let keys: Vec<u8> = (0..n as u64).flat_map(|i| i.to_ne_bytes()).collect();
    let values: Vec<u8> = (0..n as u64).flat_map(stat_value).collect();
    update_batch(&fd, &keys, &values, n);
    pin(&fd, path);
}
