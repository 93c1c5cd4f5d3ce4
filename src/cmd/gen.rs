//! `gen object|skeleton|subskeleton|min_core_btf`: the work is in
//! `crate::gen`; headers go to stdout whole (they are built in memory, so
//! a failure prints nothing), files are written by the generator.

use std::io::Write;

use super::{json_null, CmdError, Result};
use crate::cli::request::GenReq;
use crate::gen::{self, GenError};
use crate::output::{Ctx, Out};

impl From<GenError> for CmdError {
    fn from(e: GenError) -> Self {
        CmdError::Failed(e.to_string())
    }
}

pub fn run(ctx: &Ctx, req: GenReq, out: &mut Out) -> Result<()> {
    // -d: libbpf's messages (kept off the terminal otherwise) are echoed.
    crate::loader::log::set_debug(ctx.debug);
    match req {
        GenReq::Object { output, inputs } => {
            gen::object(&output, &inputs)?;
            json_null(ctx, out)
        }
        GenReq::Skeleton { object, name, rust } => {
            let text = if rust && ctx.use_loader {
                return Err(CmdError::Usage(
                    "light skeletons (-L) are C only: drop -L or --rust".into(),
                ));
            } else if rust {
                gen::rust_skeleton(&object, name.as_deref())?
            } else if ctx.use_loader {
                gen::light_skeleton(&object, name.as_deref())?
            } else {
                gen::skeleton(&object, name.as_deref())?
            };
            out.write_all(text.as_bytes())?;
            Ok(())
        }
        GenReq::Subskeleton { .. } if ctx.use_loader => {
            Err(CmdError::Usage("cannot use loader for subskeletons".into()))
        }
        GenReq::Subskeleton { object, name } => {
            let text = gen::subskeleton(&object, name.as_deref())?;
            out.write_all(text.as_bytes())?;
            Ok(())
        }
        GenReq::MinCoreBtf {
            input,
            output,
            objects,
        } => {
            gen::min_core_btf(&input, &output, &objects)?;
            json_null(ctx, out)
        }
    }
}
