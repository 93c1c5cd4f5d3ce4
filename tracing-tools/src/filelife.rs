//! filelife: files created and deleted while tracing, with their age
//! (libbpf-tools' -p, -F and columns). Needs fentry/fexit or kprobes: both
//! sets are in the object (see ext4slower).

use crate::args::{duration, flag, opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::probes::prog;
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Process PID to trace"),
    flag('F', "full-path", "Show full path"),
    crate::args::DURATION,
];

const PROGRAMS: &[ProgSpec] = &[
    prog("fentry_vfs_create", AttachPoint::Fentry("vfs_create")),
    prog("fentry_vfs_open", AttachPoint::Fentry("vfs_open")),
    prog(
        "fentry_security_inode_create",
        AttachPoint::Fentry("security_inode_create"),
    ),
    prog("fexit_vfs_unlink", AttachPoint::Fexit("vfs_unlink")),
    prog("kprobe_vfs_create", AttachPoint::Kprobe("vfs_create")),
    prog("kprobe_vfs_open", AttachPoint::Kprobe("vfs_open")),
    prog(
        "kprobe_security_inode_create",
        AttachPoint::Kprobe("security_inode_create"),
    ),
    prog("kprobe_vfs_unlink", AttachPoint::Kprobe("vfs_unlink")),
    prog("kretprobe_vfs_unlink", AttachPoint::Kretprobe("vfs_unlink")),
];

pub(crate) const TOOL: Tool = Tool {
    name: "filelife",
    summary: "Trace the lifespan of short-lived files",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/filelife.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if let Some(pid) = crate::args::pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::I32(pid as i32)));
    }
    if p.has("full-path") {
        c.rodata.push(("full_path", RoValue::Bool(true)));
    }
    Ok(c)
}

fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time", "TIME", 8),
        Column::left("tgid", "PID", 6),
        Column::left("task", "COMM", 16),
        Column::left("age", "AGE(s)", 7),
        Column::left("fname", "FILE", 0),
    ]
}

/// libbpf-tools' path_helpers.h: NAME_MAX bytes per path component.
const NAME_MAX: usize = 255;
const MAX_PATH_DEPTH: usize = 32;
const PATHES: usize = NAME_MAX * MAX_PATH_DEPTH;

/// sizeof(struct event).
const EVENT_SIZE: usize = PATHES + 48;

/// `struct event`: fname.pathes[8160]@0 fname.depth@8160 fname.failed@8164
/// task[16]@8168 delta_ns@8184 tgid@8192 ts@8200.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < EVENT_SIZE {
        return None;
    }
    let depth = u32_at(b, PATHES)? as usize;
    let failed = i32_at(b, PATHES + 4)? != 0;
    let delta_ns = u64_at(b, PATHES + 24)?;
    let ts = u64_at(b, PATHES + 40)?;
    let file = if c.parsed.has("full-path") {
        full_path(b, depth, failed)?
    } else {
        cstr_at(b, 0, NAME_MAX)?
    };
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("tgid", i32_at(b, PATHES + 32)?);
    e.push("task", cstr_at(b, PATHES + 8, 16)?);
    e.push("age", format!("{:.2}", delta_ns as f64 / 1e9));
    e.push("fname", file);
    e.push("delta_ns", delta_ns);
    e.push("ts", ts);
    Some(e)
}

/// The path from the component slots, root first (libbpf-tools'
/// print_full_path): a mount point's "/" is skipped, and the top
/// component has no leading "/" when the walk failed or hit the depth limit.
fn full_path(b: &[u8], depth: usize, failed: bool) -> Option<String> {
    let depth = depth.min(MAX_PATH_DEPTH - 1);
    let mut out = String::new();
    for d in (0..=depth).rev() {
        let name = cstr_at(b, d * NAME_MAX, NAME_MAX)?;
        if name == "/" {
            continue;
        }
        let top_cut = (failed || depth == MAX_PATH_DEPTH - 1) && d == depth;
        if !name.starts_with('/') && !top_cut {
            out.push('/');
        }
        out.push_str(&name);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    fn config(args: &[&str]) -> Result<Config, ArgError> {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        TOOL.configure(&words, &Session::default())
    }

    /// A sample laid out as filelife.bpf.c's `struct event` (8208 bytes):
    /// components deepest first, as the BPF walk writes them.
    fn sample(components: &[&str], failed: bool) -> Vec<u8> {
        let mut b = vec![0u8; PATHES + 48];
        for (i, c) in components.iter().enumerate() {
            b[i * NAME_MAX..i * NAME_MAX + c.len()].copy_from_slice(c.as_bytes());
        }
        let depth = components.len().saturating_sub(1) as u32;
        b[PATHES..PATHES + 4].copy_from_slice(&depth.to_ne_bytes());
        b[PATHES + 4..PATHES + 8].copy_from_slice(&i32::from(failed).to_ne_bytes());
        b[PATHES + 8..PATHES + 12].copy_from_slice(b"gcc\0");
        b[PATHES + 24..PATHES + 32].copy_from_slice(&1_234_000_000u64.to_ne_bytes());
        b[PATHES + 32..PATHES + 36].copy_from_slice(&4242i32.to_ne_bytes());
        b[PATHES + 40..PATHES + 48].copy_from_slice(&(7_384u64 * 1_000_000_000).to_ne_bytes());
        b
    }

    #[test]
    fn arguments() {
        let c = config(&["-p", "7", "-F"]).unwrap();
        assert!(c.rodata.contains(&("targ_tgid", RoValue::I32(7))));
        assert!(c.rodata.contains(&("full_path", RoValue::Bool(true))));
        assert!(config(&["-p", "x"]).is_err());
        assert!(config(&["-p", "-3"]).is_err());
        assert!(config(&["1", "2"]).is_err());
    }

    #[test]
    fn decodes_names_and_paths() {
        let mut s = Session::default();
        let c = config(&[]).unwrap();
        let e = decode(&c, &mut s, &sample(&["ccA1.s"], false)).unwrap();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TIME     PID    COMM             AGE(s)  FILE"
        );
        assert_eq!(
            event_line(&cols, &e),
            "02:03:04 4242   gcc              1.23    ccA1.s"
        );
        let f = config(&["-F"]).unwrap();
        let b = sample(&["ccA1.s", "tmp", "/"], false);
        assert_eq!(decode(&f, &mut s, &b).unwrap().text("fname"), "/tmp/ccA1.s");
        // A mount point on the way: its "/" is skipped.
        let b = sample(&["x", "data", "/", "mnt", "/"], false);
        assert_eq!(decode(&f, &mut s, &b).unwrap().text("fname"), "/mnt/data/x");
        // A failed walk: the top component without a leading "/".
        let b = sample(&["x", "b", "a"], true);
        assert_eq!(decode(&f, &mut s, &b).unwrap().text("fname"), "a/b/x");
        assert!(decode(&c, &mut s, &b[..PATHES + 20]).is_none());
    }
}
