//! shmsnoop: System V shared memory calls, in bcc's columns and options
//! (-T, -p, -t, -d, -n): `[TIME(s)] PID|TID COMM SYS RET ARGs`.

use crate::args::{duration, flag, opt, pid_opt, Config, OptSpec, Parsed, RoValue, DURATION};
use crate::bytes::{cstr_at, i64_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    flag('T', "timestamp", "Include timestamp on output"),
    opt(Some('p'), "pid", "PID", "Trace this PID only"),
    opt(Some('t'), "tid", "TID", "Trace this TID only"),
    DURATION,
    opt(
        Some('n'),
        "name",
        "NAME",
        "Only print process names containing this name",
    ),
];

const fn tp(name: &'static str, event: &'static str) -> ProgSpec {
    ProgSpec {
        name,
        attach: AttachPoint::Tracepoint("syscalls", event),
    }
}

const PROGRAMS: &[ProgSpec] = &[
    tp("shmget_entry", "sys_enter_shmget"),
    tp("shmget_return", "sys_exit_shmget"),
    tp("shmat_entry", "sys_enter_shmat"),
    tp("shmat_return", "sys_exit_shmat"),
    tp("shmdt_entry", "sys_enter_shmdt"),
    tp("shmdt_return", "sys_exit_shmdt"),
    tp("shmctl_entry", "sys_enter_shmctl"),
    tp("shmctl_return", "sys_exit_shmctl"),
];

pub(crate) const TOOL: Tool = Tool {
    name: "shmsnoop",
    summary: "Trace shm*() syscalls",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/shmsnoop.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp", "name"],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

const SYS_NAMES: [&str; 4] = ["SHMGET", "SHMAT", "SHMDT", "SHMCTL"];

const SHMGET_FLAGS: &[(u64, &str)] = &[
    (0o1000, "IPC_CREAT"),
    (0o2000, "IPC_EXCL"),
    (0o4000, "SHM_HUGETLB"),
    (21 << 26, "SHM_HUGE_2MB"),
    (30 << 26, "SHM_HUGE_1GB"),
    (0o10000, "SHM_NORESERVE"),
    (0o100000, "SHM_EXEC"),
];

const SHMAT_FLAGS: &[(u64, &str)] = &[
    (0o10000, "SHM_RDONLY"),
    (0o20000, "SHM_RND"),
    (0o40000, "SHM_REMAP"),
    (0o100000, "SHM_EXEC"),
];

const SHMCTL_CMDS: &[(u64, &str)] = &[
    (0, "IPC_RMID"),
    (1, "IPC_SET"),
    (2, "IPC_STAT"),
    (3, "IPC_INFO"),
    (11, "SHM_LOCK"),
    (12, "SHM_UNLOCK"),
    (13, "SHM_STAT"),
    (14, "SHM_INFO"),
    (15, "SHM_STAT_ANY"),
];

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("targ_pid", RoValue::U32(pid)));
    }
    if let Some(tid) = pid_opt(p, "tid")? {
        c.rodata.push(("targ_tid", RoValue::U32(tid)));
    }
    Ok(c)
}

/// bcc's `%-14s` (no blank after), `%-6s %-16s %6s %16s ARGs`.
fn columns(c: &Config) -> Vec<Column> {
    let mut cols = Vec::new();
    if c.parsed.has("timestamp") {
        cols.push(Column::left("time_s", "TIME(s)", 13));
    }
    let (key, header) = if c.parsed.has("tid") {
        ("tid", "TID")
    } else {
        ("pid", "PID")
    };
    cols.extend([
        Column::left(key, header, 6),
        Column::left("comm", "COMM", 16),
        Column::right("sys", "SYS", 6),
        Column::right("ret_hex", "RET", 16),
        Column::left("args", "ARGs", 0),
    ]);
    cols
}

/// bcc's shmflg_str: `0x1b6`, `0x3b6 (IPC_CREAT|0666)`. A name takes its
/// bits off the rest, in table order; what no name covers prints in octal.
fn flags_text(val: u64, table: &[(u64, &str)]) -> String {
    let mut s = format!("{val:#x}");
    if val == 0 {
        return s;
    }
    let mut rest = val;
    let mut names = Vec::new();
    for (v, n) in table {
        if v & rest != 0 {
            names.push(n.to_string());
            rest &= !v;
        }
    }
    if rest != 0 || names.is_empty() {
        names.push(format!("0{rest:o}"));
    }
    s.push_str(&format!(" ({})", names.join("|")));
    s
}

fn cmd_text(cmd: u64) -> String {
    SHMCTL_CMDS
        .iter()
        .find(|(v, _)| *v == cmd)
        .map_or_else(|| format!("{cmd:#x}"), |(_, n)| n.to_string())
}

/// `struct event`: ts@0 pid@8 tid@12 sys@16 key@24 size@32 shmflg@40
/// shmid@48 cmd@56 buf@64 shmaddr@72 ret@80 comm[16]@88.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let comm = cstr_at(b, 88, 16)?;
    if let Some(name) = c.parsed.value("name") {
        if !comm.contains(name) {
            return None;
        }
    }
    let field = |off| u64_at(b, off);
    let (key, size, shmflg, shmid) = (field(24)?, field(32)?, field(40)?, field(48)?);
    let (cmd, buf, shmaddr) = (field(56)?, field(64)?, field(72)?);
    let ret = i64_at(b, 80)?;
    let sys = u32_at(b, 16)?;
    let mut e = Event::default();
    if c.parsed.has("timestamp") {
        e.push("time_s", format!("{:.9}", s.relative_secs(ts)));
    }
    e.push("pid", u32_at(b, 8)?);
    e.push("tid", u32_at(b, 12)?);
    e.push("comm", comm);
    e.push("sys", *SYS_NAMES.get(sys as usize)?);
    e.push("ret_hex", format!("{:x}", ret as u64));
    let args = match sys {
        0 => {
            e.push("key", key);
            e.push("size", size);
            e.push("shmflg", shmflg);
            format!(
                "key: {key:#x}, size: {size}, shmflg: {}",
                flags_text(shmflg, SHMGET_FLAGS)
            )
        }
        1 => {
            e.push("shmid", shmid);
            e.push("shmaddr", shmaddr);
            e.push("shmflg", shmflg);
            format!(
                "shmid: {shmid:#x}, shmaddr: {shmaddr:#x}, shmflg: {}",
                flags_text(shmflg, SHMAT_FLAGS)
            )
        }
        2 => {
            e.push("shmaddr", shmaddr);
            format!("shmaddr: {shmaddr:#x}")
        }
        _ => {
            e.push("shmid", shmid);
            e.push("cmd", cmd);
            e.push("buf", buf);
            format!(
                "shmid: {shmid:#x}, cmd: {cmd} ({}), buf: {buf:#x}",
                cmd_text(cmd)
            )
        }
    };
    e.push("args", args);
    e.push("ret", ret);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{event_line, header_line};

    fn config(words: &str) -> Result<Config, ArgError> {
        let args: Vec<String> = words.split_whitespace().map(String::from).collect();
        TOOL.configure(&args, &Session::default())
    }

    fn sample(sys: u32, ret: i64, fields: &[(usize, u64)]) -> Vec<u8> {
        let mut b = vec![0u8; 104];
        b[8..12].copy_from_slice(&42u32.to_ne_bytes());
        b[12..16].copy_from_slice(&43u32.to_ne_bytes());
        b[16..20].copy_from_slice(&sys.to_ne_bytes());
        for (off, v) in fields {
            b[*off..off + 8].copy_from_slice(&v.to_ne_bytes());
        }
        b[80..88].copy_from_slice(&ret.to_ne_bytes());
        b[88..92].copy_from_slice(b"ipcs");
        b
    }

    #[test]
    fn layout_as_bcc() {
        let c = config("").unwrap();
        let s = &mut Session::default();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "PID    COMM                SYS              RET ARGs"
        );
        let get = sample(0, 5, &[(24, 0), (32, 4096), (40, 0o1600)]);
        let e = decode(&c, s, &get).unwrap();
        assert_eq!(
            event_line(&cols, &e),
            "42     ipcs             SHMGET                5 \
             key: 0x0, size: 4096, shmflg: 0x380 (IPC_CREAT|0600)"
        );
        let at = sample(1, 0x7f00_0000_0000, &[(48, 5), (40, 0o10000)]);
        let e = decode(&c, s, &at).unwrap();
        assert_eq!(
            e.text("args"),
            "shmid: 0x5, shmaddr: 0x0, shmflg: 0x1000 (SHM_RDONLY)"
        );
        assert_eq!(e.text("ret_hex"), "7f0000000000");
        let dt = sample(2, -22, &[(72, 0x7f00_0000_0000)]);
        let e = decode(&c, s, &dt).unwrap();
        assert_eq!(e.text("args"), "shmaddr: 0x7f0000000000");
        assert_eq!(e.text("ret_hex"), "ffffffffffffffea");
        let ctl = sample(3, 0, &[(48, 5), (56, 0), (64, 0)]);
        let e = decode(&c, s, &ctl).unwrap();
        assert_eq!(e.text("args"), "shmid: 0x5, cmd: 0 (IPC_RMID), buf: 0x0");
        assert_eq!(flags_text(0o666, SHMGET_FLAGS), "0x1b6 (0666)");
        assert_eq!(
            flags_text(21 << 26, SHMGET_FLAGS),
            "0x54000000 (SHM_HUGE_2MB)"
        );
        assert_eq!(cmd_text(99), "0x63");
        assert!(decode(&c, s, &sample(7, 0, &[])).is_none());
        assert!(decode(&c, s, &get[..84]).is_none());
    }

    #[test]
    fn options() {
        let c = config("-T -t 43 -n ip").unwrap();
        assert_eq!(
            header_line(&columns(&c)),
            "TIME(s)       TID    COMM                SYS              RET ARGs"
        );
        assert!(c.rodata.contains(&("targ_tid", RoValue::U32(43))));
        let s = &mut Session::default();
        let e = decode(&c, s, &sample(2, 0, &[])).unwrap();
        assert_eq!(
            event_line(&columns(&c), &e).get(..20),
            Some("0.000000000   43    ")
        );
        let c = config("-n nomatch").unwrap();
        assert!(decode(&c, s, &sample(2, 0, &[])).is_none());
        for bad in ["-p 0", "-t x", "-d 0", "-q"] {
            assert!(config(bad).is_err(), "{bad}");
        }
    }
}
