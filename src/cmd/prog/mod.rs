//! `prog`: its commands side by side, one function each (bpftool's prog.c).
mod dump;
mod dump_file;
pub mod load;
mod profile;
mod run;
mod show;
mod tracelog;
pub mod verify;

use super::Result;
use crate::cli::request::ProgReq;
use crate::output::{Ctx, Out};

pub fn run(ctx: &Ctx, req: ProgReq, out: &mut Out) -> Result<()> {
    match req {
        ProgReq::Show(h) => show::show(ctx, h.as_ref(), out),
        ProgReq::Dump(r) => dump::run(ctx, &r, out),
        ProgReq::DumpFile(r) => dump_file::run(ctx, &r, out),
        ProgReq::Pin { prog, path } => load::pin(ctx, crate::sys::ObjKind::Prog, &prog, &path, out),
        ProgReq::Load(r) => load::load(ctx, r, out),
        ProgReq::Attach(r) => load::attach_detach(ctx, &r, true, out),
        ProgReq::Detach(r) => load::attach_detach(ctx, &r, false, out),
        ProgReq::Verify(r) => verify::run(ctx, &r, out),
        ProgReq::Run(r) => run::run(ctx, &r, out),
        ProgReq::Tracelog => tracelog::run(ctx, out),
        ProgReq::Profile(r) => profile::run(ctx, &r, out),
    }
}
