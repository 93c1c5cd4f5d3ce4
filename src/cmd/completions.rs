//! `completions bash|zsh|fish|man`: generated from the clap grammar, so they cannot drift.
use std::io::Write;

use super::Result;
use crate::cli::{self, Generated};

pub fn generate(what: Generated, out: &mut impl Write) -> Result<()> {
    let mut cmd = cli::command();
    match what {
        Generated::Bash => {
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "bpfscope", out)
        }
        Generated::Zsh => {
            clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, "bpfscope", out)
        }
        Generated::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, "bpfscope", out)
        }
        Generated::Man => clap_mangen::Man::new(cmd).render(out)?,
    }
    Ok(())
}
