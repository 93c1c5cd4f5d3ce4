//! Text (bpftool's `link show` layout, src/link.c show_link_close_plain) and
//! table rows for `LinkRecord`. bpftool's lines end in two spaces; kept, so the
//! output diffs clean against bpftool's.
use std::io::{self, Write};

use super::render::{pids_text, Render};
use crate::record::link::{Device, LinkDetail, LinkRecord, NameOrNum, PerfLink};
use crate::record::names::KindName;
use crate::text::escape;

/// A type name, or the bare number for one libbpf does not know (bpftool's `%u`).
fn kn(k: &KindName) -> String {
    match k {
        KindName::Name(s) => s.clone(),
        KindName::Num(n) => n.to_string(),
    }
}

/// C's `%#x`: `0x1f`, but plain `0` for zero.
fn c_alt_hex(v: u32) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

fn dev_text(d: &Device) -> String {
    if d.found {
        format!("{}({})", escape(&d.devname), d.ifindex)
    } else {
        d.devname.clone()
    }
}

pub(crate) fn netfilter_text(pf: u32, hook: u32, prio: i32, flags: u32) -> String {
    const INET_HOOKS: &[&str] = &["prerouting", "input", "forward", "output", "postrouting"];
    const ARP_HOOKS: &[&str] = &["input", "output"];
    let pfname = match pf {
        1 => Some("inet"),
        2 => Some("ip"),
        3 => Some("arp"),
        5 => Some("netdev"),
        7 => Some("bridge"),
        10 => Some("ip6"),
        _ => None,
    };
    let hookname = match pf {
        1 | 2 | 7 | 10 => INET_HOOKS.get(hook as usize),
        3 => ARP_HOOKS.get(hook as usize),
        _ => None,
    };
    let mut s = match pfname {
        Some(n) => format!("\n\t{n}"),
        None => format!("\n\tpf: {pf}"),
    };
    match hookname {
        Some(h) => s.push_str(&format!(" {h}")),
        None => s.push_str(&format!(", hook {hook},")),
    }
    s.push_str(&format!(" prio {prio}"));
    if flags != 0 {
        s.push_str(&format!(" flags 0x{flags:x}"));
    }
    s
}

fn perf_text(pe: &PerfLink) -> String {
    let mut s = String::new();
    match pe {
        PerfLink::Event {
            event_type,
            event_config,
            cookie,
        } => {
            s.push_str("\n\tevent ");
            match event_type {
                NameOrNum::Name(n) => s.push_str(&format!("{n}:")),
                NameOrNum::Num(n) => s.push_str(&format!("{n} :")),
            }
            s.push_str(&format!("{event_config}  "));
            if *cookie != 0 {
                s.push_str(&format!("cookie {cookie}  "));
            }
        }
        PerfLink::Tracepoint { tracepoint, cookie } => {
            if tracepoint.is_empty() {
                return s;
            }
            s.push_str(&format!("\n\ttracepoint {}  ", escape(tracepoint)));
            if *cookie != 0 {
                s.push_str(&format!("cookie {cookie}  "));
            }
        }
        PerfLink::Kprobe {
            retprobe,
            addr,
            func,
            offset,
            missed,
            cookie,
        } => {
            if func.is_empty() && *addr == 0 {
                return s;
            }
            s.push_str(if *retprobe {
                "\n\tkretprobe "
            } else {
                "\n\tkprobe "
            });
            if *addr != 0 {
                s.push_str(&format!("{addr:x} "));
            }
            s.push_str(&escape(func));
            if *offset != 0 {
                s.push_str(&format!("+{offset:#x}"));
            }
            if *missed != 0 {
                s.push_str(&format!("  missed {missed}"));
            }
            if *cookie != 0 {
                s.push_str(&format!("  cookie {cookie}"));
            }
            s.push_str("  ");
        }
        PerfLink::Uprobe {
            retprobe,
            file,
            offset,
            cookie,
            ref_ctr_offset,
        } => {
            if file.is_empty() {
                return s;
            }
            s.push_str(if *retprobe {
                "\n\turetprobe "
            } else {
                "\n\tuprobe "
            });
            s.push_str(&format!("{}+{}  ", escape(file), c_alt_hex(*offset)));
            if *cookie != 0 {
                s.push_str(&format!("cookie {cookie}  "));
            }
            if *ref_ctr_offset != 0 {
                s.push_str(&format!("ref_ctr_offset 0x{ref_ctr_offset:x}  "));
            }
        }
        PerfLink::Unknown {} => {}
    }
    s
}

/// The type-specific part of the text, starting right after the header.
fn detail_text(d: &LinkDetail) -> String {
    let mut s = String::new();
    match d {
        LinkDetail::RawTracepoint { tp_name, cookie } => {
            s.push_str(&format!("\n\ttp '{}'  ", escape(tp_name)));
            if *cookie != 0 {
                s.push_str(&format!("cookie {cookie}  "));
            }
        }
        LinkDetail::Tracing {
            prog_type,
            attach_type,
            target_obj_id,
            target_btf_id,
            cookie,
        } => {
            if let Some(pt) = prog_type {
                s.push_str(&format!("\n\tprog_type {}  ", kn(pt)));
            }
            s.push_str(&format!("attach_type {}  ", kn(attach_type)));
            if *target_obj_id != 0 || *target_btf_id != 0 {
                s.push_str(&format!(
                    "\n\ttarget_obj_id {target_obj_id}  target_btf_id {target_btf_id}  "
                ));
            }
            if *cookie != 0 {
                s.push_str(&format!("\n\tcookie {cookie}  "));
            }
        }
        LinkDetail::Cgroup {
            cgroup_id,
            attach_type,
        } => s.push_str(&format!(
            "\n\tcgroup_id {cgroup_id}  attach_type {}  ",
            kn(attach_type)
        )),
        LinkDetail::Iter(it) => {
            s.push_str(&format!("target_name {}  ", escape(&it.target_name)));
            if let Some(m) = it.map_id {
                s.push_str(&format!("map_id {m}  "));
            } else if let Some(t) = it.tid {
                s.push_str(&format!("tid {t} "));
            } else if let Some(p) = it.pid {
                s.push_str(&format!("pid {p} "));
            }
            if let (Some(c), Some(o)) = (it.cgroup_id, it.order) {
                s.push_str(&format!("cgroup_id {c}  order {o}  "));
            }
        }
        LinkDetail::Netns {
            netns_ino,
            attach_type,
        } => s.push_str(&format!(
            "\n\tnetns_ino {netns_ino}  attach_type {}  ",
            kn(attach_type)
        )),
        LinkDetail::Netfilter {
            pf,
            hook,
            prio,
            flags,
        } => s.push_str(&netfilter_text(*pf, *hook, *prio, *flags)),
        LinkDetail::Dev { dev, attach_type } => s.push_str(&format!(
            "\n\tifindex {}  attach_type {}  ",
            dev_text(dev),
            kn(attach_type)
        )),
        LinkDetail::Sockmap {
            map_id,
            attach_type,
        } => s.push_str(&format!(
            "\n\tmap_id {map_id}  attach_type {}  ",
            kn(attach_type)
        )),
        LinkDetail::Xdp { dev } => s.push_str(&format!("\n\tifindex {}  ", dev_text(dev))),
        LinkDetail::StructOps { .. } | LinkDetail::Other {} => {}
        LinkDetail::KprobeMulti {
            retprobe,
            func_cnt,
            missed,
            funcs,
        } => {
            if *func_cnt == 0 {
                return s;
            }
            s.push_str(if *retprobe {
                "\n\tkretprobe.multi  "
            } else {
                "\n\tkprobe.multi  "
            });
            s.push_str(&format!("func_cnt {func_cnt}  "));
            if *missed != 0 {
                s.push_str(&format!("missed {missed}  "));
            }
            s.push_str(&format!(
                "\n\t{:<16} {:<16} {}",
                "addr", "cookie", "func [module]"
            ));
            for f in funcs {
                s.push_str(&format!(
                    "\n\t{:016x} {:<16x} {}",
                    f.addr,
                    f.cookie,
                    escape(&f.func)
                ));
                match &f.module {
                    Some(m) => s.push_str(&format!(" [{}]  ", escape(m))),
                    None => s.push_str("  "),
                }
            }
        }
        LinkDetail::UprobeMulti {
            retprobe,
            path,
            func_cnt,
            pid,
            funcs,
        } => {
            if *func_cnt == 0 {
                return s;
            }
            s.push_str(if *retprobe {
                "\n\turetprobe.multi  "
            } else {
                "\n\tuprobe.multi  "
            });
            s.push_str(&format!("path {}  func_cnt {func_cnt}  ", escape(path)));
            if *pid != 0 {
                s.push_str(&format!("pid {}  ", *pid as u32));
            }
            s.push_str(&format!(
                "\n\t{:<16}   {:<16}   {:<16}",
                "offset", "ref_ctr_offset", "cookies"
            ));
            for f in funcs {
                s.push_str(&format!(
                    "\n\t0x{:<16x} 0x{:<16x} 0x{:<16x}",
                    f.offset, f.ref_ctr_offset, f.cookie
                ));
            }
        }
        LinkDetail::PerfEvent(pe) => s.push_str(&perf_text(pe)),
    }
    s
}

/// The details as one table cell: the text's lines, trimmed and joined.
fn detail_cell(d: &LinkDetail) -> String {
    detail_text(d)
        .split("\n\t")
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

impl Render for LinkRecord {
    fn text(&self, w: &mut dyn Write) -> io::Result<()> {
        write!(w, "{}: {}  ", self.id, self.link_type)?;
        match &self.detail {
            LinkDetail::StructOps { map_id } => write!(w, "map {map_id}  ")?,
            _ => write!(w, "prog {}  ", self.prog_id)?,
        }
        w.write_all(detail_text(&self.detail).as_bytes())?;
        for p in self.pinned.iter().flatten() {
            write!(w, "\n\tpinned {}", escape(p))?;
        }
        if !self.pids.is_empty() {
            if let Some(c) = self.bpf_cookie {
                write!(w, "\n\tbpf_cookie {c}")?;
            }
            write!(w, "\n\tpids {}", pids_text(&self.pids))?;
        }
        writeln!(w)
    }
    fn table_header() -> Vec<&'static str> {
        vec!["ID", "TYPE", "PROG", "DETAILS", "PINNED", "PIDS"]
    }
    fn table_row(&self) -> Vec<String> {
        let prog = match &self.detail {
            LinkDetail::StructOps { map_id } => format!("map {map_id}"),
            _ => self.prog_id.to_string(),
        };
        vec![
            self.id.to_string(),
            self.link_type.to_string(),
            prog,
            detail_cell(&self.detail),
            self.pinned
                .iter()
                .flatten()
                .map(|p| escape(p).into_owned())
                .collect::<Vec<_>>()
                .join("\n"),
            pids_text(&self.pids),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::link::{IterDetail, UprobeFunc};
    use crate::record::pids::PidRef;

    fn rec(t: &str, detail: LinkDetail) -> LinkRecord {
        LinkRecord {
            id: 3,
            link_type: KindName::Name(t.into()),
            prog_id: 12,
            detail,
            pinned: None,
            bpf_cookie: None,
            pids: vec![],
        }
    }

    fn text(r: &LinkRecord) -> String {
        let mut v = Vec::new();
        r.text(&mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn raw_tracepoint_like_bpftool() {
        let mut r = rec(
            "raw_tracepoint",
            LinkDetail::RawTracepoint {
                tp_name: "sys_enter".into(),
                cookie: 0,
            },
        );
        assert_eq!(
            text(&r),
            "3: raw_tracepoint  prog 12  \n\ttp 'sys_enter'  \n"
        );
        r.pinned = Some(vec!["/sys/fs/bpf/l".into()]);
        r.pids = vec![PidRef {
            pid: 9,
            comm: "a\x1b".into(),
        }];
        assert_eq!(
            text(&r),
            "3: raw_tracepoint  prog 12  \n\ttp 'sys_enter'  \n\tpinned /sys/fs/bpf/l\n\tpids a\\x1b(9)\n"
        );
    }

    #[test]
    fn perf_event_and_iter_like_bpftool() {
        let r = rec(
            "perf_event",
            LinkDetail::PerfEvent(PerfLink::Uprobe {
                retprobe: true,
                file: "/bin/sh".into(),
                offset: 0,
                cookie: 4,
                ref_ctr_offset: 0,
            }),
        );
        assert_eq!(
            text(&r),
            "3: perf_event  prog 12  \n\turetprobe /bin/sh+0  cookie 4  \n"
        );
        let r = rec(
            "perf_event",
            LinkDetail::PerfEvent(PerfLink::Kprobe {
                retprobe: false,
                addr: 0xffff1000,
                func: "vfs_read".into(),
                offset: 16,
                missed: 0,
                cookie: 0,
            }),
        );
        assert_eq!(
            text(&r),
            "3: perf_event  prog 12  \n\tkprobe ffff1000 vfs_read+0x10  \n"
        );
        let r = rec(
            "iter",
            LinkDetail::Iter(IterDetail {
                target_name: "task".into(),
                map_id: None,
                tid: None,
                pid: Some(77),
                cgroup_id: None,
                order: None,
            }),
        );
        assert_eq!(text(&r), "3: iter  prog 12  target_name task  pid 77 \n");
        let r = rec(
            "uprobe_multi",
            LinkDetail::UprobeMulti {
                retprobe: false,
                path: "/x".into(),
                func_cnt: 1,
                pid: 0,
                funcs: vec![UprobeFunc {
                    offset: 0x10,
                    ref_ctr_offset: 0,
                    cookie: 1,
                }],
            },
        );
        assert_eq!(
            text(&r),
            "3: uprobe_multi  prog 12  \n\tuprobe.multi  path /x  func_cnt 1  \n\toffset             ref_ctr_offset     cookies         \n\t0x10               0x0                0x1               \n"
        );
        assert_eq!(
            detail_cell(&r.detail),
            "uprobe.multi path /x func_cnt 1; offset ref_ctr_offset cookies; 0x10 0x0 0x1"
        );
    }

    #[test]
    fn struct_ops_netfilter_and_devices() {
        let r = rec("struct_ops", LinkDetail::StructOps { map_id: 5 });
        assert_eq!(text(&r), "3: struct_ops  map 5  \n");
        assert_eq!(netfilter_text(2, 1, -100, 0), "\n\tip input prio -100");
        assert_eq!(
            netfilter_text(4, 9, 1, 2),
            "\n\tpf: 4, hook 9, prio 1 flags 0x2"
        );
        let d = Device {
            devname: "lo".into(),
            ifindex: 1,
            found: true,
        };
        assert_eq!(dev_text(&d), "lo(1)");
    }
}
