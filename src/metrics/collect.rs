//! One scrape's worth of data: programs, maps and links with their pins and
//! owning tool, optional map element counts under a time budget, and the
//! tools' reports. Objects that vanish while we look are counted as skipped.
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::record::link::LinkRecord;
use crate::record::map::MapRecord;
use crate::record::prog::ProgRecord;
use crate::sys::mapops::Map;
use crate::sys::{ids, link, map, pins, prog, ObjKind, SysError};

use super::events::EventCounts;
use super::tools::{self, ToolSnapshot};

/// What a scrape collects.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the bundled tools are pinned (`tool load`'s root).
    pub tool_root: PathBuf,
    /// Count map elements, spending at most this long per scrape.
    pub map_entries_budget: Option<Duration>,
    /// Most series one tool's labelled counters may export.
    pub max_series: usize,
    /// Whether this process holds run-time stats on (serve --stats).
    pub stats_held: bool,
}

/// A program, with what its pins tell.
#[derive(Debug, Clone)]
pub struct Prog {
    pub rec: ProgRecord,
    pub pinned: Option<String>,
    /// The bundled tool it belongs to (pinned under the tool root).
    pub tool: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MapObj {
    pub rec: MapRecord,
    pub pinned: Option<String>,
    pub tool: Option<String>,
    /// Element count: `Some` when counted this scrape.
    pub entries: Option<u64>,
}

/// Map element counting: how it went this scrape.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntriesStatus {
    pub counted: u64,
    /// Maps left uncounted because the budget ran out.
    pub over_budget: u64,
    /// Maps whose type has no countable keys (ring buffers, queues, …).
    pub uncountable: u64,
}

#[derive(Debug, Default)]
pub struct Snapshot {
    pub progs: Vec<Prog>,
    pub maps: Vec<MapObj>,
    pub links: Vec<LinkRecord>,
    pub entries: Option<EntriesStatus>,
    pub tools: Vec<ToolSnapshot>,
    /// Objects that could not be read (vanished or refused) this scrape.
    pub skipped: u64,
    /// Whether run time is counted: by our --stats fd, or by the sysctl.
    pub stats_enabled: Option<bool>,
    /// How long collecting took.
    pub collect_time: Duration,
}

/// The first pin of `id`, and the tool whose directory under `root` holds it.
fn pin_and_tool(table: &pins::PinTable, id: u32, root: &Path) -> (Option<String>, Option<String>) {
    let Some(paths) = table.get(&id) else {
        return (None, None);
    };
    let tool = paths.iter().find_map(|p| {
        let rest = Path::new(p).strip_prefix(root).ok()?;
        let first = rest.components().next()?;
        Some(first.as_os_str().to_string_lossy().into_owned())
    });
    (paths.first().cloned(), tool)
}

/// Every object of `kind` through `build`, and how many were skipped
/// (vanished or unreadable).
fn each<R>(
    kind: ObjKind,
    mut build: impl FnMut(&std::os::fd::OwnedFd) -> crate::sys::Result<R>,
) -> crate::sys::Result<(Vec<R>, u64)> {
    let mut out = Vec::new();
    let mut skipped = 0;
    for item in ids::iter(kind) {
        // One fd at a time: the fd number (and its fdinfo inode) is reused.
        let (_, fd) = item?;
        match build(&fd) {
            Ok(r) => out.push(r),
            Err(_) => skipped += 1,
        }
    }
    Ok((out, skipped))
}

/// One scrape; `events` keeps the event tools' counts between scrapes.
pub fn collect(opts: &Options, events: &Mutex<EventCounts>) -> crate::sys::Result<Snapshot> {
    let start = Instant::now();
    let mut snap = Snapshot {
        stats_enabled: match (opts.stats_held, crate::sys::stats::sysctl_enabled()) {
            (true, _) => Some(true),
            (false, s) => s,
        },
        ..Default::default()
    };
    let root = opts.tool_root.as_path();
    // Programs in a thread of their own, maps and links here: the two
    // listings are independent and each is mostly syscalls.
    let (progs, rest) = std::thread::scope(|s| {
        let progs = s.spawn(|| -> crate::sys::Result<(Vec<Prog>, u64)> {
            let pins = pins::build(ObjKind::Prog);
            let (recs, skipped) = each(ObjKind::Prog, prog::record)?;
            let progs = recs
                .into_iter()
                .map(|rec| {
                    let (pinned, tool) = pin_and_tool(&pins, rec.header.id, root);
                    Prog { rec, pinned, tool }
                })
                .collect();
            Ok((progs, skipped))
        });
        let rest = (|| -> crate::sys::Result<(Vec<MapObj>, Vec<LinkRecord>, u64)> {
            let pins = pins::build(ObjKind::Map);
            let (recs, skipped_maps) = each(ObjKind::Map, map::record)?;
            let maps = recs
                .into_iter()
                .map(|rec| {
                    let (pinned, tool) = pin_and_tool(&pins, rec.id, root);
                    MapObj {
                        rec,
                        pinned,
                        tool,
                        entries: None,
                    }
                })
                .collect();
            let mut ksyms = None;
            let (links, skipped_links) = each(ObjKind::Link, |fd| link::record(fd, &mut ksyms))?;
            Ok((maps, links, skipped_maps + skipped_links))
        })();
        let progs = progs
            .join()
            .unwrap_or_else(|_| Err(SysError::Msg("reading programs failed".into())));
        (progs, rest)
    });
    let (progs, skipped_progs) = progs?;
    let (maps, links, skipped_rest) = rest?;
    snap.progs = progs;
    snap.maps = maps;
    snap.links = links;
    snap.skipped = skipped_progs + skipped_rest;
    if let Some(budget) = opts.map_entries_budget {
        snap.entries = Some(count_entries(&mut snap.maps, Instant::now() + budget));
    }
    snap.tools = tools::collect(root, opts.max_series, events);
    snap.collect_time = start.elapsed();
    Ok(snap)
}

/// Map types whose element count is their size (every index exists).
fn is_array_like(t: u32) -> bool {
    use libbpf_sys as b;
    matches!(
        t,
        b::BPF_MAP_TYPE_ARRAY
            | b::BPF_MAP_TYPE_PERCPU_ARRAY
            | b::BPF_MAP_TYPE_PROG_ARRAY
            | b::BPF_MAP_TYPE_PERF_EVENT_ARRAY
            | b::BPF_MAP_TYPE_CGROUP_ARRAY
            | b::BPF_MAP_TYPE_ARRAY_OF_MAPS
    )
}

/// Map types with keys to walk (GET_NEXT_KEY).
fn is_keyed(t: u32) -> bool {
    use libbpf_sys as b;
    matches!(
        t,
        b::BPF_MAP_TYPE_HASH
            | b::BPF_MAP_TYPE_PERCPU_HASH
            | b::BPF_MAP_TYPE_LRU_HASH
            | b::BPF_MAP_TYPE_LRU_PERCPU_HASH
            | b::BPF_MAP_TYPE_HASH_OF_MAPS
            | b::BPF_MAP_TYPE_LPM_TRIE
            | b::BPF_MAP_TYPE_DEVMAP_HASH
            | b::BPF_MAP_TYPE_SOCKHASH
            | b::BPF_MAP_TYPE_STACK_TRACE
    )
}

/// Counts elements map by map until `deadline`; the rest are left uncounted.
fn count_entries(maps: &mut [MapObj], deadline: Instant) -> EntriesStatus {
    let mut st = EntriesStatus::default();
    for m in maps.iter_mut() {
        let t = m.rec.info.type_;
        if is_array_like(t) {
            m.entries = Some(u64::from(m.rec.max_entries));
            st.counted += 1;
            continue;
        }
        if !is_keyed(t) {
            st.uncountable += 1;
            continue;
        }
        if Instant::now() >= deadline {
            st.over_budget += 1;
            continue;
        }
        match count_keys(m.rec.id, deadline) {
            Some(n) => {
                m.entries = Some(n);
                st.counted += 1;
            }
            None => st.over_budget += 1,
        }
    }
    st
}

/// Counts a map's elements with batch lookups (GET_NEXT_KEY where the
/// kernel has no batch ops for the map), chunk by chunk; None when the
/// deadline passes first or the map vanished.
fn count_keys(id: u32, deadline: Instant) -> Option<u64> {
    let fd = ids::fd_by_id(ObjKind::Map, id).ok()?;
    let map = Map::from_fd(fd).ok()?;
    let mut reader = map.reader();
    let mut n = 0u64;
    while let Some(chunk) = reader.next_chunk().ok()? {
        n += chunk.len as u64;
        if Instant::now() >= deadline {
            return None;
        }
    }
    Some(n)
}
