//! The file-system family: libbpf-tools' fsslower and fsdist, one tool per
//! file system as their aliases (ext4slower = `fsslower -t ext4`, …).
//!
//! The BPF side is one body per kind (src/bpf/fsslower.h, fsdist.h); each
//! tool's NAME.bpf.c names the file system's functions and includes it, so
//! every tool is an object of its own carrying its own bpf_metadata_tool.
//! Here a tool is an [`Fs`] (the same function names) and one declaration.
//! None of these functions has a tracepoint: every tool lists an fentry/
//! fexit set and a kprobe/kretprobe set, and the loader keeps the set this
//! kernel attaches, or refuses the tool in one line where neither does.

use crate::args::{duration, err, flag, interval_count, opt, pid_opt};
use crate::args::{Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, hist_slots, i64_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, Histogram, ProgSpec, Report, Session, Tool};

/// A file system's functions, as libbpf-tools' `fs_configs` names them.
pub(crate) struct Fs {
    pub read: &'static str,
    pub write: &'static str,
    pub open: &'static str,
    pub fsync: &'static str,
    /// fsdist only; None where libbpf-tools traces no getattr (xfs, btrfs, zfs).
    pub getattr: Option<&'static str>,
}

const EXT4: Fs = Fs {
    read: "ext4_file_read_iter",
    write: "ext4_file_write_iter",
    open: "ext4_file_open",
    fsync: "ext4_sync_file",
    getattr: Some("ext4_file_getattr"),
};
const XFS: Fs = Fs {
    read: "xfs_file_read_iter",
    write: "xfs_file_write_iter",
    open: "xfs_file_open",
    fsync: "xfs_file_fsync",
    getattr: None,
};
const BTRFS: Fs = Fs {
    read: "btrfs_file_read_iter",
    write: "btrfs_file_write_iter",
    open: "btrfs_file_open",
    fsync: "btrfs_sync_file",
    getattr: None,
};
const NFS: Fs = Fs {
    read: "nfs_file_read",
    write: "nfs_file_write",
    open: "nfs_file_open",
    fsync: "nfs_file_fsync",
    getattr: Some("nfs_getattr"),
};
/// OpenZFS's Linux VFS layer (zpl_*), as libbpf-tools' and bcc's zfs tools.
const ZFS: Fs = Fs {
    read: "zpl_iter_read",
    write: "zpl_iter_write",
    open: "zpl_open",
    fsync: "zpl_fsync",
    getattr: None,
};

macro_rules! object {
    ($name:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".bpf.o"))
    };
}

pub(crate) const EXT4SLOWER: Tool = slower(
    "ext4slower",
    "Trace common ext4 file operations slower than a threshold",
    object!("ext4slower"),
    &programs::<16>(&EXT4),
);
pub(crate) const EXT4DIST: Tool = dist(
    "ext4dist",
    "Summarize ext4 operation latency as histograms",
    object!("ext4dist"),
    &programs::<20>(&EXT4),
);
pub(crate) const XFSSLOWER: Tool = slower(
    "xfsslower",
    "Trace common XFS file operations slower than a threshold",
    object!("xfsslower"),
    &programs::<16>(&XFS),
);
pub(crate) const XFSDIST: Tool = dist(
    "xfsdist",
    "Summarize XFS operation latency as histograms",
    object!("xfsdist"),
    &programs::<16>(&XFS),
);
pub(crate) const BTRFSSLOWER: Tool = slower(
    "btrfsslower",
    "Trace common btrfs file operations slower than a threshold",
    object!("btrfsslower"),
    &programs::<16>(&BTRFS),
);
pub(crate) const BTRFSDIST: Tool = dist(
    "btrfsdist",
    "Summarize btrfs operation latency as histograms",
    object!("btrfsdist"),
    &programs::<16>(&BTRFS),
);
pub(crate) const NFSSLOWER: Tool = slower(
    "nfsslower",
    "Trace common NFS file operations slower than a threshold",
    object!("nfsslower"),
    &programs::<16>(&NFS),
);
pub(crate) const NFSDIST: Tool = dist(
    "nfsdist",
    "Summarize NFS operation latency as histograms",
    object!("nfsdist"),
    &programs::<20>(&NFS),
);
pub(crate) const ZFSSLOWER: Tool = slower(
    "zfsslower",
    "Trace common ZFS file operations slower than a threshold",
    object!("zfsslower"),
    &programs::<16>(&ZFS),
);
pub(crate) const ZFSDIST: Tool = dist(
    "zfsdist",
    "Summarize ZFS operation latency as histograms",
    object!("zfsdist"),
    &programs::<16>(&ZFS),
);

// ------------------------------------------------------------- programs

/// Operation names: the hists key of fsdist.h (`enum fs_file_op`) and the
/// suffix of the program names.
const OPS: [&str; 5] = ["read", "write", "open", "fsync", "getattr"];

/// Program names per operation: fentry, fexit, kprobe, kretprobe.
const NAMES: [[&str; 4]; 5] = [
    ["fentry_read", "fexit_read", "kprobe_read", "kretprobe_read"],
    [
        "fentry_write",
        "fexit_write",
        "kprobe_write",
        "kretprobe_write",
    ],
    ["fentry_open", "fexit_open", "kprobe_open", "kretprobe_open"],
    [
        "fentry_fsync",
        "fexit_fsync",
        "kprobe_fsync",
        "kretprobe_fsync",
    ],
    [
        "fentry_getattr",
        "fexit_getattr",
        "kprobe_getattr",
        "kretprobe_getattr",
    ],
];

/// The four programs of each of the first N/4 operations of `fs` (16:
/// read, write, open, fsync; 20: and getattr), as fsslower.h/fsdist.h
/// define them.
const fn programs<const N: usize>(fs: &Fs) -> [ProgSpec; N] {
    let funcs = [
        fs.read,
        fs.write,
        fs.open,
        fs.fsync,
        match fs.getattr {
            Some(f) => f,
            None => "",
        },
    ];
    let mut out = [ProgSpec {
        name: "",
        attach: AttachPoint::Fentry(""),
    }; N];
    let mut i = 0;
    while i < N {
        let (op, kind) = (i / 4, i % 4);
        let f = funcs[op];
        assert!(!f.is_empty(), "an operation this file system lacks");
        out[i] = ProgSpec {
            name: NAMES[op][kind],
            attach: match kind {
                0 => AttachPoint::Fentry(f),
                1 => AttachPoint::Fexit(f),
                2 => AttachPoint::Kprobe(f),
                _ => AttachPoint::Kretprobe(f),
            },
        };
        i += 1;
    }
    out
}

// -------------------------------------------------------------- fsslower

const SLOWER_OPTIONS: &[OptSpec] = &[
    flag('c', "csv", "Output as csv"),
    opt(
        Some('d'),
        "duration",
        "DURATION",
        "Total duration of trace in seconds",
    ),
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    opt(
        Some('m'),
        "min",
        "MIN",
        "Min latency to trace, in ms (default 10)",
    ),
];

const fn slower(
    name: &'static str,
    summary: &'static str,
    object: &'static [u8],
    programs: &'static [ProgSpec],
) -> Tool {
    Tool {
        name,
        summary,
        object,
        options: SLOWER_OPTIONS,
        report_options: &["csv"],
        positional: "[DURATION]",
        programs,
        report: Report::Events {
            map: "events",
            columns: slower_columns,
            decode: slower_event,
        },
        configure: slower_config,
    }
}

fn slower_config(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("target_pid", RoValue::U32(pid)));
    }
    // The object's default is 10 ms, as libbpf-tools'.
    match p.number::<u64>("min")? {
        Some(ms) if ms > 1_000_000 => return err(format!("invalid MIN {ms}: at most 1000000 ms")),
        Some(ms) => c.rodata.push(("min_lat_ns", RoValue::U64(ms * 1_000_000))),
        None => {}
    }
    Ok(c)
}

/// libbpf-tools' CSV header (-c): one line per event, comma-separated.
const CSV_HEADER: &str = "ENDTIME_ns,TASK,PID,TYPE,BYTES,OFFSET_b,LATENCY_us,FILE";

fn slower_columns(c: &Config) -> Vec<Column> {
    if c.parsed.has("csv") {
        return vec![Column::left("csv", CSV_HEADER, 0)];
    }
    vec![
        Column::left("time", "TIME", 8),
        Column::left("task", "COMM", 16),
        Column::left("pid", "PID", 7),
        Column::left("op", "T", 1),
        Column::left("size", "BYTES", 7),
        Column::left("off_kb", "OFF_KB", 8),
        Column::right("lat_ms", "LAT(ms)", 7),
        Column::left("file", "FILENAME", 0),
    ]
}

/// `struct event` of fsslower.h: delta_us@0 end_ns@8 offset@16 size@24
/// pid@32 op@36 file[32]@40 task[16]@72, 88 bytes.
const EVENT_LEN: usize = 88;

fn slower_event(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < EVENT_LEN {
        return None;
    }
    let delta_us = u64_at(b, 0)?;
    let end_ns = u64_at(b, 8)?;
    let offset = i64_at(b, 16)?;
    let size = i64_at(b, 24)?;
    let pid = u32_at(b, 32)?;
    let op = ["R", "W", "O", "F"].get(u32_at(b, 36)? as usize)?;
    let file = cstr_at(b, 40, 32)?;
    let task = cstr_at(b, 72, 16)?;
    // fsync(2) syncs the range 0..LLONG_MAX: libbpf-tools prints LL_MAX.
    let size: serde_json::Value = if size == i64::MAX {
        "LL_MAX".into()
    } else {
        size.into()
    };
    let mut e = Event::default();
    e.push("time", s.wall_hms(end_ns));
    e.push("task", task.clone());
    e.push("pid", pid);
    e.push("op", *op);
    e.push("size", size.clone());
    e.push("off_kb", offset / 1024);
    e.push("lat_ms", format!("{:.2}", delta_us as f64 / 1000.0));
    e.push("file", file.clone());
    e.push("offset", offset);
    e.push("delta_us", delta_us);
    e.push("ts", end_ns);
    if c.parsed.has("csv") {
        let size = match size {
            serde_json::Value::String(s) => s,
            n => n.to_string(),
        };
        e.push(
            "csv",
            format!("{end_ns},{task},{pid},{op},{size},{offset},{delta_us},{file}"),
        );
    }
    Some(e)
}

// ---------------------------------------------------------------- fsdist

const DIST_OPTIONS: &[OptSpec] = &[
    flag('T', "timestamp", "Print timestamp"),
    flag('m', "milliseconds", "Millisecond histogram"),
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
];

const fn dist(
    name: &'static str,
    summary: &'static str,
    object: &'static [u8],
    programs: &'static [ProgSpec],
) -> Tool {
    Tool {
        name,
        summary,
        object,
        options: DIST_OPTIONS,
        report_options: &["timestamp"],
        positional: "[INTERVAL [COUNT]]",
        programs,
        report: Report::Histogram {
            map: "hists",
            decode: dist_hist,
        },
        configure: dist_config,
    }
}

fn dist_config(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let ms = p.has("milliseconds");
    let mut c = Config {
        unit: if ms { "msecs" } else { "usecs" },
        ..Default::default()
    };
    interval_count(p, &mut c)?;
    if ms {
        c.rodata.push(("in_ms", RoValue::Bool(true)));
    }
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("target_pid", RoValue::U32(pid)));
    }
    Ok(c)
}

/// Key: `enum fs_file_op` (u32); value: `struct hist` of tools.h.
fn dist_hist(c: &Config, _s: &Session, key: &[u8], value: &[u8]) -> Option<Histogram> {
    let op = OPS.get(u32_at(key, 0)? as usize)?;
    Some(Histogram {
        label: Some(("operation".to_string(), (*op).into())),
        label_text: None,
        comm: None,
        unit: c.unit,
        slots: hist_slots(value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn config(tool: &Tool, args: &str) -> Result<Config, ArgError> {
        tool.configure(&words(args), &Session::default())
    }

    /// Every tool of the family, with its file system and kind.
    fn family() -> Vec<(&'static Tool, &'static Fs, bool)> {
        vec![
            (&EXT4SLOWER, &EXT4, true),
            (&EXT4DIST, &EXT4, false),
            (&XFSSLOWER, &XFS, true),
            (&XFSDIST, &XFS, false),
            (&BTRFSSLOWER, &BTRFS, true),
            (&BTRFSDIST, &BTRFS, false),
            (&NFSSLOWER, &NFS, true),
            (&NFSDIST, &NFS, false),
            (&ZFSSLOWER, &ZFS, true),
            (&ZFSDIST, &ZFS, false),
        ]
    }

    /// Whether `needle` occurs in `object` as a NUL-terminated string (the
    /// ELF string tables hold section and symbol names so).
    fn has_string(object: &[u8], needle: &str) -> bool {
        let mut n = needle.as_bytes().to_vec();
        n.push(0);
        object.windows(n.len()).any(|w| w == n.as_slice())
    }

    #[test]
    fn program_sets_match_the_objects() {
        for (tool, fs, slower) in family() {
            let ops = if !slower && fs.getattr.is_some() {
                5
            } else {
                4
            };
            let fentry = tool.programs.iter().filter(|p| p.attach.is_fentry());
            let kprobe = tool.programs.iter().filter(|p| p.attach.is_kprobe());
            assert_eq!((fentry.count(), kprobe.count()), (ops * 2, ops * 2));
            assert_eq!(tool.programs.len(), ops * 4, "{}", tool.name);
            for p in tool.programs {
                // The section is the attach point (libbpf binds fentry at
                // load by it), and the program is there by its name.
                let section = p.attach.to_string();
                assert!(
                    has_string(tool.object, &section),
                    "{}: {section}",
                    tool.name
                );
                assert!(has_string(tool.object, p.name), "{}: {}", tool.name, p.name);
            }
            assert!(
                has_string(tool.object, tool.name),
                "metadata of {}",
                tool.name
            );
        }
        // getattr only where libbpf-tools traces it.
        assert!(EXT4DIST
            .programs
            .iter()
            .any(|p| p.attach == AttachPoint::Kretprobe("ext4_file_getattr")));
        assert!(!XFSDIST.programs.iter().any(|p| p.name.contains("getattr")));
    }

    #[test]
    fn slower_options() {
        let c = config(&XFSSLOWER, "-p 42 -m 5 -c -d 3").unwrap();
        assert_eq!(
            c.rodata,
            vec![
                ("target_pid", RoValue::U32(42)),
                ("min_lat_ns", RoValue::U64(5_000_000))
            ]
        );
        assert_eq!(c.duration, Some(3));
        assert!(c.parsed.has("csv"));
        // -m 0 traces everything; the default (10 ms) is the object's.
        let c = config(&NFSSLOWER, "-m0 7").unwrap();
        assert_eq!(c.rodata, vec![("min_lat_ns", RoValue::U64(0))]);
        assert_eq!(c.duration, Some(7));
        assert!(config(&ZFSSLOWER, "").unwrap().rodata.is_empty());
        for bad in [
            "-p 0",
            "-p x",
            "-m -1",
            "-m 2000000",
            "-d 0",
            "1 2",
            "-t ext4",
            "-x",
        ] {
            assert!(config(&BTRFSSLOWER, bad).is_err(), "{bad}");
        }
        let e = config(&EXT4SLOWER, "-m abc").unwrap_err();
        assert_eq!(e.0, "invalid value for --min: 'abc'");
    }

    #[test]
    fn dist_options() {
        let c = config(&EXT4DIST, "-m -p 7 -T 2 3").unwrap();
        assert_eq!(c.unit, "msecs");
        assert_eq!(
            c.rodata,
            vec![
                ("in_ms", RoValue::Bool(true)),
                ("target_pid", RoValue::U32(7))
            ]
        );
        assert_eq!((c.interval, c.count), (Some(2), Some(3)));
        assert!(c.parsed.has("timestamp"));
        let c = config(&XFSDIST, "").unwrap();
        assert_eq!((c.unit, c.interval), ("usecs", None));
        for bad in ["-m -5", "0", "1 2 3", "-p", "-c", "-t ext4"] {
            assert!(config(&NFSDIST, bad).is_err(), "{bad}");
        }
    }

    /// A `struct event` as fsslower.h lays it out.
    fn sample(op: u32, size: i64) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&12_345u64.to_ne_bytes()); // delta_us
        b.extend_from_slice(&5_000_000_000u64.to_ne_bytes()); // end_ns
        b.extend_from_slice(&(3i64 * 1024 + 5).to_ne_bytes()); // offset
        b.extend_from_slice(&size.to_ne_bytes());
        b.extend_from_slice(&4242u32.to_ne_bytes()); // pid
        b.extend_from_slice(&op.to_ne_bytes());
        let mut file = [0u8; 32];
        file[..8].copy_from_slice(b"data.bin");
        b.extend_from_slice(&file);
        let mut task = [0u8; 16];
        task[..2].copy_from_slice(b"dd");
        b.extend_from_slice(&task);
        assert_eq!(b.len(), EVENT_LEN);
        b
    }

    #[test]
    fn slower_event_decoding_and_text() {
        let c = config(&XFSSLOWER, "").unwrap();
        let mut s = Session::default();
        let e = slower_event(&c, &mut s, &sample(1, 4096)).unwrap();
        let cols = slower_columns(&c);
        assert_eq!(
            crate::event::header_line(&cols),
            "TIME     COMM             PID     T BYTES   OFF_KB   LAT(ms) FILENAME"
        );
        assert_eq!(
            crate::event::event_line(&cols, &e),
            "00:00:05 dd               4242    W 4096    3          12.35 data.bin"
        );
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"time": "00:00:05", "task": "dd", "pid": 4242, "op": "W",
                "size": 4096, "off_kb": 3, "lat_ms": "12.35", "file": "data.bin",
                "offset": 3077, "delta_us": 12345, "ts": 5_000_000_000u64})
        );
        // fsync(2)'s whole-file range.
        let e = slower_event(&c, &mut s, &sample(3, i64::MAX)).unwrap();
        assert_eq!(e.text("op"), "F");
        assert_eq!(e.text("size"), "LL_MAX");
        // Short or unknown-op records are not events.
        assert!(slower_event(&c, &mut s, &sample(1, 1)[..80]).is_none());
        assert!(slower_event(&c, &mut s, &sample(9, 1)).is_none());
    }

    #[test]
    fn slower_csv() {
        let c = config(&EXT4SLOWER, "-c").unwrap();
        let cols = slower_columns(&c);
        assert_eq!(crate::event::header_line(&cols), CSV_HEADER);
        let e = slower_event(&c, &mut Session::default(), &sample(0, 100)).unwrap();
        assert_eq!(
            crate::event::event_line(&cols, &e),
            "5000000000,dd,4242,R,100,3077,12345,data.bin"
        );
        let e = slower_event(&c, &mut Session::default(), &sample(3, i64::MAX)).unwrap();
        assert_eq!(
            e.text("csv"),
            "5000000000,dd,4242,F,LL_MAX,3077,12345,data.bin"
        );
    }

    #[test]
    fn dist_histograms() {
        let c = config(&EXT4DIST, "").unwrap();
        let mut value = vec![0u8; 27 * 8 + 16];
        value[8..16].copy_from_slice(&3u64.to_ne_bytes()); // 2-3 us: 3
        value[24..32].copy_from_slice(&1u64.to_ne_bytes()); // 8-15 us: 1
        let h = dist_hist(&c, &Session::default(), &4u32.to_ne_bytes(), &value).unwrap();
        assert_eq!(h.label_line().as_deref(), Some("operation = getattr"));
        assert_eq!(h.total(), 4);
        assert_eq!(
            crate::hist::render_log2(&h.slots, h.unit),
            "     usecs               : count    distribution\n\
             \x20        0 -> 1          : 0        |                                        |\n\
             \x20        2 -> 3          : 3        |****************************************|\n\
             \x20        4 -> 7          : 0        |                                        |\n\
             \x20        8 -> 15         : 1        |*************                           |\n"
        );
        let j = serde_json::to_value(&h).unwrap();
        assert_eq!(j["label"], serde_json::json!(["operation", "getattr"]));
        let c = config(&EXT4DIST, "-m").unwrap();
        let h = dist_hist(&c, &Session::default(), &0u32.to_ne_bytes(), &value).unwrap();
        assert_eq!(
            (h.unit, h.label_line().as_deref()),
            ("msecs", Some("operation = read"))
        );
        // An unknown op or a short value is not a histogram.
        assert!(dist_hist(&c, &Session::default(), &5u32.to_ne_bytes(), &value).is_none());
        assert!(dist_hist(&c, &Session::default(), &0u32.to_ne_bytes(), &value[..100]).is_none());
    }
}
