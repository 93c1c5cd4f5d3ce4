//! Text (bpftool's layout) and table rows for the prog, map and BTF records
//! (`crate::record`). JSON needs nothing here: it is serde over the same records.
use std::io::{self, Write};

use crate::record::btf::BtfRecord;
use crate::record::map::MapRecord;
use crate::record::pids::PidRef;
use crate::record::prog::{ProgHeader, ProgRecord};
use crate::text::escape;

/// One record, three views: `text` (bpftool's layout), and a table header/row.
pub trait Render {
    fn text(&self, w: &mut dyn Write) -> io::Result<()>;
    fn table_header() -> Vec<&'static str>;
    fn table_row(&self) -> Vec<String>;
}

pub fn join_ids(ids: &[u32]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn pids_text(pids: &[PidRef]) -> String {
    pids.iter()
        .map(|p| format!("{}({})", escape(&p.comm), p.pid))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Seconds since the epoch in local time, as bpftool's strftime("%FT%T%z").
pub fn local_time(secs: i64) -> String {
    let t = secs as libc::time_t;
    // SAFETY: tm is plain old data, filled by localtime_r from a valid time_t.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the call.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return secs.to_string();
    }
    let off = tm.tm_gmtoff / 60;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        if off < 0 { '-' } else { '+' },
        off.abs() / 60,
        off.abs() % 60
    )
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

/// bpftool's first line of a program, for `prog show` and `prog dump`.
pub fn prog_header_text(h: &ProgHeader, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{}: {}  ", h.id, h.prog_type)?;
    if let Some(n) = &h.name {
        write!(w, "name {}  ", escape(n))?;
    }
    write!(w, "tag {}", h.tag)?;
    if h.gpl_compatible {
        write!(w, "  gpl")?;
    }
    if let (Some(t), Some(c)) = (h.run_time_ns, h.run_cnt) {
        write!(w, " run_time_ns {t} run_cnt {c}")?;
    }
    if let Some(m) = h.recursion_misses {
        write!(w, " recursion_misses {m}")?;
    }
    writeln!(w)
}

impl Render for ProgRecord {
    fn text(&self, w: &mut dyn Write) -> io::Result<()> {
        prog_header_text(&self.header, w)?;
        if let (Some(at), Some(uid)) = (self.loaded_at, self.uid) {
            writeln!(w, "\tloaded_at {}  uid {uid}", local_time(at))?;
        }
        write!(w, "\txlated {}B", self.bytes_xlated)?;
        match self.bytes_jited {
            Some(j) => write!(w, "  jited {j}B")?,
            None => write!(w, "  not jited")?,
        }
        if let Some(m) = self.bytes_memlock {
            write!(w, "  memlock {m}B")?;
        }
        if !self.map_ids.is_empty() {
            write!(w, "  map_ids {}", join_ids(&self.map_ids))?;
        }
        for p in self.pinned.iter().flatten() {
            write!(w, "\n\tpinned {}", escape(p))?;
        }
        if let Some(b) = self.btf_id {
            write!(w, "\n\tbtf_id {b}")?;
        }
        if !self.pids.is_empty() {
            write!(w, "\n\tpids {}", pids_text(&self.pids))?;
        }
        write!(w, "\n\tverified_insns {}", self.verified_insns)?;
        writeln!(w)?;
        if let Some(md) = &self.metadata {
            write!(w, "\tmetadata:")?;
            for (k, v) in md {
                write!(w, "\n\t\t{} = {}", escape(k), escape(&v.to_string()))?;
            }
            writeln!(w)?;
        }
        Ok(())
    }
    fn table_header() -> Vec<&'static str> {
        vec![
            "ID",
            "TYPE",
            "NAME",
            "TAG",
            "GPL",
            "LOADED AT",
            "UID",
            "XLATED",
            "JITED",
            "MEMLOCK",
            "MAPS",
            "BTF",
            "PIDS",
        ]
    }
    fn table_row(&self) -> Vec<String> {
        vec![
            self.header.id.to_string(),
            self.header.prog_type.to_string(),
            escape(self.header.name.as_deref().unwrap_or("")).into_owned(),
            self.header.tag.clone(),
            if self.header.gpl_compatible {
                "yes"
            } else {
                "no"
            }
            .into(),
            self.loaded_at.map(local_time).unwrap_or_default(),
            opt(&self.uid),
            format!("{}B", self.bytes_xlated),
            self.bytes_jited
                .map(|j| format!("{j}B"))
                .unwrap_or_else(|| "no".into()),
            self.bytes_memlock
                .map(|m| format!("{m}B"))
                .unwrap_or_default(),
            join_ids(&self.map_ids),
            opt(&self.btf_id),
            pids_text(&self.pids),
        ]
    }
}

impl Render for MapRecord {
    fn text(&self, w: &mut dyn Write) -> io::Result<()> {
        write!(w, "{}: {}  ", self.id, self.map_type)?;
        if let Some(n) = &self.name {
            write!(w, "name {}  ", escape(n))?;
        }
        write!(w, "flags 0x{:x}", self.flags)?;
        if !self.flag_names.is_empty() {
            write!(w, " ({})", self.flag_names.join(", "))?;
        }
        writeln!(w)?;
        write!(
            w,
            "\tkey {}B  value {}B  max_entries {}",
            self.bytes_key, self.bytes_value, self.max_entries
        )?;
        if let Some(m) = self.bytes_memlock {
            write!(w, "  memlock {m}B")?;
        }
        if self.owner_prog_type.is_some() || self.owner_jited.is_some() {
            write!(w, "\n\t")?;
            if let Some(t) = &self.owner_prog_type {
                write!(w, "owner_prog_type {t}  ")?;
            }
            if let Some(j) = self.owner_jited {
                write!(w, "owner{} jited", if j { "" } else { " not" })?;
            }
        }
        for p in self.pinned.iter().flatten() {
            write!(w, "\n\tpinned {}", escape(p))?;
        }
        if self.btf_id.is_some() || self.frozen != 0 {
            write!(w, "\n\t")?;
        }
        if let Some(b) = self.btf_id {
            write!(w, "btf_id {b}")?;
        }
        if self.frozen != 0 {
            write!(w, "{}frozen", if self.btf_id.is_some() { "  " } else { "" })?;
        }
        if !self.pids.is_empty() {
            write!(w, "\n\tpids {}", pids_text(&self.pids))?;
        }
        writeln!(w)
    }
    fn table_header() -> Vec<&'static str> {
        vec![
            "ID",
            "TYPE",
            "NAME",
            "FLAGS",
            "KEY",
            "VALUE",
            "MAX ENTRIES",
            "MEMLOCK",
            "FROZEN",
            "BTF",
            "PIDS",
        ]
    }
    fn table_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.map_type.to_string(),
            escape(self.name.as_deref().unwrap_or("")).into_owned(),
            format!("0x{:x}", self.flags),
            format!("{}B", self.bytes_key),
            format!("{}B", self.bytes_value),
            self.max_entries.to_string(),
            self.bytes_memlock
                .map(|m| format!("{m}B"))
                .unwrap_or_default(),
            if self.frozen != 0 { "yes" } else { "no" }.into(),
            opt(&self.btf_id),
            pids_text(&self.pids),
        ]
    }
}

impl Render for BtfRecord {
    fn text(&self, w: &mut dyn Write) -> io::Result<()> {
        write!(w, "{}: ", self.id)?;
        match (&self.name, self.kernel) {
            (Some(n), true) => write!(w, "name [{}]  ", escape(n))?,
            (Some(n), false) => write!(w, "name {}  ", escape(n))?,
            (None, _) => write!(w, "name <anon>  ")?,
        }
        write!(w, "size {}B", self.size)?;
        if !self.prog_ids.is_empty() {
            write!(w, "  prog_ids {}", join_ids(&self.prog_ids))?;
        }
        if !self.map_ids.is_empty() {
            write!(w, "  map_ids {}", join_ids(&self.map_ids))?;
        }
        if !self.pids.is_empty() {
            write!(w, "\n\tpids {}", pids_text(&self.pids))?;
        }
        writeln!(w)
    }
    fn table_header() -> Vec<&'static str> {
        vec![
            "ID", "NAME", "SIZE", "KERNEL", "PROG IDS", "MAP IDS", "PIDS",
        ]
    }
    fn table_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            escape(self.name.as_deref().unwrap_or("<anon>")).into_owned(),
            format!("{}B", self.size),
            if self.kernel { "yes" } else { "no" }.into(),
            join_ids(&self.prog_ids),
            join_ids(&self.map_ids),
            pids_text(&self.pids),
        ]
    }
}
