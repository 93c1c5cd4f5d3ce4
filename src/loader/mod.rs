//! loader (to be filled)
