//! What hardirqs and softirqs share (their BPF side is bpf/irqs.h): map
//! `infos` of `struct info` (count@0 total@8 slots[27]@16: time and calls
//! per interrupt), shown as a table or with -d as histograms, and -N's
//! unit. Their keys and rows differ (a handler name or a vector number)
//! and stay in each tool.

use serde_json::Value;

use crate::args::{interval_count, Config, Parsed, RoValue};
use crate::bytes::hist_slots;
use crate::{ArgError, Column, Event, Histogram, MapEntry, Report, Session};

/// -d: one histogram per key of `infos`; otherwise a table, its header
/// printed at each interval.
pub(crate) fn select(
    c: &Config,
    columns: fn(&Config) -> Vec<Column>,
    rows: fn(&Config, &Session, &[MapEntry]) -> Vec<Event>,
    decode_hist: fn(&Config, &Session, &[u8], &[u8]) -> Option<Histogram>,
) -> Report {
    if c.parsed.has("distributed") {
        Report::Histogram {
            map: "infos",
            decode: decode_hist,
        }
    } else {
        Report::Counts {
            map: "infos",
            columns,
            rows,
            header_each: true,
        }
    }
}

/// `[INTERVAL [COUNT]]` and -N: the unit, and the object's `targ_ns`.
pub(crate) fn configure(p: &Parsed) -> Result<Config, ArgError> {
    let ns = p.has("nanoseconds");
    let mut c = Config {
        unit: if ns { "nsecs" } else { "usecs" },
        ..Default::default()
    };
    interval_count(p, &mut c)?;
    c.rodata.push(("targ_ns", RoValue::Bool(ns)));
    Ok(c)
}

/// The histogram of one `struct info`, labelled `(name, key)`.
pub(crate) fn histogram(c: &Config, name: &str, key: Value, value: &[u8]) -> Option<Histogram> {
    Some(Histogram {
        label_text: None,
        label: Some((name.into(), key)),
        comm: None,
        unit: c.unit,
        slots: hist_slots(value.get(16..)?)?,
    })
}
