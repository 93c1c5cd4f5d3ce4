//! bpfscope's entry point: parse, dispatch, map errors to `Error: …` and exit 255.
use std::process::ExitCode;

use bpfscope::cli::{self, Cli};
use bpfscope::cmd::{self, CmdError};
use bpfscope::output;

fn fail(json: bool, msg: &str) -> ExitCode {
    fail_with(json, msg, &[], &serde_json::json!({ "error": msg }))
}

/// `Error: <msg>` on one line (control characters, newlines included, are
/// escaped: messages quote paths and names from the user's files), then the
/// verifier's last lines if any; with -j the error object on stdout too. A
/// closed pipe is ignored here (not eprintln!, which would panic): there is
/// nobody left to tell.
fn fail_with(json: bool, msg: &str, log: &[String], obj: &serde_json::Value) -> ExitCode {
    use std::io::Write;
    let mut text = format!("Error: {}\n", output::escape(msg));
    if !log.is_empty() {
        text.push_str("verifier log (last lines):\n");
        for l in log {
            text.push_str(&format!("  {}\n", output::escape(l)));
        }
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
    if json {
        let _ = writeln!(std::io::stdout(), "{obj}");
    }
    ExitCode::from(255)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let json_requested = argv.iter().any(|a| {
        a == "--json"
            || a == "--pretty"
            || (a.starts_with('-')
                && !a.starts_with("--")
                && (a.contains('j') || a.contains('p'))
                && a[1..].chars().all(|c| "jpfndVh".contains(c)))
    });
    let words = match cli::normalize(&argv) {
        Ok(w) => w,
        Err(e) => return fail(json_requested, &e.0),
    };
    let cli = match <Cli as clap::Parser>::try_parse_from(&words) {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let msg = e
                .kind()
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| e.to_string());
            return fail(
                json_requested,
                msg.lines().next().unwrap_or("bad command line"),
            );
        }
    };
    let ctx = cli.global.ctx();
    let mut out = output::stdout();
    match cmd::run(&ctx, cli.object, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        // `bpfscope … | head` closing the pipe is not an error worth a message.
        Err(CmdError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            drop(out);
            let (msg, log) = match &e {
                CmdError::Rejected { msg, log } => (msg.clone(), log.as_slice()),
                _ => (e.to_string(), &[][..]),
            };
            fail_with(ctx.json, &msg, log, &e.to_json())
        }
    }
}
