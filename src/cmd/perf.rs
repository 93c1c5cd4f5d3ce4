//! `perf show` (being built).
use super::{CmdError, Result};
use crate::output::{Ctx, Out};

pub fn show(_ctx: &Ctx, _args: &[String], _out: &mut Out) -> Result<()> {
    Err(CmdError::Failed(
        "'perf show' is not implemented yet".into(),
    ))
}
