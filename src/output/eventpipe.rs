//! `map event_pipe` records as bpftool prints them: a `== @SEC.NSEC CPU: C
//! index: I =====` line, the bytes in hex; `lost N events`.
//! With -j one object per record and line (bpftool's keys type, cpu,
//! index, timestamp, data, lost {id, count}) so a consumer can stream it.
//! A record read through a BTF type (`type NAME`) prints its value instead
//! of the hex, in `map dump`'s layout (text: bpftool's pretty tree; -j: a
//! `formatted` member next to `data`); one shorter than the type stays hex
//! with a line (-j: `formatted_error`) that says so.
use std::io::{self, Write};

use serde_json::{json, Value};

use super::hexdump;
use crate::record::eventpipe::{Decoded, Event};

/// perf's record types, as bpftool prints them under "type".
const PERF_RECORD_LOST: u32 = 2;
const PERF_RECORD_SAMPLE: u32 = 9;

/// `dec` is the sample's typed reading, when one was asked for.
pub fn text(w: &mut impl Write, ev: &Event<'_>, dec: Option<&Decoded>) -> io::Result<()> {
    match *ev {
        Event::Sample {
            cpu,
            index,
            time: Some(t),
            data,
        } => {
            writeln!(
                w,
                "== @{}.{:09} CPU: {cpu} index: {index} =====",
                t / 1_000_000_000,
                t % 1_000_000_000,
            )?;
            sample_text(w, data, dec)
        }
        Event::Sample {
            time: None, data, ..
        } => {
            writeln!(w, "== ringbuf =====")?;
            sample_text(w, data, dec)
        }
        Event::Lost { count, .. } => writeln!(w, "lost {count} events"),
        Event::Other { kind, size, .. } => {
            writeln!(w, "unknown event type={kind} size={size}")
        }
    }
}

fn sample_text(w: &mut impl Write, data: &[u8], dec: Option<&Decoded>) -> io::Result<()> {
    match dec {
        None => writeln!(w, "{}", hexdump::spaced(data)),
        Some(Decoded::Value(v)) => writeln!(w, "{}", v.to_text()),
        Some(Decoded::Short { .. }) => {
            writeln!(w, "{}, in hex:", short_note(data, dec))?;
            writeln!(w, "{}", hexdump::spaced(data))
        }
    }
}

fn short_note(data: &[u8], dec: Option<&Decoded>) -> String {
    match dec {
        Some(Decoded::Short {
            type_name,
            type_size,
        }) => format!(
            "record of {} bytes is shorter than {type_name} ({type_size} bytes)",
            data.len()
        ),
        _ => String::new(),
    }
}

/// `dec` is the sample's typed reading, when one was asked for.
pub fn json_value(ev: &Event<'_>, dec: Option<&Decoded>) -> Value {
    let mut v = json_plain(ev);
    if let (Event::Sample { data, .. }, Some(d), Value::Object(o)) = (ev, dec, &mut v) {
        match d {
            Decoded::Value(x) => o.insert("formatted".into(), x.to_json()),
            Decoded::Short { .. } => {
                o.insert("formatted_error".into(), short_note(data, dec).into())
            }
        };
    }
    v
}

fn json_plain(ev: &Event<'_>) -> Value {
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
            None,
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
            None,
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
        let v = json_value(
            &Event::Sample {
                cpu: 2,
                index: 2,
                time: Some(5),
                data: &[1, 255],
            },
            None,
        );
        assert_eq!(
            v,
            json!({"type": 9, "cpu": 2, "index": 2, "timestamp": 5, "data": [1, 255]})
        );
        let v = json_value(
            &Event::Lost {
                cpu: 0,
                index: 0,
                id: 1,
                count: 4,
            },
            None,
        );
        assert_eq!(v["lost"], json!({"id": 1, "count": 4}));
    }

    fn typed_value() -> Decoded {
        use crate::btf::Value as B;
        Decoded::Value(B::Object(vec![
            (b"seq".to_vec(), B::Raw("7".into())),
            (b"tgid".to_vec(), B::Raw("42".into())),
        ]))
    }

    #[test]
    fn typed_sample_prints_the_value_instead_of_hex() {
        let ev = Event::Sample {
            cpu: 0,
            index: 0,
            time: Some(1_000_000_000),
            data: &[7, 0, 0, 0, 42, 0, 0, 0],
        };
        let mut out = Vec::new();
        text(&mut out, &ev, Some(&typed_value())).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "== @1.000000000 CPU: 0 index: 0 =====\n{\n    \"seq\": 7,\n    \"tgid\": 42\n}\n"
        );
        let v = json_value(&ev, Some(&typed_value()));
        assert_eq!(v["formatted"], json!({"seq": 7, "tgid": 42}));
        assert_eq!(v["data"], json!([7, 0, 0, 0, 42, 0, 0, 0]));
    }

    #[test]
    fn short_sample_stays_hex_and_says_so() {
        let ev = Event::Sample {
            cpu: 0,
            index: 0,
            time: None,
            data: &[1, 2],
        };
        let short = Decoded::Short {
            type_name: "struct record".into(),
            type_size: 16,
        };
        let mut out = Vec::new();
        text(&mut out, &ev, Some(&short)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "== ringbuf =====\nrecord of 2 bytes is shorter than struct record (16 bytes), in hex:\n01 02\n"
        );
        let v = json_value(&ev, Some(&short));
        assert_eq!(
            v["formatted_error"],
            "record of 2 bytes is shorter than struct record (16 bytes)"
        );
        assert!(v.get("formatted").is_none());
    }
}
