//! The `show` pattern shared by prog, map, link and btf: optional handle,
//! else every object; pinned paths with -f; holders from /proc.
use std::os::fd::OwnedFd;

use serde::Serialize;

use super::Result;
use crate::output::{self, Ctx, Out, Render};
use crate::sys::handle::{self, Handle};
use crate::sys::pids::{self, PidRef};
use crate::sys::{ids, pins, ObjKind};

/// A record that can take its pins and holders once they are known.
pub trait Annotate {
    fn id(&self) -> u32;
    fn annotate(&mut self, pinned: Option<Vec<String>>, pids: Vec<PidRef>);
}

/// Which objects a `show` asks for: a handle, or all of them.
/// The handle given (if any) and the (id, fd) of every selected object.
pub type Selection = (Option<Handle>, Vec<(u32, OwnedFd)>);

pub fn selection(kind: ObjKind, words: &[String]) -> Result<Selection> {
    if words.is_empty() {
        let all = ids::iter(kind).collect::<std::result::Result<Vec<_>, _>>()?;
        return Ok((None, all));
    }
    let (h, rest) = handle::parse(kind, words)?;
    super::no_more_args(rest)?;
    let fds = handle::resolve(kind, &h)?;
    Ok((Some(h), fds))
}

pub fn show<R, F>(
    ctx: &Ctx,
    kind: ObjKind,
    words: &[String],
    out: &mut Out,
    mut build: F,
) -> Result<()>
where
    R: Serialize + Render + Annotate,
    F: FnMut(u32, &OwnedFd) -> crate::sys::Result<R>,
{
    // Holders first, before we open anything. Single-threaded on purpose: a
    // second thread makes every fd syscall take the kernel's shared-fd-table
    // slow path, which cost more than the overlap gained (measured: 2x).
    let holders = pids::build(kind);
    let (h, fds) = selection(kind, words)?;
    let pin_table = ctx.bpffs.then(|| pins::build(kind));
    let mut records = Vec::with_capacity(fds.len());
    for (id, fd) in &fds {
        match build(*id, fd) {
            Ok(r) => records.push(r),
            // An object that vanished while we looked is skipped, like bpftool.
            Err(e) if h.is_none() && e.errno() == Some(libc::ENOENT) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    for r in &mut records {
        let pinned = pin_table
            .as_ref()
            .filter(|t| !t.is_empty())
            .map(|t| t.get(&r.id()).cloned().unwrap_or_default());
        let mut p = holders.get(&r.id()).cloned().unwrap_or_default();
        p.sort_by_key(|x| x.pid);
        r.annotate(pinned, p);
    }
    let single = h.as_ref().is_some_and(|h| h.is_single());
    output::emit(ctx, out, &records, single)?;
    Ok(())
}
