//! `feature probe` as bpftool prints it (src/feature.c): plain sentences, or
//! C macros with `macros [prefix P]`, and a table view. JSON is serde over
//! the same `FeatureReport`.
use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use crate::record::feature::{BoolFeature, FeatureReport, Sysctls};

/// An informational note on stderr, as bpftool's p_info (never with -j).
pub fn info(msg: &str) {
    eprintln!("{}", crate::text::escape(msg));
}

/// Plain text, or macros when `prefix` is Some (bpftool's define_prefix).
pub fn text(w: &mut dyn Write, r: &FeatureReport, prefix: Option<&str>) -> io::Result<()> {
    let section = |w: &mut dyn Write, plain: &str, define: &str| match prefix {
        Some(_) => writeln!(w, "{define}"),
        None => writeln!(w, "{plain}"),
    };
    if let Some(sc) = &r.system_config {
        section(
            w,
            "Scanning system configuration...",
            "/*** Misc kernel config items ***/",
        )?;
        if prefix.is_none() {
            if let Some(s) = &sc.sysctls {
                sysctls_text(w, s)?;
            }
        }
        for o in &sc.options {
            match (prefix, &o.value) {
                (Some(p), Some(v)) => writeln!(w, "#define {p}{} {v}", o.name)?,
                (Some(p), None) => writeln!(w, "/* {p}{} is not set */", o.name)?,
                (None, Some(v)) => writeln!(w, "{} is set to {v}", o.name)?,
                (None, None) => writeln!(w, "{} is not set", o.name)?,
            }
        }
        writeln!(w)?;
    }
    section(
        w,
        "Scanning system call availability...",
        "/*** System call availability ***/",
    )?;
    bool_line(w, &r.syscall, prefix)?;
    writeln!(w)?;
    if !r.syscall.available {
        return Ok(());
    }
    section(
        w,
        "Scanning eBPF program types...",
        "/*** eBPF program types ***/",
    )?;
    for f in &r.program_types {
        bool_line(w, f, prefix)?;
    }
    writeln!(w)?;
    section(w, "Scanning eBPF map types...", "/*** eBPF map types ***/")?;
    for f in &r.map_types {
        bool_line(w, f, prefix)?;
    }
    writeln!(w)?;
    section(
        w,
        "Scanning eBPF helper functions...",
        "/*** eBPF helper functions ***/",
    )?;
    if let Some(p) = prefix {
        write!(
            w,
            "/*\n * Use {p}HAVE_PROG_TYPE_HELPER(prog_type_name, helper_name)\n \
             * to determine if <helper_name> is available for <prog_type_name>,\n \
             * e.g.\n \
             *\t#if {p}HAVE_PROG_TYPE_HELPER(xdp, bpf_redirect)\n \
             *\t\t// do stuff with this helper\n \
             *\t#elif\n \
             *\t\t// use a workaround\n \
             *\t#endif\n \
             */\n\
             #define {p}HAVE_PROG_TYPE_HELPER(prog_type, helper)\t\\\n\
             \t{p}BPF__PROG_TYPE_ ## prog_type ## __HELPER_ ## helper\n"
        )?;
    }
    for h in &r.helpers {
        match prefix {
            Some(p) => {
                for (name, ok) in &h.helpers {
                    writeln!(
                        w,
                        "#define {p}BPF__PROG_TYPE_{}__HELPER_{name} {}",
                        h.prog_type,
                        u8::from(*ok)
                    )?;
                }
            }
            None => {
                write!(
                    w,
                    "eBPF helpers supported for program type {}:",
                    h.prog_type
                )?;
                let mut any = false;
                for (name, ok) in &h.helpers {
                    if *ok {
                        write!(w, "\n\t- {name}")?;
                        any = true;
                    }
                }
                writeln!(w)?;
                if !any {
                    if h.prog_type_supported {
                        writeln!(w, "\tCould not determine which helpers are available")?;
                    } else {
                        writeln!(w, "\tProgram type not supported")?;
                    }
                }
            }
        }
    }
    writeln!(w)?;
    section(
        w,
        "Scanning miscellaneous eBPF features...",
        "/*** eBPF misc features ***/",
    )?;
    for f in &r.misc {
        bool_line(w, f, prefix)?;
    }
    writeln!(w)
}

fn bool_line(w: &mut dyn Write, f: &BoolFeature, prefix: Option<&str>) -> io::Result<()> {
    match prefix {
        Some(p) => writeln!(
            w,
            "#define {p}{}HAVE_{}",
            if f.available { "" } else { "NO_" },
            f.define
        ),
        None => writeln!(
            w,
            "{} is {}available",
            f.plain,
            if f.available { "" } else { "NOT " }
        ),
    }
}

fn sysctls_text(w: &mut dyn Write, s: &Sysctls) -> io::Result<()> {
    let line = match s.unprivileged_bpf_disabled {
        0 => "bpf() syscall for unprivileged users is enabled".to_string(),
        1 => "bpf() syscall restricted to privileged users (without recovery)".into(),
        2 => "bpf() syscall restricted to privileged users (admin can change)".into(),
        -1 => "Unable to retrieve required privileges for bpf() syscall".into(),
        v => format!("bpf() syscall restriction has unknown value {v}"),
    };
    writeln!(w, "{line}")?;
    let line = match s.bpf_jit_enable {
        0 => "JIT compiler is disabled".to_string(),
        1 => "JIT compiler is enabled".into(),
        2 => "JIT compiler is enabled with debugging traces in kernel logs".into(),
        -1 => "Unable to retrieve JIT-compiler status".into(),
        v => format!("JIT-compiler status has unknown value {v}"),
    };
    writeln!(w, "{line}")?;
    let line = match s.bpf_jit_harden {
        0 => "JIT compiler hardening is disabled".to_string(),
        1 => "JIT compiler hardening is enabled for unprivileged users".into(),
        2 => "JIT compiler hardening is enabled for all users".into(),
        -1 => "Unable to retrieve JIT hardening status".into(),
        v => format!("JIT hardening status has unknown value {v}"),
    };
    writeln!(w, "{line}")?;
    let line = match s.bpf_jit_kallsyms {
        0 => "JIT compiler kallsyms exports are disabled".to_string(),
        1 => "JIT compiler kallsyms exports are enabled for root".into(),
        -1 => "Unable to retrieve JIT kallsyms export status".into(),
        v => format!("JIT kallsyms exports status has unknown value {v}"),
    };
    writeln!(w, "{line}")?;
    match s.bpf_jit_limit {
        -1 => writeln!(
            w,
            "Unable to retrieve global memory limit for JIT compiler for unprivileged users"
        ),
        v => writeln!(
            w,
            "Global memory limit for JIT compiler for unprivileged users is {v} bytes"
        ),
    }
}

/// A (section, feature, value) table.
pub fn table(w: &mut dyn Write, r: &FeatureReport) -> io::Result<()> {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(vec!["SECTION", "FEATURE", "VALUE"]);
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    if let Some(sc) = &r.system_config {
        if let Some(s) = &sc.sysctls {
            for (k, v) in [
                ("unprivileged_bpf_disabled", s.unprivileged_bpf_disabled),
                ("bpf_jit_enable", s.bpf_jit_enable),
                ("bpf_jit_harden", s.bpf_jit_harden),
                ("bpf_jit_kallsyms", s.bpf_jit_kallsyms),
                ("bpf_jit_limit", s.bpf_jit_limit),
            ] {
                t.add_row(vec!["system".into(), k.into(), v.to_string()]);
            }
        }
        for o in &sc.options {
            t.add_row(vec![
                "config".into(),
                o.name.into(),
                o.value.clone().unwrap_or_else(|| "not set".into()),
            ]);
        }
    }
    t.add_row(vec![
        "syscall".into(),
        r.syscall.plain.clone(),
        yes(r.syscall.available),
    ]);
    for (sec, list) in [
        ("prog type", &r.program_types),
        ("map type", &r.map_types),
        ("misc", &r.misc),
    ] {
        for f in list {
            let name = f.plain.trim_start_matches("eBPF program_type ");
            let name = name.trim_start_matches("eBPF map_type ");
            t.add_row(vec![sec.into(), name.into(), yes(f.available)]);
        }
    }
    for h in &r.helpers {
        let n = h.helpers.iter().filter(|(_, ok)| *ok).count();
        t.add_row(vec![
            "helpers".into(),
            h.prog_type.clone(),
            format!("{n} of {}", h.helpers.len()),
        ]);
    }
    writeln!(w, "{t}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::feature::{ConfigOption, HelperSet, SystemConfig};

    fn b(plain: &str, define: &str, v: bool) -> BoolFeature {
        BoolFeature {
            key: String::new(),
            plain: plain.into(),
            define: define.into(),
            available: v,
        }
    }

    fn report() -> FeatureReport {
        FeatureReport {
            system_config: Some(SystemConfig {
                sysctls: Some(Sysctls {
                    unprivileged_bpf_disabled: 2,
                    bpf_jit_enable: 1,
                    bpf_jit_harden: 0,
                    bpf_jit_kallsyms: 1,
                    bpf_jit_limit: 100,
                }),
                options: vec![ConfigOption {
                    name: "CONFIG_HZ",
                    macro_dump: true,
                    value: Some("250".into()),
                }],
                config_note: None,
            }),
            syscall: b("bpf() syscall", "BPF_SYSCALL", true),
            program_types: vec![b("eBPF program_type xdp", "XDP_PROG_TYPE", true)],
            map_types: vec![b("eBPF map_type hash", "HASH_MAP_TYPE", false)],
            helpers: vec![
                HelperSet {
                    prog_type: "xdp".into(),
                    prog_type_supported: true,
                    helpers: vec![("bpf_a", true), ("bpf_b", false)],
                },
                HelperSet {
                    prog_type: "lirc_mode2".into(),
                    prog_type_supported: false,
                    helpers: vec![("bpf_a", false)],
                },
            ],
            misc: vec![b("Bounded loop support", "BOUNDED_LOOPS", true)],
        }
    }

    #[test]
    fn plain_like_bpftool() {
        let mut v = Vec::new();
        text(&mut v, &report(), None).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "Scanning system configuration...\n\
             bpf() syscall restricted to privileged users (admin can change)\n\
             JIT compiler is enabled\n\
             JIT compiler hardening is disabled\n\
             JIT compiler kallsyms exports are enabled for root\n\
             Global memory limit for JIT compiler for unprivileged users is 100 bytes\n\
             CONFIG_HZ is set to 250\n\n\
             Scanning system call availability...\nbpf() syscall is available\n\n\
             Scanning eBPF program types...\neBPF program_type xdp is available\n\n\
             Scanning eBPF map types...\neBPF map_type hash is NOT available\n\n\
             Scanning eBPF helper functions...\n\
             eBPF helpers supported for program type xdp:\n\t- bpf_a\n\
             eBPF helpers supported for program type lirc_mode2:\n\tProgram type not supported\n\n\
             Scanning miscellaneous eBPF features...\nBounded loop support is available\n\n"
        );
    }

    #[test]
    fn macros_like_bpftool() {
        let mut v = Vec::new();
        text(&mut v, &report(), Some("P_")).unwrap();
        let s = String::from_utf8(v).unwrap();
        assert!(s.starts_with(
            "/*** Misc kernel config items ***/\n#define P_CONFIG_HZ 250\n\n\
             /*** System call availability ***/\n#define P_HAVE_BPF_SYSCALL\n\n"
        ));
        assert!(s.contains("#define P_NO_HAVE_HASH_MAP_TYPE\n"));
        assert!(s.contains(
            "#define P_HAVE_PROG_TYPE_HELPER(prog_type, helper)\t\\\n\tP_BPF__PROG_TYPE_ ## prog_type ## __HELPER_ ## helper\n\
             #define P_BPF__PROG_TYPE_xdp__HELPER_bpf_a 1\n\
             #define P_BPF__PROG_TYPE_xdp__HELPER_bpf_b 0\n"
        ));
        assert!(s.ends_with("/*** eBPF misc features ***/\n#define P_HAVE_BOUNDED_LOOPS\n\n"));
    }
}
