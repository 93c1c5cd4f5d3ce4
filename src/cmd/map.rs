//! `map show`; the other map commands live in map_ops.rs.
use super::show::{self, Annotate};
use super::Result;
use crate::output::{Ctx, Out};
use crate::record::map::MapRecord;
use crate::record::pids::PidRef;
use crate::sys::map;
use crate::sys::ObjKind;

impl Annotate for MapRecord {
    fn id(&self) -> u32 {
        self.id
    }
    fn annotate(&mut self, pinned: Option<Vec<String>>, pids: Vec<PidRef>) {
        self.pinned = pinned;
        self.pids = pids;
    }
}

pub fn show(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    show::show(ctx, ObjKind::Map, words, out, |_, fd| map::record(fd))
}
