//! loader (to be filled)
pub mod objdump;
