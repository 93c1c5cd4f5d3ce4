//! The typed value formatter (map keys and values, per-CPU too) in both of
//! bpftool's modes, written as text, through the json_writer and as serde
//! JSON, and the JSON-to-bytes encoder on what it printed.
//!
//! Input: u16 length of the BTF, the raw BTF, u32 key type, u32 value type,
//! a flags byte (bit 0 JSON mode, bit 1 per-CPU), the CPU count, the key
//! length, then key and value bytes.
//!
//! The body is shared by the fuzz target (fuzz_targets/value_fmt.rs) and by
//! tests/fuzz_seeds.rs, which runs every seed and regress-* input in
//! `cargo test`.

use bpfscope::btf::{self, encode, Btf, Mode, PerCpu};
use bpfscope::text::JsonW;

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The target: any input must neither panic nor hang.
pub fn run(data: &[u8]) {
    // libbpf's complaints about each broken input would only slow us down.
    libbpf_rs::set_print(None);
    let Some(len) = data
        .get(..2)
        .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    else {
        return;
    };
    let Some(raw) = data.get(2..2 + len) else {
        return;
    };
    let rest = &data[2 + len..];
    let (Some(kt), Some(vt)) = (u32_at(rest, 0), u32_at(rest, 4)) else {
        return;
    };
    let Some(&[flags, ncpus, klen]) = rest.get(8..11) else {
        return;
    };
    let bytes = &rest[11..];
    let (key, value) = bytes.split_at(usize::from(klen).min(bytes.len()));
    let Ok(b) = Btf::from_bytes(raw, None) else {
        return;
    };
    let v = b.view();
    let cnt = v.type_cnt();
    let (kt, vt) = (kt % cnt, vt % cnt);
    let mode = if flags & 1 != 0 {
        Mode::Json
    } else {
        Mode::Text
    };
    let percpu = (flags & 2 != 0).then(|| PerCpu {
        ncpus: usize::from(ncpus % 8),
        value_size: value.len() / usize::from(ncpus % 8).max(1),
    });
    let entry = match btf::format_entry(v, kt, vt, key, value, percpu, mode) {
        Ok(e) => e,
        Err(e) => e.partial,
    };
    let _ = entry.to_text();
    let _ = entry.to_json();
    let mut w = JsonW::new(Vec::new(), flags & 4 != 0);
    entry.write(&mut w).unwrap();
    if mode == Mode::Json {
        let out = w.into_inner();
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(&out) {
            panic!(
                "invalid JSON from the formatter: {e}: {}",
                String::from_utf8_lossy(&out)
            );
        }
    }
    if let Ok(val) = btf::format_value(v, vt, value, Mode::Json) {
        let j = val.to_json();
        let _ = encode::encode(v, vt, value.len(), &j);
    }
}
