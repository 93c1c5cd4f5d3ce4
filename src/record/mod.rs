//! Records: what bpfscope knows about one kernel object, as plain data.
//!
//! `sys` fills them, `output` renders them (text and table by hand, JSON by
//! serde with bpftool's key names), `cmd` carries them from one to the other.
//! Nothing here talks to the kernel or prints, so output never needs sys.
pub mod btf;
pub mod cgroup;
pub mod eventpipe;
pub mod feature;
pub mod kallsyms;
pub mod link;
pub mod map;
pub mod names;
pub mod net;
pub mod perf;
pub mod pids;
pub mod profile;
pub mod prog;
pub mod token;
