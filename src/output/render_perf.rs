//! Text (bpftool's `perf show` layout, src/perf.c print_perf_plain) and table
//! rows for `PerfRecord`. perf_event links no process holds a perf fd of
//! (`perf show links`, not in bpftool) get a line of the same shape that
//! starts `link ID:` instead of `pid P  fd F:`.
use std::io::{self, Write};

use super::render::{pids_text, Render};
use crate::record::perf::{PerfRecord, PerfTarget};
use crate::text::escape;

/// bpftool's words after `prog_id N  `.
fn target_text(t: &PerfTarget) -> String {
    match t {
        PerfTarget::Tracepoint {
            fd_type,
            tracepoint,
        } => format!("{fd_type}  {}", escape(tracepoint)),
        PerfTarget::Func {
            fd_type,
            func,
            offset,
        } => format!("{fd_type}  func {}  offset {offset}", escape(func)),
        PerfTarget::Addr { fd_type, addr } => format!("{fd_type}  addr {addr}"),
        PerfTarget::File {
            fd_type,
            filename,
            offset,
        } => format!("{fd_type}  filename {}  offset {offset}", escape(filename)),
        PerfTarget::Event {
            fd_type,
            event_type,
            event_config,
        } => format!("{fd_type}  {event_type}:{event_config}"),
        PerfTarget::Unknown {} => String::new(),
    }
}

impl Render for PerfRecord {
    fn text(&self, w: &mut dyn Write) -> io::Result<()> {
        match (self.pid, self.fd, self.link_id) {
            (Some(pid), Some(fd), _) => write!(w, "pid {pid}  fd {fd}: ")?,
            (_, _, Some(link)) => write!(w, "link {link}: ")?,
            _ => {}
        }
        write!(w, "prog_id {}  {}", self.prog_id, target_text(&self.target))?;
        if self.pid.is_none() {
            if let Some(c) = self.cookie {
                write!(w, "  cookie {c}")?;
            }
            if !self.pids.is_empty() {
                write!(w, "  pids {}", pids_text(&self.pids))?;
            }
        }
        writeln!(w)
    }
    fn table_header() -> Vec<&'static str> {
        vec!["PID", "FD", "LINK", "PROG", "TYPE", "ATTACHED TO", "PIDS"]
    }
    fn table_row(&self) -> Vec<String> {
        let opt = |v: Option<String>| v.unwrap_or_default();
        let target = target_text(&self.target);
        let attached = target
            .split_once("  ")
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default();
        vec![
            opt(self.pid.map(|p| p.to_string())),
            opt(self.fd.map(|f| f.to_string())),
            opt(self.link_id.map(|l| l.to_string())),
            self.prog_id.to_string(),
            self.target.fd_type().unwrap_or("").to_string(),
            attached,
            pids_text(&self.pids),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::pids::PidRef;

    fn text(r: &PerfRecord) -> String {
        let mut v = Vec::new();
        r.text(&mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn lines_like_bpftool() {
        let mut r = PerfRecord {
            pid: Some(10),
            fd: Some(4),
            link_id: None,
            prog_id: 7,
            target: PerfTarget::Tracepoint {
                fd_type: "tracepoint",
                tracepoint: "sys_enter_getpid".into(),
            },
            cookie: None,
            pids: vec![],
        };
        assert_eq!(
            text(&r),
            "pid 10  fd 4: prog_id 7  tracepoint  sys_enter_getpid\n"
        );
        r.target = PerfTarget::Func {
            fd_type: "kprobe",
            func: "vfs_read".into(),
            offset: 0,
        };
        assert_eq!(
            text(&r),
            "pid 10  fd 4: prog_id 7  kprobe  func vfs_read  offset 0\n"
        );
        assert_eq!(r.table_row()[5], "func vfs_read  offset 0");
        r.pid = None;
        r.fd = None;
        r.link_id = Some(3);
        r.cookie = Some(9);
        r.pids = vec![PidRef {
            pid: 1,
            comm: "x".into(),
        }];
        assert_eq!(
            text(&r),
            "link 3: prog_id 7  kprobe  func vfs_read  offset 0  cookie 9  pids x(1)\n"
        );
    }
}
