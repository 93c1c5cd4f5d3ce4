//! The only code that talks to the kernel.
//!
//! Every bpf(2) call goes through libbpf-sys's thin wrappers from here; the
//! rest of bpfscope sees records (`ProgRecord`, `MapRecord`, …) and typed
//! errors that carry what failed and the errno, so the CLI can print
//! `Error: can't get prog by id (4242): No such file or directory`.
pub mod bpffs;
pub mod btf;
pub mod call;
pub mod cgroup;
pub mod error;
pub mod fdinfo;
pub mod feature;
pub mod handle;
pub mod ids;
pub mod link;
pub mod map;
pub mod mapops;
pub mod names;
pub mod net;
pub mod perf;
pub mod pid_iter;
pub mod pids;
pub mod pins;
pub mod prog;
pub mod progdump;
pub mod query;

pub use bpffs::obj_get;
pub(crate) use call::{cpath, cstr_name, fd_result, get_info};
pub use error::{errno, Result, SysError};
pub use ids::ObjKind;
