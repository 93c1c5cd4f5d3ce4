//! Stack samples of profile, offcputime, wakeuptime and offwaketime: the
//! BPF keys they share, the symbolized record a report carries, and its
//! two text forms — bcc's multi-line blocks and the folded lines flame
//! graphs are drawn from. Reading the stack map and symbolizing are
//! bpfscope's (src/loader).

use serde::Serialize;

use crate::bytes::{cstr_at, i32_at, u32_at};

/// Size of `struct stack_key`.
const KEY_LEN: usize = 28;

/// `struct stack_key`: pid@0 user_stack_id@4 kern_stack_id@8 name[16]@12.
/// The wakeup tools' `struct wake_key` is two of them: the blocked task,
/// then (@28) the task that woke it; a key of that size is read so.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StackKey {
    pub pid: u32,
    /// Negative: not collected (-1) or the kernel's error (-EFAULT, -EEXIST).
    pub user_stack_id: i32,
    pub kern_stack_id: i32,
    pub comm: String,
    /// The waker (wakeuptime, offwaketime): its own pid, comm and stacks.
    pub waker: Option<Box<StackKey>>,
}

impl StackKey {
    pub fn decode(b: &[u8]) -> Option<StackKey> {
        let waker = match b.len() {
            n if n >= 2 * KEY_LEN => Some(Box::new(StackKey::decode(&b[KEY_LEN..2 * KEY_LEN])?)),
            _ => None,
        };
        Some(StackKey {
            pid: u32_at(b, 0)?,
            user_stack_id: i32_at(b, 4)?,
            kern_stack_id: i32_at(b, 8)?,
            comm: cstr_at(b, 12, 16)?,
            waker,
        })
    }
}

/// The task that woke a blocked one, symbolized (frames innermost first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Waker {
    pub pid: u32,
    pub comm: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Vec<String>>,
}

/// One stack with its count, symbolized: frames innermost first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackSample {
    pub pid: u32,
    pub comm: String,
    /// Samples (profile) or microseconds off CPU (offcputime).
    pub count: u64,
    /// None: this side was not collected (-U/-K); Some(empty): there was no
    /// stack on this side (user-mode sample); a failed walk is one
    /// "[Missed … Stack]" frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Vec<String>>,
    /// Who woke the task (wakeuptime, offwaketime); its pid and stacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waker: Option<Waker>,
}

/// What a stack id of the key says before any lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackId {
    /// -1: this side was not collected (-U / -K).
    NotCollected,
    /// -EFAULT: there was no stack on this side to walk (a sample taken in
    /// user mode has no kernel stack): no frames, and not a miss either
    /// (bcc's `stack_id_err()`).
    Empty,
    /// Any other error (-EEXIST: the map was full, …): `[Missed … Stack]`.
    Missed,
    Id(u32),
}

const EFAULT: i32 = 14;

impl StackId {
    pub fn of(id: i32) -> StackId {
        match id {
            -1 => StackId::NotCollected,
            id if id == -EFAULT => StackId::Empty,
            id if id < 0 => StackId::Missed,
            id => StackId::Id(id as u32),
        }
    }
}

/// What makes two samples the same stack: process and frames.
type SampleKey = (
    u32,
    String,
    Option<Vec<String>>,
    Option<Vec<String>>,
    Option<Waker>,
);

/// Sums samples that symbolize to the same frames (several stack ids can:
/// different return addresses inside the same functions), so one stack
/// is one entry.
pub fn merge_identical(samples: Vec<StackSample>) -> Vec<StackSample> {
    let mut index: std::collections::HashMap<SampleKey, usize> = std::collections::HashMap::new();
    let mut out: Vec<StackSample> = Vec::with_capacity(samples.len());
    for s in samples {
        let key = (
            s.pid,
            s.comm.clone(),
            s.kernel.clone(),
            s.user.clone(),
            s.waker.clone(),
        );
        match index.get(&key) {
            Some(&i) => out[i].count += s.count,
            None => {
                index.insert(key, out.len());
                out.push(s);
            }
        }
    }
    out
}

/// Why a stack id is negative, as bcc prints it.
pub fn missed(kernel: bool) -> String {
    if kernel {
        "[Missed Kernel Stack]".into()
    } else {
        "[Missed User Stack]".into()
    }
}

/// bcc's block: kernel frames, `--` between kernel and user frames, user
/// frames, `-                comm (pid)`, then the count, then a blank line.
/// A sample with a waker is printed as its tool prints it (see [`wake_block`]).
pub fn text_block(s: &StackSample) -> String {
    if let Some(w) = &s.waker {
        return wake_block(s, w);
    }
    let mut out = String::new();
    if let Some(k) = &s.kernel {
        for f in k {
            out.push_str(&format!("    {f}\n"));
        }
    }
    if let Some(u) = &s.user {
        if s.kernel.as_ref().is_some_and(|k| !k.is_empty()) && !u.is_empty() {
            out.push_str("    --\n");
        }
        for f in u {
            out.push_str(&format!("    {f}\n"));
        }
    }
    out.push_str(&format!("    {:<16} {} ({})\n", "-", s.comm, s.pid));
    out.push_str(&format!("        {}\n\n", s.count));
    out
}

/// A wakeup sample. Without the blocked task's stacks (wakeuptime),
/// libbpf-tools' wakeuptime block: `target:`, the waker's kernel stack
/// innermost first, `waker:`, the microseconds. Else bcc's offwaketime
/// block: `waker:`, the waker's stacks outermost first (user, then kernel),
/// `-- --`, the blocked task's stacks innermost first (kernel, then user),
/// `target:`, the count.
fn wake_block(s: &StackSample, w: &Waker) -> String {
    let mut out = String::new();
    if s.kernel.is_none() && s.user.is_none() {
        out.push_str(&format!("\n\t{:<16} {}\n", "target:", s.comm));
        for f in w.kernel.iter().flatten() {
            out.push_str(&format!("\t{f}\n"));
        }
        out.push_str(&format!("\t{:>16} {}\n\t{}\n", "waker:", w.comm, s.count));
        return out;
    }
    out.push_str(&format!("    {:<16} {} {}\n", "waker:", w.comm, w.pid));
    for f in w.user.iter().flatten().rev() {
        out.push_str(&format!("    {f}\n"));
    }
    for f in w.kernel.iter().flatten().rev() {
        out.push_str(&format!("    {f}\n"));
    }
    out.push_str(&format!("    {:<16} --\n", "--"));
    for f in s.kernel.iter().flatten().chain(s.user.iter().flatten()) {
        out.push_str(&format!("    {f}\n"));
    }
    out.push_str(&format!("    {:<16} {} {}\n", "target:", s.comm, s.pid));
    out.push_str(&format!("        {}\n\n", s.count));
    out
}

/// One folded line: `comm;user outermost…innermost;kernel outermost_[k]…
/// innermost_[k] count` (bcc's -f). `;` and spaces inside names would
/// split frames, so they become `_`. With a waker (bcc's offwaketime -f),
/// the blocked task's frames, `--`, then the waker's innermost first
/// (kernel, then user) and its comm: the flame rises through the blocked
/// stack into the waker's.
pub fn folded_line(s: &StackSample) -> String {
    let clean = |f: &str| f.replace([';', ' ', '\n'], "_");
    let mut frames = vec![clean(&s.comm)];
    if let Some(u) = &s.user {
        frames.extend(u.iter().rev().map(|f| clean(f)));
    }
    if let Some(k) = &s.kernel {
        frames.extend(k.iter().rev().map(|f| format!("{}_[k]", clean(f))));
    }
    if let Some(w) = &s.waker {
        frames.push("--".into());
        frames.extend(
            w.kernel
                .iter()
                .flatten()
                .map(|f| format!("{}_[k]", clean(f))),
        );
        frames.extend(w.user.iter().flatten().map(|f| clean(f)));
        frames.push(clean(&w.comm));
    }
    format!("{} {}", frames.join(";"), s.count)
}

/// Samples in report order: largest count last, as bcc prints them (the
/// hottest stack ends the output, right above the prompt).
pub fn sort_for_text(samples: &mut [StackSample]) {
    samples.sort_by(|a, b| {
        a.count
            .cmp(&b.count)
            .then(a.pid.cmp(&b.pid))
            .then(a.kernel.cmp(&b.kernel))
            .then(a.user.cmp(&b.user))
            .then(a.waker.cmp(&b.waker))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StackSample {
        StackSample {
            pid: 42,
            comm: "spin".into(),
            count: 7,
            kernel: Some(vec!["irq_exit".into(), "sysvec_apic_timer".into()]),
            user: Some(vec!["busy_loop".into(), "main".into()]),
            waker: None,
        }
    }

    fn woken() -> StackSample {
        StackSample {
            pid: 42,
            comm: "sleeper".into(),
            count: 9,
            kernel: Some(vec!["schedule".into(), "do_nanosleep".into()]),
            user: Some(vec!["nanosleep".into(), "main".into()]),
            waker: Some(Waker {
                pid: 0,
                comm: "swapper/1".into(),
                kernel: Some(vec!["try_to_wake_up".into(), "hrtimer_wakeup".into()]),
                user: Some(vec![]),
            }),
        }
    }

    #[test]
    fn wake_blocks() {
        let s = woken();
        assert_eq!(
            text_block(&s),
            "    waker:           swapper/1 0\n    hrtimer_wakeup\n    try_to_wake_up\n    \
             --               --\n    schedule\n    do_nanosleep\n    nanosleep\n    main\n    \
             target:          sleeper 42\n        9\n\n"
        );
        assert_eq!(
            folded_line(&s),
            "sleeper;main;nanosleep;do_nanosleep_[k];schedule_[k];--;try_to_wake_up_[k];\
             hrtimer_wakeup_[k];swapper/1 9"
        );
        // wakeuptime: no stacks of the blocked task.
        let w = StackSample {
            kernel: None,
            user: None,
            ..woken()
        };
        assert_eq!(
            text_block(&w),
            "\n\ttarget:          sleeper\n\ttry_to_wake_up\n\thrtimer_wakeup\n\t          \
             waker: swapper/1\n\t9\n"
        );
    }

    #[test]
    fn folded_and_text() {
        assert_eq!(
            folded_line(&sample()),
            "spin;main;busy_loop;sysvec_apic_timer_[k];irq_exit_[k] 7"
        );
        let t = text_block(&sample());
        assert!(t.starts_with("    irq_exit\n    sysvec_apic_timer\n    --\n    busy_loop\n"));
        assert!(t.ends_with("    -                spin (42)\n        7\n\n"));
    }

    #[test]
    fn ids_and_merging() {
        assert_eq!(StackId::of(-1), StackId::NotCollected);
        assert_eq!(StackId::of(-14), StackId::Empty);
        assert_eq!(StackId::of(-17), StackId::Missed);
        assert_eq!(StackId::of(5), StackId::Id(5));
        let mut other = sample();
        other.count = 3;
        let mut third = sample();
        third.pid = 43;
        let merged = merge_identical(vec![sample(), other, third]);
        assert_eq!(merged.len(), 2);
        assert_eq!((merged[0].pid, merged[0].count), (42, 10));
    }

    #[test]
    fn key() {
        let mut b = vec![0u8; 28];
        b[..4].copy_from_slice(&9u32.to_ne_bytes());
        b[4..8].copy_from_slice(&(-14i32).to_ne_bytes());
        b[8..12].copy_from_slice(&3i32.to_ne_bytes());
        b[12..14].copy_from_slice(b"sh");
        let k = StackKey::decode(&b).unwrap();
        assert_eq!((k.pid, k.user_stack_id, k.kern_stack_id), (9, -14, 3));
        assert_eq!((k.comm.as_str(), k.waker.is_none()), ("sh", true));
        // A wake key: the same layout twice.
        let mut two = b.clone();
        two.extend_from_slice(&b);
        two[28..32].copy_from_slice(&7u32.to_ne_bytes());
        let k = StackKey::decode(&two).unwrap();
        let w = k.waker.unwrap();
        assert_eq!(
            (k.pid, w.pid, w.kern_stack_id, w.comm.as_str()),
            (9, 7, 3, "sh")
        );
    }
}
