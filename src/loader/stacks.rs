//! Stack reports (profile, offcputime, wakeuptime, offwaketime: the
//! pinned stack-trace map's frames by id; biostacks: addresses in its
//! keys), symbolized with blazesym â kernel addresses through
//! /proc/kallsyms, user addresses through the sampled process's ELF symbols
//! (found via /proc/PID/maps, so the process must still run; otherwise its
//! frames read `[unknown]`, as in bcc).

use std::collections::HashMap;
use std::path::Path;

use blazesym::symbolize::source::{Kernel, Process, Source};
use blazesym::symbolize::{Input, Symbolized, Symbolizer};
use blazesym::{MaybeDefault, Pid};
use libbpf_rs::{MapCore, MapFlags, MapHandle};
use tracing_tools::stackhist::StackHist;
use tracing_tools::stacks::{merge_identical, missed, StackId, StackKey, StackSample, Waker};

use super::{bpf_err, LoaderError};

const UNKNOWN: &str = "[unknown]";

/// Frame addresses of stack `id` (innermost first), None if the id is gone.
fn frames(map: &MapHandle, id: u32) -> Option<Vec<u64>> {
    let raw = map.lookup(&id.to_ne_bytes(), MapFlags::ANY).ok()??;
    Some(
        raw.chunks_exact(8)
            .filter_map(|c| c.try_into().ok().map(u64::from_ne_bytes))
            .take_while(|&a| a != 0)
            .collect(),
    )
}

fn names(result: Result<Vec<Symbolized<'_>>, blazesym::Error>, n: usize) -> Vec<String> {
    match result {
        Ok(syms) => syms
            .iter()
            .map(|s| match s {
                Symbolized::Sym(sym) => sym.name.to_string(),
                Symbolized::Unknown(_) => UNKNOWN.to_string(),
            })
            .collect(),
        Err(_) => vec![UNKNOWN.to_string(); n],
    }
}

/// Names of kernel addresses, from /proc/kallsyms in one batch.
fn kernel_symbols(symbolizer: &Symbolizer, mut addrs: Vec<u64>) -> HashMap<u64, String> {
    let mut ksyms = HashMap::new();
    addrs.sort_unstable();
    addrs.dedup();
    if !addrs.is_empty() {
        let src = Source::Kernel(Kernel {
            vmlinux: MaybeDefault::None,
            debug_syms: false,
            ..Default::default()
        });
        let n = names(
            symbolizer.symbolize(&src, Input::AbsAddr(&addrs)),
            addrs.len(),
        );
        ksyms.extend(addrs.iter().copied().zip(n));
    }
    ksyms
}

/// Fills the frame names of histograms per kernel stack (biostacks) from
/// their addresses; `[unknown]` where kallsyms has none. The innermost
/// frames of the BPF machinery that ran the program (the program itself,
/// `bpf_trace_run1`, …) are left out: the stack starts at the traced code.
pub fn name_stack_hists(hists: &mut [StackHist]) {
    let addrs: Vec<u64> = hists.iter().flat_map(|h| h.addrs.iter().copied()).collect();
    let ksyms = kernel_symbols(&Symbolizer::new(), addrs);
    for h in hists.iter_mut().filter(|h| !h.addrs.is_empty()) {
        h.kernel = h
            .addrs
            .iter()
            .map(|a| ksyms.get(a).cloned().unwrap_or_else(|| UNKNOWN.to_string()))
            .skip_while(|f| is_bpf_glue(f))
            .collect();
    }
}

/// A frame of the BPF program or the tracepoint glue that called it.
fn is_bpf_glue(frame: &str) -> bool {
    ["bpf_prog_", "bpf_trace_run", "__bpf_trace_"]
        .iter()
        .any(|p| frame.starts_with(p))
}

/// Turns the (key, count) entries of a stack tool's counts map into
/// symbolized samples, reading frames from the stack map at `stacks`.
/// Addresses are symbolized in one batch per process and one for the kernel.
pub fn samples(
    stacks: &Path,
    entries: &[(Vec<u8>, Vec<u8>)],
) -> Result<Vec<StackSample>, LoaderError> {
    let map = MapHandle::from_pinned_path(stacks).map_err(bpf_err(format!(
        "can't open pinned map '{}'",
        stacks.display()
    )))?;
    let mut keyed: Vec<(StackKey, u64)> = entries
        .iter()
        .filter_map(|(k, v)| {
            let count = u64::from_ne_bytes(v.get(..8)?.try_into().ok()?);
            Some((StackKey::decode(k)?, count))
        })
        .collect();
    keyed.sort_by_key(|k| std::cmp::Reverse(k.1));

    // Stack ids -> addresses, then every distinct address per source.
    let mut by_id: HashMap<u32, Option<Vec<u64>>> = HashMap::new();
    let mut kernel_addrs: Vec<u64> = Vec::new();
    let mut user_addrs: HashMap<u32, Vec<u64>> = HashMap::new();
    // The waker's stacks (wakeup tools) are symbolized with its own pid.
    let tasks = keyed
        .iter()
        .flat_map(|(k, _)| std::iter::once(k).chain(k.waker.as_deref()));
    for k in tasks {
        for (id, user) in [(k.kern_stack_id, false), (k.user_stack_id, true)] {
            let StackId::Id(id) = StackId::of(id) else {
                continue;
            };
            let f = by_id.entry(id).or_insert_with(|| frames(&map, id)).clone();
            for a in f.unwrap_or_default() {
                if user {
                    user_addrs.entry(k.pid).or_default().push(a);
                } else {
                    kernel_addrs.push(a);
                }
            }
        }
    }
    let symbolizer = Symbolizer::new();
    let ksyms = kernel_symbols(&symbolizer, kernel_addrs);
    let mut usyms: HashMap<(u32, u64), String> = HashMap::new();
    for (pid, mut addrs) in user_addrs {
        addrs.sort_unstable();
        addrs.dedup();
        let mut process = Process::new(Pid::from(pid));
        process.debug_syms = false;
        let src = Source::Process(process);
        let n = names(
            symbolizer.symbolize(&src, Input::AbsAddr(&addrs)),
            addrs.len(),
        );
        usyms.extend(addrs.iter().map(|&a| (pid, a)).zip(n));
    }

    let side = |id: i32, user: bool, pid: u32| -> Option<Vec<String>> {
        let id = match StackId::of(id) {
            StackId::NotCollected => return None,
            StackId::Empty => return Some(Vec::new()),
            StackId::Missed => return Some(vec![missed(!user)]),
            StackId::Id(id) => id,
        };
        let Some(Some(addrs)) = by_id.get(&id) else {
            return Some(vec![missed(!user)]); // evicted since the sample
        };
        Some(
            addrs
                .iter()
                .map(|a| {
                    let name = if user {
                        usyms.get(&(pid, *a))
                    } else {
                        ksyms.get(a)
                    };
                    name.cloned().unwrap_or_else(|| UNKNOWN.to_string())
                })
                .collect(),
        )
    };
    Ok(merge_identical(
        keyed
            .into_iter()
            .map(|(k, count)| StackSample {
                pid: k.pid,
                comm: k.comm.clone(),
                count,
                kernel: side(k.kern_stack_id, false, k.pid),
                user: side(k.user_stack_id, true, k.pid),
                waker: k.waker.as_deref().map(|w| Waker {
                    pid: w.pid,
                    comm: w.comm.clone(),
                    kernel: side(w.kern_stack_id, false, w.pid),
                    user: side(w.user_stack_id, true, w.pid),
                }),
            })
            .collect(),
    ))
}
