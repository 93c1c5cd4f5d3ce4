//! `feature probe`: the report, serialized with bpftool's JSON layout.
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// procfs sysctls of the system_config section; -1 where unreadable (bpftool).
#[derive(Debug, Clone)]
pub struct Sysctls {
    pub unprivileged_bpf_disabled: i64,
    pub bpf_jit_enable: i64,
    pub bpf_jit_harden: i64,
    pub bpf_jit_kallsyms: i64,
    pub bpf_jit_limit: i64,
}

/// One kernel config option of the system_config section.
#[derive(Debug, Clone)]
pub struct ConfigOption {
    pub name: &'static str,
    /// Printed in macros mode (`#define CONFIG_HZ 250`).
    pub macro_dump: bool,
    pub value: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SystemConfig {
    /// None when /proc is not procfs (bpftool skips those probes).
    pub sysctls: Option<Sysctls>,
    pub options: Vec<ConfigOption>,
    /// Why the kernel config could not be read (bpftool prints it as info).
    pub config_note: Option<String>,
}

/// A yes/no feature: its JSON key, plain-text name and macro name.
#[derive(Debug, Clone)]
pub struct BoolFeature {
    pub key: String,
    pub plain: String,
    pub define: String,
    pub available: bool,
}

/// Helpers probed for one program type.
#[derive(Debug, Clone)]
pub struct HelperSet {
    pub prog_type: String,
    pub prog_type_supported: bool,
    /// Every helper probed, in id order, with the verdict.
    pub helpers: Vec<(&'static str, bool)>,
}

/// The whole report, section by section.
#[derive(Debug, Clone)]
pub struct FeatureReport {
    /// Absent when probing a device.
    pub system_config: Option<SystemConfig>,
    pub syscall: BoolFeature,
    pub program_types: Vec<BoolFeature>,
    pub map_types: Vec<BoolFeature>,
    pub helpers: Vec<HelperSet>,
    pub misc: Vec<BoolFeature>,
}

fn bool_map<S: Serializer>(s: S, list: &[BoolFeature]) -> std::result::Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(list.len()))?;
    for f in list {
        m.serialize_entry(&f.key, &f.available)?;
    }
    m.end()
}

struct Bools<'a>(&'a [BoolFeature]);
impl Serialize for Bools<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        bool_map(s, self.0)
    }
}

struct Helpers<'a>(&'a [HelperSet]);
impl Serialize for Helpers<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for h in self.0 {
            let names: Vec<&str> = h
                .helpers
                .iter()
                .filter(|(_, ok)| *ok)
                .map(|(n, _)| *n)
                .collect();
            m.serialize_entry(&format!("{}_available_helpers", h.prog_type), &names)?;
        }
        m.end()
    }
}

impl Serialize for SystemConfig {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(p) = &self.sysctls {
            m.serialize_entry("unprivileged_bpf_disabled", &p.unprivileged_bpf_disabled)?;
            m.serialize_entry("bpf_jit_enable", &p.bpf_jit_enable)?;
            m.serialize_entry("bpf_jit_harden", &p.bpf_jit_harden)?;
            m.serialize_entry("bpf_jit_kallsyms", &p.bpf_jit_kallsyms)?;
            m.serialize_entry("bpf_jit_limit", &p.bpf_jit_limit)?;
        }
        // bpftool prints config values as strings (its integer test never
        // matches a value whose newline was already cut): kept for compatibility.
        for o in &self.options {
            m.serialize_entry(o.name, &o.value)?;
        }
        m.end()
    }
}

impl Serialize for FeatureReport {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(sc) = &self.system_config {
            m.serialize_entry("system_config", sc)?;
        }
        m.serialize_entry(
            "syscall_config",
            &Bools(std::slice::from_ref(&self.syscall)),
        )?;
        // Without bpf(2) bpftool stops after the syscall section.
        if self.syscall.available {
            m.serialize_entry("program_types", &Bools(&self.program_types))?;
            m.serialize_entry("map_types", &Bools(&self.map_types))?;
            m.serialize_entry("helpers", &Helpers(&self.helpers))?;
            m.serialize_entry("misc", &Bools(&self.misc))?;
        }
        m.end()
    }
}
