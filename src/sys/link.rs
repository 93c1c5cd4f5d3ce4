//! `link show` records (being built).
