//! bpfscope: a bpftool-style utility for Linux BPF.
//!
//! Layers, one direction: `cli` parses, `cmd` plans and builds records,
//! `sys`/`btf`/`disasm`/`loader` do the work (only `sys` and `loader` touch
//! the kernel), `output` renders records as text, table or JSON. `infile`
//! is how every layer reads a file named on the command line.
pub mod btf;
pub mod cli;
pub mod cmd;
pub mod disasm;
pub mod infile;
pub mod loader;
pub mod output;
pub mod sys;
