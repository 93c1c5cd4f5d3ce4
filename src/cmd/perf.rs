//! `perf show`: perf-event and raw-tracepoint attachments held by processes
//! (bpftool's list), then perf_event links, which bpftool does not list.
use super::Result;
use crate::output::{self, Ctx, Out};
use crate::sys::perf::{self, PerfRecord};
use crate::sys::{ids, link, pids, ObjKind};

pub fn show(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    super::no_more_args(words)?;
    perf::check_supported()?;
    // Holders first, before we open any link ourselves.
    let holders = pids::build(ObjKind::Link);
    let mut records: Vec<PerfRecord> = perf::scan_fds();
    let mut ksyms = None;
    for item in ids::iter(ObjKind::Link) {
        let (id, fd) = item?;
        let rec = match link::record(&fd, &mut ksyms) {
            Ok(r) => r,
            // Detached and gone while we looked: skipped, as in `link show`.
            Err(e) if e.errno() == Some(libc::ENOENT) => continue,
            Err(e) => return Err(e.into()),
        };
        if let Some(mut p) = perf::from_link(&rec) {
            let mut h = holders.get(&id).cloned().unwrap_or_default();
            h.sort_by_key(|x| x.pid);
            p.pids = h;
            records.push(p);
        }
    }
    output::emit(ctx, out, &records, false)?;
    Ok(())
}
