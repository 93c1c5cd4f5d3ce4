//! map_ops commands (being built; see its issue).
use super::{CmdError, Result};
use crate::output::Ctx;

pub fn run(_ctx: &Ctx, command: &str, _args: &[String]) -> Result<()> {
    Err(CmdError::Failed(format!(
        "'{command}' is not implemented yet"
    )))
}
