//! `iter pin OBJ PATH [map MAP]` (bpftool's iter.c), through `loader::iter`.
use std::os::fd::AsFd;
use std::path::Path;

use super::{json_null, Result};
use crate::cmd::prog::verify::loader_error;
use crate::output::{Ctx, Out};
use crate::sys::handle::{self, Handle};
use crate::sys::ObjKind;

pub fn pin(
    ctx: &Ctx,
    object: &Path,
    path: &Path,
    map: Option<&Handle>,
    out: &mut Out,
) -> Result<()> {
    crate::loader::log::set_debug(ctx.debug);
    let map = map
        .map(|h| handle::resolve_one(ObjKind::Map, h))
        .transpose()?;
    crate::loader::iter::pin(object, path, map.as_ref().map(|(_, fd)| fd.as_fd()))
        .map_err(loader_error)?;
    json_null(ctx, out)
}
