//! `btf`: show and dump (bpftool's btf.c).
mod dump;
mod show;

use super::Result;
use crate::cli::request::BtfReq;
use crate::output::{Ctx, Out};

pub fn run(ctx: &Ctx, req: BtfReq, out: &mut Out) -> Result<()> {
    match req {
        BtfReq::Show(h) => show::show(ctx, h.as_ref(), out),
        BtfReq::Dump {
            source,
            format_c,
            roots,
            sorted,
            base_btf,
        } => dump::dump(
            ctx,
            &source,
            format_c,
            roots,
            sorted,
            base_btf.as_deref(),
            out,
        ),
    }
}
