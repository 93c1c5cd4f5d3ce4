//! btf (to be filled)
