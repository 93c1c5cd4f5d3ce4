//! `prog show [PROG]`: programs with their pins, holders and metadata.
use crate::cmd::show::{self, Annotate};
use crate::cmd::Result;
use crate::output::{Ctx, Out};
use crate::record::pids::PidRef;
use crate::record::prog::ProgRecord;
use crate::sys::handle::Handle;
use crate::sys::prog;
use crate::sys::ObjKind;

impl Annotate for ProgRecord {
    fn id(&self) -> u32 {
        self.header.id
    }
    fn annotate(&mut self, pinned: Option<Vec<String>>, pids: Vec<PidRef>) {
        self.pinned = pinned;
        self.pids = pids;
    }
}

const METADATA_PREFIX: &[u8] = b"bpf_metadata_";

pub fn show(ctx: &Ctx, h: Option<&Handle>, out: &mut Out) -> Result<()> {
    show::show(ctx, ObjKind::Prog, h, out, |_, fd| {
        let mut r = prog::record(fd)?;
        r.metadata = prog::raw_metadata(&r.map_ids).and_then(|raw| metadata(&raw));
        Ok(r)
    })
}

/// `bpf_metadata_*` variables of the .rodata datasec, formatted by src/btf as
/// bpftool's btf_dumper does; anything unreadable just means no metadata.
fn metadata(raw: &prog::RawMetadata) -> Option<serde_json::Map<String, serde_json::Value>> {
    let btf = crate::sys::btf::view(raw.btf_id).ok()?;
    let view: &crate::btf::View = &btf;
    let sec = view.ty(raw.datasec_type_id)?;
    if sec.kind() != crate::btf::view::kind::DATASEC {
        return None;
    }
    let mut out = serde_json::Map::new();
    for (var_id, off, size) in sec.secinfos() {
        let Some(var) = view.ty(var_id) else { continue };
        let Some(name) = view.name(var.name_off).strip_prefix(METADATA_PREFIX) else {
            continue;
        };
        let Some(bytes) = raw.value.get(off as usize..(off + size) as usize) else {
            continue;
        };
        if let Ok(v) = crate::btf::format_json(view, var.type_id(), bytes) {
            out.insert(String::from_utf8_lossy(name).into_owned(), v);
        }
    }
    (!out.is_empty()).then_some(out)
}
