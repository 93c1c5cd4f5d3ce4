//! What `map event_pipe` reads: a sample, a count of lost samples, or
//! another perf record (sys reads them, output prints them).

/// One thing read from the pipe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// A record a program sent; `time` is the perf clock (ns), `None` for ring buffers.
    Sample {
        cpu: i32,
        index: i32,
        time: Option<u64>,
        data: &'a [u8],
    },
    /// The kernel dropped `count` records: the ring was full.
    Lost {
        cpu: i32,
        index: i32,
        id: u64,
        count: u64,
    },
    /// A perf record of another type (not expected; shown as bpftool does).
    Other {
        cpu: i32,
        index: i32,
        kind: u32,
        size: u16,
    },
}
