//! `map`: its commands side by side (bpftool's map.c). Element work goes to
//! `sys::mapops`; elements print through `output::mapdump`, which streams
//! them the way bpftool lays them out.
mod create;
mod dump;
mod elem;
mod event_pipe;
mod show;
mod typed;

use super::Result;
use crate::cli::request::MapReq;
use crate::output::{Ctx, Out};

pub fn run(ctx: &Ctx, req: MapReq, out: &mut Out) -> Result<()> {
    match req {
        MapReq::Show(h) => show::show(ctx, h.as_ref(), out),
        MapReq::Dump { map, recursive } => dump::dump(ctx, &map, recursive, out),
        MapReq::Update { map, elem } => elem::update(ctx, &map, &elem, out),
        MapReq::Lookup { map, elem } => elem::lookup(ctx, &map, &elem, out),
        MapReq::Getnext { map, key } => elem::getnext(ctx, &map, key.as_ref(), out),
        MapReq::Delete { map, key, all } => elem::delete(ctx, &map, key.as_ref(), all, out),
        MapReq::Pin { map, path } => create::pin(ctx, &map, &path, out),
        MapReq::Create(spec) => create::create(ctx, &spec, out),
        MapReq::Peek(map) => elem::peek(ctx, &map, out),
        MapReq::Push { map, value } | MapReq::Enqueue { map, value } => {
            elem::push(ctx, &map, &value, out)
        }
        MapReq::Pop(map) => elem::pop(ctx, &map, "pop", out),
        MapReq::Dequeue(map) => elem::pop(ctx, &map, "dequeue", out),
        MapReq::Freeze(map) => create::freeze(ctx, &map, out),
        MapReq::EventPipe {
            map,
            one,
            record_type,
        } => event_pipe::run(ctx, &map, one, record_type.as_deref(), out),
    }
}
