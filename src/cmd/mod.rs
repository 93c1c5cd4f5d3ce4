//! Commands: one file per OBJECT. Each turns a parsed request into calls to
//! `sys`/`btf`/`disasm`/`loader` and records for `output`; no raw syscalls here.
pub mod btf;
pub mod btf_dump;
pub mod cgroup;
pub mod completions;
pub mod feature;
pub mod holders;
pub mod link;
pub mod map;
pub mod map_ops;
pub mod net;
pub mod perf;
pub mod prog;
pub mod prog_dump;
pub mod prog_dump_elf;
pub mod prog_load;
pub mod prog_verify;
pub mod show;
pub mod tool;

use std::io::Write;

use crate::cli::{Object, ProgCmd};
use crate::output::{Ctx, Out};
use crate::sys::handle::HandleError;
use crate::sys::SysError;

/// Everything a command can fail with; main prints `Error: {self}` and exits 255.
#[derive(Debug, thiserror::Error)]
pub enum CmdError {
    /// Bad words on the command line.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Sys(#[from] SysError),
    /// A failure with its own full message (loader, verifier, tools…).
    #[error("{0}")]
    Failed(String),
    #[error("write error: {0}")]
    Io(#[from] std::io::Error),
    /// A failure whose `-j` form carries more than the message (e.g. the
    /// verifier analysis under "verifier"); `json` is the whole error object.
    #[error("{msg}")]
    Detailed {
        msg: String,
        json: serde_json::Value,
    },
    /// A refused load: the message, then the verifier log's last lines
    /// (kept apart so only these lines break the one-line error).
    #[error("{msg}\nverifier log (last lines):\n  {}", log.join("\n  "))]
    Rejected { msg: String, log: Vec<String> },
}

impl CmdError {
    /// The `-j` error object: `{"error": "..."}`, plus details when there are any.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            CmdError::Detailed { json, .. } => json.clone(),
            other => serde_json::json!({ "error": other.to_string() }),
        }
    }
}

impl From<HandleError> for CmdError {
    fn from(e: HandleError) -> Self {
        CmdError::Usage(e.0)
    }
}

pub type Result<T> = std::result::Result<T, CmdError>;

/// Errors out on words left over after a complete command.
pub fn no_more_args(rest: &[String]) -> Result<()> {
    match rest.first() {
        None => Ok(()),
        Some(w) => Err(CmdError::Usage(format!(
            "too many arguments: unexpected '{w}'"
        ))),
    }
}

/// Commands that write to bpffs get it mounted first (unless -n), like bpftool's mount_bpffs_for_pin.
fn needs_bpffs(obj: &Object) -> bool {
    use crate::cli::{LinkCmd, MapCmd, ToolCmd};
    matches!(
        obj,
        Object::Prog(ProgCmd::Pin(_) | ProgCmd::Load(_) | ProgCmd::Loadall(_))
            | Object::Map(MapCmd::Pin(_) | MapCmd::Create(_))
            | Object::Link(LinkCmd::Pin(_))
            | Object::Tool(ToolCmd::Load(_) | ToolCmd::Run(_) | ToolCmd::Attach(_))
    )
}

pub fn run(ctx: &Ctx, object: Object, out: &mut Out) -> Result<()> {
    if !ctx.nomount && (needs_bpffs(&object) || ctx.bpffs) {
        // Showing pins (-f) with nothing mounted is not an error; pinning is.
        if let Err(e) = crate::sys::bpffs::ensure_mounted() {
            if needs_bpffs(&object) {
                return Err(e.into());
            }
        }
    }
    let r = dispatch(ctx, object, out);
    out.flush()?;
    r
}

fn dispatch(ctx: &Ctx, object: Object, out: &mut Out) -> Result<()> {
    use crate::cli::{BtfCmd, CgroupCmd, FeatureCmd, LinkCmd, MapCmd, NetCmd, PerfCmd, ToolCmd};
    match object {
        Object::Prog(c) => match c {
            ProgCmd::Show(w) => prog::show(ctx, &w.args, out),
            ProgCmd::Dump(w) => prog_dump::run(ctx, &w.args, out),
            ProgCmd::Pin(w) => prog_load::run(ctx, "pin", &w.args),
            ProgCmd::Load(w) => prog_load::run(ctx, "load", &w.args),
            ProgCmd::Loadall(w) => prog_load::run(ctx, "loadall", &w.args),
            ProgCmd::Attach(w) => prog_load::run(ctx, "attach", &w.args),
            ProgCmd::Detach(w) => prog_load::run(ctx, "detach", &w.args),
            ProgCmd::Verify(w) => prog_verify::run(ctx, &w.args, out),
        },
        Object::Map(c) => match c {
            MapCmd::Show(w) => map::show(ctx, &w.args, out),
            MapCmd::Dump(w) => map_ops::run(ctx, "dump", &w.args, out),
            MapCmd::Update(w) => map_ops::run(ctx, "update", &w.args, out),
            MapCmd::Lookup(w) => map_ops::run(ctx, "lookup", &w.args, out),
            MapCmd::Getnext(w) => map_ops::run(ctx, "getnext", &w.args, out),
            MapCmd::Delete(w) => map_ops::run(ctx, "delete", &w.args, out),
            MapCmd::Pin(w) => map_ops::run(ctx, "pin", &w.args, out),
            MapCmd::Create(w) => map_ops::run(ctx, "create", &w.args, out),
            MapCmd::Peek(w) => map_ops::run(ctx, "peek", &w.args, out),
            MapCmd::Push(w) => map_ops::run(ctx, "push", &w.args, out),
            MapCmd::Enqueue(w) => map_ops::run(ctx, "enqueue", &w.args, out),
            MapCmd::Pop(w) => map_ops::run(ctx, "pop", &w.args, out),
            MapCmd::Dequeue(w) => map_ops::run(ctx, "dequeue", &w.args, out),
            MapCmd::Freeze(w) => map_ops::run(ctx, "freeze", &w.args, out),
        },
        Object::Link(c) => match c {
            LinkCmd::Show(w) => link::show(ctx, &w.args, out),
            LinkCmd::Pin(w) => prog_load::run(ctx, "link-pin", &w.args),
            LinkCmd::Detach(w) => prog_load::run(ctx, "link-detach", &w.args),
        },
        Object::Btf(c) => match c {
            BtfCmd::Show(w) => btf::show(ctx, &w.args, out),
            BtfCmd::Dump(w) => btf_dump::run(ctx, &w.args, out),
        },
        Object::Perf(PerfCmd::Show(w)) => perf::show(ctx, &w.args, out),
        Object::Net(NetCmd::Show(w)) => net::show(ctx, &w.args, out),
        Object::Cgroup(CgroupCmd::Show(w)) => cgroup::show(ctx, &w.args, out),
        Object::Cgroup(CgroupCmd::Tree(w)) => cgroup::tree(ctx, &w.args, out),
        Object::Cgroup(CgroupCmd::Attach(w)) => cgroup::attach(ctx, &w.args, out),
        Object::Cgroup(CgroupCmd::Detach(w)) => cgroup::detach(ctx, &w.args, out),
        Object::Feature(FeatureCmd::Probe(w)) => feature::probe(ctx, &w.args, out),
        Object::Tool(c) => {
            let (name, w) = match c {
                ToolCmd::List(w) => ("list", w),
                ToolCmd::Load(w) => ("load", w),
                ToolCmd::Attach(w) => ("attach", w),
                ToolCmd::Detach(w) => ("detach", w),
                ToolCmd::Report(w) => ("report", w),
                ToolCmd::Unload(w) => ("unload", w),
                ToolCmd::Run(w) => ("run", w),
            };
            tool::run(ctx, name, &w.args)
        }
        Object::Completions { what } => completions::generate(what, out),
    }
}
