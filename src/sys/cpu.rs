//! Threads that work beside their parent. The kernel places a new thread
//! on its parent's CPU: there it either preempts the parent or waits for
//! it, and the two run one after the other while another CPU idles
//! (`perf sched timehist` on `prog show`, 2 CPUs: the holder thread ran
//! after the listing, and the listing waited for it). [`spawn_beside`]
//! keeps the new thread off the parent's CPU from its start.
use std::thread::JoinHandle;

/// Every CPU the caller may run on but the one it runs on now; `None` with
/// a single CPU to run on.
fn elsewhere() -> Option<libc::cpu_set_t> {
    let here = nix::sched::sched_getcpu().ok()?;
    // SAFETY: an all-zero cpu_set_t is the empty set; the kernel fills it.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: set is a valid cpu_set_t of `size` bytes.
    if unsafe { libc::sched_getaffinity(0, size, &mut set) } != 0 {
        return None;
    }
    if here >= libc::CPU_SETSIZE as usize {
        return None;
    }
    // SAFETY: set is a valid cpu_set_t and here < CPU_SETSIZE.
    let left = unsafe {
        libc::CPU_CLR(here, &mut set);
        libc::CPU_COUNT(&set)
    };
    (left > 0).then_some(set)
}

/// Runs `f` on a new thread, off the caller's CPU when it may run elsewhere.
/// Best effort: where an affinity change is refused, the thread runs where
/// the kernel put it.
pub fn spawn_beside<T, F>(f: F) -> JoinHandle<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    spawn_away(elsewhere(), f)
}

/// [`spawn_beside`], given the CPUs away from the caller.
fn spawn_away<T, F>(away: Option<libc::cpu_set_t>, f: F) -> JoinHandle<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let size = std::mem::size_of::<libc::cpu_set_t>();
    let thread = std::thread::spawn(move || {
        // A thread that preempted its parent at once moves itself (and one
        // placed elsewhere stays out of the parent's way)...
        if let Some(set) = away {
            // SAFETY: set is a valid cpu_set_t of `size` bytes; 0 is this thread.
            unsafe { libc::sched_setaffinity(0, size, &set) };
        }
        f()
    });
    // ...and one still waiting for the parent's CPU is moved from here.
    if let Some(set) = away {
        use std::os::unix::thread::JoinHandleExt;
        // SAFETY: the thread is joinable, so its pthread_t is valid until
        // joined (an exited thread gives ESRCH); set is a valid cpu_set_t.
        unsafe { libc::pthread_setaffinity_np(thread.as_pthread_t(), size, &set) };
    }
    thread
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thread_runs_off_the_callers_cpu_from_its_start() {
        // Several times: the kernel puts the thread on the caller's CPU only
        // now and then, and each way must end with it elsewhere.
        for _ in 0..50 {
            let Some(away) = elsewhere() else {
                eprintln!("one CPU to run on: nothing to move");
                return;
            };
            let there = spawn_away(Some(away), || nix::sched::sched_getcpu().unwrap())
                .join()
                .unwrap();
            // SAFETY: away is a valid cpu_set_t; there < CPU_SETSIZE.
            assert!(
                unsafe { libc::CPU_ISSET(there, &away) },
                "ran on CPU {there}"
            );
        }
    }

    #[test]
    fn the_thread_gives_back_its_value() {
        assert_eq!(spawn_beside(|| 42).join().unwrap(), 42);
    }
}
