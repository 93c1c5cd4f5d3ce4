//! `map event_pipe` (bpftool's map_perf_ring.c): reads what programs send
//! through a perf event array (`bpf_perf_event_output`), one perf ring per
//! CPU or the one CPU/index given, or through a BPF ring buffer. Each
//! record goes to a callback as an `Event`; lost samples come as events too.
use std::os::fd::{AsRawFd, BorrowedFd};

use super::{Result, SysError};
pub use crate::record::eventpipe::Event;

/// bpftool's ring size: 16 pages per CPU.
const PAGE_CNT: usize = 16;

/// Which map kind is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipeKind {
    PerfEventArray,
    RingBuf,
}

impl PipeKind {
    pub fn of_map_type(t: u32) -> Option<Self> {
        match t {
            libbpf_sys::BPF_MAP_TYPE_PERF_EVENT_ARRAY => Some(PipeKind::PerfEventArray),
            libbpf_sys::BPF_MAP_TYPE_RINGBUF => Some(PipeKind::RingBuf),
            _ => None,
        }
    }
}

/// The callback's state, behind the `ctx` pointer libbpf hands back.
struct Sink<'f> {
    /// bpftool's `cpu N index M`: the index shown for the one CPU read.
    index: Option<i32>,
    deliver: &'f mut dyn FnMut(Event<'_>) -> bool,
    /// The callback asked to stop (its writer failed).
    stopped: bool,
}

enum Reader {
    Perf(*mut libbpf_sys::perf_buffer),
    Ring(*mut libbpf_sys::ring_buffer),
}

/// An open event pipe; `poll` delivers what arrived. Freed on drop.
pub struct EventPipe<'f> {
    reader: Reader,
    sink: Box<Sink<'f>>,
}

#[repr(C)]
struct SampleHead {
    header: libbpf_sys::perf_event_header,
    time: u64,
    size: u32,
}

#[repr(C)]
struct LostRecord {
    header: libbpf_sys::perf_event_header,
    id: u64,
    lost: u64,
}

unsafe extern "C" fn on_perf(
    ctx: *mut libc::c_void,
    cpu: libc::c_int,
    event: *mut libbpf_sys::perf_event_header,
) -> libbpf_sys::bpf_perf_event_ret {
    // SAFETY: ctx is the Sink boxed by `open`, alive while the buffer is.
    let sink = unsafe { &mut *(ctx as *mut Sink<'_>) };
    let index = sink.index.unwrap_or(cpu);
    // SAFETY: libbpf hands a complete record of header.size bytes.
    let header = unsafe { *event };
    let ev = match header.type_ {
        libbpf_sys::PERF_RECORD_SAMPLE => {
            // SAFETY: a SAMPLE record with PERF_SAMPLE_TIME|RAW starts with
            // time and the raw size, then `size` bytes of data.
            let head = unsafe { &*(event as *const SampleHead) };
            let data = unsafe {
                std::slice::from_raw_parts(
                    // The data follows `size` directly (the struct's own size is padded to 24).
                    (event as *const u8).add(std::mem::offset_of!(SampleHead, size) + 4),
                    head.size as usize,
                )
            };
            Event::Sample {
                cpu,
                index,
                time: Some(head.time),
                data,
            }
        }
        libbpf_sys::PERF_RECORD_LOST => {
            // SAFETY: a LOST record is header, id, lost.
            let lost = unsafe { &*(event as *const LostRecord) };
            Event::Lost {
                cpu,
                index,
                id: lost.id,
                count: lost.lost,
            }
        }
        kind => Event::Other {
            cpu,
            index,
            kind,
            size: header.size,
        },
    };
    if (sink.deliver)(ev) {
        libbpf_sys::LIBBPF_PERF_EVENT_CONT
    } else {
        sink.stopped = true;
        libbpf_sys::LIBBPF_PERF_EVENT_ERROR
    }
}

unsafe extern "C" fn on_ring(
    ctx: *mut libc::c_void,
    data: *mut libc::c_void,
    size: libbpf_sys::size_t,
) -> i32 {
    // SAFETY: ctx is the Sink boxed by `open`, alive while the buffer is.
    let sink = unsafe { &mut *(ctx as *mut Sink<'_>) };
    // SAFETY: libbpf hands `size` readable bytes of one record.
    let data = unsafe { std::slice::from_raw_parts(data as *const u8, size as usize) };
    let ev = Event::Sample {
        cpu: -1,
        index: -1,
        time: None,
        data,
    };
    if (sink.deliver)(ev) {
        0
    } else {
        sink.stopped = true;
        -libc::ECANCELED
    }
}

/// Opens the pipe on `map`: every CPU, or with `one = Some((cpu, index))`
/// only that CPU's ring stored at `index` (perf event arrays only).
pub fn open<'f>(
    map: BorrowedFd<'_>,
    kind: PipeKind,
    one: Option<(i32, i32)>,
    deliver: &'f mut dyn FnMut(Event<'_>) -> bool,
) -> Result<EventPipe<'f>> {
    let mut sink = Box::new(Sink {
        index: one.map(|(_, i)| i),
        deliver,
        stopped: false,
    });
    let ctx = &mut *sink as *mut Sink<'_> as *mut libc::c_void;
    let reader = match kind {
        PipeKind::PerfEventArray => {
            let mut attr = libbpf_sys::perf_event_attr {
                type_: libbpf_sys::PERF_TYPE_SOFTWARE,
                size: std::mem::size_of::<libbpf_sys::perf_event_attr>() as u32,
                config: libbpf_sys::PERF_COUNT_SW_BPF_OUTPUT as u64,
                sample_type: (libbpf_sys::PERF_SAMPLE_RAW | libbpf_sys::PERF_SAMPLE_TIME) as u64,
                ..Default::default()
            };
            attr.__bindgen_anon_1.sample_period = 1;
            attr.__bindgen_anon_2.wakeup_events = 1;
            let (mut cpu, mut key) = one.unwrap_or((0, 0));
            let opts = libbpf_sys::perf_buffer_raw_opts {
                sz: std::mem::size_of::<libbpf_sys::perf_buffer_raw_opts>() as _,
                cpu_cnt: i32::from(one.is_some()),
                cpus: &mut cpu,
                map_keys: &mut key,
                ..Default::default()
            };
            // SAFETY: attr and opts are complete and live across the call
            // (libbpf copies what it keeps); ctx stays valid while the
            // buffer lives (the Box moves into the EventPipe with it).
            let pb = unsafe {
                libbpf_sys::perf_buffer__new_raw(
                    map.as_raw_fd(),
                    PAGE_CNT as _,
                    &mut attr,
                    Some(on_perf),
                    ctx,
                    &opts,
                )
            };
            if pb.is_null() {
                return Err(SysError::last("failed to create perf buffer"));
            }
            Reader::Perf(pb)
        }
        PipeKind::RingBuf => {
            // SAFETY: as above; no options.
            let rb = unsafe {
                libbpf_sys::ring_buffer__new(map.as_raw_fd(), Some(on_ring), ctx, std::ptr::null())
            };
            if rb.is_null() {
                return Err(SysError::last("failed to create ring buffer"));
            }
            Reader::Ring(rb)
        }
    };
    Ok(EventPipe { reader, sink })
}

impl EventPipe<'_> {
    /// Waits up to `timeout_ms` and delivers what arrived. Ok(false) once
    /// the callback asked to stop; EINTR (a signal) is not an error.
    pub fn poll(&mut self, timeout_ms: i32) -> Result<bool> {
        // SAFETY: the reader is live until drop.
        let mut ret = unsafe {
            match self.reader {
                Reader::Perf(pb) => libbpf_sys::perf_buffer__poll(pb, timeout_ms),
                Reader::Ring(rb) => libbpf_sys::ring_buffer__poll(rb, timeout_ms),
            }
        };
        // A quiet timeout reads every ring anyway (cheap): nothing waits
        // on a wakeup that was missed.
        if ret == 0 && !self.sink.stopped {
            // SAFETY: as above.
            ret = unsafe {
                match self.reader {
                    Reader::Perf(pb) => libbpf_sys::perf_buffer__consume(pb),
                    Reader::Ring(rb) => libbpf_sys::ring_buffer__consume(rb),
                }
            };
        }
        if self.sink.stopped {
            return Ok(false);
        }
        if ret < 0 && ret != -libc::EINTR {
            return Err(SysError::os("event pipe polling failed", -ret));
        }
        Ok(true)
    }
}

impl Drop for EventPipe<'_> {
    fn drop(&mut self) {
        // SAFETY: freed once; the sink outlives the call.
        unsafe {
            match self.reader {
                Reader::Perf(pb) => libbpf_sys::perf_buffer__free(pb),
                Reader::Ring(rb) => libbpf_sys::ring_buffer__free(rb),
            }
        }
    }
}
