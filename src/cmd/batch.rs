//! `batch file FILE` (`-`: stdin), as bpftool's do_batch: each command of
//! the file goes through the same `cli::parse` and `cmd::run` as a command
//! line, in order; the first failure stops the batch and names its line.
//! Text: each command's output, then `processed N commands`. With -j: one
//! array of `{"command": [words], "output": value}`, bpftool's keys.
use std::io::{Read, Write};
use std::path::Path;

use serde_json::{json, Value};

use super::{CmdError, Result};
use crate::cli::batch::{self, BatchLine};
use crate::cli::{self, Action, Global, Request};
use crate::output::{self, Ctx, Out};

/// The batch file's text: stdin for `-`, else a regular file of bounded size
/// (`infile`: no FIFO, device or directory).
fn read(file: &Path) -> Result<String> {
    let fail =
        |e: std::io::Error| CmdError::Failed(format!("Can't open file ({}): {e}", file.display()));
    if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(fail)?;
        return Ok(text);
    }
    let bytes = crate::infile::read(file).map_err(fail)?;
    String::from_utf8(bytes).map_err(|_| {
        CmdError::Failed(format!(
            "Can't read file ({}): not UTF-8 text",
            file.display()
        ))
    })
}

/// Runs one parsed command line: `cmd`'s dispatch, handed in so that this
/// file and cmd/mod.rs don't import each other.
pub type Exec<'a> = &'a mut dyn FnMut(&Ctx, Action, &mut Out) -> Result<()>;

/// One command, parsed and run as if typed, with the batch's options.
fn run_one(ctx: &Ctx, c: &BatchLine, out: &mut Out, exec: Exec) -> Result<()> {
    let argv: Vec<String> = std::iter::once("bpfscope".to_string())
        .chain(c.words.iter().cloned())
        .collect();
    let inv = cli::parse(&argv).map_err(|e| CmdError::Usage(e.0))?;
    if inv.global != Global::default() {
        return Err(CmdError::Usage(
            "options go before 'batch', not on its lines".into(),
        ));
    }
    match inv.action {
        Action::Run(Request::Batch { .. }) => {
            Err(CmdError::Usage("a batch file cannot run 'batch'".into()))
        }
        action => exec(ctx, action, out),
    }
}

/// The failed command's error, prefixed with where it is in the file.
fn at_line(c: &BatchLine, e: CmdError) -> CmdError {
    let at = format!("line {} ({})", c.line, c.words.join(" "));
    match e {
        CmdError::Rejected { msg, log } => CmdError::Rejected {
            msg: format!("{at}: {msg}"),
            log,
        },
        other => CmdError::Failed(format!("{at}: {other}")),
    }
}

/// What a command printed with -j, as one value: `null` for nothing, an
/// array when it printed several values (one per line).
fn json_value(bytes: &[u8]) -> Value {
    let mut values: Vec<Value> = serde_json::Deserializer::from_slice(bytes)
        .into_iter::<Value>()
        .map_while(|v| v.ok())
        .collect();
    match values.len() {
        0 => Value::Null,
        1 => values.remove(0),
        _ => Value::Array(values),
    }
}

pub fn run(ctx: &Ctx, file: &Path, out: &mut Out, exec: Exec) -> Result<()> {
    let commands = batch::split(&read(file)?).map_err(|e| CmdError::Usage(e.0))?;
    if !ctx.json {
        for c in &commands {
            run_one(ctx, c, out, &mut *exec).map_err(|e| at_line(c, e))?;
        }
        writeln!(out, "processed {} commands", commands.len())?;
        return Ok(());
    }
    let mut entries = Vec::with_capacity(commands.len());
    for c in &commands {
        let mut mem = output::memory();
        let r = run_one(ctx, c, &mut mem, &mut *exec);
        let output = match &r {
            Ok(()) => json_value(&output::captured(mem)),
            Err(e) => e.to_json(),
        };
        entries.push(json!({ "command": c.words, "output": output }));
        if let Err(e) = r {
            // The -j form of the failure is the whole array, the failed
            // command's error object last, as bpftool prints it.
            let msg = at_line(c, e).to_string();
            return Err(CmdError::Detailed {
                msg,
                json: Value::Array(entries),
            });
        }
    }
    output::write_json(ctx, out, &entries)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_value_of_nothing_one_and_several() {
        assert_eq!(json_value(b""), Value::Null);
        assert_eq!(json_value(b"null\n"), Value::Null);
        assert_eq!(json_value(b"{\"a\":1}\n"), json!({"a": 1}));
        assert_eq!(json_value(b"1\n2\n"), json!([1, 2]));
    }
}
