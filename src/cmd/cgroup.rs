//! `cgroup show|tree` (not built yet).
use super::{CmdError, Result};
use crate::output::{Ctx, Out};

pub fn show(_ctx: &Ctx, _args: &[String], _out: &mut Out) -> Result<()> {
    Err(CmdError::Failed(
        "'cgroup show' is not implemented yet".into(),
    ))
}

pub fn tree(_ctx: &Ctx, _args: &[String], _out: &mut Out) -> Result<()> {
    Err(CmdError::Failed(
        "'cgroup tree' is not implemented yet".into(),
    ))
}
