//! klockstat: mutex and rw_semaphore wait (acquire) and hold times per
//! caller, or per thread with -P (libbpf-tools' -p -t -c -L -n -s -S -d -i
//! -P -R -T). The lock functions need fentry/fexit or kprobes. Callers are
//! named in the kernel (`%pS`), so the report reads one map.

use crate::args::{err, flag, interval_count, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, MapEntry, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Filter by process ID"),
    opt(Some('t'), "tid", "TID", "Filter by thread ID"),
    opt(
        Some('c'),
        "caller",
        "FUNC",
        "Filter by caller string prefix",
    ),
    opt(
        Some('L'),
        "lock",
        "LOCK",
        "Filter by specific lock address (0x...)",
    ),
    opt(
        Some('n'),
        "locks",
        "NR_LOCKS",
        "Number of locks or threads to print",
    ),
    opt(
        Some('s'),
        "stacks",
        "NR_STACKS",
        "Number of stack entries to print per lock (1: the caller)",
    ),
    opt(
        Some('S'),
        "sort",
        "SORT",
        "Sort by field: acq_[max|total|count], hld_[max|total|count]",
    ),
    opt(Some('d'), "duration", "SECONDS", "Duration to trace"),
    opt(Some('i'), "interval", "SECONDS", "Print interval"),
    flag('P', "per-thread", "Print per-thread stats"),
    flag(
        'R',
        "reset",
        "Reset stats each interval (interval reports always do)",
    ),
    flag('T', "timestamp", "Print timestamp"),
];

/// The lock functions, as libbpf-tools traces them (the `_nested`
/// variants exist only with lockdep, and the netlink/ioctl annotations are
/// not kept).
const PROGRAMS: &[ProgSpec] = &programs();

/// (function, has an entry program, has a return program): locks have
/// both, trylocks only the return one under fentry, unlocks only the entry.
const FUNCS: [(&str, bool, bool); 14] = [
    ("mutex_lock", true, true),
    ("mutex_lock_interruptible", true, true),
    ("mutex_lock_killable", true, true),
    ("mutex_trylock", false, true),
    ("mutex_unlock", true, false),
    ("down_read", true, true),
    ("down_read_interruptible", true, true),
    ("down_read_killable", true, true),
    ("down_read_trylock", false, true),
    ("up_read", true, false),
    ("down_write", true, true),
    ("down_write_killable", true, true),
    ("down_write_trylock", false, true),
    ("up_write", true, false),
];

/// Program names as klockstat.bpf.c's macros make them.
const NAMES: [[&str; 4]; 14] = [
    [
        "fentry_mutex_lock",
        "fexit_mutex_lock",
        "kprobe_mutex_lock",
        "kretprobe_mutex_lock",
    ],
    [
        "fentry_mutex_lock_interruptible",
        "fexit_mutex_lock_interruptible",
        "kprobe_mutex_lock_interruptible",
        "kretprobe_mutex_lock_interruptible",
    ],
    [
        "fentry_mutex_lock_killable",
        "fexit_mutex_lock_killable",
        "kprobe_mutex_lock_killable",
        "kretprobe_mutex_lock_killable",
    ],
    [
        "",
        "fexit_mutex_trylock",
        "kprobe_mutex_trylock",
        "kretprobe_mutex_trylock",
    ],
    ["fentry_mutex_unlock", "", "kprobe_mutex_unlock", ""],
    [
        "fentry_down_read",
        "fexit_down_read",
        "kprobe_down_read",
        "kretprobe_down_read",
    ],
    [
        "fentry_down_read_interruptible",
        "fexit_down_read_interruptible",
        "kprobe_down_read_interruptible",
        "kretprobe_down_read_interruptible",
    ],
    [
        "fentry_down_read_killable",
        "fexit_down_read_killable",
        "kprobe_down_read_killable",
        "kretprobe_down_read_killable",
    ],
    [
        "",
        "fexit_down_read_trylock",
        "kprobe_down_read_trylock",
        "kretprobe_down_read_trylock",
    ],
    ["fentry_up_read", "", "kprobe_up_read", ""],
    [
        "fentry_down_write",
        "fexit_down_write",
        "kprobe_down_write",
        "kretprobe_down_write",
    ],
    [
        "fentry_down_write_killable",
        "fexit_down_write_killable",
        "kprobe_down_write_killable",
        "kretprobe_down_write_killable",
    ],
    [
        "",
        "fexit_down_write_trylock",
        "kprobe_down_write_trylock",
        "kretprobe_down_write_trylock",
    ],
    ["fentry_up_write", "", "kprobe_up_write", ""],
];

/// fentry: 8 locks x 2, 3 trylocks x 1, 3 unlocks; kprobe: the same but
/// trylocks have a kprobe too (it remembers the lock for the kretprobe).
const N_PROGRAMS: usize = 47;

const fn programs() -> [ProgSpec; N_PROGRAMS] {
    let mut out = [ProgSpec {
        name: "",
        attach: AttachPoint::Fentry(""),
    }; N_PROGRAMS];
    let (mut i, mut n) = (0, 0);
    while i < FUNCS.len() {
        let (f, entry, ret) = FUNCS[i];
        let names = NAMES[i];
        if entry {
            out[n] = ProgSpec {
                name: names[0],
                attach: AttachPoint::Fentry(f),
            };
            n += 1;
        }
        if ret {
            out[n] = ProgSpec {
                name: names[1],
                attach: AttachPoint::Fexit(f),
            };
            n += 1;
        }
        out[n] = ProgSpec {
            name: names[2],
            attach: AttachPoint::Kprobe(f),
        };
        n += 1;
        if ret {
            out[n] = ProgSpec {
                name: names[3],
                attach: AttachPoint::Kretprobe(f),
            };
            n += 1;
        }
        i += 1;
    }
    assert!(
        n == N_PROGRAMS,
        "N_PROGRAMS is the count of FUNCS' programs"
    );
    out
}

pub(crate) const TOOL: Tool = Tool {
    name: "klockstat",
    summary: "Trace mutex/sem lock acquisition and hold times, in nsec",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/klockstat.bpf.o")),
    options: OPTIONS,
    report_options: &["caller", "locks", "sort", "timestamp", "stacks"],
    positional: "[INTERVAL [COUNT]]",
    programs: PROGRAMS,
    report: Report::Counts {
        map: "stat_map",
        columns,
        rows,
        header_each: true,
    },
    configure,
};

/// A sort key of -S: the field of `struct lock_stat` (ns or a count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    AcqMax,
    AcqTotal,
    AcqCount,
    HldMax,
    HldTotal,
    HldCount,
}

fn sort_key(word: &str) -> Option<SortKey> {
    Some(match word {
        "acq_max" => SortKey::AcqMax,
        "acq_total" => SortKey::AcqTotal,
        "acq_count" => SortKey::AcqCount,
        "hld_max" => SortKey::HldMax,
        "hld_total" => SortKey::HldTotal,
        "hld_count" => SortKey::HldCount,
        _ => return None,
    })
}

/// -S: one key or an acq_ and a hld_ key, comma-separated; the first
/// given orders the one table (libbpf-tools orders two tables).
fn sort_keys(value: &str) -> Result<Vec<SortKey>, ArgError> {
    let keys: Option<Vec<SortKey>> = value.split(',').map(sort_key).collect();
    match keys {
        Some(k) if (1..=2).contains(&k.len()) => Ok(k),
        _ => err(format!(
            "invalid sort '{value}': acq_[max|total|count] and/or hld_[max|total|count]"
        )),
    }
}

fn positive(p: &Parsed, long: &str) -> Result<Option<u64>, ArgError> {
    match p.number::<u64>(long)? {
        Some(0) => err(format!("invalid value for --{long}: '0'")),
        v => Ok(v),
    }
}

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config {
        unit: "nsecs",
        ..Default::default()
    };
    interval_count(p, &mut c)?;
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_tgid", RoValue::U32(pid)));
    }
    if let Some(tid) = pid_opt(p, "tid")? {
        c.rodata.push(("targ_pid", RoValue::U32(tid)));
    }
    if let Some(lock) = p.value("lock") {
        // libbpf-tools also takes a lock's symbol; that needs kallsyms.
        let addr = lock
            .strip_prefix("0x")
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .filter(|a| *a != 0);
        let Some(addr) = addr else {
            return err(format!("invalid lock '{lock}': give its address (0x...)"));
        };
        c.rodata.push(("targ_lock", RoValue::U64(addr)));
    }
    let per_thread = p.has("per-thread");
    if per_thread {
        c.rodata.push(("per_thread", RoValue::Bool(true)));
    }
    match positive(p, "stacks")? {
        Some(1) | None => {}
        Some(n) if per_thread => return err(format!("-P takes no stacks (-s {n})")),
        Some(n) => {
            return err(format!(
                "-s {n}: bpfscope keeps the caller of each lock, not its stack"
            ))
        }
    }
    if let Some(n) = positive(p, "locks")? {
        c.top = Some(usize::try_from(n).unwrap_or(usize::MAX));
    }
    if let Some(s) = p.value("sort") {
        sort_keys(s)?;
    }
    // -i and -d as libbpf-tools: every INTERVAL, for DURATION in all.
    if let Some(i) = positive(p, "interval")? {
        c.interval = Some(i);
    }
    if let Some(d) = positive(p, "duration")? {
        match c.interval {
            Some(i) => c.count = Some((d / i).max(1)),
            None => c.duration = Some(d),
        }
    }
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let mut v = if c.parsed.has("per-thread") {
        vec![
            Column::right("tid", "Tid", 19),
            Column::right("comm", "Comm", 17),
        ]
    } else {
        vec![Column::right("caller", "Caller", 37)]
    };
    v.extend([
        Column::right("avg_wait", "Avg Wait", 9),
        Column::right("acq_count", "Count", 8),
        Column::right("max_wait", "Max Wait", 10),
        Column::right("total_wait", "Total Wait", 12),
        Column::right("avg_hold", "Avg Hold", 9),
        Column::right("hld_count", "Count", 8),
        Column::right("max_hold", "Max Hold", 10),
        Column::right("total_hold", "Total Hold", 12),
    ]);
    v
}

/// libbpf-tools' print_time: the largest unit the time reaches, one decimal.
fn print_time(ns: u64) -> String {
    const UNITS: [(f64, &str); 5] = [
        (1e9 * 3600.0, "h "),
        (1e9 * 60.0, "m "),
        (1e9, "s "),
        (1e6, "ms"),
        (1e3, "us"),
    ];
    for (base, unit) in UNITS {
        if ns as f64 >= base {
            return format!("{:.1} {unit}", ns as f64 / base);
        }
    }
    format!("{ns} ns")
}

/// `struct lock_stat` of klockstat.bpf.c, 176 bytes.
struct LockStat {
    key: u64,
    acq: [u64; 5],
    acq_comm: String,
    hld: [u64; 5],
    hld_comm: String,
    caller: String,
}

/// acq_*@0..40 acq_max_comm[16]@40 hld_*@56..96 hld_max_comm[16]@96
/// caller[64]@112; each five: count, total_time, max_time, max_id,
/// max_lock_ptr.
fn lock_stat(key: &[u8], b: &[u8]) -> Option<LockStat> {
    if b.len() < 176 {
        return None;
    }
    let five = |off: usize| -> Option<[u64; 5]> {
        Some([
            u64_at(b, off)?,
            u64_at(b, off + 8)?,
            u64_at(b, off + 16)?,
            u64_at(b, off + 24)?,
            u64_at(b, off + 32)?,
        ])
    };
    Some(LockStat {
        key: u64_at(key, 0)?,
        acq: five(0)?,
        acq_comm: cstr_at(b, 40, 16)?,
        hld: five(56)?,
        hld_comm: cstr_at(b, 96, 16)?,
        caller: cstr_at(b, 112, 64)?,
    })
}

impl LockStat {
    fn sort_value(&self, k: SortKey) -> u64 {
        match k {
            SortKey::AcqMax => self.acq[2],
            SortKey::AcqTotal => self.acq[1],
            SortKey::AcqCount => self.acq[0],
            SortKey::HldMax => self.hld[2],
            SortKey::HldTotal => self.hld[1],
            SortKey::HldCount => self.hld[0],
        }
    }
}

fn rows(c: &Config, _s: &Session, entries: &[MapEntry]) -> Vec<Event> {
    let per_thread = c.parsed.has("per-thread");
    let prefix = c.parsed.value("caller");
    let mut stats: Vec<LockStat> = entries
        .iter()
        .filter_map(|(k, v)| lock_stat(k, v))
        .filter(|s| s.acq[0] > 0 && prefix.is_none_or(|p| s.caller.starts_with(p)))
        .collect();
    let key = c
        .parsed
        .value("sort")
        .and_then(|s| sort_keys(s).ok())
        .and_then(|k| k.first().copied())
        .unwrap_or(SortKey::AcqMax);
    stats.sort_by(|a, b| {
        b.sort_value(key)
            .cmp(&a.sort_value(key))
            .then(a.caller.cmp(&b.caller))
    });
    stats.truncate(c.top.unwrap_or(usize::MAX));
    stats
        .iter()
        .map(|s| {
            let mut e = Event::default();
            if per_thread {
                e.push("tid", s.key as u32);
                e.push("comm", s.caller.clone());
            } else {
                e.push("caller", s.caller.clone());
                e.push("caller_ip", format!("{:#x}", s.key));
            }
            let avg = |v: &[u64; 5]| v[1].checked_div(v[0]).unwrap_or(0);
            e.push("avg_wait", print_time(avg(&s.acq)));
            e.push("acq_count", s.acq[0]);
            e.push("max_wait", print_time(s.acq[2]));
            e.push("total_wait", print_time(s.acq[1]));
            e.push("avg_hold", print_time(avg(&s.hld)));
            e.push("hld_count", s.hld[0]);
            e.push("max_hold", print_time(s.hld[2]));
            e.push("total_hold", print_time(s.hld[1]));
            e.push("acq_total_time", s.acq[1]);
            e.push("acq_max_time", s.acq[2]);
            e.push("acq_max_id", s.acq[3] >> 32);
            e.push("acq_max_lock_ptr", format!("{:#x}", s.acq[4]));
            e.push("acq_max_comm", s.acq_comm.clone());
            e.push("hld_total_time", s.hld[1]);
            e.push("hld_max_time", s.hld[2]);
            e.push("hld_max_id", s.hld[3] >> 32);
            e.push("hld_max_lock_ptr", format!("{:#x}", s.hld[4]));
            e.push("hld_max_comm", s.hld_comm.clone());
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &str) -> Result<Config, ArgError> {
        let words: Vec<String> = args.split_whitespace().map(String::from).collect();
        TOOL.configure(&words, &Session::default())
    }

    #[test]
    fn program_sets() {
        let fentry = PROGRAMS.iter().filter(|p| p.attach.is_fentry()).count();
        let kprobe = PROGRAMS.iter().filter(|p| p.attach.is_kprobe()).count();
        assert_eq!((fentry, kprobe), (22, 25));
        assert!(PROGRAMS.iter().all(|p| !p.name.is_empty()));
        assert!(PROGRAMS
            .iter()
            .any(|p| p.name == "kretprobe_down_write_trylock"
                && p.attach == AttachPoint::Kretprobe("down_write_trylock")));
    }

    #[test]
    fn options() {
        let c = config("-p 1 -t 2 -L 0xffff8880 -P -n 3 -i 2 -d 7 -S hld_total,acq_count").unwrap();
        assert_eq!(
            c.rodata,
            vec![
                ("targ_tgid", RoValue::U32(1)),
                ("targ_pid", RoValue::U32(2)),
                ("targ_lock", RoValue::U64(0xffff8880)),
                ("per_thread", RoValue::Bool(true)),
            ]
        );
        assert_eq!(
            (c.top, c.interval, c.count, c.duration),
            (Some(3), Some(2), Some(3), None)
        );
        let c = config("-d 5 -s 1").unwrap();
        assert_eq!((c.interval, c.duration), (None, Some(5)));
        assert_eq!(config("1 4").unwrap().count, Some(4));
        for bad in [
            "-L cgroup_mutex",
            "-L 0x0",
            "-s 3",
            "-P -s 2",
            "-S acq_min",
            "-S acq_max,hld_max,acq_count",
            "-n 0",
            "-i 0",
            "-p 0",
            "-x",
        ] {
            assert!(config(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_as_libbpf_tools() {
        assert_eq!(print_time(999), "999 ns");
        assert_eq!(print_time(1500), "1.5 us");
        assert_eq!(print_time(2_500_000), "2.5 ms");
        assert_eq!(print_time(3_000_000_000), "3.0 s ");
        assert_eq!(print_time(90 * 1_000_000_000), "1.5 m ");
    }

    /// A `struct lock_stat` as klockstat.bpf.c lays it out.
    fn stat(caller: &str, acq: [u64; 3], hld: [u64; 3]) -> Vec<u8> {
        let mut b = vec![0u8; 176];
        let put =
            |b: &mut Vec<u8>, off: usize, v: u64| b[off..off + 8].copy_from_slice(&v.to_ne_bytes());
        for (i, v) in acq.iter().enumerate() {
            put(&mut b, i * 8, *v);
        }
        put(&mut b, 24, 42 << 32 | 43);
        put(&mut b, 32, 0xffff_8880_0000_1000);
        b[40..43].copy_from_slice(b"cat");
        for (i, v) in hld.iter().enumerate() {
            put(&mut b, 56 + i * 8, *v);
        }
        b[96..99].copy_from_slice(b"cat");
        b[112..112 + caller.len()].copy_from_slice(caller.as_bytes());
        b
    }

    #[test]
    fn rows_sorted_filtered_and_laid_out() {
        let entries: Vec<MapEntry> = vec![
            (
                0xffff_ffff_8100_0010u64.to_ne_bytes().to_vec(),
                stat(
                    "pipe_read+0x3c/0x420",
                    [4, 8000, 5000],
                    [4, 4_000_000, 2_000_000],
                ),
            ),
            (
                0xffff_ffff_8100_0020u64.to_ne_bytes().to_vec(),
                stat(
                    "do_epoll_wait+0x10/0x600",
                    [100, 50_000, 900],
                    [100, 10_000, 300],
                ),
            ),
            // A lock still held, never accounted: no row.
            (1u64.to_ne_bytes().to_vec(), stat("x", [0, 0, 0], [0, 0, 0])),
        ];
        let c = config("").unwrap();
        let r = rows(&c, &Session::default(), &entries);
        assert_eq!(r.len(), 2);
        let cols = columns(&c);
        assert_eq!(
            crate::event::header_line(&cols),
            "                               Caller  Avg Wait    Count   Max Wait   Total Wait  Avg Hold    Count   Max Hold   Total Hold"
        );
        assert_eq!(
            crate::event::event_line(&cols, &r[0]),
            "                 pipe_read+0x3c/0x420    2.0 us        4     5.0 us       8.0 us    1.0 ms        4     2.0 ms       4.0 ms"
        );
        assert_eq!(r[0].get("acq_max_id"), Some(&serde_json::json!(42)));
        assert_eq!(r[0].text("caller_ip"), "0xffffffff81000010");
        // -S acq_count, -n 1, -c prefix.
        let c = config("-S acq_count -n 1").unwrap();
        let r = rows(&c, &Session::default(), &entries);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].text("caller"), "do_epoll_wait+0x10/0x600");
        let c = config("-c pipe_").unwrap();
        let r = rows(&c, &Session::default(), &entries);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].text("caller"), "pipe_read+0x3c/0x420");
        // -P: the key is the task id, the text the comm.
        let c = config("-P").unwrap();
        let per_thread = vec![(
            (7u64 << 32 | 9).to_ne_bytes().to_vec(),
            stat("worker", [1, 10, 10], [1, 10, 10]),
        )];
        let r = rows(&c, &Session::default(), &per_thread);
        assert_eq!(
            crate::event::event_line(&columns(&c), &r[0]),
            "                  9            worker     10 ns        1      10 ns        10 ns     10 ns        1      10 ns        10 ns"
        );
        // Short values are skipped.
        let short = vec![(1u64.to_ne_bytes().to_vec(), vec![0u8; 100])];
        assert!(rows(&config("").unwrap(), &Session::default(), &short).is_empty());
    }
}
