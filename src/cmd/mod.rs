//! Commands: one home per OBJECT (a file, or a folder whose mod.rs holds the
//! object's command table). Each takes a typed request from `cli` and turns
//! it into calls to `sys`/`btf`/`disasm`/`loader` and records for `output`.
pub mod batch;
pub mod btf;
pub mod cgroup;
pub mod completions;
pub mod feature;
pub mod gen;
pub mod holders;
pub mod iter;
pub mod link;
pub mod map;
pub mod net;
pub mod perf;
pub mod prog;
mod result;
pub mod serve;
pub mod show;
pub mod struct_ops;
pub mod tool;
pub mod top;
pub mod version;

use std::io::Write;

use crate::cli::request::{self, LinkReq, MapReq, ProgReq, ToolVerb};
use crate::cli::{Request, Topic};
use crate::output::{Ctx, Out};
pub use result::{json_null, CmdError, Result};

/// Commands that write to bpffs get it mounted first (unless -n), like bpftool's mount_bpffs_for_pin.
fn needs_bpffs(r: &Request) -> bool {
    match r {
        Request::Prog(p) => matches!(p, ProgReq::Pin { .. } | ProgReq::Load(_)),
        Request::Map(m) => matches!(m, MapReq::Pin { .. } | MapReq::Create(_)),
        Request::Link(l) => matches!(l, LinkReq::Pin { .. }),
        Request::Tool(t) => matches!(t.verb, ToolVerb::Load | ToolVerb::Run | ToolVerb::Attach),
        Request::IterPin { .. } => true,
        Request::StructOps(request::StructOpsReq::Register { link_dir, .. }) => link_dir.is_some(),
        _ => false,
    }
}

pub fn run(ctx: &Ctx, request: Request, out: &mut Out) -> Result<()> {
    if !ctx.nomount && (needs_bpffs(&request) || ctx.bpffs) {
        // Showing pins (-f) with nothing mounted is not an error; pinning is.
        if let Err(e) = crate::sys::bpffs::ensure_mounted() {
            if needs_bpffs(&request) {
                return Err(e.into());
            }
        }
    }
    let r = match request {
        Request::Prog(r) => prog::run(ctx, r, out),
        Request::Map(r) => map::run(ctx, r, out),
        Request::Link(r) => link::run(ctx, r, out),
        Request::Cgroup(r) => cgroup::run(ctx, r, out),
        Request::Perf { links } => perf::show(ctx, links, out),
        Request::Net { dev } => net::show(ctx, dev.as_deref(), out),
        Request::NetAttach(r) => net::attach(ctx, &r, out),
        Request::NetDetach { attach_type, dev } => net::detach(ctx, attach_type, &dev, out),
        Request::Feature(r) => feature::probe(ctx, &r, out),
        Request::FeatureBuiltins(g) => feature::list_builtins(ctx, g, out),
        Request::TokenShow => feature::token_show(ctx, out),
        Request::IterPin { object, path, map } => iter::pin(ctx, &object, &path, map.as_ref(), out),
        Request::Btf(r) => btf::run(ctx, r, out),
        Request::Tool(r) => tool::run(ctx, r, out),
        Request::Gen(r) => gen::run(ctx, r, out),
        Request::Serve(r) => serve::run(r),
        Request::Top(r) => top::run(ctx, r, out),
        Request::Completions(what) => completions::generate(what, out),
        Request::CompleteWords(words) => completions::words(&words, out),
        Request::Version => version::print(ctx, out),
        Request::Batch { file } => {
            batch::run(ctx, &file, out, &mut |ctx, action, out| match action {
                crate::cli::Action::Help(topic) => help(topic, out),
                crate::cli::Action::Version => version(ctx, out),
                crate::cli::Action::Run(request) => run(ctx, request, out),
            })
        }
        Request::StructOps(r) => struct_ops::run(ctx, r, out),
    };
    out.flush()?;
    r
}

/// `bpfscope help`, `bpfscope OBJECT help`, `… COMMAND --help`.
pub fn help(topic: Topic, out: &mut Out) -> Result<()> {
    out.write_all(crate::cli::help::help(topic).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// `bpfscope version` and `-V`.
pub fn version(ctx: &Ctx, out: &mut Out) -> Result<()> {
    version::print(ctx, out)?;
    out.flush()?;
    Ok(())
}
