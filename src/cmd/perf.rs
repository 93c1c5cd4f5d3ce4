//! `perf show [links]`: perf-event and raw-tracepoint attachments held by
//! processes (bpftool's list, with the link behind each when there is one);
//! with `links`, also the perf_event links no process holds a perf fd of.
use super::Result;
use crate::output::{self, Ctx, Out};
use crate::record::perf::PerfRecord;
use crate::sys::perf;
use crate::sys::ObjKind;

pub fn show(ctx: &Ctx, with_links: bool, out: &mut Out) -> Result<()> {
    perf::check_supported()?;
    let mut records: Vec<PerfRecord> = perf::scan_fds();
    let links = perf::link_entries(|| super::holders::build(ObjKind::Link).table)?;
    let rest = perf::join_links(&mut records, links);
    if with_links {
        records.extend(rest);
    }
    output::emit(ctx, out, &records, false)?;
    Ok(())
}
