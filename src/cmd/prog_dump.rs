//! `prog dump` (being built; see its issue).
use super::{CmdError, Result};
use crate::output::Ctx;

pub fn run(_ctx: &Ctx, _args: &[String]) -> Result<()> {
    Err(CmdError::Failed(
        "'prog dump' is not implemented yet".into(),
    ))
}
