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

/// A sample read through a BTF type (`map event_pipe … type NAME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// The record as the type's value, formatted for the output's mode
    /// (text or JSON), as `map dump` formats typed values.
    Value(crate::btf::Value),
    /// The record has fewer bytes than the type: shown in hex instead.
    Short { type_name: String, type_size: u64 },
}
