//! `link show|pin|detach` (bpftool's link.c).
use super::show::{self, Annotate};
use super::Result;
use crate::cli::request::LinkReq;
use crate::output::{Ctx, Out};
use crate::record::link::{LinkDetail, LinkRecord};
use crate::record::pids::PidRef;
use crate::sys::attach::link_detach;
use crate::sys::handle::{self, Handle};
use crate::sys::link;
use crate::sys::{ObjKind, SysError};

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

pub fn run(ctx: &Ctx, req: LinkReq, out: &mut Out) -> Result<()> {
    match req {
        LinkReq::Show(h) => show(ctx, h.as_ref(), out),
        LinkReq::Pin { link, path } => {
            super::prog::load::pin(ctx, ObjKind::Link, &link, &path, out)
        }
        LinkReq::Detach(h) => detach(ctx, &h, out),
    }
}

fn show(ctx: &Ctx, h: Option<&Handle>, out: &mut Out) -> Result<()> {
    // kallsyms is read only if a kprobe_multi link needs names, and then once.
    let mut ksyms = None;
    show::show(ctx, ObjKind::Link, h, out, |_, fd| {
        link::record(fd, &mut ksyms)
    })
}

/// `link detach LINK`.
fn detach(ctx: &Ctx, h: &Handle, out: &mut Out) -> Result<()> {
    let (_, link) = handle::resolve_one(ObjKind::Link, h)?;
    link_detach(&link)
        .map_err(|e| SysError::os("failed link detach", e.raw_os_error().unwrap_or(0)))?;
    super::json_null(ctx, out)
}
