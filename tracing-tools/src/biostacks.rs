//! biostacks: block I/O latency histograms per initiating kernel stack,
//! process and disk (libbpf-tools' -d DISK -m [DURATION]), from the
//! block_io_start/block_io_done tracepoints.

use crate::args::{duration, err, flag, opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, hist_slots, i32_at, u32_at, u64_at};
use crate::stackhist::StackHist;
use crate::stacks::missed;
use crate::{ArgError, AttachPoint, Column, Event, Histogram, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('d'), "disk", "DISK", "Trace this disk only"),
    flag('m', "milliseconds", "Millisecond histogram"),
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "block_io_start",
        attach: AttachPoint::TpBtf("block_io_start"),
    },
    ProgSpec {
        name: "block_io_done",
        attach: AttachPoint::TpBtf("block_io_done"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "biostacks",
    summary: "Tracing block I/O with init stacks",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/biostacks.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::StackHistograms {
        map: "hists",
        columns,
        decode,
    },
    configure,
};

/// DISK_NAME_LEN of libbpf-tools: disk names shorter than this.
const DISK_NAME_LEN: usize = 32;
const MAX_STACK: usize = 20;

fn configure(p: &Parsed, s: &Session) -> Result<Config, ArgError> {
    let ms = p.has("milliseconds");
    let mut c = Config {
        unit: if ms { "msecs" } else { "usecs" },
        ..Default::default()
    };
    duration(p, &mut c)?;
    c.rodata.push(("targ_ms", RoValue::Bool(ms)));
    if let Some(disk) = p.value("disk") {
        if disk.len() + 1 > DISK_NAME_LEN {
            return err(format!("invalid disk name '{disk}': too long"));
        }
        let Some(dev) = s.disks.dev(disk) else {
            return err(format!("invalid disk '{disk}': not in /proc/partitions"));
        };
        c.rodata.push(("filter_dev", RoValue::Bool(true)));
        c.rodata.push(("targ_dev", RoValue::U32(dev)));
    }
    Ok(c)
}

/// libbpf-tools' `%-14.14s %-6d %-7s` line before each stack.
fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("comm", "COMM", 14),
        Column::left("pid", "PID", 6),
        Column::left("disk", "DISK", 7),
    ]
}

/// Key `struct rqinfo`: pid@0 kern_stack_size@4 kern_stack[20]@8
/// comm[16]@168 dev@184; value `struct hist` (log2 slots of usecs/msecs).
fn decode(c: &Config, s: &Session, key: &[u8], value: &[u8]) -> Option<StackHist> {
    let size = i32_at(key, 4)?;
    let dev = u32_at(key, 184)?;
    let mut head = Event::default();
    head.push("comm", cstr_at(key, 168, 16)?);
    head.push("pid", u32_at(key, 0)?);
    head.push("disk", s.disks.name(dev).unwrap_or("Unknown").to_string());
    head.push("dev", dev);
    // A negative size is bpf_get_stack()'s error: no frames to show.
    let (frames, kernel) = match usize::try_from(size) {
        Ok(bytes) => ((bytes / 8).min(MAX_STACK), Vec::new()),
        Err(_) => (0, vec![missed(true)]),
    };
    let addrs = (0..frames)
        .map(|i| u64_at(key, 8 + i * 8))
        .collect::<Option<Vec<u64>>>()?;
    Some(StackHist {
        head,
        addrs,
        kernel,
        hist: Histogram {
            label: None,
            label_text: None,
            comm: None,
            unit: c.unit,
            slots: hist_slots(value)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DiskNames;

    fn key(size: i32, frames: &[u64], dev: u32) -> Vec<u8> {
        let mut k = vec![0u8; 192];
        k[..4].copy_from_slice(&4242u32.to_ne_bytes());
        k[4..8].copy_from_slice(&size.to_ne_bytes());
        for (i, f) in frames.iter().enumerate() {
            k[8 + i * 8..16 + i * 8].copy_from_slice(&f.to_ne_bytes());
        }
        k[168..170].copy_from_slice(b"dd");
        k[184..188].copy_from_slice(&dev.to_ne_bytes());
        k
    }

    fn session() -> Session {
        Session {
            disks: DiskNames::parse("major minor  #blocks  name\n\n 254        0  268435456 vda\n"),
            ..Default::default()
        }
    }

    #[test]
    fn decodes_recorded_keys() {
        let s = session();
        let c = TOOL.configure(&["-m".into()], &s).unwrap();
        let mut value = vec![0u8; 27 * 8 + 16];
        value[16..24].copy_from_slice(&7u64.to_ne_bytes());
        let vda = 254 << 20;
        let h = decode(&c, &s, &key(24, &[0xa, 0xb, 0xc, 0xd], vda), &value).unwrap();
        // 24 bytes: three frames, the fourth address is past the size.
        assert_eq!(h.addrs, [0xa, 0xb, 0xc]);
        assert!(h.kernel.is_empty());
        assert_eq!(
            (h.head.text("comm"), h.head.text("pid"), h.head.text("disk")),
            ("dd".into(), "4242".into(), "vda".into())
        );
        assert_eq!(
            (h.hist.unit, h.hist.slots[2], h.hist.total()),
            ("msecs", 7, 7)
        );
        let h = decode(&c, &s, &key(-14, &[], 99), &value).unwrap();
        assert_eq!(h.kernel, ["[Missed Kernel Stack]"]);
        assert_eq!(h.head.text("disk"), "Unknown");
        let line = h.text_block(&columns(&c));
        assert!(
            line.starts_with("dd             4242   Unknown\n[Missed Kernel Stack]\n     msecs"),
            "{line}"
        );
    }

    #[test]
    fn options() {
        let s = session();
        let c = TOOL
            .configure(&["-d".into(), "vda".into(), "5".into()], &s)
            .unwrap();
        assert!(c.rodata.contains(&("targ_dev", RoValue::U32(254 << 20))));
        assert_eq!((c.duration, c.unit), (Some(5), "usecs"));
        for bad in [
            &["-d", "nosuchdisk"][..],
            &["0"],
            &["1", "2"],
            &["-d", &"x".repeat(40)],
        ] {
            let w: Vec<String> = bad.iter().map(|x| x.to_string()).collect();
            assert!(TOOL.configure(&w, &s).is_err(), "{bad:?}");
        }
    }
}
