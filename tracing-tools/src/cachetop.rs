//! cachetop: page cache hits, misses and dirtied pages per process in a top
//! view (BCC's cachetop: its columns, title and -p; the shared view adds
//! -C -r -s -b, see [`crate::top`]). It needs fentry or kprobes on three
//! page cache functions: both program sets are in the object, the loader
//! keeps the one this kernel attaches, and refuses the tool where neither
//! does.

use std::collections::BTreeMap;

use crate::args::{opt, pid_filter, Config, OptSpec, Parsed};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::probes::prog;
use crate::top::{self, Sort};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "trace this PID only"),
    top::NOCLEAR,
    top::sort("Sort column, default hits [hits, misses, dirties, read_hit, write_hit]"),
    top::ROWS,
    top::BATCH,
];

const PROGRAMS: &[ProgSpec] = &[
    prog("fentry_add_folio", AttachPoint::Fentry("filemap_add_folio")),
    prog(
        "fentry_mark_accessed",
        AttachPoint::Fentry("folio_mark_accessed"),
    ),
    prog(
        "fentry_buffer_dirty",
        AttachPoint::Fentry("mark_buffer_dirty"),
    ),
    prog("kprobe_add_folio", AttachPoint::Kprobe("filemap_add_folio")),
    prog(
        "kprobe_mark_accessed",
        AttachPoint::Kprobe("folio_mark_accessed"),
    ),
    prog(
        "kprobe_buffer_dirty",
        AttachPoint::Kprobe("mark_buffer_dirty"),
    ),
    prog(
        "writeback_dirty_folio",
        AttachPoint::Tracepoint("writeback", "writeback_dirty_folio"),
    ),
];

/// BCC's sort fields (its `<`/`>` keys), HITS first; descending, as BCC starts.
const SORTS: &[Sort] = &[
    Sort::new("hits", &["hits"]),
    Sort::new("misses", &["misses"]),
    Sort::new("dirties", &["dirties"]),
    Sort::new("read_hit", &["read_hit"]),
    Sort::new("write_hit", &["write_hit"]),
];

pub(crate) const TOOL: Tool = Tool {
    name: "cachetop",
    summary: "Page cache hits and misses top, by process",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/cachetop.bpf.o")),
    options: OPTIONS,
    report_options: top::REPORT_OPTIONS,
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Top {
        map: "counts",
        columns,
        rows,
        sorts: SORTS,
        title,
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    top::configure(p, &mut c, SORTS)?;
    pid_filter(p, &mut c, "target_pid")?;
    Ok(c)
}

/// BCC's `%-8s Buffers MB: %.0f / Cached MB: %.0f / Sort: %s / Order: %s`.
fn title(c: &Config, s: &Session, hms: &str) -> Option<String> {
    let (buffers, cached) = s.meminfo_kb?;
    let sort = match c.parsed.value("sort").unwrap_or("hits") {
        "read_hit" => "READ_HIT%".to_string(),
        "write_hit" => "WRITE_HIT%".to_string(),
        other => other.to_uppercase(),
    };
    let mb = |kb: u64| kb as f64 / 1024.0;
    Some(format!(
        "{hms:<8} Buffers MB: {:.0} / Cached MB: {:.0} / Sort: {sort} / Order: descending",
        mb(buffers),
        mb(cached)
    ))
}

/// BCC's `{0:8} {username:8.8} {2:16} {3:8} {4:8} {5:8} {6:9.1f}% {7:9.1f}%`.
fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::right("pid", "PID", 8),
        Column::left("uid", "UID", 8),
        Column::left("comm", "CMD", 16),
        Column::right("hits", "HITS", 8),
        Column::right("misses", "MISSES", 8),
        Column::right("dirties", "DIRTIES", 8),
        Column::right("read_hit_pct", "READ_HIT%", 10),
        Column::right("write_hit_pct", "WRITE_HIT%", 10),
    ]
}

/// The four counters of one process.
#[derive(Default)]
struct Counters {
    apcl: u64,
    mpa: u64,
    mbd: u64,
    apd: u64,
}

/// Key `struct key_t`: nf@0 (u64) pid@8 uid@12 comm[16]@16; value a u64.
/// Keys are per counter: a row adds a process's four up (BCC's
/// get_processes_stats), in (pid, uid, comm) order before the sort.
fn rows(_c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let mut procs: BTreeMap<(u32, u32, String), Counters> = BTreeMap::new();
    for (k, v) in entries {
        let (Some(nf), Some(pid), Some(uid), Some(comm), Some(n)) = (
            u64_at(k, 0),
            u32_at(k, 8),
            u32_at(k, 12),
            cstr_at(k, 16, 16),
            u64_at(v, 0),
        ) else {
            continue;
        };
        let c = procs.entry((pid, uid, comm)).or_default();
        match nf {
            0 => c.apcl += n,
            1 => c.mpa += n,
            2 => c.mbd += n,
            3 => c.apd += n,
            _ => {}
        }
    }
    procs
        .into_iter()
        .map(|((pid, uid, comm), c)| row(pid, uid, comm, &c))
        .collect()
}

/// BCC's arithmetic: hits are accesses plus dirtied buffers, misses pages
/// added plus folios dirtied; the hit ratios are shares of both.
fn row(pid: u32, uid: u32, comm: String, c: &Counters) -> Event {
    let hits = c.mpa + c.mbd;
    let misses = c.apcl + c.apd;
    let share = |n: u64| {
        if n > 0 {
            100.0 * n as f64 / (hits + misses) as f64
        } else {
            0.0
        }
    };
    let (read_hit, write_hit) = (share(c.mpa), share(c.apcl));
    let mut e = Event::default();
    e.push("pid", pid);
    e.push("uid", uid);
    e.push("comm", comm);
    e.push("hits", hits);
    e.push("misses", misses);
    e.push("dirties", c.mbd);
    e.push("read_hit_pct", format!("{read_hit:.1}%"));
    e.push("write_hit_pct", format!("{write_hit:.1}%"));
    e.push("read_hit", read_hit);
    e.push("write_hit", write_hit);
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;
    use crate::args::RoValue;
    use crate::event::{event_line, header_line};

    /// A recorded `counts` element: (struct key_t, u64).
    fn entry(nf: u64, pid: u32, comm: &str, n: u64) -> (Vec<u8>, Vec<u8>) {
        let mut k = vec![0u8; 32];
        k[..8].copy_from_slice(&nf.to_ne_bytes());
        k[8..12].copy_from_slice(&pid.to_ne_bytes());
        k[12..16].copy_from_slice(&0u32.to_ne_bytes());
        k[16..16 + comm.len()].copy_from_slice(comm.as_bytes());
        (k, n.to_ne_bytes().to_vec())
    }

    #[test]
    fn aggregates_like_bcc() {
        let s = Session::default();
        let c = TOOL.configure(&[], &s).unwrap();
        // BCC's example: rs:main Q:Reg has 10 hits, 4 misses, 2 dirties,
        // 57.1% read and 21.4% write hits.
        let entries = [
            entry(0, 567, "rs:main Q:Reg", 3),
            entry(1, 567, "rs:main Q:Reg", 8),
            entry(2, 567, "rs:main Q:Reg", 2),
            entry(3, 567, "rs:main Q:Reg", 1),
            entry(1, 1, "systemd", 2),
        ];
        let r = rows(&c, &s, &entries);
        assert_eq!(r.len(), 2);
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "     PID UID      CMD                  HITS   MISSES  DIRTIES  READ_HIT% WRITE_HIT%"
        );
        assert_eq!(
            event_line(&cols, &r[1]),
            "     567 0        rs:main Q:Reg          10        4        2      57.1%      21.4%"
        );
        assert_eq!(
            event_line(&cols, &r[0]).split_whitespace().nth(6),
            Some("100.0%")
        );
    }

    #[test]
    fn sorts_title_and_options() {
        let s = Session {
            meminfo_kb: Some((76 * 1024, 114 * 1024 + 300)),
            ..Default::default()
        };
        let entries = [
            entry(1, 1, "reader", 50),
            entry(0, 2, "adder", 70),
            entry(1, 2, "adder", 5),
        ];
        let order = |args: &str| top::order(&TOOL, &s, &entries, args, "comm");
        assert_eq!(order(""), "reader,adder");
        assert_eq!(order("-s misses"), "adder,reader");
        let c = TOOL.configure(&words("-s write_hit"), &s).unwrap();
        assert_eq!(
            title(&c, &s, "13:01:01").unwrap(),
            "13:01:01 Buffers MB: 76 / Cached MB: 114 / Sort: WRITE_HIT% / Order: descending"
        );
        let c = TOOL.configure(&words("-p 5 2"), &s).unwrap();
        assert!(c.rodata.contains(&("target_pid", RoValue::U32(5))));
        assert_eq!(c.interval, Some(2));
        for bad in ["-s HITS", "-p 0", "-r x"] {
            assert!(TOOL.configure(&words(bad), &s).is_err(), "{bad}");
        }
        let fentry = PROGRAMS.iter().filter(|p| p.attach.is_fentry()).count();
        let kprobe = PROGRAMS.iter().filter(|p| p.attach.is_kprobe()).count();
        assert_eq!((fentry, kprobe, PROGRAMS.len()), (3, 3, 7));
    }
}
