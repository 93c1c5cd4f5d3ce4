//! BPF_PROG_TEST_RUN (`prog run`): runs a loaded program once or `repeat`
//! times on caller-given packet data and context, and returns what it wrote.
use std::os::fd::{AsRawFd, BorrowedFd};

use super::names;
use super::{get_info, Result, SysError};
use crate::record::names::KindName;

/// bpftool's output buffer size when none is given (SZ_32K).
pub const DEFAULT_OUT_SIZE: u32 = 32 * 1024;

/// What to run the program on.
#[derive(Debug, Default, Clone)]
pub struct TestInput {
    pub data: Option<Vec<u8>>,
    /// Room for the data out; None: 32 KiB (only when data is given).
    pub data_size_out: Option<u32>,
    pub ctx: Option<Vec<u8>>,
    pub ctx_size_out: Option<u32>,
    pub repeat: u32,
}

/// What the run returned: the program's return value, the mean duration,
/// and the data and context as the program left them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutput {
    pub retval: u32,
    pub duration_ns: u32,
    pub data_out: Option<Vec<u8>>,
    pub ctx_out: Option<Vec<u8>>,
}

/// Runs `prog` through BPF_PROG_TEST_RUN. A program type the kernel cannot
/// test-run (ENOTSUPP/EOPNOTSUPP/EINVAL with no input) is named in the error.
pub fn run(prog: BorrowedFd<'_>, input: &TestInput) -> Result<TestOutput> {
    let out_len = |given: Option<u32>, has_in: bool| match given {
        Some(n) => n as usize,
        None if has_in => DEFAULT_OUT_SIZE as usize,
        None => 0,
    };
    let mut data_out = vec![0u8; out_len(input.data_size_out, input.data.is_some())];
    let mut ctx_out = vec![0u8; out_len(input.ctx_size_out, input.ctx.is_some())];
    let mut opts = libbpf_sys::bpf_test_run_opts {
        sz: std::mem::size_of::<libbpf_sys::bpf_test_run_opts>() as _,
        repeat: input.repeat as i32,
        ..Default::default()
    };
    if let Some(d) = &input.data {
        opts.data_in = d.as_ptr().cast();
        opts.data_size_in = d.len() as u32;
    }
    if !data_out.is_empty() {
        opts.data_out = data_out.as_mut_ptr().cast();
        opts.data_size_out = data_out.len() as u32;
    }
    if let Some(c) = &input.ctx {
        opts.ctx_in = c.as_ptr().cast();
        opts.ctx_size_in = c.len() as u32;
    }
    if !ctx_out.is_empty() {
        opts.ctx_out = ctx_out.as_mut_ptr().cast();
        opts.ctx_size_out = ctx_out.len() as u32;
    }
    // SAFETY: every buffer in opts is owned here and outlives the call; the
    // sizes given are the buffers' lengths.
    let ret = unsafe { libbpf_sys::bpf_prog_test_run_opts(prog.as_raw_fd(), &mut opts) };
    if ret < 0 {
        let errno = super::errno();
        return Err(match untestable(prog, errno) {
            Some(t) => SysError::Msg(format!(
                "failed to run program: program type {t} can't be test-run by this kernel"
            )),
            None => SysError::os("failed to run program", errno),
        });
    }
    // The kernel says how much it wrote back; a buffer it did not touch is absent.
    let keep = |mut buf: Vec<u8>, n: u32| {
        (!buf.is_empty() && n > 0).then(|| {
            buf.truncate(n as usize);
            buf
        })
    };
    Ok(TestOutput {
        retval: opts.retval,
        duration_ns: opts.duration,
        data_out: keep(data_out, opts.data_size_out),
        ctx_out: keep(ctx_out, opts.ctx_size_out),
    })
}

/// The program's type when the errno says the kernel has no test run for it.
fn untestable(prog: BorrowedFd<'_>, errno: i32) -> Option<KindName> {
    // 524 is the kernel's ENOTSUPP, what bpf_prog_test_run returns for types
    // without a test_run hook.
    if errno != 524 && errno != libc::EOPNOTSUPP {
        return None;
    }
    let mut info = libbpf_sys::bpf_prog_info::default();
    get_info(&prog, &mut info).ok()?;
    Some(names::prog_type(info.type_))
}
