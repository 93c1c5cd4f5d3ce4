//! What map commands share: a map's layout and header for output, its BTF
//! types for typed keys and values, and kernel symbols for stack traces.
use libbpf_sys as bpf;

use crate::btf::{self, Btf};
use crate::cmd::{CmdError, Result};
use crate::output::mapdump::{Formatted, Header, Layout};
use crate::record::eventpipe::Decoded;
use crate::record::names::KindName;
use crate::sys::handle::{self, Handle};
use crate::sys::mapops::{self, Map};
use crate::sys::names;
use crate::sys::ObjKind;
use crate::text::JsonW;

pub(super) fn layout(map: &Map) -> Layout {
    let t = map.map_type();
    Layout {
        key_size: map.key_size(),
        value_size: map.value_size(),
        percpu: mapops::is_percpu(t),
        ncpus: map.ncpus(),
        cpu_step: map.cpu_step(),
        map_of_maps: mapops::is_map_of_maps(t),
        skip_enoent: mapops::is_map_of_maps(t) || mapops::is_prog_array(t),
        reuseport: t == bpf::BPF_MAP_TYPE_REUSEPORT_SOCKARRAY,
    }
}

pub(super) fn header(map: &Map) -> Header {
    let (type_name, type_num) = match names::map_type(map.map_type()) {
        KindName::Name(n) => (Some(n), map.map_type()),
        KindName::Num(n) => (None, n),
    };
    Header {
        id: map.id(),
        type_name,
        type_num,
        name: map.name(),
        flags: map.info.map_flags,
    }
}

pub(super) fn type_name(map: &Map) -> String {
    match names::map_type(map.map_type()) {
        KindName::Name(n) => n,
        KindName::Num(n) => format!("type {n}"),
    }
}

/// A map's BTF, for `formatted` output and `key-json` / `value-json`: the
/// map's own BTF object, or vmlinux BTF for struct_ops values (as bpftool's
/// get_map_kv_btf).
pub(super) struct Typed {
    btf: Btf,
    key_type: u32,
    value_type: u32,
    mode: btf::Mode,
}

impl Typed {
    pub(super) fn for_map(map: &Map, json: bool) -> Result<Option<Typed>> {
        let i = &map.info;
        let btf = if i.btf_vmlinux_value_type_id != 0 {
            Btf::from_file(std::path::Path::new(btf::SYSFS_VMLINUX))
                .map_err(|e| CmdError::Failed(format!("failed to get kernel btf: {e}")))?
        } else if i.btf_value_type_id != 0 {
            crate::sys::btf::load(i.btf_id)?
        } else {
            return Ok(None);
        };
        Ok(Some(Typed {
            btf,
            key_type: i.btf_key_type_id,
            value_type: if i.btf_vmlinux_value_type_id != 0 {
                i.btf_vmlinux_value_type_id
            } else {
                i.btf_value_type_id
            },
            mode: if json {
                btf::Mode::Json
            } else {
                btf::Mode::Text
            },
        }))
    }

    /// bpftool's do_dump_btf for one element; like bpftool, a value the
    /// formatter cannot finish is shown as far as it got.
    pub(super) fn entry(&self, map: &Map, key: &[u8], value: &[u8]) -> Option<btf::Value> {
        let percpu = mapops::is_percpu(map.map_type()).then(|| btf::PerCpu {
            ncpus: map.ncpus(),
            value_size: map.value_size(),
        });
        let key_type = if key.is_empty() { 0 } else { self.key_type };
        Some(
            btf::format_entry(
                self.btf.view(),
                key_type,
                self.value_type,
                key,
                value,
                percpu,
                self.mode,
            )
            .unwrap_or_else(|e| e.partial),
        )
    }

    /// `key-json` / `value-json`: JSON encoded through the key or value type.
    pub(super) fn encode(
        &self,
        is_key: bool,
        size: usize,
        text: &str,
    ) -> Result<btf::encode::Encoded> {
        let what = if is_key { "key-json" } else { "value-json" };
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| CmdError::Usage(format!("{what}: invalid JSON: {e}")))?;
        let ty = if is_key {
            self.key_type
        } else {
            self.value_type
        };
        if ty == 0 {
            return Err(CmdError::Usage(format!(
                "{what}: the map has no BTF type for its {}",
                if is_key { "key" } else { "value" }
            )));
        }
        btf::encode::encode(self.btf.view(), ty, size, &json)
            .map_err(|e| CmdError::Usage(format!("{what}: {e}")))
    }
}

/// BTF-formatted elements go into map dumps through the dump writer.
impl Formatted for btf::Value {
    fn write(&self, jw: &mut JsonW<Vec<u8>>) -> std::io::Result<()> {
        btf::Value::write(self, jw)
    }
    fn write_members(&self, jw: &mut JsonW<Vec<u8>>) -> std::io::Result<()> {
        for (k, v) in self.members() {
            jw.name(k)?;
            v.write(jw)?;
        }
        Ok(())
    }
}

/// Kernel symbols for stack_trace maps: /proc/kallsyms, read once per command.
pub(super) struct Symbols(pub(super) crate::record::kallsyms::KernelSymbols);

impl Symbols {
    pub(super) fn load() -> Self {
        Symbols(crate::sys::progdump::kallsyms())
    }
    /// `name+0xoff` for a kernel address; None for user addresses or when
    /// kallsyms hides addresses.
    pub(super) fn symbolize(&self, addr: u64) -> Option<String> {
        if (addr as i64) >= 0 {
            return None;
        }
        let (name, off) = self.0.nearest(addr)?;
        Some(format!("{name}+0x{off:x}"))
    }
}

/// Every map a handle names (a name may match several).
pub(super) fn open_maps(h: &Handle) -> Result<Vec<Map>> {
    let maps = handle::resolve(ObjKind::Map, h)?
        .into_iter()
        .map(|(_, fd)| Map::from_fd(fd))
        .collect::<crate::sys::Result<Vec<_>>>()?;
    Ok(maps)
}

/// Exactly one map, as bpftool's map_parse_fd requires for element commands.
pub(super) fn open_one(h: &Handle) -> Result<Map> {
    let (_, fd) = handle::resolve_one(ObjKind::Map, h)?;
    Ok(Map::from_fd(fd)?)
}

/// The BTF type `map event_pipe … type NAME` reads records as: found in the
/// BTF of the programs that use the map (they write the records), else in
/// the map's own BTF.
pub(super) struct RecordType {
    btf: Btf,
    type_id: u32,
    name: String,
    size: u64,
    mode: btf::Mode,
}

impl RecordType {
    pub(super) fn find(map_id: u32, map_btf_id: u32, name: &str, json: bool) -> Result<Self> {
        let mut btf_ids = crate::sys::prog::btf_ids_using_map(map_id)?;
        if map_btf_id != 0 && !btf_ids.contains(&map_btf_id) {
            btf_ids.push(map_btf_id);
        }
        for id in btf_ids {
            // BTF that vanished with its program is no place to look.
            let Ok(btf) = crate::sys::btf::load(id) else {
                continue;
            };
            let Some(type_id) = btf.view().find_record_type(name) else {
                continue;
            };
            let size = btf.view().resolve_size(type_id).ok_or_else(|| {
                CmdError::Failed(format!("type {name} (BTF id {id}) has no size"))
            })?;
            return Ok(RecordType {
                btf,
                type_id,
                name: name.trim().to_string(),
                size,
                mode: if json {
                    btf::Mode::Json
                } else {
                    btf::Mode::Text
                },
            });
        }
        Err(CmdError::Failed(format!(
            "type {name} not found: no struct, union or typedef of that name in the BTF of map {map_id}'s programs or of the map"
        )))
    }

    /// One record as the type's value; a record with fewer bytes than the
    /// type is not read (perf adds padding, so longer ones are normal).
    pub(super) fn decode(&self, data: &[u8]) -> Decoded {
        if (data.len() as u64) < self.size {
            return Decoded::Short {
                type_name: self.name.clone(),
                type_size: self.size,
            };
        }
        let v = btf::format_value(self.btf.view(), self.type_id, data, self.mode)
            .unwrap_or_else(|e| e.partial);
        Decoded::Value(v)
    }
}
