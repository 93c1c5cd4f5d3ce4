//! Instruction views: the eBPF decoder and the kernel-syntax printer, the
//! xlated dump (text, opcodes, line info, JSON records), the control-flow
//! graph and its renderings (DOT, SVG, PNG, HTML page), and jited code
//! through capstone.
//!
//! Nothing here touches the kernel: `sys::progdump` fetches the images and
//! metadata and hands them over as plain data.
pub mod cfg;
pub mod helpers;
pub mod insn;
pub mod jited;
pub mod printer;
pub mod proto;
pub mod visual;
pub mod xlated;
