//! bpfscope's entry point: parse, dispatch, map errors to `Error: …` and exit 255.
// The test harness brings its own main (there are no tests here).
#![cfg_attr(not(test), no_main)]
#![cfg_attr(test, allow(dead_code))]

use bpfscope::cli::{self, Action};
use bpfscope::cmd::{self, CmdError};
use bpfscope::output;

/// `Error: <msg>` on one line (control characters, newlines included, are
/// escaped: messages quote paths and names from the user's files), then the
/// verifier's last lines if any; with -j the error object on stdout too. A
/// closed pipe is ignored here (not eprintln!, which would panic): there is
/// nobody left to tell.
fn fail_with(json: bool, msg: &str, log: &[String], obj: &serde_json::Value) -> u8 {
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
    255
}

/// The C entry point. Rust's runtime setup is skipped: its main-thread stack
/// guard reads /proc/self/maps, a good part of a short command's startup
/// (`prog show` with a few programs is mostly startup, for bpftool too).
/// What bpfscope needs of that setup is done here: SIGPIPE ignored (a closed
/// pipe is an EPIPE error, handled like bpftool), stdout flushed at the end.
#[cfg(not(test))]
#[no_mangle]
pub extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: ignoring a signal has no preconditions.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let code = run();
    let _ = std::io::Write::flush(&mut std::io::stdout());
    code.into()
}

/// Parses, runs, and returns the exit status: 0, or 255 with `Error: …`.
fn run() -> u8 {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let inv = match cli::parse(&argv) {
        Ok(inv) => inv,
        Err(e) => {
            return fail_with(
                cli::wants_json(&argv),
                &e.0,
                &[],
                &serde_json::json!({ "error": e.0 }),
            )
        }
    };
    let ctx = inv.global.ctx();
    let mut out = output::stdout();
    let r = match inv.action {
        Action::Help(topic) => cmd::help(topic, &mut out),
        Action::Version => cmd::version(&ctx, &mut out),
        Action::Run(request) => cmd::run(&ctx, request, &mut out),
    };
    match r {
        Ok(()) => 0,
        // `bpfscope … | head` closing the pipe is not an error worth a message.
        Err(CmdError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
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
