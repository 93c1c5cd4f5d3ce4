//! bashreadline: the command lines typed into every bash (a uretprobe on
//! readline's line-returning teardown, in bash or its libreadline), in
//! libbpf-tools' columns (TIME, PID, COMMAND) and option (-s).

use crate::args::{duration, opt, Config, OptSpec, Parsed, DURATION};
use crate::bytes::{cstr_at, u32_at, u64_at};
use crate::{ArgError, AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

/// The binary probed; -s names the libreadline to probe instead. A bash
/// linked against a shared libreadline is followed to it by the loader.
const BASH: &str = "/bin/bash";

const OPTIONS: &[OptSpec] = &[
    opt(
        Some('s'),
        "shared",
        "PATH",
        "the location of libreadline.so library",
    ),
    DURATION,
];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "readline_return",
    attach: AttachPoint::Uretprobe(BASH, "readline_internal_teardown"),
}];

pub(crate) const TOOL: Tool = Tool {
    name: "bashreadline",
    summary: "Print entered bash commands from all running shells",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/bashreadline.bpf.o")),
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
    if let Some(lib) = p.value("shared") {
        c.uprobe_binaries.push((BASH, lib.to_string()));
    }
    Ok(c)
}

/// libbpf-tools' `%-9s %-7d %s`.
fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time", "TIME", 9),
        Column::left("pid", "PID", 7),
        Column::left("str", "COMMAND", 0),
    ]
}

const EVENT_SIZE: usize = 92;

/// `struct event`: ts@0 pid@8 str[80]@12.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    if b.len() < EVENT_SIZE {
        return None;
    }
    let ts = u64_at(b, 0)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push("pid", u32_at(b, 8)?);
    e.push("str", cstr_at(b, 12, 80)?);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_replaces_the_probed_binary() {
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let c = TOOL
            .configure(&words("-s /usr/lib/libreadline.so.8"), &Session::default())
            .unwrap();
        assert_eq!(c.uprobe_binary(BASH), "/usr/lib/libreadline.so.8");
        let c = TOOL.configure(&[], &Session::default()).unwrap();
        assert_eq!(c.uprobe_binary(BASH), BASH);
        assert!(TOOL.configure(&words("-s"), &Session::default()).is_err());
    }

    #[test]
    fn decodes_a_recorded_line() {
        let mut b = vec![0u8; EVENT_SIZE];
        b[8..12].copy_from_slice(&4242u32.to_ne_bytes());
        b[12..24].copy_from_slice(b"echo hello\0\0");
        let e = decode(&Config::default(), &mut Session::default(), &b).unwrap();
        assert_eq!(e.text("str"), "echo hello");
        assert_eq!(e.get("pid"), Some(&4242u32.into()));
        assert!(decode(&Config::default(), &mut Session::default(), &b[..80]).is_none());
    }
}
