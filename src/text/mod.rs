//! Text shared by every layer: the bpftool-style streaming JSON writer
//! ([`jsonw`]), errno texts ([`errno`]) and the escaping of kernel- or file-supplied strings before
//! they reach a terminal ([`escape`]). Kept out of `output` so that `btf` and
//! `disasm`, which write JSON and names themselves, need not import it.
pub mod errno;
pub mod escape;
pub mod jsonw;

pub use errno::strerror;
pub use escape::escape;
pub use jsonw::JsonW;
