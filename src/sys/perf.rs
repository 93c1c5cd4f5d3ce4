//! `perf show` records (being built).
