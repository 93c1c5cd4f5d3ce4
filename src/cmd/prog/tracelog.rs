//! `prog tracelog` (bpftool's do_tracelog): streams trace_pipe (what
//! programs print with bpf_printk) until Ctrl-C. With -j each line is one
//! JSON string on a line of its own, its newline kept as bpftool keeps it.
use std::io::Write;

use crate::cmd::Result;
use crate::loader::signal;
use crate::output::{self, Ctx, Out};
use crate::sys::tracelog;

const POLL_MS: i32 = 200;

pub fn run(ctx: &Ctx, out: &mut Out) -> Result<()> {
    let (mut pipe, mounted) = tracelog::open(!ctx.nomount)?;
    if mounted {
        eprintln!("could not find tracefs, mounted it at /sys/kernel/tracing");
    }
    signal::install();
    let mut buf = Vec::new();
    while !signal::interrupted() {
        if pipe.read(&mut buf, POLL_MS)?.is_none() {
            continue;
        }
        // Whole lines only; a partial one waits for its end.
        let Some(end) = buf.iter().rposition(|&b| b == b'\n') else {
            continue;
        };
        let rest = buf.split_off(end + 1);
        for line in String::from_utf8_lossy(&buf).split_inclusive('\n') {
            if ctx.json {
                output::write_json(
                    &Ctx {
                        pretty: false,
                        ..*ctx
                    },
                    out,
                    line,
                )?;
            } else {
                // bpf_printk text is the programs' own: no raw control characters.
                writeln!(out, "{}", output::escape(line.trim_end_matches('\n')))?;
            }
        }
        buf = rest;
        out.flush()?;
    }
    Ok(())
}
