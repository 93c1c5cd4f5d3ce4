//! The `show` pattern shared by prog, map, link and btf: optional handle,
//! else every object; pinned paths with -f; the processes holding each.
use std::os::fd::OwnedFd;

use serde::Serialize;

use super::Result;
use crate::output::{self, Ctx, Out, Render};
use crate::record::pids::PidRef;
use crate::sys::handle::{self, Handle};
use crate::sys::{ids, pins, ObjKind};

/// A record that can take its pins and holders once they are known.
pub trait Annotate {
    fn id(&self) -> u32;
    fn annotate(&mut self, pinned: Option<Vec<String>>, pids: Vec<PidRef>);
}

pub fn show<R, F>(
    ctx: &Ctx,
    kind: ObjKind,
    handle: Option<&Handle>,
    out: &mut Out,
    mut build: F,
) -> Result<()>
where
    R: Serialize + Render + Annotate,
    F: FnMut(u32, &OwnedFd) -> crate::sys::Result<R>,
{
    let pin_table = ctx.bpffs.then(|| pins::build(kind));
    let mut records = Vec::new();
    let h = if let Some(h) = handle {
        for (id, fd) in handle::resolve(kind, h)? {
            records.push(build(id, &fd)?);
        }
        Some(h)
    } else {
        // One object at a time, each fd closed before the next id is opened:
        // the fd number is then reused and so is the kernel's cached
        // /proc/self/fdinfo entry, where 2000 open fds would cost 2000 new
        // proc inodes (measured: about a fifth of `prog show`).
        for item in ids::iter(kind) {
            let (id, fd) = item?;
            match build(id, &fd) {
                Ok(r) => records.push(r),
                // An object that vanished while we looked is skipped, like bpftool.
                Err(e) if e.errno() == Some(libc::ENOENT) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        None
    };
    // Holders last: by then every fd of ours is closed, and our iterator
    // program is loaded after the listing, so it never appears in it.
    let holders = if records.is_empty() {
        Default::default()
    } else {
        super::holders::build(kind)
    };
    for r in &mut records {
        let pinned = pin_table
            .as_ref()
            .filter(|t| !t.is_empty())
            .map(|t| t.get(&r.id()).cloned().unwrap_or_default());
        let mut p = holders.get(&r.id()).cloned().unwrap_or_default();
        p.sort_by_key(|x| x.pid);
        r.annotate(pinned, p);
    }
    // As bpftool: a handle that matched one object prints it bare, one that
    // matched several (a name or tag) prints an array, as a listing does.
    output::emit(ctx, out, &records, h.is_some())?;
    Ok(())
}
