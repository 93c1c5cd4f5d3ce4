//! `prog run`'s report: bpftool's `Return value: R, duration: Dns` line
//! after any `-` outputs as hex rows; with -j one object whose keys, in
//! bpftool's order, are data_out, ctx_out, retval, duration.
use std::io::{self, Write};

use serde::Serialize;

use super::{hexdump, write_json, Ctx};

#[derive(Debug, Serialize)]
pub struct RunReport {
    /// Only outputs sent to stdout (`data_out -`) are shown; files get the bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_out: Option<Vec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx_out: Option<Vec<u8>>,
    pub retval: u32,
    pub duration: u32,
    #[serde(skip)]
    pub repeated: bool,
}

pub fn write(ctx: &Ctx, w: &mut impl Write, r: &RunReport) -> io::Result<()> {
    if ctx.json {
        return write_json(ctx, w, r);
    }
    for buf in [&r.data_out, &r.ctx_out].into_iter().flatten() {
        hexdump::rows(w, buf)?;
    }
    writeln!(
        w,
        "Return value: {}, duration{}: {}ns",
        r.retval,
        if r.repeated { " (average)" } else { "" },
        r.duration
    )
}
