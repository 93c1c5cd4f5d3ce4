//! filetop: reads and writes by thread and file in a top view
//! (libbpf-tools' columns and -a -C -p -r -s; see [`crate::top`]). It
//! needs fentry or kprobes on vfs_read/vfs_write: both program sets are in
//! the object, the loader keeps the one this kernel attaches, and refuses
//! the tool where neither does.

use crate::args::{flag, opt, pid_filter, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::probes::prog;
use crate::top::{self, Sort};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('a', "all", "Include special files"),
    top::NOCLEAR,
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    top::ROWS,
    top::sort("Sort columns, default all [all, reads, writes, rbytes, wbytes]"),
    top::BATCH,
];

const PROGRAMS: &[ProgSpec] = &[
    prog("fentry_vfs_read", AttachPoint::Fentry("vfs_read")),
    prog("fentry_vfs_write", AttachPoint::Fentry("vfs_write")),
    prog("kprobe_vfs_read", AttachPoint::Kprobe("vfs_read")),
    prog("kprobe_vfs_write", AttachPoint::Kprobe("vfs_write")),
];

/// libbpf-tools' orders: "all" adds operations and bytes up.
const SORTS: &[Sort] = &[
    Sort::new("all", &["reads", "writes", "read_bytes", "write_bytes"]),
    Sort::new("reads", &["reads"]),
    Sort::new("writes", &["writes"]),
    Sort::new("rbytes", &["read_bytes"]),
    Sort::new("wbytes", &["write_bytes"]),
];

pub(crate) const TOOL: Tool = Tool {
    name: "filetop",
    summary: "File reads and writes top, by thread and file",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/filetop.bpf.o")),
    options: OPTIONS,
    report_options: top::REPORT_OPTIONS,
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Top {
        map: "entries",
        columns,
        rows,
        sorts: SORTS,
        title: top::loadavg_title,
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    top::configure(p, &mut c, SORTS)?;
    pid_filter(p, &mut c, "target_pid")?;
    c.rodata
        .push(("regular_file_only", RoValue::Bool(!p.has("all"))));
    Ok(c)
}

/// libbpf-tools' `%-7s %-16s %-6s %-6s %-7s %-7s %1s %s`.
fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("tid", "TID", 7),
        Column::left("comm", "COMM", 16),
        Column::left("reads", "READS", 6),
        Column::left("writes", "WRITES", 6),
        Column::left("read_kb", "R_Kb", 7),
        Column::left("write_kb", "W_Kb", 7),
        Column::left("type", "T", 1),
        Column::left("filename", "FILE", 0),
    ]
}

/// Value `struct file_stat`: reads@0 read_bytes@8 writes@16 write_bytes@24
/// pid@32 tid@36 filename[256]@40 comm[16]@296 type@312 (the key, `struct
/// file_id`, only makes rows distinct). One row per entry.
fn rows(_c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    top::rows_by_key(entries, |_, v| row(v))
}

fn row(v: &[u8]) -> Option<Event> {
    let (read_bytes, write_bytes) = (u64_at(v, 8)?, u64_at(v, 24)?);
    let kind = match *v.get(312)? {
        b'R' => "R",
        b'S' => "S",
        _ => "O",
    };
    let mut e = Event::default();
    e.push("tid", u32_at(v, 36)?);
    e.push("comm", cstr_at(v, 296, 16)?);
    e.push("reads", u64_at(v, 0)?);
    e.push("writes", u64_at(v, 16)?);
    e.push("read_kb", read_bytes / 1024);
    e.push("write_kb", write_bytes / 1024);
    e.push("type", kind);
    e.push("filename", cstr_at(v, 40, 256)?);
    e.push("pid", u32_at(v, 32)?);
    e.push("read_bytes", read_bytes);
    e.push("write_bytes", write_bytes);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;
    use crate::event::{event_line, header_line};

    /// A recorded `entries` element (key, struct file_stat).
    fn entry(tid: u32, comm: &str, file: &str, r: (u64, u64), w: (u64, u64)) -> (Vec<u8>, Vec<u8>) {
        let mut v = vec![0u8; 320];
        for (off, x) in [(0, r.0), (8, r.1), (16, w.0), (24, w.1)] {
            v[off..off + 8].copy_from_slice(&x.to_ne_bytes());
        }
        v[32..36].copy_from_slice(&(tid - 1).to_ne_bytes());
        v[36..40].copy_from_slice(&tid.to_ne_bytes());
        v[40..40 + file.len()].copy_from_slice(file.as_bytes());
        v[296..296 + comm.len()].copy_from_slice(comm.as_bytes());
        v[312] = b'R';
        let mut k = vec![0u8; 24];
        k[20..24].copy_from_slice(&tid.to_ne_bytes());
        (k, v)
    }

    #[test]
    fn decodes_and_formats_like_libbpf_tools() {
        let s = Session::default();
        let c = TOOL.configure(&[], &s).unwrap();
        let r = rows(&c, &s, &[entry(1234, "cat", "hosts", (3, 6144), (0, 0))]);
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TID     COMM             READS  WRITES R_Kb    W_Kb    T FILE"
        );
        assert_eq!(
            event_line(&cols, &r[0]),
            "1234    cat              3      0      6       0       R hosts"
        );
        assert_eq!(
            (r[0].text("pid"), r[0].text("read_bytes")),
            ("1233".into(), "6144".into())
        );
        // A value cut short (another layout) is skipped, not misread.
        assert!(rows(&c, &s, &[(vec![0; 24], vec![0; 100])]).is_empty());
    }

    #[test]
    fn sorts_by_the_chosen_column() {
        let s = Session::default();
        let entries = [
            entry(1, "reader", "a", (100, 100), (0, 0)),
            entry(2, "writer", "b", (0, 0), (2, 1 << 20)),
            entry(3, "both", "c", (10, 10), (10, 10)),
        ];
        let order = |args: &str| top::order(&TOOL, &s, &entries, args, "comm");
        assert_eq!(order(""), "writer,reader,both");
        assert_eq!(order("-s reads"), "reader,both,writer");
        assert_eq!(order("-s writes -r 2"), "both,writer");
        assert_eq!(order("-s wbytes"), "writer,both,reader");
    }

    #[test]
    fn options() {
        let s = Session::default();
        let c = TOOL.configure(&words("-a -p 7 5 2"), &s).unwrap();
        assert!(c
            .rodata
            .contains(&("regular_file_only", RoValue::Bool(false))));
        assert!(c.rodata.contains(&("target_pid", RoValue::U32(7))));
        assert_eq!((c.interval, c.count), (Some(5), Some(2)));
        let c = TOOL.configure(&[], &s).unwrap();
        assert!(c
            .rodata
            .contains(&("regular_file_only", RoValue::Bool(true))));
        for bad in ["-s io", "-r 0", "-p x", "1 2 3"] {
            assert!(TOOL.configure(&words(bad), &s).is_err(), "{bad}");
        }
        let fentry = PROGRAMS.iter().filter(|p| p.attach.is_fentry()).count();
        let kprobe = PROGRAMS.iter().filter(|p| p.attach.is_kprobe()).count();
        assert_eq!((fentry, kprobe), (2, 2));
    }
}
