//! The BTF parser and the `btf dump` writers on mutated BTF: libbpf's parse
//! plus our checked view, the raw text and JSON listings, the C header
//! (btf_dump), and, on the view alone (no libbpf check before it), every
//! accessor the dumpers and the formatter use.
//!
//! Input: byte 0 flags (bit 0 unsorted C, bit 1 a root id from byte 1,
//! bit 2 pretty JSON), byte 1 the root, the rest raw BTF.
//!
//! The body is shared by the fuzz target (fuzz_targets/btf.rs) and by
//! tests/fuzz_seeds.rs, which runs every seed and regress-* input in
//! `cargo test`.

use bpfscope::btf::{self, Btf, Mode, View};
use bpfscope::text::JsonW;

/// What the formatter and dumpers ask of a view, on every type.
fn walk(v: &View) {
    let n = v.type_cnt().min(4096);
    for id in 0..n {
        let Some(t) = v.ty(id) else { continue };
        let _ = v.display_name(t.name_off);
        let _ = v.resolve_type(id);
        let size = v.resolve_size(id);
        match t.kind() {
            btf::view::kind::STRUCT | btf::view::kind::UNION => {
                for m in t.members() {
                    let _ = v.name(m.name_off);
                }
            }
            btf::view::kind::ENUM => t.enum32().for_each(drop),
            btf::view::kind::ENUM64 => t.enum64().for_each(drop),
            btf::view::kind::FUNC_PROTO => t.params().for_each(drop),
            btf::view::kind::DATASEC => t.secinfos().for_each(drop),
            _ => {}
        }
        // A value of the type's size (capped), all ones: bitfields, enums,
        // pointers and strings all take their odd paths.
        let len = size.unwrap_or(16).min(256) as usize;
        let data = vec![0xffu8; len];
        let _ = btf::format_value(v, id, &data, Mode::Text);
        let _ = btf::format_value(v, id, &data[..len / 2], Mode::Json);
    }
}

/// The target: any input must neither panic nor hang.
pub fn run(data: &[u8]) {
    // libbpf's complaints about each broken input would only slow us down.
    libbpf_rs::set_print(None);
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Some((&root, raw)) = rest.split_first() else {
        return;
    };
    if let Ok(v) = View::new(raw.to_vec(), None) {
        walk(&v);
    }
    let Ok(b) = Btf::from_bytes(raw, None) else {
        return;
    };
    walk(b.view());
    let roots: Vec<u32> = if flags & 2 != 0 {
        vec![u32::from(root)]
    } else {
        Vec::new()
    };
    let mut text = Vec::new();
    let _ = btf::dump_raw_text(&b, &roots, &mut text);
    let mut w = JsonW::new(Vec::new(), flags & 4 != 0);
    if btf::dump_raw_json(&b, &roots, &mut w).is_ok() {
        let out = w.into_inner();
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(&out) {
            panic!("invalid JSON from dump_raw_json: {e}");
        }
    }
    let mut c = Vec::new();
    let _ = btf::dump_c(&b, &roots, flags & 1 == 0, &mut c);
}
