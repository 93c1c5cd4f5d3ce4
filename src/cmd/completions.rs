//! `completions bash|zsh|fish|man`, generated from the grammar, and
//! `completions words -- WORDS…`, which the scripts call: the grammar says
//! what may come next, and here the kernel's live ids, names and tags fill in.
use std::collections::BTreeSet;
use std::io::Write;

use super::Result;
use crate::cli::complete::{self, Candidate};
use crate::cli::grammar::HandleKind;
use crate::cli::help;
use crate::cli::request::Generated;
use crate::sys::{ids, map, prog};

pub fn generate(what: Generated, out: &mut impl Write) -> Result<()> {
    let text = match what {
        Generated::Bash => help::bash(),
        Generated::Zsh => help::zsh(),
        Generated::Fish => help::fish(),
        Generated::Man => help::man(),
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// Live ids, names or tags of loaded objects (errors mean none: no privilege).
fn live(h: HandleKind, what: &Candidate) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (id, fd) in ids::iter(h.obj()).flatten() {
        match what {
            Candidate::Ids(_) => {
                out.insert(id.to_string());
            }
            Candidate::Names(_) if h.obj() == crate::sys::ObjKind::Map => {
                if let Ok(i) = map::info(&fd) {
                    out.insert(crate::sys::cstr_name(&i.name));
                }
            }
            Candidate::Names(_) => {
                if let Some((_, full)) = prog::full_name(&fd) {
                    out.insert(full);
                }
            }
            _ => {
                if let Ok((i, _)) = prog::info(&fd) {
                    out.insert(i.tag.iter().map(|b| format!("{b:02x}")).collect());
                }
            }
        }
    }
    out.remove("");
    out
}

/// One candidate per line; `@file` asks the shell to complete paths.
pub fn words(words: &[String], out: &mut impl Write) -> Result<()> {
    for c in complete::candidates(words) {
        match &c {
            Candidate::Word(w) => writeln!(out, "{w}")?,
            Candidate::Files => writeln!(out, "@file")?,
            Candidate::Devices => {
                if let Ok(rd) = std::fs::read_dir("/sys/class/net") {
                    for e in rd.flatten() {
                        writeln!(out, "{}", e.file_name().to_string_lossy())?;
                    }
                }
            }
            Candidate::Tools => {
                for t in tracing_tools::tools() {
                    writeln!(out, "{}", t.name)?;
                }
            }
            Candidate::Ids(h) | Candidate::Names(h) | Candidate::Tags(h) => {
                for v in live(*h, &c) {
                    // A name with spaces or newlines can't be one shell word.
                    if !v.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
                        writeln!(out, "{v}")?;
                    }
                }
            }
        }
    }
    Ok(())
}
