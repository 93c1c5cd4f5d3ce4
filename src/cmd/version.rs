//! `bpfscope version` / `-V`: bpftool's layout and keys (version,
//! libbpf_version, features), with the features this build carries.
use std::io::Write;

use serde::Serialize;

use super::Result;
use crate::output::{self, Ctx, Out};

#[derive(Serialize)]
struct Features {
    /// bpftool's keys: no libbfd or LLVM here (capstone disassembles); `gen skeleton` is built in.
    libbfd: bool,
    /// libbpf 1.x has only strict mode.
    libbpf_strict: bool,
    llvm: bool,
    skeletons: bool,
    bootstrap: bool,
    /// bpfscope's own: jited code through capstone, stacks through blazesym.
    capstone: bool,
    blazesym: bool,
    tools: usize,
}

#[derive(Serialize)]
struct VersionRecord {
    version: &'static str,
    libbpf_version: String,
    features: Features,
}

pub fn print(ctx: &Ctx, out: &mut Out) -> Result<()> {
    let r = VersionRecord {
        version: env!("CARGO_PKG_VERSION"),
        libbpf_version: crate::sys::libbpf_version(),
        features: Features {
            libbfd: false,
            libbpf_strict: true,
            llvm: false,
            skeletons: true,
            bootstrap: false,
            capstone: true,
            blazesym: true,
            tools: tracing_tools::tools().len(),
        },
    };
    if ctx.json {
        output::write_json(ctx, out, &r)?;
        return Ok(());
    }
    // bpftool's order (the ones that are on), then bpfscope's own.
    let mut feats = vec!["libbpf_strict"];
    if r.features.skeletons {
        feats.push("skeletons");
    }
    feats.extend(["capstone", "blazesym"]);
    writeln!(
        out,
        "bpfscope v{}\nusing libbpf v{}\nfeatures: {}\ntools: {} bundled",
        r.version,
        r.libbpf_version,
        feats.join(", "),
        r.features.tools
    )?;
    Ok(())
}
