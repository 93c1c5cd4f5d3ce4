//! Reading pinned maps for reports: whole hash maps, one array slot, a
//! per-CPU counter summed over CPUs, and ring buffers followed as events
//! arrive.

use std::cell::Cell;
use std::path::Path;
use std::time::{Duration, Instant};

use libbpf_rs::{MapCore, MapFlags, MapHandle, RingBufferBuilder};

use super::{bpf_err, signal, LoaderError};

fn open(path: &Path) -> Result<MapHandle, LoaderError> {
    MapHandle::from_pinned_path(path).map_err(bpf_err(format!(
        "can't open pinned map '{}'",
        path.display()
    )))
}

/// A map entry: key bytes, value bytes.
pub type Entry = (Vec<u8>, Vec<u8>);

/// Every (key, value) of the hash map pinned at `path`. Entries deleted
/// while iterating are skipped.
pub fn hash_entries(path: &Path) -> Result<Vec<Entry>, LoaderError> {
    let map = open(path)?;
    let mut out = Vec::new();
    for key in map.keys() {
        if let Some(value) = map
            .lookup(&key, MapFlags::ANY)
            .map_err(bpf_err(format!("can't look up in '{}'", path.display())))?
        {
            out.push((key, value));
        }
    }
    Ok(out)
}

/// Deletes every entry of the hash map pinned at `path`.
pub fn clear(path: &Path) -> Result<(), LoaderError> {
    let map = open(path)?;
    let keys: Vec<Vec<u8>> = map.keys().collect();
    for key in keys {
        // Already gone is fine: the programs delete entries too.
        let _ = map.delete(&key);
    }
    Ok(())
}

/// Value at u32 `index` of the array map pinned at `path`.
pub fn array_value(path: &Path, index: u32) -> Result<Vec<u8>, LoaderError> {
    let map = open(path)?;
    map.lookup(&index.to_ne_bytes(), MapFlags::ANY)
        .map_err(bpf_err(format!("can't look up in '{}'", path.display())))?
        .ok_or_else(|| LoaderError::Other {
            what: format!("map '{}'", path.display()),
            why: format!("no entry {index}"),
        })
}

/// Sum over CPUs of the u64 at index 0 of the per-CPU array pinned at `path`.
pub fn percpu_sum(path: &Path) -> Result<u64, LoaderError> {
    percpu_sum_at(path, 0)
}

/// [`percpu_sum`] of entry `index` of a per-CPU array.
pub fn percpu_sum_at(path: &Path, index: u32) -> Result<u64, LoaderError> {
    let map = open(path)?;
    let values = map
        .lookup_percpu(&index.to_ne_bytes(), MapFlags::ANY)
        .map_err(bpf_err(format!("can't look up in '{}'", path.display())))?
        .unwrap_or_default();
    Ok(values
        .iter()
        .filter_map(|v| {
            v.get(..8)
                .and_then(|b| b.try_into().ok())
                .map(u64::from_ne_bytes)
        })
        .sum())
}

/// When following a ring buffer stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Follow {
    /// Stop after this long (`Some(ZERO)`: take what is buffered and stop).
    pub duration: Option<Duration>,
    /// Stop after this many events were accepted by the callback.
    pub max_events: Option<u64>,
}

/// Reads events from the ring buffer pinned at `path`, calling `on_event`
/// for each; it returns whether the event counts toward `max_events`.
/// `after_batch` runs after each batch (a place to flush output once per
/// batch rather than once per event). Stops per `follow`, on a signal or
/// closed stdout ([`signal::should_stop`]), or when the pin at `path` is
/// removed (the tool unloaded elsewhere). Returns events counted.
pub fn follow_ringbuf(
    path: &Path,
    follow: Follow,
    mut on_event: impl FnMut(&[u8]) -> bool,
    mut after_batch: impl FnMut(),
) -> Result<u64, LoaderError> {
    let map = open(path)?;
    let counted = Cell::new(0u64);
    let full = || follow.max_events.is_some_and(|m| counted.get() >= m);
    let mut builder = RingBufferBuilder::new();
    builder
        .add(&map, |data: &[u8]| {
            // libbpf stops consuming only on a negative return, and counts
            // the record it was handed as consumed: so stop right after the
            // last wanted event, leaving the rest buffered for a later report.
            if full() {
                return -1;
            }
            if on_event(data) {
                counted.set(counted.get() + 1);
            }
            if full() {
                -1
            } else {
                0
            }
        })
        .map_err(bpf_err(format!(
            "can't read ring buffer '{}'",
            path.display()
        )))?;
    let rb = builder.build().map_err(bpf_err(format!(
        "can't read ring buffer '{}'",
        path.display()
    )))?;
    let what = || format!("can't read ring buffer '{}'", path.display());

    if follow.duration == Some(Duration::ZERO) {
        let res = rb.consume();
        after_batch();
        if let Err(e) = res {
            if !full() {
                return Err(bpf_err(what())(e));
            }
        }
        return Ok(counted.get());
    }
    let deadline = follow.duration.map(|d| Instant::now() + d);
    loop {
        // A pin removed under us means the tool was unloaded elsewhere:
        // no more events will come.
        if full() || signal::should_stop() || !path.exists() {
            break;
        }
        let wait = match deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                left.min(Duration::from_millis(100))
            }
            None => Duration::from_millis(100),
        };
        let res = rb.poll(wait);
        after_batch();
        if let Err(e) = res {
            if full() || signal::interrupted() || e.kind() == libbpf_rs::ErrorKind::Interrupted {
                continue;
            }
            return Err(bpf_err(what())(e));
        }
    }
    Ok(counted.get())
}
