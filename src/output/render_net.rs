//! Text (bpftool's `net show` layout: src/net.c and netlink_dumper.c, whose
//! NET_* macros print a line per attachment and a blank line per section) and
//! a table for `NetRecord`. JSON is serde over the record.
use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use super::render_link::netfilter_text;
use crate::record::net::{NetRecord, TcEntry, XdpEntry};
use crate::text::escape;

fn dev(name: &str, ifindex: u32) -> String {
    format!("{}({ifindex})", escape(name))
}

fn xdp_progs(e: &XdpEntry) -> String {
    let mut s = String::new();
    if let (Some(m), Some(id)) = (e.mode, e.id) {
        s.push_str(&format!(" {m} id {id}"));
    }
    for p in e.multi_attachments.iter().flatten() {
        s.push_str(&format!(" {} id {}", p.mode, p.id));
    }
    s
}

/// The text after `DEV(IFINDEX) KIND` of a tc line.
fn tc_rest(t: &TcEntry) -> String {
    let mut s = String::new();
    match t {
        TcEntry::Mprog(m) => {
            if let Some(n) = &m.name {
                s.push_str(&format!(" {}", escape(n)));
            }
            s.push_str(&format!(" prog_id {} ", m.prog_id));
            if !m.prog_flags.is_empty() {
                s.push_str("prog_flags ");
                m.prog_flags
                    .iter()
                    .for_each(|f| s.push_str(&format!("{f} ")));
            }
            if m.link_id != 0 {
                s.push_str(&format!("link_id {} ", m.link_id));
                if !m.link_flags.is_empty() {
                    s.push_str("link_flags ");
                    m.link_flags
                        .iter()
                        .for_each(|f| s.push_str(&format!("{f} ")));
                }
            }
        }
        TcEntry::Filter(f) => {
            if let Some(n) = &f.name {
                s.push_str(&format!(" {}", escape(n)));
            }
            if let Some(id) = f.id {
                s.push_str(&format!(" id {id}"));
            }
            if let Some(acts) = &f.act {
                s.push_str(" act [");
                for a in acts {
                    s.push('{');
                    if let Some(n) = &a.name {
                        s.push_str(&escape(n));
                    }
                    if let Some(id) = a.id {
                        s.push_str(&format!(" id {id}"));
                    }
                    s.push('}');
                }
                s.push_str("] ");
            }
        }
    }
    s
}

fn tc_head(t: &TcEntry) -> (String, String) {
    match t {
        TcEntry::Mprog(m) => (dev(&m.devname, m.ifindex), m.kind.to_string()),
        // bpftool leaves the name out when the link dump had none.
        TcEntry::Filter(f) => (dev(&f.devname, f.ifindex), f.kind.clone()),
    }
}

pub fn text(w: &mut dyn Write, r: &NetRecord) -> io::Result<()> {
    writeln!(w, "xdp:")?;
    for e in &r.xdp {
        writeln!(w, "{}{}", dev(&e.devname, e.ifindex), xdp_progs(e))?;
    }
    writeln!(w)?;
    writeln!(w, "tc:")?;
    for t in &r.tc {
        let (d, kind) = tc_head(t);
        writeln!(w, "{d} {}{}", escape(&kind), tc_rest(t))?;
    }
    writeln!(w)?;
    writeln!(w, "flow_dissector:")?;
    for f in &r.flow_dissector {
        write!(w, "id {}", f.id)?;
    }
    writeln!(w)?;
    writeln!(w, "netfilter:")?;
    for n in &r.netfilter {
        write!(
            w,
            "{} prog_id {}",
            netfilter_text(n.pf, n.hook, n.prio, n.flags),
            n.id
        )?;
    }
    writeln!(w)
}

pub fn table(w: &mut dyn Write, r: &NetRecord) -> io::Result<()> {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(vec!["SECTION", "DEVICE", "KIND", "PROG", "DETAILS"]);
    let clean = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for e in &r.xdp {
        let modes = e
            .mode
            .map(String::from)
            .into_iter()
            .chain(
                e.multi_attachments
                    .iter()
                    .flatten()
                    .map(|p| p.mode.to_string()),
            )
            .collect::<Vec<_>>()
            .join(", ");
        let ids =
            e.id.into_iter()
                .chain(e.multi_attachments.iter().flatten().map(|p| p.id))
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ");
        t.add_row(vec![
            "xdp".into(),
            dev(&e.devname, e.ifindex),
            modes,
            ids,
            String::new(),
        ]);
    }
    for e in &r.tc {
        let (d, kind) = tc_head(e);
        let prog = match e {
            TcEntry::Mprog(m) => m.prog_id.to_string(),
            TcEntry::Filter(f) => f.id.map(|i| i.to_string()).unwrap_or_default(),
        };
        t.add_row(vec!["tc".into(), d, kind, prog, clean(tc_rest(e))]);
    }
    for f in &r.flow_dissector {
        t.add_row(vec![
            "flow_dissector".into(),
            String::new(),
            String::new(),
            f.id.to_string(),
            String::new(),
        ]);
    }
    for n in &r.netfilter {
        t.add_row(vec![
            "netfilter".into(),
            String::new(),
            clean(netfilter_text(n.pf, n.hook, n.prio, n.flags)),
            n.id.to_string(),
            String::new(),
        ]);
    }
    writeln!(w, "{t}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::net::{FlowDissector, MprogEntry, NetfilterEntry, TcAct, TcFilter, XdpProg};

    #[test]
    fn empty_like_bpftool() {
        let mut v = Vec::new();
        text(&mut v, &NetRecord::default()).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "xdp:\n\ntc:\n\nflow_dissector:\n\nnetfilter:\n\n"
        );
    }

    #[test]
    fn every_section_like_bpftool() {
        let r = NetRecord {
            xdp: vec![
                XdpEntry {
                    devname: "veth0".into(),
                    ifindex: 5,
                    mode: Some("generic"),
                    id: Some(11),
                    multi_attachments: None,
                },
                XdpEntry {
                    devname: "eth1".into(),
                    ifindex: 6,
                    mode: None,
                    id: None,
                    multi_attachments: Some(vec![
                        XdpProg {
                            mode: "generic",
                            id: 1,
                        },
                        XdpProg {
                            mode: "driver",
                            id: 2,
                        },
                    ]),
                },
            ],
            tc: vec![
                TcEntry::Mprog(MprogEntry {
                    devname: "veth0".into(),
                    ifindex: 5,
                    kind: "tcx/ingress",
                    name: Some("tcx_prog".into()),
                    prog_id: 12,
                    prog_flags: vec![],
                    link_id: 0,
                    link_flags: vec![],
                }),
                TcEntry::Mprog(MprogEntry {
                    devname: "veth0".into(),
                    ifindex: 5,
                    kind: "tcx/egress",
                    name: None,
                    prog_id: 13,
                    prog_flags: vec![8],
                    link_id: 4,
                    link_flags: vec![],
                }),
                TcEntry::Filter(TcFilter {
                    devname: "veth0".into(),
                    ifindex: 5,
                    kind: "clsact/ingress".into(),
                    name: Some("cls.o:[classifier]".into()),
                    id: Some(14),
                    act: Some(vec![TcAct {
                        name: Some("a".into()),
                        id: Some(15),
                    }]),
                }),
            ],
            flow_dissector: vec![FlowDissector { id: 16 }],
            netfilter: vec![NetfilterEntry {
                pf: 2,
                hook: 1,
                prio: -100,
                flags: 0,
                id: 17,
            }],
        };
        let mut v = Vec::new();
        text(&mut v, &r).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "xdp:\nveth0(5) generic id 11\neth1(6) generic id 1 driver id 2\n\n\
             tc:\nveth0(5) tcx/ingress tcx_prog prog_id 12 \n\
             veth0(5) tcx/egress prog_id 13 prog_flags 8 link_id 4 \n\
             veth0(5) clsact/ingress cls.o:[classifier] id 14 act [{a id 15}] \n\n\
             flow_dissector:\nid 16\n\
             netfilter:\n\n\tip input prio -100 prog_id 17\n"
        );
        assert_eq!(
            serde_json::to_string(&r.tc[0]).unwrap(),
            r#"{"devname":"veth0","ifindex":5,"kind":"tcx/ingress","name":"tcx_prog","prog_id":12,"prog_flags":[],"link_id":0,"link_flags":[]}"#
        );
        assert_eq!(
            serde_json::to_string(&r.netfilter[0]).unwrap(),
            r#"{"pf":2,"hook":1,"prio":-100,"flags":0,"id":17}"#
        );
        let mut v = Vec::new();
        table(&mut v, &r).unwrap();
        assert!(String::from_utf8(v).unwrap().contains("ip input prio -100"));
    }
}
