//! `link show`; `link pin` and `link detach` go through prog_load.rs.
use super::show::{self, Annotate};
use super::Result;
use crate::output::{Ctx, Out};
use crate::record::link::{LinkDetail, LinkRecord};
use crate::record::pids::PidRef;
use crate::sys::link;
use crate::sys::ObjKind;

impl Annotate for LinkRecord {
    fn id(&self) -> u32 {
        self.id
    }
    fn annotate(&mut self, pinned: Option<Vec<String>>, pids: Vec<PidRef>) {
        self.pinned = pinned;
        // bpftool's pid iterator reports a perf_event link's cookie along with its holders.
        if let LinkDetail::PerfEvent(pe) = &self.detail {
            if !pids.is_empty() {
                self.bpf_cookie = Some(pe.cookie());
            }
        }
        self.pids = pids;
    }
}

pub fn show(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    // kallsyms is read only if a kprobe_multi link needs names, and then once.
    let mut ksyms = None;
    show::show(ctx, ObjKind::Link, words, out, |_, fd| {
        link::record(fd, &mut ksyms)
    })
}
