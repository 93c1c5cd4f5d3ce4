//! vfsstat: calls of eight VFS functions per interval (libbpf-tools'
//! columns; the rate per second with an INTERVAL, totals without). Needs
//! fentry or kprobes: both sets are in the object (see ext4slower).

use crate::args::{interval_count_only, Config, OptSpec};
use crate::bytes::{u32_at, u64_at};
use crate::probes::{entry_probes, now_hms};
use crate::{Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[];

/// The counted functions, in the order of the stats keys and columns.
const STATS: [(&str, &str, &str); 8] = [
    ("read", "READ/s", "READ"),
    ("write", "WRITE/s", "WRITE"),
    ("fsync", "FSYNC/s", "FSYNC"),
    ("open", "OPEN/s", "OPEN"),
    ("create", "CREATE/s", "CREATE"),
    ("unlink", "UNLINK/s", "UNLINK"),
    ("mkdir", "MKDIR/s", "MKDIR"),
    ("rmdir", "RMDIR/s", "RMDIR"),
];

const PROGRAMS: &[ProgSpec] = entry_probes!(
    "vfs_read",
    "vfs_write",
    "vfs_fsync",
    "vfs_open",
    "vfs_create",
    "vfs_unlink",
    "vfs_mkdir",
    "vfs_rmdir",
);

pub(crate) const TOOL: Tool = Tool {
    name: "vfsstat",
    summary: "Count some VFS calls (read, write, fsync, open, create, unlink, mkdir, rmdir)",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/vfsstat.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Counts {
        map: "stats",
        columns,
        rows,
        header_each: false,
    },
    configure: interval_count_only,
};

fn columns(c: &Config) -> Vec<Column> {
    let mut v = vec![Column::left("time", "TIME", 9)];
    v.extend(STATS.iter().map(|(key, rate, total)| {
        Column::right(key, if c.interval.is_some() { rate } else { total }, 8)
    }));
    v
}

/// One row: key u32 (the stat), value u64 (calls); divided by the
/// interval as libbpf-tools does (whole calls per second).
fn rows(c: &Config, s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let per = c.interval.unwrap_or(1).max(1);
    let mut e = Event::default();
    e.push("time", now_hms(s));
    for (i, (key, _, _)) in STATS.iter().enumerate() {
        let calls = entries
            .iter()
            .find(|(k, _)| u32_at(k, 0) == Some(i as u32))
            .and_then(|(_, v)| u64_at(v, 0))
            .unwrap_or(0);
        e.push(key, calls / per);
    }
    vec![e]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};
    use crate::ArgError;

    fn kv(k: u32, v: u64) -> (Vec<u8>, Vec<u8>) {
        (k.to_ne_bytes().to_vec(), v.to_ne_bytes().to_vec())
    }

    fn config(args: &[&str]) -> Result<Config, ArgError> {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        TOOL.configure(&words, &Session::default())
    }

    #[test]
    fn arguments() {
        assert_eq!(config(&["5", "3"]).unwrap().interval, Some(5));
        assert!(config(&["0"]).is_err());
        assert!(config(&["1", "2", "3"]).is_err());
        assert!(config(&["-p", "1"]).is_err());
    }

    #[test]
    fn rates_per_interval() {
        let c = config(&["2"]).unwrap();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TIME        READ/s  WRITE/s  FSYNC/s   OPEN/s CREATE/s UNLINK/s  MKDIR/s  RMDIR/s"
        );
        // Recorded map entries: 11 reads, 4 writes, 3 rmdirs, no others.
        let r = rows(&c, &Session::default(), &[kv(0, 11), kv(1, 4), kv(7, 3)]);
        assert_eq!(r.len(), 1);
        let line = event_line(&cols, &r[0]);
        assert!(
            line.ends_with(
                "        5        2        0        0        0        0        0        1"
            ),
            "{line}"
        );
        assert_eq!(r[0].text("read"), "5");
        // Without an interval (one report of totals): plain counts.
        let c = config(&[]).unwrap();
        assert_eq!(columns(&c)[1].header, "READ");
        let r = rows(&c, &Session::default(), &[kv(0, 11)]);
        assert_eq!(r[0].text("read"), "11");
        assert_eq!(r[0].text("rmdir"), "0");
    }

    #[test]
    fn two_program_sets() {
        let f = PROGRAMS.iter().filter(|p| p.attach.is_fentry()).count();
        let k = PROGRAMS.iter().filter(|p| p.attach.is_kprobe()).count();
        assert_eq!((f, k), (8, 8));
    }
}
