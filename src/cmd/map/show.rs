//! `map show [MAP]`.
use crate::cmd::show::{self, Annotate};
use crate::cmd::Result;
use crate::output::{Ctx, Out};
use crate::record::map::MapRecord;
use crate::record::pids::PidRef;
use crate::sys::handle::Handle;
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

pub fn show(ctx: &Ctx, h: Option<&Handle>, out: &mut Out) -> Result<()> {
    show::show(ctx, ObjKind::Map, h, out, |_, fd| map::record(fd))
}
