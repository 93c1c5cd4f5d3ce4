//! What `serve` exports: a [`collect::Snapshot`] of the kernel's BPF objects
//! and of the bundled tools' reports, read through `sys` and `loader`, and
//! its encoding as Prometheus text 0.0.4 or OpenMetrics 1.0 (`expose`),
//! through the `prometheus-client` crate. Nothing here changes kernel state.
pub mod collect;
pub mod events;
pub mod expose;
pub mod tools;
