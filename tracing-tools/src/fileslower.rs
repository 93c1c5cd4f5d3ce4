//! fileslower: synchronous file reads and writes slower than MIN_MS at the
//! VFS (bcc's fileslower: -p, -a, [MIN_MS] and columns). Needs fentry/fexit
//! or kprobes: both sets are in the object (see ext4slower).

use crate::args::{err, flag, opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::probes::prog;
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Trace this PID only"),
    flag(
        'a',
        "all-files",
        "Include non-regular file types (sockets, FIFOs, etc)",
    ),
    crate::args::DURATION,
];

const PROGRAMS: &[ProgSpec] = &[
    prog("fentry_vfs_read", AttachPoint::Fentry("vfs_read")),
    prog("fexit_vfs_read", AttachPoint::Fexit("vfs_read")),
    prog("fentry_vfs_write", AttachPoint::Fentry("vfs_write")),
    prog("fexit_vfs_write", AttachPoint::Fexit("vfs_write")),
    prog("kprobe_vfs_read", AttachPoint::Kprobe("vfs_read")),
    prog("kretprobe_vfs_read", AttachPoint::Kretprobe("vfs_read")),
    prog("kprobe_vfs_write", AttachPoint::Kprobe("vfs_write")),
    prog("kretprobe_vfs_write", AttachPoint::Kretprobe("vfs_write")),
];

pub(crate) const TOOL: Tool = Tool {
    name: "fileslower",
    summary: "Trace slow synchronous file reads and writes",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/fileslower.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[MIN_MS]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

/// bcc's positional `min_ms` (default 10); the trace's length is -d.
fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    let min_ms = match p.positionals.as_slice() {
        [] => 10,
        [m] => match m.parse::<u64>() {
            Ok(v) if v <= 1_000_000 => v,
            _ => return err(format!("invalid MIN_MS '{m}': expected 0 to 1000000")),
        },
        _ => return err("too many arguments: expected [MIN_MS]"),
    };
    if min_ms != 10 {
        c.rodata.push(("min_us", RoValue::U64(min_ms * 1000)));
    }
    if let Some(d) = p.value("duration") {
        match d.parse::<u64>() {
            Ok(v) if v > 0 => c.duration = Some(v),
            _ => {
                return err(format!(
                    "invalid duration '{d}': expected a positive whole number of seconds"
                ))
            }
        }
    }
    if let Some(pid) = crate::args::pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    if p.has("all-files") {
        c.rodata.push(("all_files", RoValue::Bool(true)));
    }
    Ok(c)
}

fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time", "TIME(s)", 8),
        Column::left("comm", "COMM", 14),
        Column::left("pid", "TID", 6),
        Column::left("mode", "D", 1),
        Column::left("sz", "BYTES", 7),
        Column::right("lat_ms", "LAT(ms)", 7),
        Column::left("name", "FILENAME", 0),
    ]
}

/// The name field's size (bcc's DNAME_INLINE_LEN).
const NAME_LEN: usize = 32;

/// sizeof(struct event).
const EVENT_SIZE: usize = 80;

/// `struct event`: ts@0 delta_us@8 mode@16 pid@20 sz@24 name_len@28
/// name[32]@32 comm[16]@64.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < EVENT_SIZE {
        return None;
    }
    let ts = u64_at(b, 0)?;
    let delta_us = u64_at(b, 8)?;
    let name_len = u32_at(b, 28)? as usize;
    let mut name = cstr_at(b, 32, NAME_LEN)?;
    if name_len > name.len() && name.len() >= 3 {
        // Cut at the field's size: say so, as bcc does.
        name.truncate(name.len() - 3);
        name.push_str("...");
    }
    let mut comm = cstr_at(b, 64, 16)?;
    comm.truncate(14); // %-14.14s
    let mut e = Event::default();
    e.push("time", format!("{:.3}", s.relative_secs(ts)));
    e.push("comm", comm);
    e.push("pid", u32_at(b, 20)?);
    e.push("mode", if u32_at(b, 16)? == 0 { "R" } else { "W" });
    e.push("sz", u32_at(b, 24)?);
    e.push("lat_ms", format!("{:.2}", delta_us as f64 / 1000.0));
    e.push("name", name);
    e.push("delta_us", delta_us);
    e.push("name_len", name_len);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    fn config(args: &[&str]) -> Result<Config, ArgError> {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        TOOL.configure(&words, &Session::default())
    }

    /// A sample laid out as fileslower.bpf.c's `struct event` (80 bytes).
    fn sample(ts: u64, mode: u32, name: &str, name_len: u32) -> Vec<u8> {
        let mut b = vec![0u8; 80];
        b[0..8].copy_from_slice(&ts.to_ne_bytes());
        b[8..16].copy_from_slice(&12_700u64.to_ne_bytes());
        b[16..20].copy_from_slice(&mode.to_ne_bytes());
        b[20..24].copy_from_slice(&4762u32.to_ne_bytes());
        b[24..28].copy_from_slice(&8192u32.to_ne_bytes());
        b[28..32].copy_from_slice(&name_len.to_ne_bytes());
        let n = name.len().min(31);
        b[32..32 + n].copy_from_slice(&name.as_bytes()[..n]);
        b[64..80].copy_from_slice(b"randread.pl_long");
        b
    }

    #[test]
    fn arguments() {
        let c = config(&["1", "-p", "185", "-a"]).unwrap();
        assert!(c.rodata.contains(&("min_us", RoValue::U64(1000))));
        assert!(c.rodata.contains(&("targ_tgid", RoValue::U32(185))));
        assert!(c.rodata.contains(&("all_files", RoValue::Bool(true))));
        assert!(
            config(&[]).unwrap().rodata.is_empty(),
            "10 ms is the object's default"
        );
        assert!(config(&["0"]).is_ok(), "0: every read and write");
        assert!(config(&["x"]).is_err());
        assert!(config(&["1", "2"]).is_err());
        assert_eq!(config(&["-d", "5"]).unwrap().duration, Some(5));
        assert!(config(&["-d", "0"]).is_err());
    }

    #[test]
    fn decodes_and_lays_out() {
        let c = config(&[]).unwrap();
        let mut s = Session::default();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TIME(s)  COMM           TID    D BYTES   LAT(ms) FILENAME"
        );
        let e = decode(&c, &mut s, &sample(5_000_000_000, 0, "data1", 5)).unwrap();
        assert_eq!(
            event_line(&cols, &e),
            "0.000    randread.pl_lo 4762   R 8192      12.70 data1"
        );
        let e = decode(&c, &mut s, &sample(13_850_000_000, 1, "status.new", 10)).unwrap();
        assert_eq!(e.text("time"), "8.850");
        assert_eq!(e.text("mode"), "W");
        // A name longer than the field ends in "...".
        let long = "a_file_name_longer_than_32_bytes_total";
        let e = decode(
            &c,
            &mut s,
            &sample(13_850_000_000, 1, long, long.len() as u32),
        )
        .unwrap();
        assert_eq!(e.text("name"), "a_file_name_longer_than_32_b...");
        assert!(decode(&c, &mut s, &sample(0, 0, "x", 1)[..70]).is_none());
    }
}
