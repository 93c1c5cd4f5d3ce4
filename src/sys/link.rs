//! `link show` records: id, type, prog_id and the type-specific fields of
//! every link type, under bpftool's JSON keys (src/link.c).
//!
//! Names (tracepoint, iterator target, probed function or file) and the
//! multi-probe arrays are not in the first BPF_OBJ_GET_INFO_BY_FD answer: as
//! bpftool does, a second call hands the kernel buffers sized from the first.
use std::os::fd::OwnedFd;

use super::names;
use super::{get_info, ids, prog, ObjKind, Result};
use crate::record::kallsyms::KernelSymbols;
use crate::record::link::{
    Device, IterDetail, KprobeFunc, LinkDetail, LinkRecord, NameOrNum, PerfLink, UprobeFunc,
};

/// Same size as bpftool's PATH_MAX buffer for names and paths.
const NAME_BUF: usize = 4096;

/// Everything one link's info calls returned: the info and the buffers it points into.
struct Fetched {
    info: libbpf_sys::bpf_link_info,
    name: String,
    u64s: [Vec<u64>; 3],
}

fn buf_str(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Reads a link's info; a second call with buffers when the type has names or arrays.
fn fetch(fd: &OwnedFd) -> Result<Fetched> {
    let mut info = libbpf_sys::bpf_link_info::default();
    get_info(fd, &mut info)?;
    let mut buf = vec![0u8; NAME_BUF];
    let bufp = buf.as_mut_ptr() as u64;
    let mut u64s: [Vec<u64>; 3] = Default::default();
    let again = {
        let u = &mut info.__bindgen_anon_1;
        // SAFETY (all union accesses below): the kernel filled the union member
        // that matches info.type_, and every member is plain integers.
        unsafe {
            match info.type_ {
                libbpf_sys::BPF_LINK_TYPE_RAW_TRACEPOINT => {
                    u.raw_tracepoint.tp_name = bufp;
                    u.raw_tracepoint.tp_name_len = NAME_BUF as u32;
                    true
                }
                libbpf_sys::BPF_LINK_TYPE_ITER => {
                    u.iter.target_name = bufp;
                    u.iter.target_name_len = NAME_BUF as u32;
                    true
                }
                libbpf_sys::BPF_LINK_TYPE_KPROBE_MULTI if u.kprobe_multi.count > 0 => {
                    let n = u.kprobe_multi.count as usize;
                    u64s[0] = vec![0; n];
                    u64s[1] = vec![0; n];
                    u.kprobe_multi.addrs = u64s[0].as_mut_ptr() as u64;
                    u.kprobe_multi.cookies = u64s[1].as_mut_ptr() as u64;
                    true
                }
                libbpf_sys::BPF_LINK_TYPE_UPROBE_MULTI if u.uprobe_multi.count > 0 => {
                    let n = u.uprobe_multi.count as usize;
                    for v in u64s.iter_mut() {
                        *v = vec![0; n];
                    }
                    u.uprobe_multi.offsets = u64s[0].as_mut_ptr() as u64;
                    u.uprobe_multi.ref_ctr_offsets = u64s[1].as_mut_ptr() as u64;
                    u.uprobe_multi.cookies = u64s[2].as_mut_ptr() as u64;
                    u.uprobe_multi.path = bufp;
                    u.uprobe_multi.path_size = NAME_BUF as u32;
                    true
                }
                libbpf_sys::BPF_LINK_TYPE_PERF_EVENT => {
                    let pe = &mut u.perf_event.__bindgen_anon_1;
                    match u.perf_event.type_ {
                        libbpf_sys::BPF_PERF_EVENT_TRACEPOINT => {
                            pe.tracepoint.tp_name = bufp;
                            pe.tracepoint.name_len = NAME_BUF as u32;
                            true
                        }
                        libbpf_sys::BPF_PERF_EVENT_KPROBE
                        | libbpf_sys::BPF_PERF_EVENT_KRETPROBE => {
                            pe.kprobe.func_name = bufp;
                            pe.kprobe.name_len = NAME_BUF as u32;
                            true
                        }
                        libbpf_sys::BPF_PERF_EVENT_UPROBE
                        | libbpf_sys::BPF_PERF_EVENT_URETPROBE => {
                            pe.uprobe.file_name = bufp;
                            pe.uprobe.name_len = NAME_BUF as u32;
                            true
                        }
                        _ => false,
                    }
                }
                _ => false,
            }
        }
    };
    if again {
        get_info(fd, &mut info)?;
    }
    // Readers clamp counts to the buffers' lengths: never read past what we own.
    Ok(Fetched {
        info,
        name: buf_str(&buf),
        u64s,
    })
}

/// The symbol at a kprobe target: exact, or 4 bytes before it when x86 IBT
/// put an `endbr` at the function entry (bpftool's symbol_matches_target).
/// bpftool reads the kernel config to know about IBT; kprobe_multi targets
/// are function entries, so a miss at `addr` that hits at `addr - 4` can only
/// be that case, and no config is needed (it may be only in /proc/config.gz).
fn kprobe_target(syms: &KernelSymbols, addr: u64) -> Option<(&str, Option<&str>)> {
    syms.exact_with_module(addr)
        .or_else(|| syms.exact_with_module(addr.wrapping_sub(4)))
}

fn device(ifindex: u32) -> Device {
    if ifindex == 0 {
        return Device {
            devname: "(detached)".into(),
            ifindex,
            found: false,
        };
    }
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: buf has IF_NAMESIZE bytes, as if_indextoname requires.
    let ret = unsafe { libc::if_indextoname(ifindex, buf.as_mut_ptr()) };
    if ret.is_null() {
        return Device {
            devname: "(unknown)".into(),
            ifindex,
            found: false,
        };
    }
    Device {
        devname: super::cstr_name(&buf),
        ifindex,
        found: true,
    }
}

fn cgroup_order(order: u32) -> &'static str {
    match order {
        libbpf_sys::BPF_CGROUP_ITER_ORDER_UNSPEC => "order_unspec",
        libbpf_sys::BPF_CGROUP_ITER_SELF_ONLY => "self_only",
        libbpf_sys::BPF_CGROUP_ITER_DESCENDANTS_PRE => "descendants_pre",
        libbpf_sys::BPF_CGROUP_ITER_DESCENDANTS_POST => "descendants_post",
        libbpf_sys::BPF_CGROUP_ITER_ANCESTORS_UP => "ancestors_up",
        libbpf_sys::BPF_CGROUP_ITER_CHILDREN => "children",
        _ => "unknown",
    }
}

const PERF_TYPES: &[&str] = &[
    "hardware",
    "software",
    "tracepoint",
    "hw-cache",
    "raw",
    "breakpoint",
];
const PERF_HW: &[&str] = &[
    "cpu-cycles",
    "instructions",
    "cache-references",
    "cache-misses",
    "branch-instructions",
    "branch-misses",
    "bus-cycles",
    "stalled-cycles-frontend",
    "stalled-cycles-backend",
    "ref-cycles",
];
const PERF_SW: &[&str] = &[
    "cpu-clock",
    "task-clock",
    "page-faults",
    "context-switches",
    "cpu-migrations",
    "minor-faults",
    "major-faults",
    "alignment-faults",
    "emulation-faults",
    "dummy",
    "bpf-output",
    "cgroup-switches",
];
const PERF_HW_CACHE: &[&str] = &[
    "L1-dcache",
    "L1-icache",
    "LLC",
    "dTLB",
    "iTLB",
    "branch",
    "node",
];
const PERF_HW_CACHE_OP: &[&str] = &["load", "store", "prefetch"];
const PERF_HW_CACHE_RESULT: &[&str] = &["refs", "misses"];

fn table_name(table: &[&str], v: u64) -> Option<String> {
    usize::try_from(v)
        .ok()
        .and_then(|i| table.get(i))
        .map(|s| s.to_string())
}

/// bpftool's perf_config_str: a name for hardware, software and hw-cache configs.
pub fn perf_config(type_: u32, config: u64) -> NameOrNum {
    let name = match type_ {
        libbpf_sys::PERF_TYPE_HARDWARE => table_name(PERF_HW, config),
        libbpf_sys::PERF_TYPE_SOFTWARE => table_name(PERF_SW, config),
        libbpf_sys::PERF_TYPE_HW_CACHE => {
            let part = |t: &[&str], v: u64| table_name(t, v).unwrap_or_else(|| v.to_string());
            Some(format!(
                "{}-{}-{}",
                part(PERF_HW_CACHE, config & 0xff),
                part(PERF_HW_CACHE_OP, (config >> 8) & 0xff),
                part(PERF_HW_CACHE_RESULT, config >> 16)
            ))
        }
        _ => None,
    };
    name.map(NameOrNum::Name).unwrap_or(NameOrNum::Num(config))
}

/// bpftool's perf_type_name; other types (dynamic PMUs) stay numbers.
pub fn perf_type(type_: u32) -> NameOrNum {
    table_name(PERF_TYPES, type_ as u64)
        .map(NameOrNum::Name)
        .unwrap_or(NameOrNum::Num(type_ as u64))
}

fn is_iter_map_target(t: &str) -> bool {
    t == "bpf_map_elem" || t == "bpf_sk_storage_map"
}

fn is_iter_task_target(t: &str) -> bool {
    t == "task" || t == "task_file" || t == "task_vma"
}

/// The record for one link fd. `ksyms` is loaded on the first kprobe_multi link.
pub fn record(fd: &OwnedFd, ksyms: &mut Option<KernelSymbols>) -> Result<LinkRecord> {
    let Fetched { info, name, u64s } = fetch(fd)?;
    let u = &info.__bindgen_anon_1;
    // SAFETY (all union reads below): the member read is the one info.type_ selects.
    let detail = unsafe {
        match info.type_ {
            libbpf_sys::BPF_LINK_TYPE_RAW_TRACEPOINT => LinkDetail::RawTracepoint {
                tp_name: name,
                cookie: u.raw_tracepoint.cookie,
            },
            libbpf_sys::BPF_LINK_TYPE_TRACING => LinkDetail::Tracing {
                prog_type: ids::fd_by_id(ObjKind::Prog, info.prog_id)
                    .ok()
                    .and_then(|pfd| prog::info(&pfd).ok())
                    .map(|(pi, _)| names::prog_type(pi.type_)),
                attach_type: names::attach_type(u.tracing.attach_type),
                target_obj_id: u.tracing.target_obj_id,
                target_btf_id: u.tracing.target_btf_id,
                cookie: u.tracing.cookie,
            },
            libbpf_sys::BPF_LINK_TYPE_CGROUP => LinkDetail::Cgroup {
                cgroup_id: u.cgroup.cgroup_id,
                attach_type: names::attach_type(u.cgroup.attach_type),
            },
            libbpf_sys::BPF_LINK_TYPE_ITER => {
                let task = u.iter.__bindgen_anon_2.task;
                let cg = u.iter.__bindgen_anon_2.cgroup;
                let is_task = is_iter_task_target(&name);
                let is_cgroup = name == "cgroup";
                LinkDetail::Iter(IterDetail {
                    map_id: is_iter_map_target(&name).then_some(u.iter.__bindgen_anon_1.map.map_id),
                    tid: (is_task && task.tid != 0).then_some(task.tid),
                    pid: (is_task && task.tid == 0 && task.pid != 0).then_some(task.pid),
                    cgroup_id: is_cgroup.then_some(cg.cgroup_id),
                    order: is_cgroup.then(|| cgroup_order(cg.order)),
                    target_name: name,
                })
            }
            libbpf_sys::BPF_LINK_TYPE_NETNS => LinkDetail::Netns {
                netns_ino: u.netns.netns_ino,
                attach_type: names::attach_type(u.netns.attach_type),
            },
            libbpf_sys::BPF_LINK_TYPE_NETFILTER => LinkDetail::Netfilter {
                pf: u.netfilter.pf,
                hook: u.netfilter.hooknum,
                prio: u.netfilter.priority,
                flags: u.netfilter.flags,
            },
            libbpf_sys::BPF_LINK_TYPE_TCX => LinkDetail::Dev {
                dev: device(u.tcx.ifindex),
                attach_type: names::attach_type(u.tcx.attach_type),
            },
            libbpf_sys::BPF_LINK_TYPE_NETKIT => LinkDetail::Dev {
                dev: device(u.netkit.ifindex),
                attach_type: names::attach_type(u.netkit.attach_type),
            },
            libbpf_sys::BPF_LINK_TYPE_SOCKMAP => LinkDetail::Sockmap {
                map_id: u.sockmap.map_id,
                attach_type: names::attach_type(u.sockmap.attach_type),
            },
            libbpf_sys::BPF_LINK_TYPE_XDP => LinkDetail::Xdp {
                dev: device(u.xdp.ifindex),
            },
            libbpf_sys::BPF_LINK_TYPE_STRUCT_OPS => LinkDetail::StructOps {
                map_id: u.struct_ops.map_id,
            },
            libbpf_sys::BPF_LINK_TYPE_KPROBE_MULTI => {
                let km = u.kprobe_multi;
                let syms = ksyms.get_or_insert_with(super::progdump::kallsyms);
                LinkDetail::KprobeMulti {
                    retprobe: km.flags & libbpf_sys::BPF_F_KPROBE_MULTI_RETURN != 0,
                    func_cnt: km.count,
                    missed: km.missed,
                    funcs: kprobe_funcs(&u64s[0], &u64s[1], km.count as usize, syms),
                }
            }
            libbpf_sys::BPF_LINK_TYPE_UPROBE_MULTI => {
                let um = u.uprobe_multi;
                let n = (um.count as usize).min(u64s[0].len());
                LinkDetail::UprobeMulti {
                    retprobe: um.flags & libbpf_sys::BPF_F_UPROBE_MULTI_RETURN != 0,
                    path: name,
                    func_cnt: um.count,
                    pid: um.pid as i32,
                    funcs: (0..n)
                        .map(|i| UprobeFunc {
                            offset: u64s[0][i],
                            ref_ctr_offset: u64s[1][i],
                            cookie: u64s[2][i],
                        })
                        .collect(),
                }
            }
            libbpf_sys::BPF_LINK_TYPE_PERF_EVENT => {
                let pe = &u.perf_event.__bindgen_anon_1;
                let t = u.perf_event.type_;
                LinkDetail::PerfEvent(match t {
                    libbpf_sys::BPF_PERF_EVENT_EVENT => PerfLink::Event {
                        event_type: perf_type(pe.event.type_),
                        event_config: perf_config(pe.event.type_, pe.event.config),
                        cookie: pe.event.cookie,
                    },
                    libbpf_sys::BPF_PERF_EVENT_TRACEPOINT => PerfLink::Tracepoint {
                        tracepoint: name,
                        cookie: pe.tracepoint.cookie,
                    },
                    libbpf_sys::BPF_PERF_EVENT_KPROBE | libbpf_sys::BPF_PERF_EVENT_KRETPROBE => {
                        PerfLink::Kprobe {
                            retprobe: t == libbpf_sys::BPF_PERF_EVENT_KRETPROBE,
                            addr: pe.kprobe.addr,
                            func: name,
                            offset: pe.kprobe.offset,
                            missed: pe.kprobe.missed,
                            cookie: pe.kprobe.cookie,
                        }
                    }
                    libbpf_sys::BPF_PERF_EVENT_UPROBE | libbpf_sys::BPF_PERF_EVENT_URETPROBE => {
                        PerfLink::Uprobe {
                            retprobe: t == libbpf_sys::BPF_PERF_EVENT_URETPROBE,
                            file: name,
                            offset: pe.uprobe.offset,
                            cookie: pe.uprobe.cookie,
                            ref_ctr_offset: pe.uprobe.ref_ctr_offset,
                        }
                    }
                    _ => PerfLink::Unknown {},
                })
            }
            _ => LinkDetail::Other {},
        }
    };
    Ok(LinkRecord {
        id: info.id,
        link_type: names::link_type(info.type_),
        prog_id: info.prog_id,
        detail,
        pinned: None,
        bpf_cookie: None,
        pids: vec![],
    })
}

/// kprobe_multi targets sorted by address, each named from kallsyms; like
/// bpftool, addresses kallsyms cannot name are left out.
fn kprobe_funcs(
    addrs: &[u64],
    cookies: &[u64],
    count: usize,
    syms: &KernelSymbols,
) -> Vec<KprobeFunc> {
    let n = count.min(addrs.len()).min(cookies.len());
    let mut pairs: Vec<(u64, u64)> = addrs[..n]
        .iter()
        .copied()
        .zip(cookies[..n].iter().copied())
        .collect();
    pairs.sort_by_key(|p| p.0);
    pairs
        .into_iter()
        .filter_map(|(addr, cookie)| {
            let (func, module) = kprobe_target(syms, addr)?;
            Some(KprobeFunc {
                addr,
                func: func.to_string(),
                module: module.map(str::to_string),
                cookie,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::names::KindName;

    #[test]
    fn perf_event_names() {
        assert_eq!(perf_type(1), NameOrNum::Name("software".into()));
        assert_eq!(perf_type(9), NameOrNum::Num(9));
        assert_eq!(perf_config(0, 1), NameOrNum::Name("instructions".into()));
        assert_eq!(perf_config(1, 10), NameOrNum::Name("bpf-output".into()));
        assert_eq!(
            perf_config(3, 0x10002),
            NameOrNum::Name("LLC-load-misses".into())
        );
        assert_eq!(perf_config(3, 0x2_09_ff), NameOrNum::Name("255-9-2".into()));
        assert_eq!(perf_config(4, 0x1234), NameOrNum::Num(0x1234));
    }

    fn rec(detail: LinkDetail) -> LinkRecord {
        LinkRecord {
            id: 7,
            link_type: KindName::Name("x".into()),
            prog_id: 9,
            detail,
            pinned: None,
            bpf_cookie: None,
            pids: vec![],
        }
    }

    #[test]
    fn json_keys_follow_bpftool_order() {
        let r = rec(LinkDetail::RawTracepoint {
            tp_name: "sys_enter".into(),
            cookie: 0,
        });
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":7,"type":"x","prog_id":9,"tp_name":"sys_enter","cookie":0}"#
        );
        let r = rec(LinkDetail::Xdp { dev: device(0) });
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":7,"type":"x","prog_id":9,"devname":"(detached)","ifindex":0}"#
        );
        let r = rec(LinkDetail::Other {});
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":7,"type":"x","prog_id":9}"#
        );
        let r = rec(LinkDetail::KprobeMulti {
            retprobe: false,
            func_cnt: 1,
            missed: 0,
            funcs: vec![KprobeFunc {
                addr: 16,
                func: "f".into(),
                module: None,
                cookie: 3,
            }],
        });
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":7,"type":"x","prog_id":9,"retprobe":false,"func_cnt":1,"missed":0,"funcs":[{"addr":16,"func":"f","module":null,"cookie":3}]}"#
        );
        let r = rec(LinkDetail::PerfEvent(PerfLink::Event {
            event_type: perf_type(1),
            event_config: perf_config(1, 0),
            cookie: 5,
        }));
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":7,"type":"x","prog_id":9,"event_type":"software","event_config":"cpu-clock","cookie":5}"#
        );
    }

    #[test]
    fn kprobe_funcs_sorted_and_named() {
        let syms = KernelSymbols::parse("0000000000000100 T a\n0000000000000200 t b\t[m]\n".into());
        let f = kprobe_funcs(&[0x200, 0x100, 0x300], &[2, 1, 3], 3, &syms);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].func.as_str(), f[0].cookie), ("a", 1));
        assert_eq!((f[1].module.as_deref(), f[1].cookie), (Some("m"), 2));
        // An IBT entry point: the kprobe sits 4 bytes after the symbol.
        assert_eq!(kprobe_funcs(&[0x104], &[0], 1, &syms)[0].func, "a");
    }
}
