//! bpfscope: a bpftool-style utility for Linux BPF.
//!
//! Layers, one direction: `cli` parses, `cmd` plans and builds records,
//! `sys`/`btf`/`disasm`/`loader` do the work (only `sys` and `loader` touch
//! the kernel: raw calls in `sys`, libbpf-rs objects in `loader`), `output`
//! renders records as text, table or JSON. `record` holds the records (sys
//! fills them, output renders them); `text` holds the JSON writer, errno
//! texts and escaping that every layer shares. tests/layering.rs checks it. `infile`
//! is how every layer reads a file named on the command line.
pub mod btf;
pub mod cli;
pub mod cmd;
pub mod disasm;
pub mod gen;
pub mod infile;
pub mod loader;
pub mod metrics;
pub mod output;
pub mod record;
pub mod serve;
pub mod sys;
pub mod text;
pub mod top;
