//! Cgroup attachments: `cgroup show|tree` records (bpftool's src/cgroup.c
//! keys), the cgroup v2 walk, and `cgroup attach|detach`.
//!
//! The attach types queried are the cgroup ones, in enum order: bpftool v7.1
//! queries every attach type in enum order, so its output order is kept,
//! while newer types (unix sockets, lsm_cgroup) are included as newer
//! bpftool does.
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::names;
use super::query::{self, Ask};
use super::{errno, ids, prog, ObjKind, Result, SysError};
use crate::btf::View;
use crate::record::cgroup::{CgroupEntry, CgroupProg};
use crate::record::names::KindName;

/// Cgroup attach types in enum order (see the module comment).
pub const CGROUP_ATTACH_TYPES: &[u32] = &[
    libbpf_sys::BPF_CGROUP_INET_INGRESS,
    libbpf_sys::BPF_CGROUP_INET_EGRESS,
    libbpf_sys::BPF_CGROUP_INET_SOCK_CREATE,
    libbpf_sys::BPF_CGROUP_SOCK_OPS,
    libbpf_sys::BPF_CGROUP_DEVICE,
    libbpf_sys::BPF_CGROUP_INET4_BIND,
    libbpf_sys::BPF_CGROUP_INET6_BIND,
    libbpf_sys::BPF_CGROUP_INET4_CONNECT,
    libbpf_sys::BPF_CGROUP_INET6_CONNECT,
    libbpf_sys::BPF_CGROUP_INET4_POST_BIND,
    libbpf_sys::BPF_CGROUP_INET6_POST_BIND,
    libbpf_sys::BPF_CGROUP_UDP4_SENDMSG,
    libbpf_sys::BPF_CGROUP_UDP6_SENDMSG,
    libbpf_sys::BPF_CGROUP_SYSCTL,
    libbpf_sys::BPF_CGROUP_UDP4_RECVMSG,
    libbpf_sys::BPF_CGROUP_UDP6_RECVMSG,
    libbpf_sys::BPF_CGROUP_GETSOCKOPT,
    libbpf_sys::BPF_CGROUP_SETSOCKOPT,
    libbpf_sys::BPF_CGROUP_INET4_GETPEERNAME,
    libbpf_sys::BPF_CGROUP_INET6_GETPEERNAME,
    libbpf_sys::BPF_CGROUP_INET4_GETSOCKNAME,
    libbpf_sys::BPF_CGROUP_INET6_GETSOCKNAME,
    libbpf_sys::BPF_CGROUP_INET_SOCK_RELEASE,
    libbpf_sys::BPF_LSM_CGROUP,
    libbpf_sys::BPF_CGROUP_UNIX_CONNECT,
    libbpf_sys::BPF_CGROUP_UNIX_SENDMSG,
    libbpf_sys::BPF_CGROUP_UNIX_RECVMSG,
    libbpf_sys::BPF_CGROUP_UNIX_GETPEERNAME,
    libbpf_sys::BPF_CGROUP_UNIX_GETSOCKNAME,
];

/// bpftool's names for the attach flags of one program.
pub fn flags_str(flags: u32) -> String {
    match flags {
        libbpf_sys::BPF_F_ALLOW_MULTI => "multi".into(),
        libbpf_sys::BPF_F_ALLOW_OVERRIDE => "override".into(),
        0 => String::new(),
        f => format!("unknown({f:x})"),
    }
}

/// Opens a cgroup directory (bpftool's wording on failure).
pub fn open(path: &Path) -> Result<OwnedFd> {
    std::fs::File::open(path).map(OwnedFd::from).map_err(|e| {
        SysError::os(
            format!("can't open cgroup {}", path.display()),
            e.raw_os_error().unwrap_or(libc::EIO),
        )
    })
}

/// bpftool's attach_btf_name: the name of the BTF type a program attaches
/// to (lsm_cgroup), from vmlinux only. bpftool compares the program's BTF
/// object id with a vmlinux id it guesses from the first program that has
/// one; before that guess the id is 0, so a program without attach BTF
/// (object 0, type 0) gets the name of type 0, which is "". Kept as bpftool
/// prints it (JSON `"attach_btf_name": ""`, a blank column in text).
#[derive(Default)]
pub struct AttachBtfNames {
    vmlinux_id: u32,
    vmlinux: Option<View>,
}

impl AttachBtfNames {
    fn name(&mut self, obj_id: u32, type_id: u32) -> Option<String> {
        // bpftool needs the kernel's BTF at all (libbpf_find_kernel_btf).
        if !Path::new("/sys/kernel/btf/vmlinux").exists() {
            return None;
        }
        if self.vmlinux_id == 0 && obj_id != 0 && is_vmlinux(obj_id) {
            self.vmlinux_id = obj_id;
        }
        if self.vmlinux_id != obj_id {
            return None;
        }
        if type_id == 0 {
            // Type 0 is void: no name.
            return Some(String::new());
        }
        if self.vmlinux.is_none() {
            // The object is vmlinux's BTF: read it from sysfs, mapped.
            self.vmlinux = crate::btf::vmlinux_lookup().ok();
        }
        let v = self.vmlinux.as_ref()?;
        Some(String::from_utf8_lossy(v.name(v.ty(type_id)?.name_off)).into_owned())
    }
}

fn is_vmlinux(btf_obj_id: u32) -> bool {
    let Ok(fd) = ids::fd_by_id(ObjKind::Btf, btf_obj_id) else {
        return false;
    };
    let mut name = [0u8; 16];
    let mut info = libbpf_sys::bpf_btf_info {
        name: name.as_mut_ptr() as u64,
        name_len: name.len() as u32,
        ..Default::default()
    };
    super::get_info(&fd, &mut info).is_ok()
        && info.kernel_btf != 0
        && name.starts_with(b"vmlinux\0")
}

/// The record for one attached program; None when it went away meanwhile.
fn prog_record(
    id: u32,
    attach_type: u32,
    attach_flags: Option<String>,
    level: usize,
    btf: &mut AttachBtfNames,
) -> Option<CgroupProg> {
    let fd = ids::fd_by_id(ObjKind::Prog, id).ok()?;
    let (info, _) = prog::info(&fd).ok()?;
    let short = super::cstr_name(&info.name);
    let name = prog::full_name(&fd).map(|(_, full)| full).unwrap_or(short);
    Some(CgroupProg {
        id: info.id,
        attach_type: names::attach_type(attach_type),
        attach_flags,
        name,
        attach_btf_name: btf.name(info.attach_btf_obj_id, info.attach_btf_id),
        attach_btf_obj_id: info.attach_btf_obj_id,
        attach_btf_id: info.attach_btf_id,
        level,
    })
}

/// bpftool's cgroup_has_attached_progs: attach types the kernel does not know (EINVAL) are skipped.
pub fn has_attached(fd: &OwnedFd, effective: bool) -> Result<bool> {
    let flags = if effective {
        libbpf_sys::BPF_F_QUERY_EFFECTIVE
    } else {
        0
    };
    for &t in CGROUP_ATTACH_TYPES {
        match query::count(fd.as_raw_fd(), t, flags) {
            Ok(n) if n > 0 => return Ok(true),
            Ok(_) => {}
            Err(e) if e.errno() == Some(libc::EINVAL) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// Every program attached to (or, `effective`, running in) one cgroup.
pub fn programs(
    fd: &OwnedFd,
    effective: bool,
    level: usize,
    btf: &mut AttachBtfNames,
) -> Result<Vec<CgroupProg>> {
    let mut out = Vec::new();
    let mut any_ok = false;
    let mut last_err = None;
    for &t in CGROUP_ATTACH_TYPES {
        let ask = Ask {
            effective,
            prog_flags: !effective,
            links: false,
        };
        let q = match query::query(fd.as_raw_fd(), t, ask) {
            Ok(q) => q,
            // Not every attach type is known to every kernel (bpftool: "expected").
            Err(e) => {
                last_err = Some(e);
                continue;
            }
        };
        any_ok = true;
        for (i, &id) in q.prog_ids.iter().enumerate() {
            let flags = (!effective).then(|| {
                let f = q.prog_flags.get(i).copied().unwrap_or(0);
                flags_str(if f != 0 { f } else { q.attach_flags })
            });
            if let Some(p) = prog_record(id, t, flags, level, btf) {
                out.push(p);
            }
        }
    }
    match (any_ok, last_err) {
        (false, Some(e)) => Err(e),
        _ => Ok(out),
    }
}

/// The first cgroup v2 mount in /proc/mounts (bpftool's find_cgroup_root).
pub fn cgroup2_root() -> Option<PathBuf> {
    let text = std::fs::read_to_string("/proc/mounts").ok()?;
    text.lines().find_map(|l| {
        let mut it = l.split_whitespace();
        let (_src, dir, fstype) = (it.next()?, it.next()?, it.next()?);
        (fstype == "cgroup2").then(|| PathBuf::from(super::bpffs::unescape_mount(dir)))
    })
}

/// bpftool's `cgroup tree`: a pre-order walk (nftw without FTW_DEPTH) that stays
/// on the root's file system (FTW_MOUNT); cgroups without programs are left out.
/// A cgroup removed while we walk is skipped, not an error.
pub fn tree(root: &Path, effective: bool) -> Result<Vec<CgroupEntry>> {
    let meta = std::fs::metadata(root).map_err(|e| {
        SysError::os(
            format!("can't iterate over {}", root.display()),
            e.raw_os_error().unwrap_or(libc::EIO),
        )
    })?;
    let dev = meta.dev();
    let mut btf = AttachBtfNames::default();
    let mut out = Vec::new();
    // Stack of (path, level), children pushed in reverse to keep readdir order.
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, level)) = stack.pop() {
        let fd = match open(&dir) {
            Ok(fd) => fd,
            Err(e) if level > 0 && e.errno() == Some(libc::ENOENT) => continue,
            Err(e) => {
                return Err(SysError::os(
                    format!("can't open cgroup {}", dir.display()),
                    e.errno().unwrap_or(libc::EIO),
                ))
            }
        };
        let attached = has_attached(&fd, effective).map_err(|e| {
            SysError::os(
                format!("can't query bpf programs attached to {}", dir.display()),
                e.errno().unwrap_or(libc::EIO),
            )
        })?;
        if attached {
            let programs = programs(&fd, effective, level, &mut btf).unwrap_or_default();
            out.push(CgroupEntry {
                cgroup: dir.to_string_lossy().into_owned(),
                programs,
            });
        }
        drop(fd);
        let entries = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if level > 0 && e.raw_os_error() == Some(libc::ENOENT) => continue,
            Err(e) => {
                return Err(SysError::os(
                    format!("can't iterate over {}", dir.display()),
                    e.raw_os_error().unwrap_or(libc::EIO),
                ))
            }
        };
        let mut children = Vec::new();
        for ent in entries.flatten() {
            let p = ent.path();
            // nftw follows symlinks (no FTW_PHYS); stat, then skip other file systems.
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() && m.dev() == dev => children.push((p, level + 1)),
                _ => {}
            }
        }
        stack.extend(children.into_iter().rev());
    }
    Ok(out)
}

/// bpftool's parse_attach_type: an exact libbpf name, else a prefix of the
/// traditional short names (`ingress`, `bind4`, …), tried in enum order.
pub fn parse_attach_type(word: &str) -> Option<u32> {
    if let Some(t) = names::attach_type_by_name(word) {
        return Some(t);
    }
    (0..128u32)
        .map_while(|t| attach_type_input_str(t).map(|s| (t, s)))
        .find(|(_, s)| !word.is_empty() && s.starts_with(word))
        .map(|(t, _)| t)
}

/// bpftool's bpf_attach_type_input_str.
fn attach_type_input_str(t: u32) -> Option<String> {
    let s = match t {
        libbpf_sys::BPF_CGROUP_INET_INGRESS => "ingress",
        libbpf_sys::BPF_CGROUP_INET_EGRESS => "egress",
        libbpf_sys::BPF_CGROUP_INET_SOCK_CREATE => "sock_create",
        libbpf_sys::BPF_CGROUP_INET_SOCK_RELEASE => "sock_release",
        libbpf_sys::BPF_CGROUP_SOCK_OPS => "sock_ops",
        libbpf_sys::BPF_CGROUP_DEVICE => "device",
        libbpf_sys::BPF_CGROUP_INET4_BIND => "bind4",
        libbpf_sys::BPF_CGROUP_INET6_BIND => "bind6",
        libbpf_sys::BPF_CGROUP_INET4_CONNECT => "connect4",
        libbpf_sys::BPF_CGROUP_INET6_CONNECT => "connect6",
        libbpf_sys::BPF_CGROUP_INET4_POST_BIND => "post_bind4",
        libbpf_sys::BPF_CGROUP_INET6_POST_BIND => "post_bind6",
        libbpf_sys::BPF_CGROUP_INET4_GETPEERNAME => "getpeername4",
        libbpf_sys::BPF_CGROUP_INET6_GETPEERNAME => "getpeername6",
        libbpf_sys::BPF_CGROUP_INET4_GETSOCKNAME => "getsockname4",
        libbpf_sys::BPF_CGROUP_INET6_GETSOCKNAME => "getsockname6",
        libbpf_sys::BPF_CGROUP_UDP4_SENDMSG => "sendmsg4",
        libbpf_sys::BPF_CGROUP_UDP6_SENDMSG => "sendmsg6",
        libbpf_sys::BPF_CGROUP_SYSCTL => "sysctl",
        libbpf_sys::BPF_CGROUP_UDP4_RECVMSG => "recvmsg4",
        libbpf_sys::BPF_CGROUP_UDP6_RECVMSG => "recvmsg6",
        libbpf_sys::BPF_CGROUP_GETSOCKOPT => "getsockopt",
        libbpf_sys::BPF_CGROUP_SETSOCKOPT => "setsockopt",
        libbpf_sys::BPF_TRACE_RAW_TP => "raw_tp",
        libbpf_sys::BPF_TRACE_FENTRY => "fentry",
        libbpf_sys::BPF_TRACE_FEXIT => "fexit",
        libbpf_sys::BPF_MODIFY_RETURN => "mod_ret",
        libbpf_sys::BPF_SK_REUSEPORT_SELECT => "sk_skb_reuseport_select",
        libbpf_sys::BPF_SK_REUSEPORT_SELECT_OR_MIGRATE => "sk_skb_reuseport_select_or_migrate",
        _ => {
            return match names::attach_type(t) {
                KindName::Name(n) => Some(n),
                KindName::Num(_) => None,
            }
        }
    };
    Some(s.to_string())
}

/// BPF_PROG_ATTACH of a program to a cgroup with BPF_F_ALLOW_* flags.
pub fn attach(cgroup: &OwnedFd, prog: &OwnedFd, attach_type: u32, flags: u32) -> Result<()> {
    // SAFETY: both fds are valid for the call; the rest are integers.
    let ret = unsafe {
        libbpf_sys::bpf_prog_attach(prog.as_raw_fd(), cgroup.as_raw_fd(), attach_type, flags)
    };
    if ret < 0 {
        return Err(SysError::os("failed to attach program", errno()));
    }
    Ok(())
}

/// BPF_PROG_DETACH of one program from a cgroup.
pub fn detach(cgroup: &OwnedFd, prog: &OwnedFd, attach_type: u32) -> Result<()> {
    // SAFETY: both fds are valid for the call; the rest are integers.
    let ret =
        unsafe { libbpf_sys::bpf_prog_detach2(prog.as_raw_fd(), cgroup.as_raw_fd(), attach_type) };
    if ret < 0 {
        return Err(SysError::os("failed to detach program", errno()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attach_types_are_cgroup_types_in_enum_order() {
        assert!(CGROUP_ATTACH_TYPES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(CGROUP_ATTACH_TYPES.len(), 29);
    }

    #[test]
    fn attach_type_words_like_bpftool() {
        assert_eq!(
            parse_attach_type("cgroup_inet_ingress"),
            Some(libbpf_sys::BPF_CGROUP_INET_INGRESS)
        );
        assert_eq!(
            parse_attach_type("ingress"),
            Some(libbpf_sys::BPF_CGROUP_INET_INGRESS)
        );
        assert_eq!(
            parse_attach_type("eg"),
            Some(libbpf_sys::BPF_CGROUP_INET_EGRESS)
        );
        assert_eq!(
            parse_attach_type("bind6"),
            Some(libbpf_sys::BPF_CGROUP_INET6_BIND)
        );
        assert_eq!(
            parse_attach_type("sock_"),
            Some(libbpf_sys::BPF_CGROUP_INET_SOCK_CREATE)
        );
        assert_eq!(parse_attach_type("nonsense"), None);
        assert_eq!(parse_attach_type(""), None);
    }

    #[test]
    fn flags_like_bpftool() {
        assert_eq!(flags_str(libbpf_sys::BPF_F_ALLOW_MULTI), "multi");
        assert_eq!(flags_str(libbpf_sys::BPF_F_ALLOW_OVERRIDE), "override");
        assert_eq!(flags_str(0), "");
        assert_eq!(flags_str(0x6), "unknown(6)");
    }
}
