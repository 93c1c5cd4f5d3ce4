//! `prog dump xlated file OBJ.o [prog NAME]`: programs of an ELF object
//! before loading.
use super::{CmdError, Result};
use crate::output::{Ctx, Out};

pub fn run(_ctx: &Ctx, _args: &[String], _out: &mut Out) -> Result<()> {
    Err(CmdError::Failed(
        "dumping an object file is not implemented yet".into(),
    ))
}
