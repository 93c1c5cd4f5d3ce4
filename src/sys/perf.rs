//! `perf show` records: BPF programs attached to perf events (tracepoints,
//! kprobes, uprobes) and raw tracepoints, found as bpftool's src/perf.c does,
//! by BPF_TASK_FD_QUERY on every fd of every process; plus perf_event links,
//! joined to the perf fd that carries them, or listed on their own with
//! `perf show links` when no process holds one (a pinned link).
use std::os::fd::AsRawFd;

use super::{fdinfo, ids, link, ObjKind, Result, SysError};
use crate::record::link::{LinkDetail, LinkRecord, PerfLink};
use crate::record::perf::{PerfRecord, PerfTarget};
use crate::record::pids::PidTable;

/// The kernel's ENOTSUPP (not libc's ENOTSUP): what TASK_FD_QUERY answers for a non-perf fd.
const ENOTSUPP: i32 = 524;
/// bpftool's buffer for the probe name.
const NAME_BUF: usize = 4096;

/// bpftool's print_perf_*: the fields BPF_TASK_FD_QUERY returned, by fd type.
fn target(fd_type: u32, name: String, offset: u64, addr: u64) -> PerfTarget {
    let probe = |fd_type: &'static str| {
        if name.is_empty() {
            PerfTarget::Addr { fd_type, addr }
        } else {
            PerfTarget::Func {
                fd_type,
                func: name.clone(),
                offset,
            }
        }
    };
    match fd_type {
        libbpf_sys::BPF_FD_TYPE_RAW_TRACEPOINT => PerfTarget::Tracepoint {
            fd_type: "raw_tracepoint",
            tracepoint: name,
        },
        libbpf_sys::BPF_FD_TYPE_TRACEPOINT => PerfTarget::Tracepoint {
            fd_type: "tracepoint",
            tracepoint: name,
        },
        libbpf_sys::BPF_FD_TYPE_KPROBE => probe("kprobe"),
        libbpf_sys::BPF_FD_TYPE_KRETPROBE => probe("kretprobe"),
        libbpf_sys::BPF_FD_TYPE_UPROBE => PerfTarget::File {
            fd_type: "uprobe",
            filename: name,
            offset,
        },
        libbpf_sys::BPF_FD_TYPE_URETPROBE => PerfTarget::File {
            fd_type: "uretprobe",
            filename: name,
            offset,
        },
        _ => PerfTarget::Unknown {},
    }
}

struct Query {
    prog_id: u32,
    fd_type: u32,
    name: String,
    offset: u64,
    addr: u64,
}

/// BPF_TASK_FD_QUERY on (pid, fd); Err(errno) when it is not a BPF-carrying perf fd.
fn query(pid: i32, fd: i32) -> std::result::Result<Query, i32> {
    let mut buf = vec![0u8; NAME_BUF];
    let mut len = NAME_BUF as u32;
    let (mut prog_id, mut fd_type, mut offset, mut addr) = (0u32, 0u32, 0u64, 0u64);
    // SAFETY: every out pointer is valid for the call; buf holds len bytes.
    let ret = unsafe {
        libbpf_sys::bpf_task_fd_query(
            pid,
            fd,
            0,
            buf.as_mut_ptr() as *mut libc::c_char,
            &mut len,
            &mut prog_id,
            &mut fd_type,
            &mut offset,
            &mut addr,
        )
    };
    if ret < 0 {
        return Err(super::errno());
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Ok(Query {
        prog_id,
        fd_type,
        name: String::from_utf8_lossy(&buf[..end]).into_owned(),
        offset,
        addr,
    })
}

/// bpftool's has_perf_query_support: a query on a plain fd must say ENOTSUPP.
pub fn check_supported() -> Result<()> {
    let root = std::fs::File::open("/").map_err(|e| {
        SysError::os(
            "perf_query_support: cannot open directory \"/\"",
            e.raw_os_error().unwrap_or(0),
        )
    })?;
    match query(std::process::id() as i32, root.as_raw_fd()) {
        Err(ENOTSUPP) => Ok(()),
        Err(e @ (libc::EPERM | libc::EACCES)) => Err(SysError::os("perf_query_support", e)),
        Err(e) => Err(SysError::os(
            "perf_query_support (kernel without BPF_TASK_FD_QUERY?)",
            e,
        )),
        Ok(_) => Ok(()),
    }
}

fn numeric(name: &std::ffi::OsStr) -> Option<i32> {
    let s = name.to_str()?;
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Every (pid, fd) that carries a BPF program on a perf event or raw tracepoint,
/// sorted by pid then fd. Our own process is left out.
pub fn scan_fds() -> Vec<PerfRecord> {
    let me = std::process::id() as i32;
    let mut out = Vec::new();
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for ent in proc_dir.flatten() {
        let Some(pid) = numeric(&ent.file_name()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        // Processes and fds come and go while we look: anything unreadable is skipped.
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd_ent in fds.flatten() {
            let Some(fd) = numeric(&fd_ent.file_name()) else {
                continue;
            };
            let Ok(q) = query(pid, fd) else { continue };
            // A raw_tracepoint answer comes from a link fd: name the link too.
            let link_id = (q.fd_type == libbpf_sys::BPF_FD_TYPE_RAW_TRACEPOINT)
                .then(|| {
                    fdinfo::FdInfo::read_path(&format!("/proc/{pid}/fdinfo/{fd}"))
                        .get_num::<u32>("link_id")
                })
                .flatten();
            out.push(PerfRecord {
                pid: Some(pid),
                fd: Some(fd),
                link_id,
                prog_id: q.prog_id,
                target: target(q.fd_type, q.name, q.offset, q.addr),
                cookie: None,
                pids: vec![],
            });
        }
    }
    out.sort_by_key(|r| (r.pid, r.fd));
    out
}

/// Every perf_event link as a `perf show` entry, with the processes that
/// hold it (`holders`, asked after the listing, and only when there are
/// links: the holder iterator's own link is then never listed).
pub fn link_entries(holders: impl FnOnce() -> PidTable) -> Result<Vec<PerfRecord>> {
    let mut links = Vec::new();
    let mut ksyms = None;
    for item in ids::iter(ObjKind::Link) {
        let (id, fd) = item?;
        let rec = match link::record(&fd, &mut ksyms) {
            Ok(r) => r,
            // Detached and gone while we looked: skipped, as in `link show`.
            Err(e) if e.errno() == Some(libc::ENOENT) => continue,
            Err(e) => return Err(e),
        };
        if let Some(p) = from_link(&rec) {
            links.push((id, p));
        }
    }
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let holders = holders();
    Ok(links
        .into_iter()
        .map(|(id, mut p)| {
            let mut h = holders.get(&id).cloned().unwrap_or_default();
            h.sort_by_key(|x| x.pid);
            p.pids = h;
            p
        })
        .collect())
}

/// A perf_event link as a `perf show` entry; None for other link types.
pub fn from_link(link: &LinkRecord) -> Option<PerfRecord> {
    let LinkDetail::PerfEvent(pe) = &link.detail else {
        return None;
    };
    let target = match pe {
        PerfLink::Tracepoint { tracepoint, .. } => PerfTarget::Tracepoint {
            fd_type: "tracepoint",
            tracepoint: tracepoint.clone(),
        },
        PerfLink::Kprobe {
            retprobe,
            addr,
            func,
            offset,
            ..
        } => {
            let fd_type = if *retprobe { "kretprobe" } else { "kprobe" };
            if func.is_empty() {
                PerfTarget::Addr {
                    fd_type,
                    addr: *addr,
                }
            } else {
                PerfTarget::Func {
                    fd_type,
                    func: func.clone(),
                    offset: u64::from(*offset),
                }
            }
        }
        PerfLink::Uprobe {
            retprobe,
            file,
            offset,
            ..
        } => PerfTarget::File {
            fd_type: if *retprobe { "uretprobe" } else { "uprobe" },
            filename: file.clone(),
            offset: u64::from(*offset),
        },
        PerfLink::Event {
            event_type,
            event_config,
            ..
        } => PerfTarget::Event {
            fd_type: "event",
            event_type: event_type.clone(),
            event_config: event_config.clone(),
        },
        PerfLink::Unknown {} => PerfTarget::Unknown {},
    };
    let cookie = pe.cookie();
    Some(PerfRecord {
        pid: None,
        fd: None,
        link_id: Some(link.id),
        prog_id: link.prog_id,
        target,
        cookie: (cookie != 0).then_some(cookie),
        pids: link.pids.clone(),
    })
}

/// Joins perf_event links (from [`from_link`], with their holders in `pids`)
/// to the fd entries of [`scan_fds`]: an fd of a process that holds the link,
/// with the same program and target, is that link's perf event, and gets
/// `link_id` and `cookie`. Each link joins one fd at most. Returns the links
/// no fd showed (pinned only, or on events bpftool's query does not report).
pub fn join_links(fds: &mut [PerfRecord], links: Vec<PerfRecord>) -> Vec<PerfRecord> {
    let mut rest = Vec::new();
    for link in links {
        let held_by = |pid: Option<i32>| link.pids.iter().any(|p| Some(p.pid) == pid);
        let slot = fds.iter_mut().find(|f| {
            f.link_id.is_none()
                && f.prog_id == link.prog_id
                && f.target == link.target
                && held_by(f.pid)
        });
        match slot {
            Some(f) => {
                f.link_id = link.link_id;
                f.cookie = link.cookie;
            }
            None => rest.push(link),
        }
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::pids::PidRef;

    #[test]
    fn targets_by_fd_type() {
        assert_eq!(
            target(2, String::new(), 0, 0xffff),
            PerfTarget::Addr {
                fd_type: "kprobe",
                addr: 0xffff
            }
        );
        assert_eq!(
            serde_json::to_string(&PerfRecord {
                pid: Some(1),
                fd: Some(3),
                link_id: None,
                prog_id: 4,
                target: target(5, "/bin/x".into(), 16, 0),
                cookie: None,
                pids: vec![],
            })
            .unwrap(),
            r#"{"pid":1,"fd":3,"prog_id":4,"fd_type":"uretprobe","filename":"/bin/x","offset":16}"#
        );
        assert_eq!(target(99, "x".into(), 0, 0).fd_type(), None);
    }

    fn rec(pid: Option<i32>, link: Option<u32>, tp: &str, holders: &[i32]) -> PerfRecord {
        PerfRecord {
            pid,
            fd: pid.map(|_| 5),
            link_id: link,
            prog_id: 7,
            target: PerfTarget::Tracepoint {
                fd_type: "tracepoint",
                tracepoint: tp.into(),
            },
            cookie: link.map(|_| 42),
            pids: holders
                .iter()
                .map(|&pid| PidRef {
                    pid,
                    comm: "x".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn links_join_the_fd_of_their_holder() {
        let mut fds = vec![rec(Some(10), None, "a", &[]), rec(Some(11), None, "a", &[])];
        let links = vec![
            rec(None, Some(1), "a", &[11]), // held by 11: joins its fd
            rec(None, Some(2), "a", &[]),   // pinned only
            rec(None, Some(3), "b", &[10]), // another target
        ];
        let rest = join_links(&mut fds, links);
        assert_eq!(fds[0].link_id, None);
        assert_eq!((fds[1].link_id, fds[1].cookie), (Some(1), Some(42)));
        let left: Vec<_> = rest.iter().map(|r| r.link_id).collect();
        assert_eq!(left, [Some(2), Some(3)]);
        // A link-only entry keeps bpftool's keys, as null.
        let v = serde_json::to_value(&rest[0]).unwrap();
        assert!(v["pid"].is_null() && v["fd"].is_null() && v["prog_id"] == 7);
    }
}
