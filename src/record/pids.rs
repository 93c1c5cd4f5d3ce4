//! Processes that hold an fd to a BPF object (`pids comm(pid)`).
use std::collections::HashMap;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PidRef {
    pub pid: i32,
    pub comm: String,
}

/// Object id → holders, for one kind of object.
pub type PidTable = HashMap<u32, Vec<PidRef>>;

/// Records `pid` as a holder of `id` once, however many fds it has to it.
pub fn add_holder(table: &mut PidTable, id: u32, pid: i32, comm: impl FnOnce() -> String) {
    let refs = table.entry(id).or_default();
    if !refs.iter().any(|r| r.pid == pid) {
        refs.push(PidRef { pid, comm: comm() });
    }
}
