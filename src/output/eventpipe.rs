//! `map event_pipe` records as bpftool prints them: a `== @SEC.NSEC CPU: C
//! index: I =====` line, the bytes in hex, a blank line; `lost N events`.
//! With -j one object per record and line (bpftool's keys type, cpu,
//! index, timestamp, data, lost {id, count}) so a consumer can stream it.
use std::io::{self, Write};

use serde_json::{json, Value};

use super::hexdump;
use crate::record::eventpipe::Event;

/// perf's record types, as bpftool prints them under "type".
const PERF_RECORD_LOST: u32 = 2;
const PERF_RECORD_SAMPLE: u32 = 9;

pub fn text(w: &mut impl Write, ev: &Event<'_>) -> io::Result<()> {
    match *ev {
        Event::Sample {
            cpu,
            index,
            time: Some(t),
            data,
        } => writeln!(
            w,
            "== @{}.{:09} CPU: {cpu} index: {index} =====\n{}",
            t / 1_000_000_000,
            t % 1_000_000_000,
            hexdump::spaced(data)
        ),
        Event::Sample {
            time: None, data, ..
        } => writeln!(w, "== ringbuf =====\n{}", hexdump::spaced(data)),
        Event::Lost { count, .. } => writeln!(w, "lost {count} events"),
        Event::Other { kind, size, .. } => {
            writeln!(w, "unknown event type={kind} size={size}")
        }
    }
}

pub fn json_value(ev: &Event<'_>) -> Value {
    match *ev {
        Event::Sample {
            cpu,
            index,
            time: Some(t),
            data,
        } => {
            json!({"type": PERF_RECORD_SAMPLE, "cpu": cpu, "index": index, "timestamp": t, "data": data})
        }
        Event::Sample {
            time: None, data, ..
        } => json!({"type": PERF_RECORD_SAMPLE, "data": data}),
        Event::Lost {
            cpu,
            index,
            id,
            count,
        } => {
            json!({"type": PERF_RECORD_LOST, "cpu": cpu, "index": index, "lost": {"id": id, "count": count}})
        }
        Event::Other {
            cpu, index, kind, ..
        } => json!({"type": kind, "cpu": cpu, "index": index}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_and_lost_text() {
        let mut out = Vec::new();
        let data: Vec<u8> = (0..18).collect();
        text(
            &mut out,
            &Event::Sample {
                cpu: 1,
                index: 1,
                time: Some(12_000_000_345),
                data: &data,
            },
        )
        .unwrap();
        text(
            &mut out,
            &Event::Lost {
                cpu: 0,
                index: 0,
                id: 7,
                count: 3,
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "== @12.000000345 CPU: 1 index: 1 =====\n\
             00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n10 11\n\
             lost 3 events\n"
        );
    }

    #[test]
    fn json_keys_are_bpftools() {
        let v = json_value(&Event::Sample {
            cpu: 2,
            index: 2,
            time: Some(5),
            data: &[1, 255],
        });
        assert_eq!(
            v,
            json!({"type": 9, "cpu": 2, "index": 2, "timestamp": 5, "data": [1, 255]})
        );
        let v = json_value(&Event::Lost {
            cpu: 0,
            index: 0,
            id: 1,
            count: 4,
        });
        assert_eq!(v["lost"], json!({"id": 1, "count": 4}));
    }
}
