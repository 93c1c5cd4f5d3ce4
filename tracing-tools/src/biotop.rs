//! biotop: block I/O by process, disk and direction in a top view
//! (libbpf-tools' columns and -C -r -s -p; see [`crate::top`]), from the
//! block_io_start/block_rq_issue/block_io_done tracepoints.

use crate::args::{opt, pid_filter, Config, OptSpec, Parsed};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::disks::mkdev;
use crate::top::{self, Sort};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    top::NOCLEAR,
    top::sort("Sort columns, default all [all, io, bytes, time]"),
    top::ROWS,
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    top::BATCH,
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "block_io_start",
        attach: AttachPoint::TpBtf("block_io_start"),
    },
    ProgSpec {
        name: "block_rq_issue",
        attach: AttachPoint::TpBtf("block_rq_issue"),
    },
    ProgSpec {
        name: "block_io_done",
        attach: AttachPoint::TpBtf("block_io_done"),
    },
];

/// libbpf-tools' orders: "all" adds I/Os, bytes and microseconds up.
const SORTS: &[Sort] = &[
    Sort::new("all", &["io", "bytes", "us"]),
    Sort::new("io", &["io"]),
    Sort::new("bytes", &["bytes"]),
    Sort::new("time", &["us"]),
];

pub(crate) const TOOL: Tool = Tool {
    name: "biotop",
    summary: "Block device I/O top, by process",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/biotop.bpf.o")),
    options: OPTIONS,
    report_options: top::REPORT_OPTIONS,
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Top {
        map: "counts",
        columns,
        rows,
        sorts: SORTS,
        title: top::loadavg_title,
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    top::configure(p, &mut c, SORTS)?;
    pid_filter(p, &mut c, "target_pid")?;
    Ok(c)
}

/// libbpf-tools' `%-7s %-16s %1s %-3s %-3s %-8s %5s %7s %6s`.
fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("pid", "PID", 7),
        Column::left("name", "COMM", 16),
        Column::left("d", "D", 1),
        Column::left("major", "MAJ", 3),
        Column::left("minor", "MIN", 3),
        Column::left("disk", "DISK", 8),
        Column::right("io", "I/O", 5),
        Column::right("kbytes", "Kbytes", 7),
        Column::right("avg_ms", "AVGms", 6),
    ]
}

/// Key `struct info_t`: pid@0 rwflag@4 major@8 minor@12 name[16]@16;
/// value `struct val_t`: bytes@0 us@8 io@16. One row per key.
fn rows(_c: &Config, s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    top::rows_by_key(entries, |k, v| row(s, k, v))
}

fn row(s: &Session, k: &[u8], v: &[u8]) -> Option<Event> {
    let (major, minor) = (u32_at(k, 8)?, u32_at(k, 12)?);
    let rwflag = u32_at(k, 4)?;
    let (bytes, us, io) = (u64_at(v, 0)?, u64_at(v, 8)?, u32_at(v, 16)?);
    let avg_ms = if io > 0 {
        us as f64 / 1000.0 / f64::from(io)
    } else {
        0.0
    };
    let mut e = Event::default();
    e.push("pid", u32_at(k, 0)?);
    e.push("name", cstr_at(k, 16, 16)?);
    e.push("d", if rwflag != 0 { "W" } else { "R" });
    e.push("rwflag", rwflag);
    e.push("major", major);
    e.push("minor", minor);
    // As libbpf-tools: empty when /proc has no such device.
    e.push("disk", s.disks.name(mkdev(major, minor)).unwrap_or(""));
    e.push("io", io);
    e.push("kbytes", bytes / 1024);
    e.push("avg_ms", format!("{avg_ms:.2}"));
    e.push("bytes", bytes);
    e.push("us", us);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;
    use crate::args::RoValue;
    use crate::event::{event_line, header_line};
    use crate::DiskNames;

    /// A recorded map entry: (struct info_t, struct val_t) bytes.
    fn entry(pid: u32, w: bool, comm: &str, bytes: u64, us: u64, io: u32) -> (Vec<u8>, Vec<u8>) {
        let mut k = Vec::new();
        k.extend(pid.to_ne_bytes());
        k.extend(u32::from(w).to_ne_bytes());
        k.extend(254u32.to_ne_bytes());
        k.extend(0u32.to_ne_bytes());
        let mut name = [0u8; 16];
        name[..comm.len()].copy_from_slice(comm.as_bytes());
        k.extend(name);
        let mut v = Vec::new();
        v.extend(bytes.to_ne_bytes());
        v.extend(us.to_ne_bytes());
        v.extend(io.to_ne_bytes());
        v.extend([0u8; 4]);
        (k, v)
    }

    fn session() -> Session {
        Session {
            disks: DiskNames::parse("major minor  #blocks  name\n\n 254 0 1000 vda\n"),
            ..Default::default()
        }
    }

    #[test]
    fn decodes_and_formats_like_libbpf_tools() {
        let s = session();
        let c = TOOL.configure(&[], &s).unwrap();
        let r = rows(&c, &s, &[entry(4242, true, "dd", 40960, 3000, 4)]);
        let e = &r[0];
        assert_eq!(
            (e.text("name"), e.text("d"), e.text("disk")),
            ("dd".into(), "W".into(), "vda".into())
        );
        assert_eq!(
            (e.text("kbytes"), e.text("avg_ms")),
            ("40".into(), "0.75".into())
        );
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "PID     COMM             D MAJ MIN DISK       I/O  Kbytes  AVGms"
        );
        assert_eq!(
            event_line(&cols, e),
            "4242    dd               W 254 0   vda          4      40   0.75"
        );
        // Unknown devices print no name; a short value is skipped.
        let mut odd = entry(1, false, "x", 0, 0, 0);
        odd.0[8..12].copy_from_slice(&7u32.to_ne_bytes());
        let r = rows(&c, &s, &[odd, (vec![1, 2], vec![])]);
        assert_eq!(
            (r.len(), r[0].text("disk"), r[0].text("avg_ms")),
            (1, "".into(), "0.00".into())
        );
    }

    #[test]
    fn sorts_by_the_chosen_column() {
        let s = session();
        let entries = [
            entry(1, false, "few-big", 1 << 20, 10, 1),
            entry(2, true, "many-small", 4096, 20, 50),
            entry(3, false, "slow", 4096, 900_000_000, 2),
        ];
        let order = |args: &str| top::order(&TOOL, &s, &entries, args, "name");
        assert_eq!(order("-s io"), "many-small,slow,few-big");
        assert_eq!(order("-s bytes"), "few-big,many-small,slow");
        assert_eq!(order("-s time -r 1"), "slow");
        assert_eq!(order(""), "slow,few-big,many-small");
    }

    #[test]
    fn options() {
        let s = Session::default();
        let c = TOOL.configure(&words("-p 42 -C -r 5 2 3"), &s).unwrap();
        assert_eq!((c.interval, c.count), (Some(2), Some(3)));
        assert!(c.rodata.contains(&("target_pid", RoValue::U32(42))));
        for bad in ["-s nope", "-r 0", "-p 0", "0", "1 2 3", "-x"] {
            assert!(TOOL.configure(&words(bad), &s).is_err(), "{bad}");
        }
    }
}
