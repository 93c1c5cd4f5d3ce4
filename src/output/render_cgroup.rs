//! Text (bpftool's `cgroup show|tree` columns, src/cgroup.c) and tables for
//! the records of `record::cgroup`. JSON is serde over the same records.
use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use crate::record::cgroup::{CgroupEntry, CgroupProg};
use crate::record::names::KindName;
use crate::text::escape;

/// The column header bpftool prints before the programs.
pub fn header(w: &mut dyn Write, effective: bool) -> io::Result<()> {
    if effective {
        writeln!(w, "{:<8} {:<15} {:<15}", "ID", "AttachType", "Name")
    } else {
        writeln!(
            w,
            "{:<8} {:<15} {:<15} {:<15}",
            "ID", "AttachType", "AttachFlags", "Name"
        )
    }
}

/// One program line; programs of sub-cgroups in a tree are indented.
pub fn prog_line(w: &mut dyn Write, p: &CgroupProg) -> io::Result<()> {
    let indent = if p.level > 0 { "    " } else { "" };
    write!(w, "{indent}{:<8} ", p.id)?;
    match &p.attach_type {
        KindName::Name(n) => write!(w, "{n:<15}")?,
        KindName::Num(n) => write!(w, "type {n:<10}")?,
    }
    let name = escape(&p.name);
    match &p.attach_flags {
        None => write!(w, " {name:<15}")?,
        Some(f) => write!(w, " {f:<15} {name:<15}")?,
    }
    if let Some(b) = &p.attach_btf_name {
        write!(w, " {:<15}", escape(b))?;
    } else if p.attach_btf_id != 0 {
        write!(
            w,
            " attach_btf_obj_id={} attach_btf_id={}",
            p.attach_btf_obj_id, p.attach_btf_id
        )?;
    }
    writeln!(w)
}

/// `cgroup show` as text: nothing at all when nothing is attached (bpftool).
pub fn show_text(w: &mut dyn Write, progs: &[CgroupProg], effective: bool) -> io::Result<()> {
    if progs.is_empty() {
        return Ok(());
    }
    header(w, effective)?;
    progs.iter().try_for_each(|p| prog_line(w, p))
}

/// `cgroup tree` as text: the header, then each cgroup's path and programs.
pub fn tree_text(w: &mut dyn Write, entries: &[CgroupEntry], effective: bool) -> io::Result<()> {
    writeln!(w, "CgroupPath")?;
    header(w, effective)?;
    for e in entries {
        writeln!(w, "{}", escape(&e.cgroup))?;
        e.programs.iter().try_for_each(|p| prog_line(w, p))?;
    }
    Ok(())
}

fn row(p: &CgroupProg, effective: bool) -> Vec<String> {
    let mut r = vec![p.id.to_string(), p.attach_type.to_string()];
    if !effective {
        r.push(p.attach_flags.clone().unwrap_or_default());
    }
    r.push(escape(&p.name).into_owned());
    r.push(match &p.attach_btf_name {
        Some(b) => escape(b).into_owned(),
        None if p.attach_btf_id != 0 => {
            format!("obj {} type {}", p.attach_btf_obj_id, p.attach_btf_id)
        }
        None => String::new(),
    });
    r
}

fn table(cgroup_col: bool, effective: bool) -> Table {
    let mut h = vec![];
    if cgroup_col {
        h.push("CGROUP");
    }
    h.extend(["ID", "ATTACH TYPE"]);
    if !effective {
        h.push("FLAGS");
    }
    h.extend(["NAME", "ATTACH BTF"]);
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(h);
    t
}

pub fn show_table(w: &mut dyn Write, progs: &[CgroupProg], effective: bool) -> io::Result<()> {
    let mut t = table(false, effective);
    for p in progs {
        t.add_row(row(p, effective));
    }
    writeln!(w, "{t}")
}

pub fn tree_table(w: &mut dyn Write, entries: &[CgroupEntry], effective: bool) -> io::Result<()> {
    let mut t = table(true, effective);
    for e in entries {
        for p in &e.programs {
            let mut r = vec![escape(&e.cgroup).into_owned()];
            r.extend(row(p, effective));
            t.add_row(r);
        }
    }
    writeln!(w, "{t}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prog(flags: Option<&str>, level: usize) -> CgroupProg {
        CgroupProg {
            id: 42,
            attach_type: KindName::Name("cgroup_inet_egress".into()),
            attach_flags: flags.map(String::from),
            name: "egress_counter_long".into(),
            attach_btf_name: None,
            attach_btf_obj_id: 0,
            attach_btf_id: 0,
            level,
        }
    }

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut v = Vec::new();
        f(&mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn columns_like_bpftool() {
        let p = prog(Some("multi"), 0);
        assert_eq!(
            text(|w| show_text(w, &[p], false)),
            "ID       AttachType      AttachFlags     Name           \n\
             42       cgroup_inet_egress multi           egress_counter_long\n"
        );
        let mut p = prog(None, 1);
        p.attach_type = KindName::Num(99);
        p.attach_btf_obj_id = 1;
        p.attach_btf_id = 777;
        assert_eq!(
            text(|w| prog_line(w, &p)),
            "    42       type 99         egress_counter_long attach_btf_obj_id=1 attach_btf_id=777\n"
        );
        assert_eq!(text(|w| show_text(w, &[], true)), "");
    }

    #[test]
    fn tree_like_bpftool() {
        let e = CgroupEntry {
            cgroup: "/sys/fs/cgroup/a".into(),
            programs: vec![prog(Some(""), 1)],
        };
        assert_eq!(
            text(|w| tree_text(w, &[e], false)),
            "CgroupPath\n\
             ID       AttachType      AttachFlags     Name           \n\
             /sys/fs/cgroup/a\n    42       cgroup_inet_egress                 egress_counter_long\n"
        );
    }
}
