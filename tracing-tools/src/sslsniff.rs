//! sslsniff: the plaintext OpenSSL's SSL_write and SSL_read carry (BCC's
//! sslsniff, OpenSSL only), one line per call: BCC's columns (FUNC,
//! TIME(s), COMM, PID, LEN; -x UID TID; -l LAT(ms)), then the data.

use crate::args::{duration, err, flag, opt, pid_opt, Config, OptSpec, Parsed, RoValue};
use crate::bytes::{cstr_at, i32_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

/// A flag with no short form.
const fn long_flag(long: &'static str, help: &'static str) -> OptSpec {
    OptSpec {
        short: None,
        long,
        value: None,
        help,
    }
}

/// The library probed; --ssl-lib replaces it.
const LIBSSL: &str = "libssl";

const OPTIONS: &[OptSpec] = &[
    opt(Some('p'), "pid", "PID", "sniff this PID only."),
    opt(Some('u'), "uid", "UID", "sniff this UID only."),
    flag('x', "extra", "show extra fields (UID, TID)"),
    opt(
        Some('c'),
        "comm",
        "COMM",
        "sniff only commands matching string.",
    ),
    flag('l', "latency", "show function latency"),
    long_flag(
        "handshake",
        "show SSL handshake latency, enabled only if latency option is on.",
    ),
    long_flag(
        "hexdump",
        "show data as hexdump instead of trying to decode it as UTF-8",
    ),
    opt(
        None,
        "ssl-lib",
        "PATH",
        "the libssl to probe (default: the system's, from ld.so.cache)",
    ),
    opt(Some('d'), "duration", "SECS", "Trace for this many seconds"),
];

const PROGRAMS: &[ProgSpec] = &[
    ProgSpec {
        name: "ssl_write_entry",
        attach: AttachPoint::Uprobe(LIBSSL, "SSL_write"),
    },
    ProgSpec {
        name: "ssl_write_return",
        attach: AttachPoint::Uretprobe(LIBSSL, "SSL_write"),
    },
    ProgSpec {
        name: "ssl_read_entry",
        attach: AttachPoint::Uprobe(LIBSSL, "SSL_read"),
    },
    ProgSpec {
        name: "ssl_read_return",
        attach: AttachPoint::Uretprobe(LIBSSL, "SSL_read"),
    },
    ProgSpec {
        name: "ssl_handshake_entry",
        attach: AttachPoint::Uprobe(LIBSSL, "SSL_do_handshake"),
    },
    ProgSpec {
        name: "ssl_handshake_return",
        attach: AttachPoint::Uretprobe(LIBSSL, "SSL_do_handshake"),
    },
];

pub(crate) const TOOL: Tool = Tool {
    name: "sslsniff",
    summary: "Sniff the plaintext of OpenSSL reads and writes",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/sslsniff.bpf.o")),
    options: OPTIONS,
    report_options: &["extra", "comm", "latency", "hexdump"],
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
    if let Some(pid) = pid_opt(p, "pid")? {
        c.rodata.push(("target_pid", RoValue::U32(pid)));
        c.uprobe_pid = Some(pid);
    }
    if let Some(uid) = p.number::<u32>("uid")? {
        c.rodata.push(("target_uid", RoValue::U32(uid)));
        c.rodata.push(("filter_uid", RoValue::Bool(true)));
    }
    if p.has("handshake") && !p.has("latency") {
        return err("--handshake shows the handshake's latency: it needs -l");
    }
    if !p.has("handshake") {
        c.skip_programs
            .extend(["ssl_handshake_entry", "ssl_handshake_return"]);
    }
    if let Some(lib) = p.value("ssl-lib") {
        c.uprobe_binaries.push((LIBSSL, lib.to_string()));
    }
    Ok(c)
}

/// BCC's `%-12s %-18.9f %-16s %-7d %-6d [%-7d %-7d] [%-7s]`, then the data.
fn columns(c: &Config) -> Vec<Column> {
    let mut v = vec![
        Column::left("func", "FUNC", 12),
        Column::left("time_s", "TIME(s)", 18),
        Column::left("comm", "COMM", 16),
        Column::left("pid", "PID", 7),
        Column::left("len", "LEN", 6),
    ];
    if c.parsed.has("extra") {
        v.push(Column::left("uid", "UID", 7));
        v.push(Column::left("tid", "TID", 7));
    }
    if c.parsed.has("latency") {
        v.push(Column::left("lat_ms", "LAT(ms)", 7));
    }
    v.push(Column::left("buf", "DATA", 0));
    v
}

/// `struct event`: timestamp_ns@0 delta_ns@8 pid@16 tid@20 uid@24 len@28
/// buf_len@32 rw@36 comm[16]@40 buf@56 (buf_len bytes).
const BUF: usize = 56;

fn decode(c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let delta = u64_at(b, 8)?;
    let comm = cstr_at(b, 40, 16)?;
    if c.parsed.value("comm").is_some_and(|want| want != comm) {
        return None;
    }
    let buf_len = u32_at(b, 32)? as usize;
    let data = b.get(BUF..BUF + buf_len)?;
    let rw = i32_at(b, 36)?;
    let mut e = Event::default();
    e.push(
        "func",
        match rw {
            0 => "READ/RECV",
            1 => "WRITE/SEND",
            _ => "HANDSHAKE",
        },
    );
    e.push("time_s", format!("{:.9}", s.relative_secs(ts)));
    e.push("comm", comm);
    e.push("pid", u32_at(b, 16)?);
    e.push("len", u32_at(b, 28)?);
    e.push("uid", u32_at(b, 24)?);
    e.push("tid", u32_at(b, 20)?);
    e.push(
        "lat_ms",
        if delta > 0 {
            format!("{:.3}", delta as f64 / 1e6)
        } else {
            "N/A".to_string()
        },
    );
    let text = if c.parsed.has("hexdump") {
        data.iter().map(|x| format!("{x:02x}")).collect()
    } else {
        String::from_utf8_lossy(data).into_owned()
    };
    e.push("buf", text);
    e.push("rw", rw);
    e.push("buf_filled", buf_len > 0);
    e.push("timestamp_ns", ts);
    e.push("delta_ns", delta);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &str) -> Result<Config, ArgError> {
        let words: Vec<String> = args.split_whitespace().map(String::from).collect();
        TOOL.configure(&words, &Session::default())
    }

    fn event(rw: i32, data: &[u8], comm: &str) -> Vec<u8> {
        let mut b = vec![0u8; BUF];
        b[8..16].copy_from_slice(&2_500_000u64.to_ne_bytes());
        b[16..20].copy_from_slice(&31u32.to_ne_bytes());
        b[28..32].copy_from_slice(&(data.len() as u32 + 100).to_ne_bytes());
        b[32..36].copy_from_slice(&(data.len() as u32).to_ne_bytes());
        b[36..40].copy_from_slice(&rw.to_ne_bytes());
        b[40..40 + comm.len()].copy_from_slice(comm.as_bytes());
        b.extend_from_slice(data);
        b
    }

    #[test]
    fn decodes_the_plaintext_and_filters_by_comm() {
        let c = config("-l -x").unwrap();
        let e = decode(
            &c,
            &mut Session::default(),
            &event(1, b"GET / HTTP/1.1\r\n", "curl"),
        )
        .unwrap();
        assert_eq!(e.text("func"), "WRITE/SEND");
        assert_eq!(e.text("buf"), "GET / HTTP/1.1\r\n");
        assert_eq!(e.text("lat_ms"), "2.500");
        assert_eq!(e.get("len"), Some(&116u32.into()));
        let keys: Vec<_> = columns(&c).iter().map(|c| c.header).collect();
        assert_eq!(
            keys,
            ["FUNC", "TIME(s)", "COMM", "PID", "LEN", "UID", "TID", "LAT(ms)", "DATA"]
        );
        let only = config("-c wget").unwrap();
        assert!(decode(&only, &mut Session::default(), &event(0, b"x", "curl")).is_none());
        let hex = config("--hexdump").unwrap();
        let e = decode(&hex, &mut Session::default(), &event(0, b"\x00A", "curl")).unwrap();
        assert_eq!(e.text("buf"), "0041");
        assert_eq!(e.text("func"), "READ/RECV");
        // Short: the data it claims is not all there.
        let mut short = event(0, b"abcdef", "curl");
        short.truncate(BUF + 3);
        assert!(decode(&Config::default(), &mut Session::default(), &short).is_none());
    }

    #[test]
    fn options() {
        let c = config("-p 7 -u 1000 --ssl-lib /opt/libssl.so.3").unwrap();
        assert_eq!(c.uprobe_pid, Some(7));
        assert_eq!(c.uprobe_binary(LIBSSL), "/opt/libssl.so.3");
        assert!(!c.runs_program("ssl_handshake_entry"));
        assert!(config("--handshake").is_err());
        let c = config("-l --handshake").unwrap();
        assert!(c.runs_program("ssl_handshake_return"));
    }
}
