//! cachestat: page cache hits, misses and dirtied folios per interval
//! (libbpf-tools' columns and -T), from tracepoints: which counter comes
//! from which is in cachestat.bpf.c and docs/tools.md.

use crate::args::flag;
use crate::args::{interval_count, Config, OptSpec, Parsed};
use crate::bytes::{u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[flag('T', "timestamp", "Print timestamp")];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "mm_filemap_get_pages",
        attach: AttachPoint::Tracepoint("filemap", "mm_filemap_get_pages"),
    },
    ProgSpec {
        name: "mm_filemap_add_to_page_cache",
        attach: AttachPoint::Tracepoint("filemap", "mm_filemap_add_to_page_cache"),
    },
    ProgSpec {
        name: "writeback_dirty_folio",
        attach: AttachPoint::Tracepoint("writeback", "writeback_dirty_folio"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "cachestat",
    summary: "Count page cache hits, misses and dirties",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/cachestat.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp"],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Counts {
        map: "stats",
        columns,
        rows,
        header_each: false,
    },
    configure,
};

const STAT_ACCESSES: u32 = 0;
const STAT_MISSES: u32 = 1;
const STAT_DIRTIES: u32 = 2;

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    interval_count(p, &mut c)?;
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = Vec::new();
    if c.parsed.has("timestamp") {
        v.push(Column::left("time", "TIME", 8));
    }
    v.extend([
        Column::right("hits", "HITS", 8),
        Column::right("misses", "MISSES", 8),
        Column::right("dirties", "DIRTIES", 8),
        Column::right("ratio", "HITRATIO", 8),
        Column::right("buffers_mb", "BUFFERS_MB", 12),
        Column::right("cached_mb", "CACHED_MB", 10),
    ]);
    v
}

/// The three counters (key u32, value u64) as one row, with libbpf-tools'
/// arithmetic: hits = accesses - misses, both clamped at 0.
fn rows(c: &Config, s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let get = |key: u32| {
        entries
            .iter()
            .find(|(k, _)| u32_at(k, 0) == Some(key))
            .and_then(|(_, v)| u64_at(v, 0))
            .unwrap_or(0)
    };
    let total = get(STAT_ACCESSES);
    let mut misses = get(STAT_MISSES);
    let dirties = get(STAT_DIRTIES);
    let hits = match total.checked_sub(misses) {
        Some(h) => h,
        None => {
            // Readahead can add more pages than were asked for.
            misses = total;
            0
        }
    };
    let ratio = if total > 0 {
        hits as f64 * 100.0 / total as f64
    } else {
        0.0
    };
    let (buffers, cached) = s.meminfo_kb.unwrap_or((0, 0));
    let mut e = Event::default();
    if c.parsed.has("timestamp") {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        e.push(
            "time",
            format!(
                "{:02}:{:02}:{:02}",
                (now / 3600) % 24,
                (now / 60) % 60,
                now % 60
            ),
        );
    }
    e.push("hits", hits);
    e.push("misses", misses);
    e.push("dirties", dirties);
    e.push("ratio", format!("{ratio:.2}%"));
    e.push("buffers_mb", buffers / 1024);
    e.push("cached_mb", cached / 1024);
    e.push("accesses", total);
    vec![e]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(k: u32, v: u64) -> (Vec<u8>, Vec<u8>) {
        (k.to_ne_bytes().to_vec(), v.to_ne_bytes().to_vec())
    }

    #[test]
    fn arithmetic() {
        let s = Session {
            meminfo_kb: Some((2048, 4096)),
            ..Default::default()
        };
        let c = TOOL.configure(&[], &s).unwrap();
        let r = rows(&c, &s, &[kv(0, 100), kv(1, 25), kv(2, 7)]);
        assert_eq!(r[0].text("hits"), "75");
        assert_eq!(r[0].text("ratio"), "75.00%");
        assert_eq!(r[0].text("buffers_mb"), "2");
        let r = rows(&c, &s, &[kv(0, 10), kv(1, 25)]);
        assert_eq!(
            (r[0].text("hits"), r[0].text("misses")),
            ("0".into(), "10".into())
        );
    }
}
