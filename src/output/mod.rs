//! Rendering: records in, text / comfy-table / JSON out, through one buffered writer.
//!
//! JSON is serde over the record; text and table are `Render` impls over the
//! same record, so the three views cannot drift apart.
pub mod eventpipe;
pub mod hexdump;
pub mod mapdump;
pub mod profile;
pub mod render;
pub mod render_cgroup;
pub mod render_feature;
pub mod render_link;
pub mod render_net;
pub mod render_perf;
pub mod run;
pub mod table;
pub mod token;
pub mod tool;
pub mod tool_report;
pub mod top;
pub mod verify;

use std::io::{self, BufWriter, Stdout, Write};

use serde::Serialize;

pub use crate::text::escape;
pub use render::Render;

/// Global options, passed by value to every command (no global state).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ctx {
    pub json: bool,
    pub pretty: bool,
    pub bpffs: bool,
    pub nomount: bool,
    pub debug: bool,
    pub table: bool,
    /// -L: `gen skeleton` writes a light skeleton (a loader program).
    pub use_loader: bool,
}

/// Where a command's output goes: stdout, or memory (`batch -j` gathers
/// each command's JSON value into one array).
#[derive(Debug)]
pub enum Sink {
    Stdout(Stdout),
    Memory(Vec<u8>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            Sink::Memory(v) => v.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            Sink::Memory(_) => Ok(()),
        }
    }
}

pub type Out = BufWriter<Sink>;

pub fn stdout() -> Out {
    BufWriter::with_capacity(1 << 16, Sink::Stdout(io::stdout()))
}

/// An `Out` that keeps what is written; `captured` returns it.
pub fn memory() -> Out {
    BufWriter::new(Sink::Memory(Vec::new()))
}

/// The bytes an `Out` from [`memory`] received (empty for stdout).
pub fn captured(out: Out) -> Vec<u8> {
    let (sink, unflushed) = out.into_parts();
    match sink {
        Sink::Memory(mut v) => {
            v.extend(unflushed.unwrap_or_else(|p| p.into_inner()));
            v
        }
        Sink::Stdout(_) => Vec::new(),
    }
}

/// Writes one JSON value the way bpftool does: compact, or 4-space pretty with -p.
pub fn write_json<T: Serialize + ?Sized>(ctx: &Ctx, w: &mut impl Write, v: &T) -> io::Result<()> {
    if ctx.pretty {
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut *w, fmt);
        v.serialize(&mut ser).map_err(io::Error::other)?;
    } else {
        serde_json::to_writer(&mut *w, v).map_err(io::Error::other)?;
    }
    w.write_all(b"\n")
}

/// Prints records: JSON, a table, or bpftool-style text. In JSON, what a
/// handle matched prints as one bare object when it is one, else as an
/// array (bpftool's rule); a listing without a handle is always an array.
pub fn emit<T: Serialize + Render>(
    ctx: &Ctx,
    w: &mut impl Write,
    items: &[T],
    by_handle: bool,
) -> io::Result<()> {
    if ctx.json {
        if by_handle && items.len() == 1 {
            write_json(ctx, w, &items[0])
        } else {
            write_json(ctx, w, items)
        }
    } else if ctx.table {
        table::write(w, items)
    } else {
        for it in items {
            it.text(w)?;
        }
        Ok(())
    }
}
