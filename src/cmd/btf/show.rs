//! `btf show [id ID]`: BTF objects and the programs and maps using them.
use std::collections::HashMap;

use crate::cmd::show::{self, Annotate};
use crate::cmd::Result;
use crate::output::{Ctx, Out};
use crate::record::btf::BtfRecord;
use crate::record::pids::PidRef;
use crate::sys::btf;
use crate::sys::handle::Handle;
use crate::sys::{ids, map, prog, ObjKind};

impl Annotate for BtfRecord {
    fn id(&self) -> u32 {
        self.id
    }
    fn annotate(&mut self, _pinned: Option<Vec<String>>, pids: Vec<PidRef>) {
        self.pids = pids;
    }
}

/// BTF id → ids of the programs and maps that use it.
fn users() -> (HashMap<u32, Vec<u32>>, HashMap<u32, Vec<u32>>) {
    let mut progs: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut maps: HashMap<u32, Vec<u32>> = HashMap::new();
    for (id, fd) in ids::iter(ObjKind::Prog).flatten() {
        if let Ok((i, _)) = prog::info(&fd) {
            if i.btf_id != 0 {
                progs.entry(i.btf_id).or_default().push(id);
            }
        }
    }
    for (id, fd) in ids::iter(ObjKind::Map).flatten() {
        if let Ok(i) = map::info(&fd) {
            if i.btf_id != 0 {
                maps.entry(i.btf_id).or_default().push(id);
            }
        }
    }
    (progs, maps)
}

pub fn show(ctx: &Ctx, h: Option<&Handle>, out: &mut Out) -> Result<()> {
    let (progs, maps) = users();
    show::show(ctx, ObjKind::Btf, h, out, |id, fd| {
        let mut r = btf::btf_record(id, fd)?;
        r.prog_ids = progs.get(&r.id).cloned().unwrap_or_default();
        r.map_ids = maps.get(&r.id).cloned().unwrap_or_default();
        Ok(r)
    })
}
