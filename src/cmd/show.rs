//! The `show` pattern shared by prog, map, link and btf: optional handle,
//! else every object; pinned paths with -f; the processes holding each.
use std::os::fd::OwnedFd;

use serde::Serialize;

use super::Result;
use crate::output::{self, Ctx, Out, Render};
use crate::record::pids::PidRef;
use crate::sys::handle::{self, Handle};
use crate::sys::{cpu, ids, pins, ObjKind};

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
    // A listing's holders are found beside it, on a thread of their own:
    // the iterator's load and walk over every task's files cost about as
    // much as listing a few dozen objects, and another core is usually
    // idle (kept off this thread's CPU: see sys::cpu). Its own program and
    // link are left out of the listing below.
    let aside = handle
        .is_none()
        .then(|| cpu::spawn_beside(move || super::holders::build(kind)));
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
    let holders = match aside {
        // A thread that panicked found nothing: no holders shown.
        Some(thread) => thread.join().unwrap_or_default(),
        None if records.is_empty() => Default::default(),
        None => super::holders::build(kind),
    };
    records.retain(|r| !holders.own.contains(&(kind, r.id())));
    let holders = holders.table;
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
