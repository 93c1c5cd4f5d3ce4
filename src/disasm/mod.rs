//! disasm (to be filled)
