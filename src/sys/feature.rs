//! `feature probe`: what the running kernel (or an offload device) supports,
//! in bpftool's sections and keys (src/feature.c, v7.1 plus the v4 ISA probe
//! of newer versions). Program, map and helper probes go through libbpf's
//! own probe helpers; system settings come from procfs and the kernel config.
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};

use super::caps::{self, has_cap, CapData, CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON, CAP_SYS_ADMIN};
use super::names;
use super::{errno, Result, SysError};
use crate::record::feature::{
    BoolFeature, ConfigOption, FeatureReport, HelperSet, Sysctls, SystemConfig,
};
use crate::record::names::KindName;

const PROC_SUPER_MAGIC: i64 = 0x9fa0;
const BPF_MAXINSNS: usize = 4096;

/// What to probe and how (the words after `feature probe`).
#[derive(Debug, Clone, Default)]
pub struct ProbeOpts {
    /// Probe a device's offload support instead of the kernel.
    pub ifindex: Option<u32>,
    /// Also probe the helpers that write to the kernel log (bpftool's `full`).
    pub full: bool,
    /// Probe with CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON dropped.
    pub unprivileged: bool,
    /// Macros mode reads only the config options it prints (CONFIG_HZ).
    pub macros: bool,
}

// ------------------------------------------------------------------ system config

/// bpftool's read_procfs: one decimal number followed by a newline, else -1.
fn read_procfs(path: &str) -> i64 {
    let Ok(text) = std::fs::read_to_string(path) else {
        return -1;
    };
    let line = text.split_inclusive('\n').next().unwrap_or("");
    match line.strip_suffix('\n') {
        Some(num) if !num.is_empty() => num.trim_start().parse().unwrap_or(-1),
        _ => -1,
    }
}

fn is_procfs() -> bool {
    nix::sys::statfs::statfs("/proc").is_ok_and(|s| s.filesystem_type().0 == PROC_SUPER_MAGIC)
}

/// The options bpftool v7.1 reports, in its order.
const CONFIG_OPTIONS: &[(&str, bool)] = &[
    ("CONFIG_BPF", false),
    ("CONFIG_BPF_SYSCALL", false),
    ("CONFIG_HAVE_EBPF_JIT", false),
    ("CONFIG_BPF_JIT", false),
    ("CONFIG_BPF_JIT_ALWAYS_ON", false),
    ("CONFIG_DEBUG_INFO_BTF", false),
    ("CONFIG_DEBUG_INFO_BTF_MODULES", false),
    ("CONFIG_CGROUPS", false),
    ("CONFIG_CGROUP_BPF", false),
    ("CONFIG_CGROUP_NET_CLASSID", false),
    ("CONFIG_SOCK_CGROUP_DATA", false),
    ("CONFIG_BPF_EVENTS", false),
    ("CONFIG_KPROBE_EVENTS", false),
    ("CONFIG_UPROBE_EVENTS", false),
    ("CONFIG_TRACING", false),
    ("CONFIG_FTRACE_SYSCALLS", false),
    ("CONFIG_FUNCTION_ERROR_INJECTION", false),
    ("CONFIG_BPF_KPROBE_OVERRIDE", false),
    ("CONFIG_NET", false),
    ("CONFIG_XDP_SOCKETS", false),
    ("CONFIG_LWTUNNEL_BPF", false),
    ("CONFIG_NET_ACT_BPF", false),
    ("CONFIG_NET_CLS_BPF", false),
    ("CONFIG_NET_CLS_ACT", false),
    ("CONFIG_NET_SCH_INGRESS", false),
    ("CONFIG_XFRM", false),
    ("CONFIG_IP_ROUTE_CLASSID", false),
    ("CONFIG_IPV6_SEG6_BPF", false),
    ("CONFIG_BPF_LIRC_MODE2", false),
    ("CONFIG_BPF_STREAM_PARSER", false),
    ("CONFIG_NETFILTER_XT_MATCH_BPF", false),
    ("CONFIG_BPFILTER", false),
    ("CONFIG_BPFILTER_UMH", false),
    ("CONFIG_TEST_BPF", false),
    ("CONFIG_HZ", true),
];

/// The kernel config text: /boot/config-$(uname -r), plain or gzip, else /proc/config.gz.
fn kernel_config_text() -> std::result::Result<String, String> {
    let mut tried = Vec::new();
    let release = nix::sys::utsname::uname()
        .map(|u| u.release().to_string_lossy().into_owned())
        .ok();
    let paths = release
        .map(|r| format!("/boot/config-{r}"))
        .into_iter()
        .chain(std::iter::once("/proc/config.gz".to_string()));
    for p in paths {
        match std::fs::read(&p) {
            Ok(raw) => {
                if raw.starts_with(&[0x1f, 0x8b]) {
                    let mut s = String::new();
                    return flate2::read::GzDecoder::new(&raw[..])
                        .read_to_string(&mut s)
                        .map(|_| s)
                        .map_err(|e| format!("skipping kernel config, can't read from file: {e}"));
                }
                return Ok(String::from_utf8_lossy(&raw).into_owned());
            }
            Err(e) => tried.push(e),
        }
    }
    let why = tried
        .last()
        .map(|e| crate::text::strerror(e.raw_os_error().unwrap_or(libc::ENOENT)))
        .unwrap_or_default();
    Err(format!("skipping kernel config, can't open file: {why}"))
}

/// Values of the options bpftool reports; all unset when the config can't be read.
fn kernel_config(macros: bool) -> (Vec<ConfigOption>, Option<String>) {
    let mut opts: Vec<ConfigOption> = CONFIG_OPTIONS
        .iter()
        .filter(|(_, m)| !macros || *m)
        .map(|&(name, macro_dump)| ConfigOption {
            name,
            macro_dump,
            value: None,
        })
        .collect();
    let text = match kernel_config_text() {
        Ok(t) => t,
        Err(note) => return (opts, Some(note)),
    };
    // bpftool's sanity check: the second line of a generated config.
    if text.lines().nth(1) != Some("# Automatically generated file; DO NOT EDIT.") {
        return (
            opts,
            Some("skipping kernel config, can't find correct file".into()),
        );
    }
    for line in text.lines().filter(|l| l.starts_with("CONFIG_")) {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        if let Some(o) = opts
            .iter_mut()
            .find(|o| o.name == name && o.value.is_none())
        {
            o.value = Some(value.to_string());
        }
    }
    (opts, None)
}

fn system_config(macros: bool) -> SystemConfig {
    let sysctls = (!macros && is_procfs()).then(|| Sysctls {
        unprivileged_bpf_disabled: read_procfs("/proc/sys/kernel/unprivileged_bpf_disabled"),
        bpf_jit_enable: read_procfs("/proc/sys/net/core/bpf_jit_enable"),
        bpf_jit_harden: read_procfs("/proc/sys/net/core/bpf_jit_harden"),
        bpf_jit_kallsyms: read_procfs("/proc/sys/net/core/bpf_jit_kallsyms"),
        bpf_jit_limit: read_procfs("/proc/sys/net/core/bpf_jit_limit"),
    });
    let (options, config_note) = kernel_config(macros);
    SystemConfig {
        sysctls,
        options,
        config_note,
    }
}

// ------------------------------------------------------------------ capabilities

fn capget() -> Result<[CapData; 2]> {
    caps::capget().map_err(|e| {
        SysError::os(
            "failed to get capabilities for process",
            e.raw_os_error().unwrap_or(0),
        )
    })
}

fn capset(data: &[CapData; 2], what: &str) -> Result<()> {
    caps::capset(data).map_err(|e| SysError::os(what, e.raw_os_error().unwrap_or(0)))
}

/// bpftool's handle_perms (libcap build): full probing needs CAP_SYS_ADMIN,
/// CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON; `unprivileged` drops them from
/// this thread's effective set, so the probes run as an ordinary user would.
pub fn handle_perms(unprivileged: bool) -> Result<()> {
    let caps: &[(u32, &str)] = if caps::cap_bpf_supported() {
        &[
            (CAP_SYS_ADMIN, "CAP_SYS_ADMIN"),
            (CAP_BPF, "CAP_BPF"),
            (CAP_NET_ADMIN, "CAP_NET_ADMIN"),
            (CAP_PERFMON, "CAP_PERFMON"),
        ]
    } else {
        &[(CAP_SYS_ADMIN, "CAP_SYS_ADMIN")]
    };
    let mut data = capget()?;
    let set: Vec<bool> = caps.iter().map(|&(c, _)| has_cap(&data, c)).collect();
    let n_set = set.iter().filter(|s| **s).count();
    if (unprivileged && n_set == 0) || (!unprivileged && n_set == caps.len()) {
        return Ok(());
    }
    if !unprivileged {
        let missing: String = caps
            .iter()
            .zip(&set)
            .filter(|(_, s)| !**s)
            .map(|((_, n), _)| format!("{n}, "))
            .collect();
        return Err(SysError::Msg(format!(
            "missing {missing}required for full feature probing; run as root or use 'unprivileged'"
        )));
    }
    for &(c, _) in caps {
        data[(c / 32) as usize].effective &= !(1 << (c % 32));
    }
    capset(&data, "failed to drop capabilities")
}

/// Drops CAP_SYS_ADMIN and CAP_PERFMON from this process's effective and
/// permitted sets, keeping CAP_BPF and CAP_NET_ADMIN: a loader with CAP_BPF
/// alone (`prog verify --as-unprivileged` runs it in a forked child).
pub fn drop_to_cap_bpf() -> Result<()> {
    let mut data = capget()?;
    for c in [CAP_SYS_ADMIN, CAP_PERFMON] {
        data[(c / 32) as usize].effective &= !(1 << (c % 32));
        data[(c / 32) as usize].permitted &= !(1 << (c % 32));
    }
    capset(&data, "failed to drop capabilities")
}

// ------------------------------------------------------------------ probes

/// r0-only instructions: registers need no bitfield setters.
fn insn(code: u8, off: i16, imm: i32) -> libbpf_sys::bpf_insn {
    libbpf_sys::bpf_insn {
        code,
        off,
        imm,
        ..Default::default()
    }
}

const MOV64_IMM: u8 = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K
const SUB64_IMM: u8 = 0x17; // BPF_ALU64 | BPF_SUB | BPF_K
const JNE_IMM: u8 = 0x55; // BPF_JMP | BPF_JNE | BPF_K
const JLT_IMM: u8 = 0xa5; // BPF_JMP | BPF_JLT | BPF_K
const JLT32_IMM: u8 = 0xa6; // BPF_JMP32 | BPF_JLT | BPF_K
const JEQ32_IMM: u8 = 0x16; // BPF_JMP32 | BPF_JEQ | BPF_K
const JA32: u8 = 0x06; // BPF_JMP32 | BPF_JA: gotol, offset in imm (v4)
const CALL: u8 = 0x85; // BPF_JMP | BPF_CALL
const EXIT: u8 = 0x95; // BPF_JMP | BPF_EXIT

/// Loads a program; (fd if it loaded, errno after the call).
fn load(
    prog_type: u32,
    insns: &[libbpf_sys::bpf_insn],
    ifindex: u32,
    log: Option<&mut [u8]>,
) -> (Option<OwnedFd>, i32) {
    let license = c"GPL";
    let mut opts = libbpf_sys::bpf_prog_load_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_prog_load_opts>() as _,
        prog_ifindex: ifindex,
        ..Default::default()
    };
    if let Some(buf) = log {
        opts.log_buf = buf.as_mut_ptr() as *mut libc::c_char;
        opts.log_size = buf.len() as u32;
        opts.log_level = 1;
    }
    // errno is thread-local; clearing it lets "no error" be seen as 0.
    nix::errno::Errno::clear();
    // SAFETY: insns, license and opts (and the log buffer it points to) live
    // across the call; insn_cnt matches insns.
    let fd = unsafe {
        libbpf_sys::bpf_prog_load(
            prog_type,
            std::ptr::null(),
            license.as_ptr(),
            insns.as_ptr(),
            insns.len() as _,
            &mut opts,
        )
    };
    let e = errno();
    if fd < 0 {
        return (None, e);
    }
    // SAFETY: a fresh fd nobody else owns; closed on drop.
    (Some(unsafe { OwnedFd::from_raw_fd(fd) }), e)
}

/// bpftool's probe_bpf_syscall: anything but ENOSYS means bpf(2) exists.
fn probe_syscall() -> bool {
    let (_, e) = load(libbpf_sys::BPF_PROG_TYPE_UNSPEC, &[], 0, None);
    e != libc::ENOSYS
}

fn upper(s: &str) -> String {
    s.to_ascii_uppercase()
}

/// Program types libbpf knows by name, from 1 up to the first it doesn't.
fn known(name: fn(u32) -> KindName) -> Vec<(u32, String)> {
    (1..)
        .map_while(|t| match name(t) {
            KindName::Name(n) => Some((t, n)),
            KindName::Num(_) => None,
        })
        .collect()
}

/// Program types whose probe loads need an attach target: libbpf probes
/// them with a bogus one and reads the errno, which says nothing where
/// tp_btf works but fentry trampolines don't (as on kernels without
/// them); the attach-point probe is their real test.
fn needs_target(t: u32) -> bool {
    matches!(
        t,
        libbpf_sys::BPF_PROG_TYPE_TRACING
            | libbpf_sys::BPF_PROG_TYPE_EXT
            | libbpf_sys::BPF_PROG_TYPE_LSM
            | libbpf_sys::BPF_PROG_TYPE_STRUCT_OPS
    )
}

/// Whether this kernel loads programs of type `t` (a real load of a
/// minimal program), for `tool list`. None where libbpf's probe can't
/// tell (tracing, LSM, struct_ops, ext: their loads need a target).
pub fn prog_type_supported(t: u32) -> Option<bool> {
    if needs_target(t) {
        return None;
    }
    // SAFETY: a probe that loads and closes a tiny program; NULL opts.
    let r = unsafe { libbpf_sys::libbpf_probe_bpf_prog_type(t, std::ptr::null()) };
    match r {
        1.. => Some(true),
        0 => Some(false),
        _ => None,
    }
}

/// Whether programs of type `t` may call helper `id` here, or None where
/// the probe can't tell (as [`prog_type_supported`]).
pub fn helper_supported(t: u32, id: u32) -> Option<bool> {
    if needs_target(t) {
        return None;
    }
    // SAFETY: a probe that loads and closes a two-instruction program; NULL opts.
    let r = unsafe { libbpf_sys::libbpf_probe_bpf_helper(t, id, std::ptr::null()) };
    match r {
        1.. => Some(true),
        0 => Some(false),
        _ => None,
    }
}

fn probe_prog_type(t: u32, opts: &ProbeOpts) -> bool {
    let (ok, e) = match opts.ifindex {
        Some(ifindex) => {
            // nfp returns -EINVAL on exit(0) with TC offload (bpftool's comment).
            let (fd, e) = load(t, &[insn(MOV64_IMM, 0, 2), insn(EXIT, 0, 0)], ifindex, None);
            (
                fd.is_some() && e != libc::EINVAL && e != libc::EOPNOTSUPP,
                e,
            )
        }
        None => {
            // SAFETY: a probe that loads and closes a tiny program; NULL opts.
            let r = unsafe { libbpf_sys::libbpf_probe_bpf_prog_type(t, std::ptr::null()) };
            (r > 0, errno())
        }
    };
    // A probe may pass while the load failed for lack of privileges.
    ok && !(opts.unprivileged && e == libc::EPERM)
}

fn probe_map_type(t: u32, ifindex: Option<u32>) -> bool {
    match ifindex {
        Some(ifindex) => {
            let opts = libbpf_sys::bpf_map_create_opts {
                sz: std::mem::size_of::<libbpf_sys::bpf_map_create_opts>() as _,
                map_ifindex: ifindex,
                ..Default::default()
            };
            // SAFETY: opts lives across the call; no name.
            let fd = unsafe { libbpf_sys::bpf_map_create(t, std::ptr::null(), 4, 4, 1, &opts) };
            if fd >= 0 {
                // SAFETY: a fresh fd; closed here.
                drop(unsafe { OwnedFd::from_raw_fd(fd) });
            }
            fd >= 0
        }
        // SAFETY: a probe that creates and closes a tiny map; NULL opts.
        None => unsafe { libbpf_sys::libbpf_probe_bpf_map_type(t, std::ptr::null()) > 0 },
    }
}

/// The PCI vendor of a device (Netronome offload needs an extra check).
fn vendor_id(ifindex: u32) -> Option<u32> {
    let mut name = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: name has IF_NAMESIZE bytes, as if_indextoname requires.
    if unsafe { libc::if_indextoname(ifindex, name.as_mut_ptr()) }.is_null() {
        return None;
    }
    let n = super::cstr_name(&name);
    let v = std::fs::read_to_string(format!("/sys/class/net/{n}/device/vendor")).ok()?;
    u32::from_str_radix(v.trim().trim_start_matches("0x"), 16).ok()
}

fn probe_helper(t: u32, id: u32, opts: &ProbeOpts, vendor: Option<u32>) -> bool {
    let (ok, e) = match opts.ifindex {
        Some(ifindex) => {
            let mut log = vec![0u8; 4096];
            let (_, e) = load(
                t,
                &[insn(CALL, 0, id as i32), insn(EXIT, 0, 0)],
                ifindex,
                Some(&mut log),
            );
            let text = String::from_utf8_lossy(&log);
            let mut ok = !text.contains("invalid func ")
                && !text.contains("unknown func ")
                && !text.contains("program of this type cannot use helper ");
            if vendor == Some(0x19ee) {
                ok = ok
                    && !text.contains("not supported by FW")
                    && !text.contains("unsupported function id");
            }
            (ok, e)
        }
        None => {
            // SAFETY: a probe that loads and closes a two-instruction program; NULL opts.
            let r = unsafe { libbpf_sys::libbpf_probe_bpf_helper(t, id, std::ptr::null()) };
            (r > 0, errno())
        }
    };
    ok && !(opts.unprivileged && e == libc::EPERM)
}

/// bpftool's probe_misc_feature: a socket filter that loads, or fails without errno.
fn probe_misc(insns: &[libbpf_sys::bpf_insn], ifindex: u32) -> bool {
    let (fd, e) = load(
        libbpf_sys::BPF_PROG_TYPE_SOCKET_FILTER,
        insns,
        ifindex,
        None,
    );
    fd.is_some() || e == 0
}

fn misc(ifindex: u32) -> Vec<BoolFeature> {
    let mut large = vec![insn(MOV64_IMM, 0, 1); BPF_MAXINSNS];
    large.push(insn(EXIT, 0, 0));
    let probes: [(&str, &str, &str, Vec<libbpf_sys::bpf_insn>); 5] = [
        (
            "have_large_insn_limit",
            "Large program size limit",
            "LARGE_INSN_LIMIT",
            large,
        ),
        (
            "have_bounded_loops",
            "Bounded loop support",
            "BOUNDED_LOOPS",
            vec![
                insn(MOV64_IMM, 0, 10),
                insn(SUB64_IMM, 0, 1),
                insn(JNE_IMM, -2, 0),
                insn(EXIT, 0, 0),
            ],
        ),
        (
            "have_v2_isa_extension",
            "ISA extension v2",
            "V2_ISA_EXTENSION",
            vec![
                insn(MOV64_IMM, 0, 0),
                insn(JLT_IMM, 1, 0),
                insn(MOV64_IMM, 0, 1),
                insn(EXIT, 0, 0),
            ],
        ),
        (
            "have_v3_isa_extension",
            "ISA extension v3",
            "V3_ISA_EXTENSION",
            vec![
                insn(MOV64_IMM, 0, 0),
                insn(JLT32_IMM, 1, 0),
                insn(MOV64_IMM, 0, 1),
                insn(EXIT, 0, 0),
            ],
        ),
        (
            "have_v4_isa_extension",
            "ISA extension v4",
            "V4_ISA_EXTENSION",
            vec![
                insn(MOV64_IMM, 0, 0),
                insn(JEQ32_IMM, 1, 1),
                insn(JA32, 0, 1),
                insn(MOV64_IMM, 0, 1),
                insn(EXIT, 0, 0),
            ],
        ),
    ];
    probes
        .into_iter()
        .map(|(key, plain, define, insns)| BoolFeature {
            key: key.into(),
            plain: plain.into(),
            define: define.into(),
            available: probe_misc(&insns, ifindex),
        })
        .collect()
}

/// Program and map types that can be offloaded (probed with `dev`).
fn offloadable_prog(t: u32) -> bool {
    matches!(
        t,
        libbpf_sys::BPF_PROG_TYPE_SCHED_CLS | libbpf_sys::BPF_PROG_TYPE_XDP
    )
}

fn offloadable_map(t: u32) -> bool {
    matches!(
        t,
        libbpf_sys::BPF_MAP_TYPE_HASH | libbpf_sys::BPF_MAP_TYPE_ARRAY
    )
}

/// Helpers that print to the kernel log: probed only in `full` mode (bpftool).
fn noisy_helper(id: u32) -> bool {
    matches!(
        id,
        libbpf_sys::BPF_FUNC_trace_printk
            | libbpf_sys::BPF_FUNC_trace_vprintk
            | libbpf_sys::BPF_FUNC_probe_write_user
    )
}

/// Runs every probe. `helper_names[id]` names helper `id` (index 0 unused).
pub fn probe(opts: &ProbeOpts, helper_names: &[&'static str]) -> FeatureReport {
    let system_config = opts.ifindex.is_none().then(|| system_config(opts.macros));
    let syscall = BoolFeature {
        key: "have_bpf_syscall".into(),
        plain: "bpf() syscall".into(),
        define: "BPF_SYSCALL".into(),
        available: probe_syscall(),
    };
    let mut report = FeatureReport {
        system_config,
        syscall,
        program_types: vec![],
        map_types: vec![],
        helpers: vec![],
        misc: vec![],
    };
    if !report.syscall.available {
        return report;
    }
    let prog_types = known(names::prog_type);
    let mut supported = Vec::new();
    for (t, name) in &prog_types {
        if opts.ifindex.is_some() && !offloadable_prog(*t) {
            supported.push(false);
            continue;
        }
        let ok = probe_prog_type(*t, opts);
        supported.push(ok);
        report.program_types.push(BoolFeature {
            key: format!("have_{name}_prog_type"),
            plain: format!("eBPF program_type {name}"),
            define: upper(&format!("{name}_prog_type")),
            available: ok,
        });
    }
    for (t, name) in known(names::map_type) {
        if opts.ifindex.is_some() && !offloadable_map(t) {
            continue;
        }
        report.map_types.push(BoolFeature {
            key: format!("have_{name}_map_type"),
            plain: format!("eBPF map_type {name}"),
            define: upper(&format!("{name}_map_type")),
            available: probe_map_type(t, opts.ifindex),
        });
    }
    let vendor = opts.ifindex.and_then(vendor_id);
    for ((t, name), prog_ok) in prog_types.iter().zip(supported) {
        if opts.ifindex.is_some() && !offloadable_prog(*t) {
            continue;
        }
        let helpers = helper_names
            .iter()
            .enumerate()
            .skip(1)
            .filter(|&(id, _)| opts.full || !noisy_helper(id as u32))
            .map(|(id, &hname)| (hname, prog_ok && probe_helper(*t, id as u32, opts, vendor)))
            .collect();
        report.helpers.push(HelperSet {
            prog_type: name.clone(),
            prog_type_supported: prog_ok,
            helpers,
        });
    }
    report.misc = misc(opts.ifindex.unwrap_or(0));
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procfs_numbers_need_a_newline() {
        let dir = std::env::temp_dir().join(format!("bpfscope-feat-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("v");
        std::fs::write(&f, "2\n").unwrap();
        assert_eq!(read_procfs(f.to_str().unwrap()), 2);
        std::fs::write(&f, "2").unwrap();
        assert_eq!(read_procfs(f.to_str().unwrap()), -1);
        std::fs::write(&f, "x\n").unwrap();
        assert_eq!(read_procfs(f.to_str().unwrap()), -1);
        assert_eq!(read_procfs("/nonexistent/bpfscope"), -1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn json_sections_and_keys_like_bpftool() {
        let b = |k: &str, v| BoolFeature {
            key: k.into(),
            plain: String::new(),
            define: String::new(),
            available: v,
        };
        let r = FeatureReport {
            system_config: Some(SystemConfig {
                sysctls: None,
                options: vec![
                    ConfigOption {
                        name: "CONFIG_BPF",
                        macro_dump: false,
                        value: Some("y".into()),
                    },
                    ConfigOption {
                        name: "CONFIG_HZ",
                        macro_dump: true,
                        value: None,
                    },
                ],
                config_note: None,
            }),
            syscall: b("have_bpf_syscall", true),
            program_types: vec![b("have_xdp_prog_type", true)],
            map_types: vec![b("have_hash_map_type", false)],
            helpers: vec![HelperSet {
                prog_type: "xdp".into(),
                prog_type_supported: true,
                helpers: vec![("bpf_a", true), ("bpf_b", false)],
            }],
            misc: vec![b("have_bounded_loops", true)],
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"system_config":{"CONFIG_BPF":"y","CONFIG_HZ":null},"syscall_config":{"have_bpf_syscall":true},"program_types":{"have_xdp_prog_type":true},"map_types":{"have_hash_map_type":false},"helpers":{"xdp_available_helpers":["bpf_a"]},"misc":{"have_bounded_loops":true}}"#
        );
    }

    #[test]
    fn known_types_stop_at_the_first_unknown() {
        let p = known(names::prog_type);
        assert_eq!(p[0], (1, "socket_filter".to_string()));
        assert!(p.iter().any(|(_, n)| n == "xdp"));
    }
}
