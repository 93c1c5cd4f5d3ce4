//! Live-kernel tests for `link show` and `perf show`.
//!
//! Each test builds its own links and perf attachments from hand-written
//! two-instruction programs (libbpf-sys bpf_prog_load), compares bpfscope's
//! `-j` output with bpftool's for the same ids (every key bpftool prints must
//! have the same value), and a `Fixture` guard closes every fd and removes its
//! bpffs directory, cgroup and temp file on drop, even when an assert fails.
//! Other people's programs and links exist at the same time: nothing here
//! assumes an empty kernel, and lists are compared by id.
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const BPFSCOPE: &str = env!("CARGO_BIN_EXE_bpfscope");
const BPFTOOL: &str = "/usr/sbin/bpftool";

// ---------------------------------------------------------------- helpers

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {bin}: {e}"))
}

fn json(bin: &str, args: &[&str]) -> Value {
    let o = run(bin, args);
    assert!(
        o.status.success(),
        "{bin} {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{bin} {args:?}: bad JSON ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

fn have_bpftool() -> bool {
    let ok = Path::new(BPFTOOL).exists();
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "bpftool is missing under CI (make deps installs it)"
        );
        eprintln!("NOTE: {BPFTOOL} not installed: bpftool comparisons not run");
    }
    ok
}

/// Every key bpftool printed has the same value in ours. bpftool v7.1 is built
/// on libbpf 1.1, which prints newer link and attach types as numbers where
/// libbpf 1.7 has names: a number there against a name here is accepted.
fn assert_superset(ours: &Value, theirs: &Value, what: &str) {
    let (Some(o), Some(t)) = (ours.as_object(), theirs.as_object()) else {
        panic!("{what}: expected objects, got {ours} / {theirs}");
    };
    for (k, v) in t {
        let mine = o.get(k);
        if v.is_number()
            && matches!(k.as_str(), "type" | "attach_type" | "prog_type")
            && mine.is_some_and(Value::is_string)
        {
            continue;
        }
        assert_eq!(
            mine,
            Some(v),
            "{what}: key {k:?} differs (ours: {ours}, bpftool: {theirs})"
        );
    }
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn fd_or_panic(ret: i32, what: &str) -> OwnedFd {
    assert!(
        ret >= 0,
        "{what} failed: {}",
        std::io::Error::from_raw_os_error(errno())
    );
    // SAFETY: a fresh fd the kernel just returned, owned by nobody else.
    unsafe { OwnedFd::from_raw_fd(ret) }
}

fn cstr(s: &str) -> CString {
    CString::new(s).expect("no NUL in test strings")
}

/// `r0 = ret; exit`, encoded as raw 8-byte instructions.
fn ret_insns(ret: i32) -> [u64; 2] {
    [0xb7 | ((ret as u32 as u64) << 32), 0x95]
}

fn prog_load(
    prog_type: u32,
    ret: i32,
    attach_type: u32,
    attach_btf_id: u32,
) -> Result<OwnedFd, i32> {
    let insns = ret_insns(ret);
    let name = cstr("bpfscope_lt");
    let license = cstr("GPL");
    let mut opts = libbpf_sys::bpf_prog_load_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_load_opts>() as _,
        expected_attach_type: attach_type,
        attach_btf_id,
        ..Default::default()
    };
    // SAFETY: insns/name/license/opts live across the call; insn_cnt matches insns.
    let ret = unsafe {
        libbpf_sys::bpf_prog_load(
            prog_type,
            name.as_ptr(),
            license.as_ptr(),
            insns.as_ptr() as *const libbpf_sys::bpf_insn,
            insns.len() as _,
            &mut opts,
        )
    };
    if ret < 0 {
        return Err(errno());
    }
    // SAFETY: fresh fd from the kernel.
    Ok(unsafe { OwnedFd::from_raw_fd(ret) })
}

fn link_create(
    prog: &OwnedFd,
    target: RawFd,
    attach_type: u32,
    opts: Option<libbpf_sys::bpf_link_create_opts>,
) -> Result<OwnedFd, i32> {
    let opts = opts.map(|mut o| {
        o.sz = std::mem::size_of::<libbpf_sys::bpf_link_create_opts>() as _;
        o
    });
    let p = opts.as_ref().map_or(std::ptr::null(), |o| {
        o as *const libbpf_sys::bpf_link_create_opts
    });
    // SAFETY: prog and target are valid fds; opts (if any) lives across the call.
    let ret = unsafe { libbpf_sys::bpf_link_create(prog.as_raw_fd(), target, attach_type, p) };
    if ret < 0 {
        return Err(errno());
    }
    // SAFETY: fresh fd from the kernel.
    Ok(unsafe { OwnedFd::from_raw_fd(ret) })
}

fn link_id(fd: &OwnedFd) -> u32 {
    let mut info = libbpf_sys::bpf_link_info::default();
    let mut len = std::mem::size_of_val(&info) as u32;
    // SAFETY: info is a writable bpf_link_info of len bytes.
    let ret = unsafe {
        libbpf_sys::bpf_obj_get_info_by_fd(
            fd.as_raw_fd(),
            &mut info as *mut _ as *mut libc::c_void,
            &mut len,
        )
    };
    assert_eq!(ret, 0, "link info: errno {}", errno());
    info.id
}

fn prog_id(fd: &OwnedFd) -> u32 {
    let mut info = libbpf_sys::bpf_prog_info::default();
    let mut len = std::mem::size_of_val(&info) as u32;
    // SAFETY: info is a writable bpf_prog_info of len bytes.
    let ret = unsafe {
        libbpf_sys::bpf_obj_get_info_by_fd(
            fd.as_raw_fd(),
            &mut info as *mut _ as *mut libc::c_void,
            &mut len,
        )
    };
    assert_eq!(ret, 0, "prog info: errno {}", errno());
    info.id
}

/// A vmlinux BTF type id by name and kind (for tp_btf, LSM and iterator programs).
fn vmlinux_btf_id(name: &str, kind: u32) -> u32 {
    // SAFETY: returns an owned btf or an error pointer.
    let btf = unsafe { libbpf_sys::btf__load_vmlinux_btf() };
    assert!(
        !btf.is_null() && (btf as isize) > 0,
        "vmlinux BTF is needed (/sys/kernel/btf/vmlinux)"
    );
    let c = cstr(name);
    // SAFETY: btf is live; c is NUL-terminated.
    let id = unsafe { libbpf_sys::btf__find_by_name_kind(btf, c.as_ptr(), kind) };
    // SAFETY: btf came from libbpf and is freed once.
    unsafe { libbpf_sys::btf__free(btf) };
    assert!(id > 0, "{name} not in vmlinux BTF");
    id as u32
}

const BTF_KIND_TYPEDEF: u32 = 8;
const BTF_KIND_FUNC: u32 = 12;

/// perf_event_open(2) on one CPU, all tasks; `disabled` events never fire.
fn perf_event_open(
    type_: u32,
    config: u64,
    config1: u64,
    config2: u64,
    period: u64,
    disabled: bool,
) -> Result<OwnedFd, i32> {
    const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 1 << 3;
    let mut attr = libbpf_sys::perf_event_attr {
        type_,
        size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
        config,
        ..Default::default()
    };
    attr.__bindgen_anon_1.sample_period = period;
    attr.__bindgen_anon_2.wakeup_events = 1;
    attr.__bindgen_anon_3.config1 = config1;
    attr.__bindgen_anon_4.config2 = config2;
    attr.set_disabled(u64::from(disabled));
    // SAFETY: attr is a complete perf_event_attr; the other arguments are plain integers.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const libbpf_sys::perf_event_attr,
            -1i32,
            0i32,
            -1i32,
            PERF_FLAG_FD_CLOEXEC,
        )
    };
    if ret < 0 {
        return Err(errno());
    }
    // SAFETY: fresh fd from the kernel.
    Ok(unsafe { OwnedFd::from_raw_fd(ret as i32) })
}

/// PERF_EVENT_IOC_SET_BPF and PERF_EVENT_IOC_ENABLE: the pre-link way of attaching.
fn perf_set_bpf(pfd: &OwnedFd, prog: &OwnedFd) {
    const PERF_EVENT_IOC_ENABLE: libc::c_ulong = 0x2400;
    const PERF_EVENT_IOC_SET_BPF: libc::c_ulong = 0x4004_2408;
    // SAFETY: both fds are valid; the ioctls take an int / nothing.
    unsafe {
        assert_eq!(
            libc::ioctl(pfd.as_raw_fd(), PERF_EVENT_IOC_SET_BPF, prog.as_raw_fd()),
            0,
            "PERF_EVENT_IOC_SET_BPF: errno {}",
            errno()
        );
        assert_eq!(
            libc::ioctl(pfd.as_raw_fd(), PERF_EVENT_IOC_ENABLE, 0),
            0,
            "PERF_EVENT_IOC_ENABLE: errno {}",
            errno()
        );
    }
}

fn pin(fd: &OwnedFd, path: &Path) {
    let c = cstr(path.to_str().expect("utf-8 path"));
    // SAFETY: fd is valid; c is NUL-terminated.
    let ret = unsafe { libbpf_sys::bpf_obj_pin(fd.as_raw_fd(), c.as_ptr()) };
    assert_eq!(ret, 0, "pin {}: errno {}", path.display(), errno());
}

fn ensure_bpffs() {
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    if !mounts.lines().any(|l| l.split(' ').nth(2) == Some("bpf")) {
        let o = run(BPFSCOPE, &["-f", "link", "show"]);
        assert!(o.status.success(), "cannot mount bpffs");
    }
}

// ---------------------------------------------------------------- fixture

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Everything a test created; dropping it releases all of it.
struct Fixture {
    /// Closed in reverse order of creation on drop: links before their programs.
    fds: Vec<OwnedFd>,
    dir: PathBuf,
    cgroup: Option<PathBuf>,
    file: Option<PathBuf>,
}

impl Fixture {
    fn new() -> Self {
        ensure_bpffs();
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = PathBuf::from(format!(
            "/sys/fs/bpf/bpfscope-test-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create test bpffs dir");
        Fixture {
            fds: vec![],
            dir,
            cgroup: None,
            file: None,
        }
    }

    fn keep(&mut self, fd: OwnedFd) -> RawFd {
        let raw = fd.as_raw_fd();
        self.fds.push(fd);
        raw
    }

    /// A private file (a copy of /bin/true) to hang uprobes on: no process maps it,
    /// so the probes are never installed anywhere.
    fn probe_file(&mut self) -> PathBuf {
        if let Some(f) = &self.file {
            return f.clone();
        }
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let f = std::env::temp_dir().join(format!("bpfscope-test-{}-{n}-true", std::process::id()));
        std::fs::copy("/bin/true", &f).expect("copy /bin/true");
        self.file = Some(f.clone());
        f
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        while let Some(fd) = self.fds.pop() {
            drop(fd);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(c) = &self.cgroup {
            let _ = std::fs::remove_dir(c);
        }
        if let Some(f) = &self.file {
            let _ = std::fs::remove_file(f);
        }
    }
}

fn tracepoint_id(cat: &str, name: &str) -> u64 {
    bpfscope::sys::tracefs::tracepoint_id(cat, name)
        .unwrap_or_else(|e| panic!("tracepoint {cat}:{name}: {e}"))
}

fn uprobe_pmu_type() -> u32 {
    std::fs::read_to_string("/sys/bus/event_source/devices/uprobe/type")
        .expect("uprobe PMU (/sys/bus/event_source/devices/uprobe/type)")
        .trim()
        .parse()
        .expect("uprobe PMU type")
}

/// Links of many types, each a (label, link id) pair.
fn build_links(fx: &mut Fixture) -> Vec<(&'static str, u32)> {
    let mut out = vec![];

    // raw_tracepoint link, pinned.
    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, 0).expect("load raw_tp prog");
    let tp = cstr("sys_enter");
    // SAFETY: tp is NUL-terminated; p is a raw_tracepoint program.
    let l = fd_or_panic(
        unsafe { libbpf_sys::bpf_raw_tracepoint_open(tp.as_ptr(), p.as_raw_fd()) },
        "raw_tracepoint_open(sys_enter)",
    );
    pin(&l, &fx.dir.join("raw_tp_link"));
    out.push(("raw_tracepoint", link_id(&l)));
    fx.keep(p);
    fx.keep(l);

    // tp_btf: a tracing program, but the kernel makes it a raw_tracepoint link.
    let btf_id = vmlinux_btf_id("btf_trace_sched_process_free", BTF_KIND_TYPEDEF);
    let p = prog_load(
        libbpf_sys::BPF_PROG_TYPE_TRACING,
        0,
        libbpf_sys::BPF_TRACE_RAW_TP,
        btf_id,
    )
    .expect("load tp_btf prog");
    let l = link_create(&p, 0, libbpf_sys::BPF_TRACE_RAW_TP, None).expect("tp_btf link");
    out.push(("tp_btf", link_id(&l)));
    fx.keep(p);
    fx.keep(l);

    // iter on tasks of one pid.
    let btf_id = vmlinux_btf_id("bpf_iter_task", BTF_KIND_FUNC);
    let p = prog_load(
        libbpf_sys::BPF_PROG_TYPE_TRACING,
        0,
        libbpf_sys::BPF_TRACE_ITER,
        btf_id,
    )
    .expect("load iter prog");
    let mut iter_info = libbpf_sys::bpf_iter_link_info::default();
    iter_info.task.pid = std::process::id();
    let opts = libbpf_sys::bpf_link_create_opts {
        iter_info: &mut iter_info,
        iter_info_len: std::mem::size_of_val(&iter_info) as u32,
        ..Default::default()
    };
    let l = link_create(&p, 0, libbpf_sys::BPF_TRACE_ITER, Some(opts)).expect("iter link");
    out.push(("iter", link_id(&l)));
    fx.keep(p);
    fx.keep(l);

    // cgroup link on a cgroup of our own.
    let cg_root = Path::new("/sys/fs/cgroup/unified");
    let cg_root = if cg_root.exists() {
        cg_root
    } else {
        Path::new("/sys/fs/cgroup")
    };
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let cg = cg_root.join(format!("bpfscope-test-{}-{n}", std::process::id()));
    std::fs::create_dir(&cg).expect("create test cgroup");
    fx.cgroup = Some(cg.clone());
    let cgfd: OwnedFd = std::fs::File::open(&cg).expect("open cgroup").into();
    let p = prog_load(
        libbpf_sys::BPF_PROG_TYPE_CGROUP_SKB,
        1,
        libbpf_sys::BPF_CGROUP_INET_EGRESS,
        0,
    )
    .expect("load cgroup_skb prog");
    let l = link_create(
        &p,
        cgfd.as_raw_fd(),
        libbpf_sys::BPF_CGROUP_INET_EGRESS,
        None,
    )
    .expect("cgroup link");
    out.push(("cgroup", link_id(&l)));
    fx.keep(cgfd);
    fx.keep(p);
    fx.keep(l);

    // sockmap link on a sockmap of our own.
    let name = cstr("bpfscope_lt_sm");
    // SAFETY: name is NUL-terminated; no opts.
    let m = fd_or_panic(
        unsafe {
            libbpf_sys::bpf_map_create(
                libbpf_sys::BPF_MAP_TYPE_SOCKMAP,
                name.as_ptr(),
                4,
                4,
                1,
                std::ptr::null(),
            )
        },
        "create sockmap",
    );
    let p = prog_load(
        libbpf_sys::BPF_PROG_TYPE_SK_SKB,
        1,
        libbpf_sys::BPF_SK_SKB_VERDICT,
        0,
    )
    .expect("load sk_skb prog");
    let l =
        link_create(&p, m.as_raw_fd(), libbpf_sys::BPF_SK_SKB_VERDICT, None).expect("sockmap link");
    out.push(("sockmap", link_id(&l)));
    fx.keep(m);
    fx.keep(p);
    fx.keep(l);

    // uprobe_multi on a private file nobody runs.
    let file = fx.probe_file();
    let p = prog_load(
        libbpf_sys::BPF_PROG_TYPE_KPROBE,
        0,
        libbpf_sys::BPF_TRACE_UPROBE_MULTI,
        0,
    )
    .expect("load uprobe_multi prog");
    let path = cstr(file.to_str().expect("utf-8 temp path"));
    let offsets: [libc::c_ulong; 2] = [0x10, 0x20];
    let cookies: [u64; 2] = [7, 8];
    let mut opts = libbpf_sys::bpf_link_create_opts::default();
    opts.__bindgen_anon_1.uprobe_multi.path = path.as_ptr();
    opts.__bindgen_anon_1.uprobe_multi.offsets = offsets.as_ptr();
    opts.__bindgen_anon_1.uprobe_multi.cookies = cookies.as_ptr();
    opts.__bindgen_anon_1.uprobe_multi.cnt = 2;
    let l = link_create(&p, 0, libbpf_sys::BPF_TRACE_UPROBE_MULTI, Some(opts))
        .expect("uprobe_multi link");
    out.push(("uprobe_multi", link_id(&l)));
    fx.keep(p);
    fx.keep(l);

    // perf_event links: a tracepoint (with a cookie), a uprobe, a software event.
    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_TRACEPOINT, 0, 0, 0).expect("load tracepoint prog");
    let pfd = perf_event_open(
        libbpf_sys::PERF_TYPE_TRACEPOINT,
        tracepoint_id("sched", "sched_process_free"),
        0,
        0,
        1,
        false,
    )
    .expect("perf_event_open(tracepoint)");
    let mut opts = libbpf_sys::bpf_link_create_opts::default();
    opts.__bindgen_anon_1.perf_event.bpf_cookie = 42;
    let l = link_create(&p, pfd.as_raw_fd(), libbpf_sys::BPF_PERF_EVENT, Some(opts))
        .expect("perf_event link (tracepoint)");
    out.push(("perf_event tracepoint", link_id(&l)));
    fx.keep(p);
    fx.keep(pfd);
    fx.keep(l);

    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_KPROBE, 0, 0, 0).expect("load uprobe prog");
    let pfd = perf_event_open(uprobe_pmu_type(), 0, path.as_ptr() as u64, 0x30, 1, false)
        .expect("perf_event_open(uprobe)");
    let l = link_create(&p, pfd.as_raw_fd(), libbpf_sys::BPF_PERF_EVENT, None)
        .expect("perf_event link (uprobe)");
    out.push(("perf_event uprobe", link_id(&l)));
    fx.keep(p);
    fx.keep(pfd);
    fx.keep(l);

    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_PERF_EVENT, 0, 0, 0).expect("load perf_event prog");
    // A software page-fault counter on CPU 0, disabled: it never fires.
    // (cpu-clock would not do: 6.18 moves it to a PMU of its own, type 6.)
    let pfd = perf_event_open(libbpf_sys::PERF_TYPE_SOFTWARE, 2, 0, 0, 1_000_000, true)
        .expect("perf_event_open(cpu-clock)");
    let l = link_create(&p, pfd.as_raw_fd(), libbpf_sys::BPF_PERF_EVENT, None)
        .expect("perf_event link (event)");
    out.push(("perf_event event", link_id(&l)));
    fx.keep(p);
    fx.keep(pfd);
    fx.keep(l);

    out
}

/// Runs `f` on a thread of its own in a fresh network namespace, so links on
/// `lo`, on netfilter hooks and on the flow dissector touch nobody else's
/// traffic. Returns the namespace's fd (which keeps it alive) and `f`'s result.
fn in_new_netns<T: Send>(f: impl FnOnce(&OwnedFd) -> T + Send) -> (OwnedFd, T) {
    std::thread::scope(|s| {
        s.spawn(|| {
            // SAFETY: CLONE_NEWNET moves only this thread to a new namespace.
            let r = unsafe { libc::unshare(libc::CLONE_NEWNET) };
            assert_eq!(r, 0, "unshare(CLONE_NEWNET): errno {}", errno());
            let ns: OwnedFd = std::fs::File::open("/proc/thread-self/ns/net")
                .expect("open own netns")
                .into();
            let t = f(&ns);
            (ns, t)
        })
        .join()
        .expect("netns thread")
    })
}

/// xdp, tcx, netns (flow dissector) and netfilter links, all in a private netns.
/// Returns the links and the netns inode.
fn build_net_links(fx: &mut Fixture) -> (Vec<(&'static str, u32)>, u64) {
    let (ns, made) = in_new_netns(|ns| {
        let lo = 1; // loopback is ifindex 1 in a new namespace
        let mut made: Vec<(&'static str, OwnedFd, OwnedFd)> = vec![];
        let p = prog_load(libbpf_sys::BPF_PROG_TYPE_XDP, 2, libbpf_sys::BPF_XDP, 0)
            .expect("load xdp prog");
        let l = link_create(&p, lo, libbpf_sys::BPF_XDP, None).expect("xdp link");
        made.push(("xdp", p, l));
        let p = prog_load(
            libbpf_sys::BPF_PROG_TYPE_SCHED_CLS,
            -1,
            libbpf_sys::BPF_TCX_INGRESS,
            0,
        )
        .expect("load tcx prog");
        let l = link_create(&p, lo, libbpf_sys::BPF_TCX_INGRESS, None).expect("tcx link");
        made.push(("tcx", p, l));
        let p = prog_load(
            libbpf_sys::BPF_PROG_TYPE_FLOW_DISSECTOR,
            0,
            libbpf_sys::BPF_FLOW_DISSECTOR,
            0,
        )
        .expect("load flow_dissector prog");
        let l = link_create(&p, ns.as_raw_fd(), libbpf_sys::BPF_FLOW_DISSECTOR, None)
            .expect("netns link");
        made.push(("netns", p, l));
        let p = prog_load(
            libbpf_sys::BPF_PROG_TYPE_NETFILTER,
            1,
            libbpf_sys::BPF_NETFILTER,
            0,
        )
        .expect("load netfilter prog");
        let mut opts = libbpf_sys::bpf_link_create_opts::default();
        opts.__bindgen_anon_1.netfilter.pf = 2; // NFPROTO_IPV4
        opts.__bindgen_anon_1.netfilter.hooknum = 1; // NF_INET_LOCAL_IN
        opts.__bindgen_anon_1.netfilter.priority = -128;
        let l = link_create(&p, 0, libbpf_sys::BPF_NETFILTER, Some(opts)).expect("netfilter link");
        made.push(("netfilter", p, l));
        made
    });
    let ino = nix::sys::stat::fstat(ns.as_raw_fd())
        .expect("fstat netns")
        .st_ino;
    fx.keep(ns);
    let mut out = vec![];
    for (label, p, l) in made {
        out.push((label, link_id(&l)));
        fx.keep(p);
        fx.keep(l);
    }
    (out, ino)
}

fn me() -> i64 {
    i64::from(std::process::id())
}

/// Our text without the `pids` line (bpftool v7.1 has no pid iterator).
fn without_pids(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("\tpids ") && !l.starts_with("\tbpf_cookie "))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn stdout_of(bin: &str, args: &[&str]) -> String {
    let o = run(bin, args);
    assert!(
        o.status.success(),
        "{bin} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

// ---------------------------------------------------------------- tests

#[test]
fn link_show_matches_bpftool() {
    let bpftool = have_bpftool();
    let mut fx = Fixture::new();
    let mut links = build_links(&mut fx);
    let (net, netns_ino) = build_net_links(&mut fx);
    links.extend(net);
    let pin_path = fx.dir.join("raw_tp_link").to_string_lossy().into_owned();

    for (label, id) in &links {
        let ids = id.to_string();
        let ours = json(BPFSCOPE, &["-j", "link", "show", "id", &ids]);
        assert_eq!(ours["id"], *id, "{label}: {ours}");
        // Our own fds hold every link: the holder list names us.
        assert!(
            ours["pids"]
                .as_array()
                .is_some_and(|a| a.iter().any(|p| p["pid"] == me())),
            "{label}: pids should list the test process: {ours}"
        );
        if bpftool {
            let theirs = json(BPFTOOL, &["-j", "link", "show", "id", &ids]);
            assert_superset(&ours, &theirs, label);
        }
        let expect = |key: &str, want: Value| {
            assert_eq!(ours[key], want, "{label}: key {key}: {ours}");
        };
        match *label {
            "raw_tracepoint" => {
                expect("type", "raw_tracepoint".into());
                expect("tp_name", "sys_enter".into());
                expect("cookie", 0.into());
            }
            "tp_btf" => expect("tp_name", "sched_process_free".into()),
            "iter" => {
                expect("target_name", "task".into());
                expect("pid", me().into());
            }
            "cgroup" => {
                expect("attach_type", "cgroup_inet_egress".into());
                assert!(ours["cgroup_id"].as_u64().is_some_and(|c| c > 0), "{ours}");
            }
            "sockmap" => {
                expect("type", "sockmap".into());
                expect("attach_type", "sk_skb_verdict".into());
                assert!(ours["map_id"].as_u64().is_some_and(|c| c > 0), "{ours}");
            }
            "uprobe_multi" => {
                let file = fx.file.as_ref().expect("probe file");
                expect("path", file.to_string_lossy().as_ref().into());
                expect("retprobe", false.into());
                expect("func_cnt", 2.into());
                expect(
                    "funcs",
                    serde_json::json!([
                        {"offset": 16, "ref_ctr_offset": 0, "cookie": 7},
                        {"offset": 32, "ref_ctr_offset": 0, "cookie": 8}
                    ]),
                );
            }
            "perf_event tracepoint" => {
                expect("tracepoint", "sched_process_free".into());
                expect("cookie", 42.into());
                expect("bpf_cookie", 42.into());
            }
            "perf_event uprobe" => {
                let file = fx.file.as_ref().expect("probe file");
                expect("file", file.to_string_lossy().as_ref().into());
                expect("offset", 0x30.into());
                expect("retprobe", false.into());
            }
            "perf_event event" => {
                expect("event_type", "software".into());
                expect("event_config", "page-faults".into());
            }
            "xdp" => {
                expect("type", "xdp".into());
                expect("ifindex", 1.into());
                // if_indextoname runs in our namespace, as bpftool's does.
                expect("devname", "lo".into());
            }
            "tcx" => {
                expect("ifindex", 1.into());
                expect("attach_type", "tcx_ingress".into());
            }
            "netns" => {
                expect("netns_ino", netns_ino.into());
                expect("attach_type", "flow_dissector".into());
            }
            "netfilter" => {
                expect("pf", 2.into());
                expect("hook", 1.into());
                expect("prio", (-128).into());
                expect("flags", 0.into());
            }
            other => panic!("unexpected label {other}"),
        }
    }

    // Text: same lines as bpftool's for the types v7.1 knows in full.
    let text_id = |label: &str| {
        links
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, id)| id.to_string())
            .expect("link made")
    };
    let raw = text_id("raw_tracepoint");
    let ours = stdout_of(BPFSCOPE, &["link", "show", "id", &raw]);
    assert!(
        ours.starts_with(&format!("{raw}: raw_tracepoint  prog ")),
        "{ours}"
    );
    assert!(ours.contains("\n\ttp 'sys_enter'  \n"), "{ours:?}");
    if bpftool {
        // v7.1 prints only the header line for xdp, perf_event and the link
        // types its libbpf 1.1 does not know (sockmap, tcx, netfilter, uprobe_multi).
        for label in ["raw_tracepoint", "tp_btf", "iter", "cgroup", "netns"] {
            let id = text_id(label);
            let ours = stdout_of(BPFSCOPE, &["link", "show", "id", &id]);
            let theirs = stdout_of(BPFTOOL, &["link", "show", "id", &id]);
            assert_eq!(without_pids(&ours), theirs, "{label}: text differs");
        }
    }
    let table = stdout_of(BPFSCOPE, &["--table", "link", "show", "id", &raw]);
    assert!(
        table.contains("raw_tracepoint") && table.contains("tp 'sys_enter'"),
        "{table}"
    );
    let perf_text = stdout_of(
        BPFSCOPE,
        &["link", "show", "id", &text_id("perf_event tracepoint")],
    );
    assert!(
        perf_text.contains("\n\ttracepoint sched_process_free  cookie 42  \n"),
        "{perf_text:?}"
    );

    // -f and the pinned handle.
    let ours = json(BPFSCOPE, &["-j", "-f", "link", "show", "id", &raw]);
    assert_eq!(ours["pinned"], serde_json::json!([pin_path]), "{ours}");
    if bpftool {
        let mut theirs = json(BPFTOOL, &["-j", "-f", "link", "show", "id", &raw]);
        // bpftool lists a pin once per mount when bpffs is mounted twice on
        // /sys/fs/bpf (as on this machine); bpfscope lists each path once.
        if let Some(p) = theirs["pinned"].as_array_mut() {
            p.dedup();
        }
        assert_superset(&ours, &theirs, "raw_tracepoint -f");
    }
    let by_pin = json(BPFSCOPE, &["-j", "link", "show", "pinned", &pin_path]);
    assert_eq!(by_pin["id"].to_string(), raw, "{by_pin}");
    let text = stdout_of(BPFSCOPE, &["-f", "link", "show", "id", &raw]);
    assert!(text.contains(&format!("\n\tpinned {pin_path}\n")), "{text}");

    // The full list: an array holding ours; every link both tools list agrees.
    let all = json(BPFSCOPE, &["-j", "link", "show"]);
    let all = all.as_array().expect("array");
    for (label, id) in &links {
        assert!(
            all.iter().any(|l| l["id"] == *id),
            "{label} missing from list"
        );
    }
    if bpftool {
        let theirs = json(BPFTOOL, &["-j", "link", "show"]);
        for t in theirs.as_array().expect("array") {
            if let Some(o) = all.iter().find(|o| o["id"] == t["id"]) {
                assert_superset(o, t, "full list");
            }
        }
    }

    // The guard leaves nothing behind.
    drop(fx);
    // The kernel frees a link from a workqueue after its last reference goes
    // (bpf_link_put defers), so its id can linger a moment: poll briefly.
    for (label, id) in &links {
        let gone = (0..60).any(|_| {
            let o = run(BPFSCOPE, &["link", "show", "id", &id.to_string()]);
            o.status.code() == Some(255) || {
                std::thread::sleep(std::time::Duration::from_millis(50));
                false
            }
        });
        assert!(gone, "{label} link {id} still exists 3 s after cleanup");
    }
}

/// A perf_event link whose only reference is its pin: bpftool's fd scan cannot see it.
fn pinned_only_perf_link(fx: &mut Fixture, prog: &OwnedFd, tp: u64) -> u32 {
    let pfd = perf_event_open(libbpf_sys::PERF_TYPE_TRACEPOINT, tp, 0, 0, 1, false)
        .expect("perf_event_open(tracepoint)");
    let l = link_create(prog, pfd.as_raw_fd(), libbpf_sys::BPF_PERF_EVENT, None)
        .expect("perf_event link");
    pin(&l, &fx.dir.join("perf_link"));
    link_id(&l)
}

#[test]
fn perf_show_matches_bpftool() {
    let bpftool = have_bpftool();
    let mut fx = Fixture::new();
    let tp = tracepoint_id("sched", "sched_process_free");

    // fd-held attachments: tracepoint and uprobe through PERF_EVENT_IOC_SET_BPF,
    // and a raw_tracepoint link.
    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_TRACEPOINT, 0, 0, 0).expect("load tp prog");
    let tp_prog = prog_id(&p);
    let pfd = perf_event_open(libbpf_sys::PERF_TYPE_TRACEPOINT, tp, 0, 0, 1, false)
        .expect("perf_event_open(tracepoint)");
    perf_set_bpf(&pfd, &p);
    let tp_fd = fx.keep(pfd);
    fx.keep(p);
    // A second program: the kernel refuses one program twice on one tracepoint.
    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_TRACEPOINT, 0, 0, 0).expect("load tp prog");
    let link_prog = prog_id(&p);
    let pinned_link = pinned_only_perf_link(&mut fx, &p, tp);
    fx.keep(p);
    // A perf_event link held as libbpf holds one: its perf fd and its link fd.
    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_TRACEPOINT, 0, 0, 0).expect("load tp prog");
    let held_prog = prog_id(&p);
    let pfd = perf_event_open(libbpf_sys::PERF_TYPE_TRACEPOINT, tp, 0, 0, 1, false)
        .expect("perf_event_open(tracepoint)");
    let l = link_create(&p, pfd.as_raw_fd(), libbpf_sys::BPF_PERF_EVENT, None)
        .expect("perf_event link");
    let held_link = link_id(&l);
    fx.keep(p);
    let held_fd = fx.keep(pfd);
    fx.keep(l);

    let file = fx.probe_file();
    let path = cstr(file.to_str().expect("utf-8 temp path"));
    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_KPROBE, 0, 0, 0).expect("load uprobe prog");
    let pfd = perf_event_open(uprobe_pmu_type(), 0, path.as_ptr() as u64, 0x40, 1, false)
        .expect("perf_event_open(uprobe)");
    perf_set_bpf(&pfd, &p);
    let up_fd = fx.keep(pfd);
    fx.keep(p);

    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, 0).expect("load raw_tp prog");
    let tpn = cstr("sys_exit");
    // SAFETY: tpn is NUL-terminated; p is a raw_tracepoint program.
    let l = fd_or_panic(
        unsafe { libbpf_sys::bpf_raw_tracepoint_open(tpn.as_ptr(), p.as_raw_fd()) },
        "raw_tracepoint_open(sys_exit)",
    );
    let raw_link = link_id(&l);
    fx.keep(p);
    let raw_fd = fx.keep(l);

    let ours = json(BPFSCOPE, &["-j", "perf", "show"]);
    let ours = ours.as_array().expect("perf show gives an array");
    let mine = |fd: RawFd| {
        ours.iter()
            .find(|e| e["pid"] == me() && e["fd"] == fd)
            .unwrap_or_else(|| panic!("fd {fd} of pid {} missing: {ours:?}", me()))
            .clone()
    };
    let e = mine(tp_fd);
    assert_eq!(e["fd_type"], "tracepoint");
    assert_eq!(e["tracepoint"], "sched_process_free");
    assert_eq!(e["prog_id"], tp_prog);
    let e = mine(up_fd);
    assert_eq!(e["fd_type"], "uprobe");
    assert_eq!(e["filename"], file.to_string_lossy().as_ref());
    assert_eq!(e["offset"], 0x40);
    let e = mine(raw_fd);
    assert_eq!(e["fd_type"], "raw_tracepoint");
    assert_eq!(e["tracepoint"], "sys_exit");
    assert_eq!(
        e["link_id"], raw_link,
        "raw_tracepoint fd names its link: {e}"
    );
    // The held link is listed once, as its perf fd (bpftool's entry), naming the link.
    let e = mine(held_fd);
    assert_eq!(
        (e["prog_id"].clone(), e["link_id"].clone()),
        (held_prog.into(), held_link.into()),
        "{e}"
    );
    assert_eq!(
        ours.iter().filter(|e| e["link_id"] == held_link).count(),
        1,
        "one entry per attachment: {ours:?}"
    );
    // Every entry carries bpftool's keys: the pinned-only link is not in the list.
    for e in ours {
        assert!(
            e["pid"].is_i64()
                && e["fd"].is_i64()
                && e["prog_id"].is_u64()
                && e["fd_type"].is_string(),
            "entry without bpftool's keys: {e}"
        );
    }
    assert!(
        !ours.iter().any(|e| e["link_id"] == pinned_link),
        "{ours:?}"
    );
    // `perf show links` adds it after them, by id, with no process.
    let with_links = json(BPFSCOPE, &["-j", "perf", "show", "links"]);
    let with_links = with_links.as_array().expect("array");
    let l = with_links
        .iter()
        .find(|e| e["link_id"] == pinned_link)
        .unwrap_or_else(|| panic!("perf_event link {pinned_link} missing: {with_links:?}"));
    assert!(l["pid"].is_null() && l["fd"].is_null(), "{l}");
    assert_eq!(l["fd_type"], "tracepoint");
    assert_eq!(l["tracepoint"], "sched_process_free");
    assert_eq!(l["prog_id"], link_prog);
    assert_eq!(
        with_links
            .iter()
            .filter(|e| e["link_id"] == held_link)
            .count(),
        1
    );

    if bpftool {
        let theirs = json(BPFTOOL, &["-j", "perf", "show"]);
        let theirs = theirs.as_array().expect("array");
        // Tests run as threads of one process: other tests' fds share our pid,
        // so only the three fds made here are counted.
        let mine_in = |list: &[Value]| {
            list.iter()
                .filter(|e| {
                    e["pid"] == me()
                        && [tp_fd, up_fd, raw_fd, held_fd]
                            .iter()
                            .any(|f| e["fd"] == *f)
                })
                .count()
        };
        assert_eq!(mine_in(theirs), 4, "bpftool sees our four fds: {theirs:?}");
        assert_eq!(mine_in(ours), 4, "{ours:?}");
        // Every entry both list (ours and other people's) agrees on bpftool's keys.
        for t in theirs {
            if let Some(o) = ours
                .iter()
                .find(|o| o["pid"] == t["pid"] && o["fd"] == t["fd"])
            {
                assert_superset(o, t, "perf show");
            }
        }
        assert!(
            !theirs.iter().any(|t| t.get("link_id").is_some()),
            "bpftool has no link_id key"
        );
        // Text: our lines for these fds are bpftool's lines.
        let pick = |text: String| -> Vec<String> {
            text.lines()
                .filter(|l| {
                    [tp_fd, up_fd, raw_fd, held_fd]
                        .iter()
                        .any(|f| l.starts_with(&format!("pid {}  fd {f}: ", me())))
                })
                .map(String::from)
                .collect()
        };
        let ot = pick(stdout_of(BPFSCOPE, &["perf", "show"]));
        let tt = pick(stdout_of(BPFTOOL, &["perf", "show"]));
        assert_eq!(ot, tt, "perf show text differs");
    }
    let line = format!("link {pinned_link}: prog_id {link_prog}  tracepoint  sched_process_free\n");
    let text = stdout_of(BPFSCOPE, &["perf", "show"]);
    assert!(!text.contains(&line), "{text}");
    let text = stdout_of(BPFSCOPE, &["perf", "show", "links"]);
    assert!(text.contains(&line), "{text}");
    let table = stdout_of(BPFSCOPE, &["--table", "perf", "show"]);
    assert!(table.contains("sched_process_free"), "{table}");
}

fn assert_fails(args: &[&str], needle: &str) {
    let o = run(BPFSCOPE, args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(255), "{args:?}: {err}");
    assert!(err.starts_with("Error: "), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line, got {err}");
    assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

#[test]
fn link_and_perf_errors() {
    let fx = Fixture::new();
    assert_fails(
        &["link", "show", "id", "4294967295"],
        "can't get link by id (4294967295): No such file or directory",
    );
    assert_fails(&["link", "show", "tag", "00"], "expected 'id' or 'pinned'");
    assert_fails(&["link", "show", "name", "x"], "expected 'id' or 'pinned'");
    assert_fails(&["link", "show", "id"], "'id' needs an argument");
    assert_fails(&["link", "show", "id", "x"], "can't parse x as ID");
    assert_fails(&["link", "show", "id", "1", "extra"], "unexpected 'extra'");
    assert_fails(&["link", "show", "pinned", "/tmp"], "is a directory");
    assert_fails(
        &["link", "show", "pinned", "/etc/hostname"],
        "not on a BPF file system",
    );
    let missing = fx.dir.join("nothing-here");
    assert_fails(
        &["link", "show", "pinned", missing.to_str().expect("utf-8")],
        "No such file or directory",
    );
    // A program pin is not a link.
    let p = prog_load(libbpf_sys::BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, 0).expect("load prog");
    let prog_pin = fx.dir.join("prog");
    pin(&p, &prog_pin);
    assert_fails(
        &["link", "show", "pinned", prog_pin.to_str().expect("utf-8")],
        "is not a link pin",
    );
    drop(p);
    assert_fails(&["perf", "show", "extra"], "expected 'links', got: 'extra'");

    // -j: the error as JSON on stdout too.
    let o = run(BPFSCOPE, &["-j", "link", "show", "id", "4294967295"]);
    assert_eq!(o.status.code(), Some(255));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON error object");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("can't get link by id")),
        "{v}"
    );

    // Unprivileged: a clear message naming the capability, never a panic.
    for args in [["link", "show"], ["perf", "show"]] {
        let o = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", BPFSCOPE])
            .args(args)
            .output()
            .expect("setpriv (util-linux) is needed");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(255), "{args:?} unprivileged: {err}");
        assert!(err.starts_with("Error: "), "{err}");
        assert!(err.contains("CAP_"), "{args:?}: name the capability: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// With no tracefs mounted, a tracepoint id lookup mounts it. Run in a child
/// process in a private mount namespace (`unshare --mount`), so unmounting
/// tracefs there touches nobody else.
#[test]
fn tracepoint_id_mounts_tracefs_when_missing() {
    const TRACEFS: &str = "/sys/kernel/tracing";
    const TRACEFS_MAGIC: i64 = 0x74726163;
    let is_tracefs =
        |p: &str| nix::sys::statfs::statfs(p).is_ok_and(|s| s.filesystem_type().0 == TRACEFS_MAGIC);
    if std::env::var_os("BPFSCOPE_TEST_TRACEFS_CHILD").is_some() {
        for dir in [TRACEFS, "/sys/kernel/debug/tracing"] {
            while is_tracefs(dir) {
                nix::mount::umount2(dir, nix::mount::MntFlags::MNT_DETACH)
                    .unwrap_or_else(|e| panic!("umount {dir}: {e}"));
            }
        }
        assert!(!is_tracefs(TRACEFS), "tracefs still mounted");
        let id = tracepoint_id("sched", "sched_process_free");
        assert!(id > 0);
        assert!(is_tracefs(TRACEFS), "tracefs was not mounted at {TRACEFS}");
        return;
    }
    let before = is_tracefs(TRACEFS);
    let exe = std::env::current_exe().expect("test binary path");
    let o = Command::new("unshare")
        .args(["--mount", "--propagation", "private"])
        .arg(exe)
        .args([
            "--exact",
            "tracepoint_id_mounts_tracefs_when_missing",
            "--nocapture",
        ])
        .env("BPFSCOPE_TEST_TRACEFS_CHILD", "1")
        .output()
        .expect("unshare (util-linux) is needed");
    assert!(
        o.status.success(),
        "child failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("1 passed"),
        "the child ran no test: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    // The host's tracefs is untouched.
    assert_eq!(is_tracefs(TRACEFS), before);
}
