//! capable: security capability checks and their verdict (libbpf-tools'
//! -p, -c, -x, -u and columns). Needs fexit or kprobes on cap_capable():
//! both sets are in the object (see ext4slower).

use crate::args::{duration, err, flag, opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::probes::prog;
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "Trace this PID only"),
    crate::args::CGROUP,
    flag(
        'x',
        "extra-fields",
        "Extra fields: show TID and INSETID columns",
    ),
    opt(
        Some('u'),
        "unique",
        "TYPE",
        "Print unique output for TYPE=pid or cgroup (default: off)",
    ),
    crate::args::DURATION,
];

const PROGRAMS: &[ProgSpec] = &[
    prog("fexit_cap_capable", AttachPoint::Fexit("cap_capable")),
    prog("kprobe_cap_capable", AttachPoint::Kprobe("cap_capable")),
    prog(
        "kretprobe_cap_capable",
        AttachPoint::Kretprobe("cap_capable"),
    ),
];

pub(crate) const TOOL: Tool = Tool {
    name: "capable",
    summary: "Trace security capability checks (cap_capable())",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/capable.bpf.o")),
    options: OPTIONS,
    report_options: &["extra-fields"],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure,
};

/// include/uapi/linux/capability.h, as libbpf-tools' cap_name[].
const CAP_NAMES: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

fn cap_name(cap: u32) -> String {
    CAP_NAMES
        .get(cap as usize)
        .map_or_else(|| format!("CAP_{cap}"), |n| n.to_string())
}

fn configure(p: &Parsed, _s: &Session) -> Result<Config, ArgError> {
    let mut c = Config::default();
    duration(p, &mut c)?;
    if let Some(pid) = crate::args::pid_opt(p, "pid")? {
        c.rodata.push(("targ_pid", RoValue::I32(pid as i32)));
    }
    crate::args::cgroup_opt(p, &mut c)?;
    // enum uniqueness of capable.bpf.c.
    let unique = match p.value("unique") {
        None => 0,
        Some("pid") => 1,
        Some("cgroup") => 2,
        Some(other) => return err(format!("unknown unique type '{other}' (pid or cgroup)")),
    };
    if unique != 0 {
        c.rodata.push(("unique_type", RoValue::U32(unique)));
    }
    Ok(c)
}

fn columns(c: &Config) -> Vec<Column> {
    let extra = c.parsed.has("extra-fields");
    let mut v = vec![
        Column::left("time", "TIME", 8),
        Column::left("uid", "UID", 5),
        Column::left("pid", "PID", 7),
    ];
    if extra {
        v.push(Column::left("tgid", "TID", 7));
    }
    v.extend([
        Column::left("task", "COMM", 16),
        Column::left("cap", "CAP", 7),
        Column::left("name", "NAME", 20),
        Column::left("audit", "AUDIT", 7),
        Column::left("verdict", "VERDICT", 7),
    ]);
    if extra {
        v.push(Column::left("insetid", "INSETID", 7));
    }
    v
}

/// sizeof(struct cap_event).
const EVENT_SIZE: usize = 56;

/// `struct cap_event`: pid@0 cap@4 tgid@8 uid@12 audit@16 insetid@20
/// ret@24 task[16]@28 ts@48. The reporting process's own checks (its
/// bpf() calls) are left out, as libbpf-tools leaves out its own pid.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < EVENT_SIZE {
        return None;
    }
    let pid = u32_at(b, 0)?;
    if pid == std::process::id() {
        return None;
    }
    let cap = u32_at(b, 4)?;
    let ret = i32_at(b, 24)?;
    let ts = u64_at(b, 48)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("uid", u32_at(b, 12)?);
    e.push("pid", pid);
    e.push("tgid", u32_at(b, 8)?);
    e.push("task", cstr_at(b, 28, 16)?);
    e.push("cap", cap);
    e.push("name", cap_name(cap));
    e.push("audit", i32_at(b, 16)?);
    e.push("verdict", if ret == 0 { "allow" } else { "deny" });
    e.push("insetid", i32_at(b, 20)?);
    e.push("ret", ret);
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

    /// A sample as capable.bpf.c lays out `struct cap_event` (56 bytes).
    fn sample(pid: u32, tid: u32, cap: u32, ret: i32) -> Vec<u8> {
        let mut b = vec![0u8; 56];
        b[0..4].copy_from_slice(&pid.to_ne_bytes());
        b[4..8].copy_from_slice(&cap.to_ne_bytes());
        b[8..12].copy_from_slice(&tid.to_ne_bytes());
        b[12..16].copy_from_slice(&1000u32.to_ne_bytes());
        b[16..20].copy_from_slice(&1i32.to_ne_bytes());
        b[20..24].copy_from_slice(&0i32.to_ne_bytes());
        b[24..28].copy_from_slice(&ret.to_ne_bytes());
        b[28..33].copy_from_slice(b"ping\0");
        b[48..56].copy_from_slice(&(3_723u64 * 1_000_000_000).to_ne_bytes());
        b
    }

    #[test]
    fn arguments() {
        let c = config(&["-p", "42", "-u", "cgroup", "-x"]).unwrap();
        assert!(c.rodata.contains(&("targ_pid", RoValue::I32(42))));
        assert!(c.rodata.contains(&("unique_type", RoValue::U32(2))));
        let c = config(&["-upid"]).unwrap();
        assert!(c.rodata.contains(&("unique_type", RoValue::U32(1))));
        assert!(config(&["-u", "tid"]).is_err());
        assert!(config(&["-p", "0"]).is_err());
        assert!(config(&["-K"]).is_err(), "stack options are not offered");
        assert_eq!(config(&["-d", "3"]).unwrap().duration, Some(3));
    }

    #[test]
    fn decodes_and_lays_out() {
        let mut s = Session::default();
        let c = config(&[]).unwrap();
        let e = decode(&c, &mut s, &sample(7, 8, 13, -1)).unwrap();
        assert_eq!(e.text("name"), "CAP_NET_RAW");
        assert_eq!(e.text("verdict"), "deny");
        assert_eq!(e.text("time"), "01:02:03");
        let cols = columns(&c);
        assert_eq!(
            header_line(&cols),
            "TIME     UID   PID     COMM             CAP     NAME                 AUDIT   VERDICT"
        );
        assert_eq!(
            event_line(&cols, &e),
            "01:02:03 1000  7       ping             13      CAP_NET_RAW          1       deny"
        );
        let x = config(&["-x"]).unwrap();
        let line = event_line(
            &columns(&x),
            &decode(&x, &mut s, &sample(7, 8, 21, 0)).unwrap(),
        );
        assert!(line.contains("7       8       ping"), "{line}");
        assert!(line.ends_with("allow   0"), "{line}");
        // Our own checks are not shown; short samples are not decoded.
        assert!(decode(&c, &mut s, &sample(std::process::id(), 1, 21, 0)).is_none());
        assert!(decode(&c, &mut s, &sample(7, 8, 21, 0)[..40]).is_none());
        assert_eq!(cap_name(99), "CAP_99");
    }
}
