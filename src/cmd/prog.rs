//! `prog` commands: show here; dump, load and friends in their own files.
use super::show::{self, Annotate};
use super::Result;
use crate::output::{Ctx, Out};
use crate::sys::pids::PidRef;
use crate::sys::prog::{self, ProgRecord};
use crate::sys::ObjKind;

impl Annotate for ProgRecord {
    fn id(&self) -> u32 {
        self.id
    }
    fn annotate(&mut self, pinned: Option<Vec<String>>, pids: Vec<PidRef>) {
        self.pinned = pinned;
        self.pids = pids;
    }
}

pub fn show(ctx: &Ctx, words: &[String], out: &mut Out) -> Result<()> {
    show::show(ctx, ObjKind::Prog, words, out, |_, fd| prog::record(fd))
}
