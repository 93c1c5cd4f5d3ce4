//! mountsnoop: mount(2), umount(2) and the new mount API (fsopen,
//! fsconfig, fsmount, move_mount), each as one strace-like CALL, in
//! libbpf-tools' columns and options (-p, -t, and -d: one line per field).

use crate::args::{duration, flag, opt, pid_filter, Config, OptSpec, Parsed};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::sysnames::errno_name;
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Process ID to trace"),
    flag('t', "timestamp", "Include timestamp on output"),
    flag('d', "detailed", "Output result in detail mode"),
    opt(None, "duration", "SECS", "Trace for this many seconds"),
];

const fn tp(name: &'static str, event: &'static str) -> ProgSpec {
    ProgSpec {
        name,
        attach: AttachPoint::Tracepoint("syscalls", event),
    }
}

const PROGRAMS: &[ProgSpec] = &[
    tp("mount_entry", "sys_enter_mount"),
    tp("mount_exit", "sys_exit_mount"),
    tp("umount_entry", "sys_enter_umount"),
    tp("umount_exit", "sys_exit_umount"),
    tp("fsopen_entry", "sys_enter_fsopen"),
    tp("fsopen_exit", "sys_exit_fsopen"),
    tp("fsconfig_entry", "sys_enter_fsconfig"),
    tp("fsconfig_exit", "sys_exit_fsconfig"),
    tp("fsmount_entry", "sys_enter_fsmount"),
    tp("fsmount_exit", "sys_exit_fsmount"),
    tp("move_mount_entry", "sys_enter_move_mount"),
    tp("move_mount_exit", "sys_exit_move_mount"),
];

pub(crate) const TOOL: Tool = Tool {
    name: "mountsnoop",
    summary: "Trace mount, umount, fsopen, fsconfig, fsmount, move_mount syscalls",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/mountsnoop.bpf.o")),
    options: OPTIONS,
    report_options: &["timestamp", "detailed"],
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
    pid_filter(p, &mut c, "target_pid")?;
    Ok(c)
}

/// -d's fields in libbpf-tools' order and labels, without and with -t
/// (which indents them under the time). Each event has only its call's.
const DETAIL: &[(&str, &str, &str)] = &[
    ("pid", "PID:    ", "    PID:    "),
    ("tid", "TID:    ", "    TID:    "),
    ("comm", "COMM:   ", "    COMM:   "),
    ("op", "OP:     ", "    OP:     "),
    ("result", "RET:    ", "    RET:    "),
    ("lat", "LAT:    ", "    LAT:    "),
    ("mnt_ns", "MNT_NS: ", "    MNT_NS: "),
    ("fs", "FS:     ", "    FS:     "),
    ("src", "SOURCE: ", "    SOURCE: "),
    ("dest", "TARGET: ", "    TARGET: "),
    ("data", "DATA:   ", "    DATA:   "),
    ("flags_text", "FLAGS:  ", "    FLAGS:  "),
    ("fd", "FD:     ", "    FD:     "),
    ("cmd_text", "CMD:    ", "    CMD:    "),
    ("key", "KEY:    ", "    KEY:    "),
    ("value", "VALUE:  ", "    VALUE:  "),
    ("fs_fd", "FS_FD:       ", "    FS_FD:       "),
    ("fsmount_flags", "FLAGS:       ", "    FLAGS:       "),
    ("attr_flags_text", "ATTR_FLAGS:  ", "    ATTR_FLAGS:  "),
    ("from_dfd", "FROM_DFD:       ", "    FROM_DFD:       "),
    ("from_pathname", "FROM_PATHNAME:  ", "    FROM_PATHNAME:  "),
    ("to_dfd", "TO_DFD:         ", "    TO_DFD:         "),
    ("to_pathname", "TO_PATHNAME:    ", "    TO_PATHNAME:    "),
    (
        "move_mount_flags",
        "FLAGS:          ",
        "    FLAGS:          ",
    ),
];

/// libbpf-tools' `[%-8s] %-16s %-7s %-7s %-11s %s`, or with -d its
/// one-line-per-field blocks.
fn columns(c: &Config) -> Vec<Column> {
    let timestamp = c.parsed.has("timestamp");
    if c.parsed.has("detailed") {
        let time = timestamp.then(|| Column::own_line("time", ""));
        return time
            .into_iter()
            .chain(DETAIL.iter().map(|&(key, plain, indented)| {
                Column::own_line(key, if timestamp { indented } else { plain })
            }))
            .collect();
    }
    let mut cols = Vec::new();
    if timestamp {
        cols.push(Column::left("time", "TIME", 8));
    }
    cols.extend([
        Column::left("comm", "COMM", 16),
        Column::left("pid", "PID", 7),
        Column::left("tid", "TID", 7),
        Column::left("mnt_ns", "MNT_NS", 11),
        Column::left("call", "CALL", 0),
    ]);
    cols
}

/// MS_* names by bit, as <linux/mount.h> numbers them (bit 9 has none).
/// libbpf-tools' table skips bit 9 and so names bits 9-14 one off.
const MS_FLAGS: [&str; 32] = [
    "MS_RDONLY",
    "MS_NOSUID",
    "MS_NODEV",
    "MS_NOEXEC",
    "MS_SYNCHRONOUS",
    "MS_REMOUNT",
    "MS_MANDLOCK",
    "MS_DIRSYNC",
    "MS_NOSYMFOLLOW",
    "",
    "MS_NOATIME",
    "MS_NODIRATIME",
    "MS_BIND",
    "MS_MOVE",
    "MS_REC",
    "MS_SILENT",
    "MS_POSIXACL",
    "MS_UNBINDABLE",
    "MS_PRIVATE",
    "MS_SLAVE",
    "MS_SHARED",
    "MS_RELATIME",
    "MS_KERNMOUNT",
    "MS_I_VERSION",
    "MS_STRICTATIME",
    "MS_LAZYTIME",
    "MS_SUBMOUNT",
    "MS_NOREMOTELOCK",
    "MS_NOSEC",
    "MS_BORN",
    "MS_ACTIVE",
    "MS_NOUSER",
];

const FSMOUNT_FLAGS: &[(u64, &str)] = &[(0x1, "FSMOUNT_CLOEXEC")];

/// As libbpf-tools lists them (its `_ATIME` and `RELATIME` entries included).
const FSMOUNT_ATTR_FLAGS: &[(u64, &str)] = &[
    (0x01, "MOUNT_ATTR_RDONLY"),
    (0x02, "MOUNT_ATTR_NOSUID"),
    (0x04, "MOUNT_ATTR_NODEV"),
    (0x08, "MOUNT_ATTR_NOEXEC"),
    (0x70, "MOUNT_ATTR__ATIME"),
    (0x00, "MOUNT_ATTR_RELATIME"),
    (0x10, "MOUNT_ATTR_NOATIME"),
    (0x20, "MOUNT_ATTR_STRICTATIME"),
    (0x80, "MOUNT_ATTR_NODIRATIME"),
    (0x0010_0000, "MOUNT_ATTR_IDMAP"),
    (0x0020_0000, "MOUNT_ATTR_NOSYMFOLLOW"),
];

const MOVE_MOUNT_FLAGS: &[(u64, &str)] = &[
    (0x001, "MOVE_MOUNT_F_SYMLINKS"),
    (0x002, "MOVE_MOUNT_F_AUTOMOUNTS"),
    (0x004, "MOVE_MOUNT_F_EMPTY_PATH"),
    (0x010, "MOVE_MOUNT_T_SYMLINKS"),
    (0x020, "MOVE_MOUNT_T_AUTOMOUNTS"),
    (0x040, "MOVE_MOUNT_T_EMPTY_PATH"),
    (0x100, "MOVE_MOUNT_SET_GROUP"),
    (0x200, "MOVE_MOUNT_BENEATH"),
];

const FSCONFIG_CMDS: [&str; 9] = [
    "FSCONFIG_SET_FLAG",
    "FSCONFIG_SET_STRING",
    "FSCONFIG_SET_BINARY",
    "FSCONFIG_SET_PATH",
    "FSCONFIG_SET_PATH_EMPTY",
    "FSCONFIG_SET_FD",
    "FSCONFIG_CMD_CREATE",
    "FSCONFIG_CMD_RECONFIGURE",
    "FSCONFIG_CMD_CREATE_EXCL",
];

/// `MS_A | MS_B`, or `0x0` for none (libbpf-tools' strmountflags).
fn mount_flags(flags: u64) -> String {
    if flags == 0 {
        return "0x0".into();
    }
    // Bits without a name (9, and above 31: the upper half of a u64
    // argument) print as hex, once.
    let unnamed = flags & !(0xffff_ffff & !(1 << 9));
    let mut names: Vec<String> = (0..32)
        .filter(|i| flags & (1 << i) != 0 && !MS_FLAGS[*i].is_empty())
        .map(|i| MS_FLAGS[i].to_string())
        .collect();
    if unnamed != 0 {
        names.push(format!("{unnamed:#x}"));
    }
    names.join(" | ")
}

/// Names of the table entries that share a bit with `flags` ("" for none).
fn listed_flags(flags: u64, table: &[(u64, &str)]) -> String {
    let names: Vec<&str> = table
        .iter()
        .filter(|(v, _)| v & flags != 0)
        .map(|(_, n)| *n)
        .collect();
    names.join(" | ")
}

/// `0`, `-ENOENT`, or the number (libbpf-tools' strerrno).
fn result(ret: i32) -> String {
    match ret {
        r if r < 0 => errno_name(-r).map_or_else(|| r.to_string(), |n| format!("-{n}")),
        r => r.to_string(),
    }
}

fn fd_name(fd: i32) -> String {
    if fd == -100 {
        "AT_FDCWD".into()
    } else {
        fd.to_string()
    }
}

/// `struct event`: ts@0 delta@8 pid@16 tid@20 mnt_ns@24 ret@28 op@32
/// comm[16]@36 flags@56 fd1@64 fd2@68 word@72 fs[32]@76 str1[4096]@108
/// str2[4096]@4204 data[512]@8300.
fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let ret = i32_at(b, 28)?;
    let op = u32_at(b, 32)?;
    let flags = u64_at(b, 56)?;
    let (fd1, fd2, word) = (i32_at(b, 64)?, i32_at(b, 68)?, u32_at(b, 72)?);
    let fs = cstr_at(b, 76, 32)?;
    let str1 = cstr_at(b, 108, 4096)?;
    let str2 = cstr_at(b, 4204, 4096)?;
    let data = cstr_at(b, 8300, 512)?;
    let res = result(ret);
    let mut e = Event::default();
    if c.parsed.has("timestamp") {
        e.push("time", s.wall_hms(ts));
    }
    e.push("comm", cstr_at(b, 36, 16)?);
    e.push("pid", u32_at(b, 16)?);
    e.push("tid", u32_at(b, 20)?);
    e.push("mnt_ns", u32_at(b, 24)?);
    let name = match op {
        1 => {
            let call = format!(
                "mount(\"{str1}\", \"{str2}\", \"{fs}\", {}, \"{data}\") = {res}",
                mount_flags(flags)
            );
            e.push("call", call);
            e.push("flags", flags);
            e.push("src", str1);
            e.push("dest", str2);
            e.push("fs", fs);
            e.push("data", data);
            "MOUNT"
        }
        2 => {
            e.push(
                "call",
                format!("umount(\"{str2}\", {}) = {res}", mount_flags(flags)),
            );
            e.push("flags", flags);
            e.push("dest", str2);
            "UMOUNT"
        }
        3 => {
            e.push(
                "call",
                format!("fsopen(\"{fs}\", {}) = {res}", mount_flags(flags)),
            );
            e.push("flags", flags);
            e.push("fs", fs);
            "FSOPEN"
        }
        4 => {
            let cmd = FSCONFIG_CMDS.get(word as usize).unwrap_or(&"UNKNOWN");
            e.push(
                "call",
                format!("fsconfig({fd1}, \"{cmd}\", \"{str1}\", \"{str2}\", {fd2}) = {res}"),
            );
            e.push("fd", fd1);
            e.push("cmd", word);
            e.push("key", str1);
            e.push("value", str2);
            e.push("aux", fd2);
            "FSCONFIG"
        }
        5 => {
            e.push(
                "call",
                format!(
                    "fsmount({fd1}, \"{}\", \"{}\") = {res}",
                    fsmount_flags(flags),
                    listed_flags(word.into(), FSMOUNT_ATTR_FLAGS)
                ),
            );
            e.push("fs_fd", fd1);
            e.push("flags", flags);
            e.push("attr_flags", word);
            "FSMOUNT"
        }
        6 => {
            e.push(
                "call",
                format!(
                    "move_mount({fd1}, \"{str1}\", {}, \"{str2}\", \"{}\") = {res}",
                    fd_name(fd2),
                    listed_flags(flags, MOVE_MOUNT_FLAGS)
                ),
            );
            e.push("from_dfd", fd1);
            e.push("from_pathname", str1);
            e.push("to_dfd", fd2);
            e.push("to_pathname", str2);
            e.push("flags", flags);
            "MOVE_MOUNT"
        }
        _ => return None,
    };
    e.push("op", name);
    if c.parsed.has("detailed") {
        detail_fields(&mut e, op, flags, word);
        e.push("result", res);
        e.push("lat", format!("{}us", u64_at(b, 8)? / 1000));
    }
    e.push("ret", ret);
    e.push("delta", u64_at(b, 8)?);
    e.push("ts", ts);
    Some(e)
}

/// -d's text forms of the flag and command words, under keys of their
/// own (one label each in [`DETAIL`]).
fn detail_fields(e: &mut Event, op: u32, flags: u64, word: u32) {
    match op {
        1..=3 => e.push("flags_text", mount_flags(flags)),
        4 => e.push(
            "cmd_text",
            *FSCONFIG_CMDS.get(word as usize).unwrap_or(&"UNKNOWN"),
        ),
        5 => {
            e.push("fsmount_flags", fsmount_flags(flags));
            e.push(
                "attr_flags_text",
                listed_flags(word.into(), FSMOUNT_ATTR_FLAGS),
            );
        }
        _ => e.push("move_mount_flags", listed_flags(flags, MOVE_MOUNT_FLAGS)),
    }
}

fn fsmount_flags(flags: u64) -> String {
    if flags == 0 {
        "0x0".into()
    } else {
        listed_flags(flags, FSMOUNT_FLAGS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::words;
    use crate::args::RoValue;
    use crate::event::{event_line, header_line};

    fn put(b: &mut [u8], off: usize, v: &[u8]) {
        b[off..off + v.len()].copy_from_slice(v);
    }

    fn sample(op: u32, ret: i32, flags: u64) -> Vec<u8> {
        let mut b = vec![0u8; 8816];
        put(&mut b, 8, &1500u64.to_ne_bytes());
        put(&mut b, 16, &42u32.to_ne_bytes());
        put(&mut b, 20, &43u32.to_ne_bytes());
        put(&mut b, 24, &4026531841u32.to_ne_bytes());
        put(&mut b, 28, &ret.to_ne_bytes());
        put(&mut b, 32, &op.to_ne_bytes());
        put(&mut b, 36, b"mount");
        put(&mut b, 56, &flags.to_ne_bytes());
        put(&mut b, 76, b"tmpfs");
        put(&mut b, 108, b"none");
        put(&mut b, 4204, b"/mnt/x");
        put(&mut b, 8300, b"size=1m");
        b
    }

    fn config(args: &str) -> Result<Config, ArgError> {
        TOOL.configure(&words(args), &Session::default())
    }

    #[test]
    fn mount_and_umount_as_libbpf_tools() {
        let c = config("").unwrap();
        let s = &mut Session::default();
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "COMM             PID     TID     MNT_NS      CALL"
        );
        let e = decode(&c, s, &sample(1, 0, 0x1 | 0x2 | 0x4000)).unwrap();
        assert_eq!(
            event_line(&cols, &e),
            "mount            42      43      4026531841  mount(\"none\", \"/mnt/x\", \"tmpfs\", \
             MS_RDONLY | MS_NOSUID | MS_REC, \"size=1m\") = 0"
        );
        assert_eq!(
            (e.text("op"), e.text("delta")),
            ("MOUNT".into(), "1500".into())
        );
        let e = decode(&c, s, &sample(2, -16, 0)).unwrap();
        assert_eq!(e.text("call"), "umount(\"/mnt/x\", 0x0) = -EBUSY");
        assert!(e.get("src").is_none());
        let e = decode(&c, s, &sample(2, -1000, 2)).unwrap();
        assert_eq!(e.text("call"), "umount(\"/mnt/x\", MS_NOSUID) = -1000");
        assert_eq!(
            mount_flags(0x400 | 0x200 | 1 << 40),
            "MS_NOATIME | 0x10000000200"
        );
        assert!(decode(&c, s, &sample(9, 0, 0)).is_none());
        assert!(decode(&c, s, &sample(1, 0, 0)[..8000]).is_none());
        let c = config("-t -p 5").unwrap();
        assert!(header_line(&columns(&c)).starts_with("TIME     COMM "));
        assert!(c.rodata.contains(&("target_pid", RoValue::U32(5))));
        assert!(config("-x").is_err() && config("-p 0").is_err());
    }

    #[test]
    fn detailed_blocks() {
        use crate::event::event_block;
        let c = config("-d").unwrap();
        let s = &mut Session::default();
        let e = decode(&c, s, &sample(1, -2, 0x4000)).unwrap();
        assert_eq!(
            event_block(&columns(&c), &e),
            "PID:    42\nTID:    43\nCOMM:   mount\nOP:     MOUNT\nRET:    -ENOENT\n\
             LAT:    1us\nMNT_NS: 4026531841\nFS:     tmpfs\nSOURCE: none\n\
             TARGET: /mnt/x\nDATA:   size=1m\nFLAGS:  MS_REC\n"
        );
        let c = config("-d -t").unwrap();
        let mut b = sample(5, 4, 1);
        put(&mut b, 72, &1u32.to_ne_bytes());
        let block = event_block(&columns(&c), &decode(&c, s, &b).unwrap());
        assert!(block.starts_with("00:00:00\n    PID:    42\n"), "{block}");
        assert!(
            block.ends_with(
                "    FS_FD:       0\n    FLAGS:       FSMOUNT_CLOEXEC\n    \
                 ATTR_FLAGS:  MOUNT_ATTR_RDONLY\n"
            ),
            "{block}"
        );
    }

    #[test]
    fn new_mount_api_calls() {
        let c = config("").unwrap();
        let s = &mut Session::default();
        let e = decode(&c, s, &sample(3, 3, 1)).unwrap();
        assert_eq!(e.text("call"), "fsopen(\"tmpfs\", MS_RDONLY) = 3");
        let mut b = sample(4, 0, 0);
        put(&mut b, 64, &3i32.to_ne_bytes());
        put(&mut b, 72, &6u32.to_ne_bytes());
        let e = decode(&c, s, &b).unwrap();
        assert_eq!(
            e.text("call"),
            "fsconfig(3, \"FSCONFIG_CMD_CREATE\", \"none\", \"/mnt/x\", 0) = 0"
        );
        let mut b = sample(5, 4, 1);
        put(&mut b, 64, &3i32.to_ne_bytes());
        put(&mut b, 72, &0x11u32.to_ne_bytes());
        let e = decode(&c, s, &b).unwrap();
        assert_eq!(
            e.text("call"),
            "fsmount(3, \"FSMOUNT_CLOEXEC\", \"MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME | \
             MOUNT_ATTR_NOATIME\") = 4"
        );
        let mut b = sample(6, -2, 4);
        put(&mut b, 64, &4i32.to_ne_bytes());
        put(&mut b, 68, &(-100i32).to_ne_bytes());
        put(&mut b, 108, b"\0");
        let e = decode(&c, s, &b).unwrap();
        assert_eq!(
            e.text("call"),
            "move_mount(4, \"\", AT_FDCWD, \"/mnt/x\", \"MOVE_MOUNT_F_EMPTY_PATH\") = -ENOENT"
        );
        assert_eq!(e.text("to_dfd"), "-100");
    }
}
