//! `perf show [links]`: perf-event and raw-tracepoint attachments held by
//! processes (bpftool's list, with the link behind each when there is one);
//! with `links`, also the perf_event links no process holds a perf fd of.
use super::Result;
use crate::output::{self, Ctx, Out};
use crate::record::perf::PerfRecord;
use crate::sys::perf;
use crate::sys::{ids, link, ObjKind};

pub fn show(ctx: &Ctx, with_links: bool, out: &mut Out) -> Result<()> {
    perf::check_supported()?;
    let mut records: Vec<PerfRecord> = perf::scan_fds();
    let mut links = Vec::new();
    let mut ksyms = None;
    for item in ids::iter(ObjKind::Link) {
        let (id, fd) = item?;
        let rec = match link::record(&fd, &mut ksyms) {
            Ok(r) => r,
            // Detached and gone while we looked: skipped, as in `link show`.
            Err(e) if e.errno() == Some(libc::ENOENT) => continue,
            Err(e) => return Err(e.into()),
        };
        if let Some(p) = perf::from_link(&rec) {
            links.push((id, p));
        }
    }
    // Holders after the listing, as in `show`: our iterator's link is
    // then never listed.
    if !links.is_empty() {
        let holders = super::holders::build(ObjKind::Link);
        let links = links
            .into_iter()
            .map(|(id, mut p)| {
                let mut h = holders.get(&id).cloned().unwrap_or_default();
                h.sort_by_key(|x| x.pid);
                p.pids = h;
                p
            })
            .collect();
        let rest = perf::join_links(&mut records, links);
        if with_links {
            records.extend(rest);
        }
    }
    output::emit(ctx, out, &records, false)?;
    Ok(())
}
