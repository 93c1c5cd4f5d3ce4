//! oomkill: OOM killer victims (libbpf-tools' line: who triggered it, who
//! was killed, how big it was).

use crate::args::{duration_only, Config, OptSpec, DURATION};
use crate::bytes::{cstr_at, u16_at, u32_at, u64_at};
use crate::{AttachPoint, Column, Event, ProgSpec, Report, Session, Tool};

const OPTIONS: &[OptSpec] = &[DURATION];

const PROGRAMS: &[ProgSpec] = &[ProgSpec {
    name: "mark_victim",
    attach: AttachPoint::Tracepoint("oom", "mark_victim"),
}];

pub(crate) const TOOL: Tool = Tool {
    name: "oomkill",
    summary: "Trace OOM killer victims",
    object: include_bytes!(concat!(env!("OUT_DIR"), "/oomkill.bpf.o")),
    options: OPTIONS,
    report_options: &[],
    positional: "[DURATION]",
    programs: PROGRAMS,
    report: Report::Events {
        map: "events",
        columns,
        decode,
    },
    configure: duration_only,
};

fn columns(_c: &Config) -> Vec<Column> {
    vec![
        Column::left("time", "TIME", 8),
        Column::left("message", "MESSAGE", 0),
    ]
}

/// `struct event`: ts@0 tpid@8 kpid@12 total_vm@16 anon_rss@24 file_rss@32
/// shmem_rss@40 uid@48 oom_score_adj@52 tcomm[16]@56 kcomm[16]@72. The
/// sizes are the oom/mark_victim tracepoint's, in kB (its format prints
/// `total-vm:%lukB`), not pages.
fn decode(_c: &Config, s: &mut Session, b: &[u8]) -> Option<Event> {
    let ts = u64_at(b, 0)?;
    let tpid = u32_at(b, 8)?;
    let kpid = u32_at(b, 12)?;
    let total_vm = u64_at(b, 16)?;
    let tcomm = cstr_at(b, 56, 16)?;
    let kcomm = cstr_at(b, 72, 16)?;
    let mut e = Event::default();
    e.push("time", s.wall_hms(ts));
    e.push(
        "message",
        format!(
            "Triggered by PID {tpid} (\"{tcomm}\"), OOM kill of PID {kpid} (\"{kcomm}\"), {total_vm} kB total-vm"
        ),
    );
    e.push("tpid", tpid);
    e.push("tcomm", tcomm);
    e.push("kpid", kpid);
    e.push("kcomm", kcomm);
    e.push("total_vm", total_vm);
    e.push("anon_rss", u64_at(b, 24)?);
    e.push("file_rss", u64_at(b, 32)?);
    e.push("shmem_rss", u64_at(b, 40)?);
    e.push("uid", u32_at(b, 48)?);
    e.push("oom_score_adj", u16_at(b, 52)? as i16);
    e.push("ts", ts);
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_kilobytes() {
        let mut b = vec![0u8; 88];
        b[8..12].copy_from_slice(&7u32.to_ne_bytes());
        b[12..16].copy_from_slice(&9u32.to_ne_bytes());
        b[16..24].copy_from_slice(&262_144u64.to_ne_bytes());
        b[56..60].copy_from_slice(b"bash");
        b[72..76].copy_from_slice(b"hog\0");
        let e = decode(&Config::default(), &mut Session::default(), &b).unwrap();
        let m = e.text("message");
        assert!(
            m.ends_with("OOM kill of PID 9 (\"hog\"), 262144 kB total-vm"),
            "{m}"
        );
        assert!(!m.contains("pages"));
        assert_eq!(e.get("total_vm"), Some(&262_144u64.into()));
    }
}
