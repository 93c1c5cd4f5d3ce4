//! `feature probe` (not built yet).
use super::{CmdError, Result};
use crate::output::{Ctx, Out};

pub fn probe(_ctx: &Ctx, _args: &[String], _out: &mut Out) -> Result<()> {
    Err(CmdError::Failed(
        "'feature probe' is not implemented yet".into(),
    ))
}
