//! `map event_pipe MAP [cpu N index M] [type TYPE]` (bpftool's
//! do_event_pipe): prints what programs send through a perf event array, or
//! a ring buffer, until Ctrl-C (SIGINT, SIGTERM); lost samples are printed
//! where they happen and summed on stderr at the end. With `type`, each
//! record is read as that BTF type (see `typed::RecordType`).
use std::cell::RefCell;
use std::io::Write;
use std::os::fd::AsFd;

use super::typed::RecordType;
use crate::cmd::{CmdError, Result};
use crate::loader::signal;
use crate::output::{self, eventpipe, Ctx, Out};
use crate::sys::eventpipe::{self as pipe, Event, PipeKind};
use crate::sys::handle::Handle;
use crate::sys::{handle, map, ObjKind};

struct State<'o> {
    out: &'o mut Out,
    lost: u64,
    failed: Option<std::io::Error>,
}

/// How long one poll waits, so Ctrl-C is seen promptly (bpftool: 200 ms).
const POLL_MS: i32 = 200;

pub fn run(
    ctx: &Ctx,
    h: &Handle,
    one: Option<(u32, u32)>,
    record_type: Option<&str>,
    out: &mut Out,
) -> Result<()> {
    let (_, fd) = handle::resolve_one(ObjKind::Map, h)?;
    let info = map::info(&fd)?;
    let Some(kind) = PipeKind::of_map_type(info.type_) else {
        return Err(CmdError::Failed(
            "map is not a perf event array (nor a ring buffer)".into(),
        ));
    };
    if kind == PipeKind::RingBuf && one.is_some() {
        return Err(CmdError::Usage(
            "'cpu' and 'index' apply to perf event arrays, not ring buffers".into(),
        ));
    }
    let one = one
        .map(|(c, i)| {
            Ok::<_, CmdError>((
                i32::try_from(c).map_err(|_| CmdError::Usage(format!("bad CPU ID {c}")))?,
                i32::try_from(i).map_err(|_| CmdError::Usage(format!("bad index {i}")))?,
            ))
        })
        .transpose()?;
    let record_type = record_type
        .map(|name| RecordType::find(info.id, info.btf_id, name, ctx.json))
        .transpose()?;
    // The callback writes records; the loop flushes between polls.
    let state = RefCell::new(State {
        out,
        lost: 0,
        failed: None,
    });
    // One record per line with -j, whatever -p says: a stream, not a document.
    let line = Ctx {
        pretty: false,
        ..*ctx
    };
    let mut deliver = |ev: Event<'_>| {
        let mut s = state.borrow_mut();
        if let Event::Lost { count, .. } = ev {
            s.lost += count;
        }
        let dec = match (&record_type, &ev) {
            (Some(t), Event::Sample { data, .. }) => Some(t.decode(data)),
            _ => None,
        };
        let r = if ctx.json {
            output::write_json(&line, s.out, &eventpipe::json_value(&ev, dec.as_ref()))
        } else {
            eventpipe::text(s.out, &ev, dec.as_ref())
        };
        r.map_err(|e| s.failed = Some(e)).is_ok()
    };
    signal::install();
    {
        // libbpf says which CPU failed; that goes into the one error line.
        let (p, lines) =
            crate::loader::log::with_capture(|| pipe::open(fd.as_fd(), kind, one, &mut deliver));
        let mut p = p.map_err(|e| match crate::loader::log::last_error(&lines) {
            Some(why) => CmdError::Failed(format!("{e} ({why})")),
            None => e.into(),
        })?;
        while !signal::interrupted() {
            if !p.poll(POLL_MS)? {
                break;
            }
            // A reader of the stream sees each batch as it arrives.
            let mut s = state.borrow_mut();
            if let Err(e) = s.out.flush() {
                s.failed.get_or_insert(e);
                break;
            }
        }
    }
    let s = state.into_inner();
    if let Some(e) = s.failed {
        return Err(e.into());
    }
    s.out.flush()?;
    let lost = s.lost;
    if lost > 0 {
        eprintln!("lost {lost} events in total");
    }
    Ok(())
}
