//! vfscount: calls per VFS function (bcc's ADDR, FUNC, COUNT; fewest
//! first). bcc attaches to every `vfs_*` function; this counts the fixed
//! set in FUNCS. Needs fentry or kprobes: both sets are in the object (see
//! ext4slower).

use crate::args::{err, Config, OptSpec, Parsed};
use crate::bytes::{u32_at, u64_at};
use crate::probes::entry_probes;
use crate::{ArgError, Column, Event, ProgSpec, Report, Session, Tool};

/// The counted functions, listed once: FUNCS, where a function's index is
/// its key in the counts map (the COUNT() lines of vfscount.bpf.c, in the
/// same order), and PROGRAMS, its fentry and kprobe programs.
macro_rules! counted {
    ($($func:literal),* $(,)?) => {
        const FUNCS: &[&str] = &[$($func),*];
        const PROGRAMS: &[ProgSpec] = entry_probes!($($func),*);
    };
}

counted!(
    "vfs_read",
    "vfs_write",
    "vfs_readv",
    "vfs_writev",
    "vfs_iter_read",
    "vfs_iter_write",
    "vfs_llseek",
    "vfs_open",
    "vfs_create",
    "vfs_mkdir",
    "vfs_mknod",
    "vfs_rmdir",
    "vfs_unlink",
    "vfs_rename",
    "vfs_link",
    "vfs_symlink",
    "vfs_readlink",
    "vfs_fsync",
    "vfs_fsync_range",
    "vfs_getattr",
    "vfs_getattr_nosec",
    "vfs_statx",
    "vfs_fstat",
    "vfs_truncate",
    "vfs_fallocate",
    "vfs_fadvise",
    "vfs_copy_file_range",
    "vfs_lock_file",
    "vfs_test_lock",
    "vfs_setlease",
    "vfs_getxattr",
    "vfs_setxattr",
    "vfs_listxattr",
    "vfs_removexattr",
    "vfs_utimes",
    "vfs_path_lookup",
);

pub(crate) const TOOL: Tool = Tool {
    name: "vfscount",
    summary: "Count VFS calls (vfs_*)",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/vfscount.bpf.o")),
    options: &[] as &[OptSpec],
    report_options: &[],
    positional: "[TIME]",
    programs: PROGRAMS,
    report: Report::Counts {
        map: "counts",
        columns,
        rows,
        header_each: true,
    },
    configure,
};

/// bcc's positional `time`: trace this many seconds, then print once.
fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    match p.positionals.as_slice() {
        [] => {}
        [t] => match t.parse::<u64>() {
            Ok(v) if v > 0 => c.duration = Some(v),
            _ => {
                return err(format!(
                    "invalid time '{t}': expected a positive whole number of seconds"
                ))
            }
        },
        _ => return err("too many arguments: expected [TIME]"),
    }
    Ok(c)
}

fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("addr", "ADDR", 16),
        Column::left("func", "FUNC", 26),
        Column::right("count", "COUNT", 8),
    ]
}

/// Key u32 (index in FUNCS), value `struct count` (count@0 ip@8); fewest
/// calls first, as bcc sorts them.
fn rows(_c: &Config, _s: &Session, entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Event> {
    let mut v: Vec<(&str, u64, u64)> = entries
        .iter()
        .filter_map(|(k, v)| {
            let func = FUNCS.get(u32_at(k, 0)? as usize)?;
            Some((*func, u64_at(v, 8)?, u64_at(v, 0)?))
        })
        .collect();
    v.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(b.0)));
    v.into_iter()
        .map(|(func, ip, count)| {
            let mut e = Event::default();
            e.push("addr", format!("{ip:x}"));
            e.push("func", func);
            e.push("count", count);
            e.push("ip", ip);
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    fn entry(key: u32, count: u64, ip: u64) -> (Vec<u8>, Vec<u8>) {
        let mut v = count.to_ne_bytes().to_vec();
        v.extend_from_slice(&ip.to_ne_bytes());
        (key.to_ne_bytes().to_vec(), v)
    }

    fn config(args: &[&str]) -> Result<Config, ArgError> {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        TOOL.configure(&words, &Session::default())
    }

    #[test]
    fn arguments() {
        assert_eq!(config(&["10"]).unwrap().duration, Some(10));
        assert!(config(&["0"]).is_err());
        assert!(config(&["1", "2"]).is_err());
        assert!(config(&["-p", "2"]).is_err());
    }

    #[test]
    fn rows_fewest_first() {
        let c = config(&[]).unwrap();
        let r = rows(
            &Config::default(),
            &Session::default(),
            &[
                entry(0, 2283, 0xffffffff811e7f71),
                entry(8, 1, 0xffffffff811f3c01),
                entry(99, 5, 0), // not ours: skipped
            ],
        );
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "ADDR             FUNC                          COUNT"
        );
        let lines: Vec<String> = r.iter().map(|e| event_line(&cols, e)).collect();
        assert_eq!(
            lines,
            [
                "ffffffff811f3c01 vfs_create                        1",
                "ffffffff811e7f71 vfs_read                       2283",
            ]
        );
    }

    #[test]
    fn programs_match_funcs() {
        for (i, f) in FUNCS.iter().enumerate() {
            assert_eq!(PROGRAMS[2 * i].attach, crate::AttachPoint::Fentry(f));
            assert_eq!(PROGRAMS[2 * i + 1].attach, crate::AttachPoint::Kprobe(f));
        }
        assert_eq!(PROGRAMS.len(), 2 * FUNCS.len());
        // The keys the BPF side passes: COUNT(func, index) in FUNCS's order.
        let src = include_str!("bpf/vfscount.bpf.c");
        let counted: Vec<String> = src
            .lines()
            .filter_map(|l| {
                l.strip_prefix("COUNT(")?
                    .strip_suffix(')')
                    .map(String::from)
            })
            .collect();
        let want: Vec<String> = FUNCS
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{f}, {i}"))
            .collect();
        assert_eq!(counted, want);
    }
}
