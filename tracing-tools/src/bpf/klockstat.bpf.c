// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * klockstat: mutex and rw_semaphore wait and hold times per caller (or per
 * thread with -P), after libbpf-tools' klockstat.bpf.c, for bpfscope. The
 * lock functions have no tracepoints: fentry/fexit (preferred) or
 * kprobes/kretprobes (fallback). Where libbpf-tools keys by stack id and
 * symbolizes in user space, this keys by the caller's address and names
 * it here with bpf_snprintf("%pS"), so the report needs no stack map.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("klockstat");

#define MAX_ENTRIES 102400
#define CALLER_LEN 64

const volatile __u32 targ_tgid = 0;
const volatile __u32 targ_pid = 0;
const volatile __u64 targ_lock = 0;
const volatile bool per_thread = false;

/* Mirrored in src/klockstat.rs. */
struct lock_stat {
	__u64 acq_count;
	__u64 acq_total_time;
	__u64 acq_max_time;
	__u64 acq_max_id;
	__u64 acq_max_lock_ptr;
	char acq_max_comm[TASK_COMM_LEN];
	__u64 hld_count;
	__u64 hld_total_time;
	__u64 hld_max_time;
	__u64 hld_max_id;
	__u64 hld_max_lock_ptr;
	char hld_max_comm[TASK_COMM_LEN];
	/* The caller, "function+0xoff/0xsize" (-P: the thread's comm). */
	char caller[CALLER_LEN];
};
_Static_assert(sizeof(struct lock_stat) == 176 && __builtin_offsetof(struct lock_stat, caller) == 112,
	       "the layout src/klockstat.rs reads");

/* A task holds a given lock once (the locks are not recursive). */
struct task_lock {
	__u64 task_id;
	__u64 lock_ptr;
};

struct lockholder_info {
	__u64 caller;
	__u64 task_id;
	__u64 try_at;
	__u64 acq_at;
	__u64 lock_ptr;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct task_lock);
	__type(value, struct lockholder_info);
} lockholder_map SEC(".maps");

/* Keyed by the caller's address, or by the thread id with -P. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u64);
	__type(value, struct lock_stat);
} stat_map SEC(".maps");

/* kprobes: the lock (and its caller) between entry and return. */
struct entry {
	__u64 lock;
	__u64 caller;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct entry);
} locks SEC(".maps");

static struct lock_stat zero_stat;

static __always_inline bool tracing_task(__u64 task_id)
{
	if (targ_tgid && targ_tgid != task_id >> 32)
		return false;
	if (targ_pid && targ_pid != (__u32)task_id)
		return false;
	return true;
}

static __always_inline bool wanted(__u64 lock)
{
	return (!targ_lock || targ_lock == lock) && tracing_task(bpf_get_current_pid_tgid());
}

static __always_inline void lock_contended(__u64 lock, __u64 caller)
{
	struct lockholder_info li = {};
	struct task_lock tl = {};

	if (!wanted(lock))
		return;
	li.task_id = bpf_get_current_pid_tgid();
	li.lock_ptr = lock;
	li.caller = caller;
	li.try_at = bpf_ktime_get_ns();
	tl.task_id = li.task_id;
	tl.lock_ptr = lock;
	bpf_map_update_elem(&lockholder_map, &tl, &li, BPF_ANY);
}

static __always_inline void lock_aborted(__u64 lock)
{
	struct task_lock tl = { .task_id = bpf_get_current_pid_tgid(), .lock_ptr = lock };

	bpf_map_delete_elem(&lockholder_map, &tl);
}

static __always_inline void lock_acquired(__u64 lock)
{
	struct task_lock tl = { .task_id = bpf_get_current_pid_tgid(), .lock_ptr = lock };
	struct lockholder_info *li;

	li = bpf_map_lookup_elem(&lockholder_map, &tl);
	if (li)
		li->acq_at = bpf_ktime_get_ns();
}

static __always_inline struct lock_stat *stat_of(struct lockholder_info *li)
{
	__u64 key = per_thread ? li->task_id : li->caller;
	struct lock_stat *ls;

	ls = bpf_map_lookup_elem(&stat_map, &key);
	if (ls)
		return ls;
	bpf_map_update_elem(&stat_map, &key, &zero_stat, BPF_NOEXIST);
	ls = bpf_map_lookup_elem(&stat_map, &key);
	if (!ls)
		return NULL;
	if (per_thread) {
		bpf_get_current_comm(ls->caller, TASK_COMM_LEN);
	} else {
		__u64 args[1] = { li->caller };

		bpf_snprintf(ls->caller, sizeof(ls->caller), "%pS", args, sizeof(args));
	}
	return ls;
}

static __always_inline void account(struct lockholder_info *li, __u64 rel_at)
{
	struct lock_stat *ls = stat_of(li);
	__u64 delta;

	if (!ls)
		return;
	/*
	 * Several threads may account to one caller at once (a rwsem has
	 * several readers): totals are atomic, a max may lose a race.
	 */
	delta = li->acq_at - li->try_at;
	__sync_fetch_and_add(&ls->acq_count, 1);
	__sync_fetch_and_add(&ls->acq_total_time, delta);
	if (delta > ls->acq_max_time) {
		ls->acq_max_time = delta;
		ls->acq_max_id = li->task_id;
		ls->acq_max_lock_ptr = li->lock_ptr;
		bpf_get_current_comm(ls->acq_max_comm, TASK_COMM_LEN);
	}
	delta = rel_at - li->acq_at;
	__sync_fetch_and_add(&ls->hld_count, 1);
	__sync_fetch_and_add(&ls->hld_total_time, delta);
	if (delta > ls->hld_max_time) {
		ls->hld_max_time = delta;
		ls->hld_max_id = li->task_id;
		ls->hld_max_lock_ptr = li->lock_ptr;
		bpf_get_current_comm(ls->hld_max_comm, TASK_COMM_LEN);
	}
}

static __always_inline void lock_released(__u64 lock)
{
	struct task_lock tl = { .task_id = bpf_get_current_pid_tgid(), .lock_ptr = lock };
	struct lockholder_info *li;

	li = bpf_map_lookup_elem(&lockholder_map, &tl);
	if (!li)
		return;
	/* Released before acquired: a trylock failure we did not see. */
	if (li->acq_at)
		account(li, bpf_ktime_get_ns());
	bpf_map_delete_elem(&lockholder_map, &tl);
}

/*
 * fentry: the caller is the stack frame after the one inside the traced
 * function (the trampoline returns into it just past its start).
 */
#define CALLER_FRAMES 6
static __always_inline __u64 fentry_caller(void *ctx)
{
	__u64 ips[CALLER_FRAMES] = {};
	__u64 func = bpf_get_func_ip(ctx);
	long n = bpf_get_stack(ctx, ips, sizeof(ips), 0);

	for (int i = 0; i + 1 < CALLER_FRAMES; i++) {
		if (i * 8 >= n)
			break;
		if (ips[i] >= func && ips[i] < func + 16)
			return ips[i + 1];
	}
	return 0;
}

#define FENTRY_LOCK(fn)                                                       \
	SEC("fentry/" #fn)                                                    \
	int BPF_PROG(fentry_##fn, void *lock)                                 \
	{                                                                     \
		lock_contended((__u64)lock, fentry_caller(ctx));              \
		return 0;                                                     \
	}
/* Locks that return 0 on success (interruptible, killable). */
#define FEXIT_LOCK(fn)                                                        \
	SEC("fexit/" #fn)                                                     \
	int BPF_PROG(fexit_##fn, void *lock, long ret)                        \
	{                                                                     \
		if (ret)                                                      \
			lock_aborted((__u64)lock);                            \
		else                                                          \
			lock_acquired((__u64)lock);                           \
		return 0;                                                     \
	}
/* trylocks return 1 on success. */
#define FEXIT_TRYLOCK(fn)                                                     \
	SEC("fexit/" #fn)                                                     \
	int BPF_PROG(fexit_##fn, void *lock, long ret)                        \
	{                                                                     \
		if (ret == 1) {                                               \
			lock_contended((__u64)lock, fentry_caller(ctx));      \
			lock_acquired((__u64)lock);                           \
		}                                                             \
		return 0;                                                     \
	}
#define FENTRY_UNLOCK(fn)                                                     \
	SEC("fentry/" #fn)                                                    \
	int BPF_PROG(fentry_##fn, void *lock)                                 \
	{                                                                     \
		lock_released((__u64)lock);                                   \
		return 0;                                                     \
	}

/* kprobes: the caller is the return address read at entry. */
#define KPROBE_LOCK(fn)                                                       \
	SEC("kprobe/" #fn)                                                    \
	int BPF_KPROBE(kprobe_##fn, void *lock)                               \
	{                                                                     \
		__u32 tid = (__u32)bpf_get_current_pid_tgid();                \
		struct entry e = { .lock = (__u64)lock };                     \
                                                                              \
		BPF_KPROBE_READ_RET_IP(e.caller, ctx);                        \
		bpf_map_update_elem(&locks, &tid, &e, BPF_ANY);               \
		if (KIND_##fn != TRYLOCK)                                     \
			lock_contended(e.lock, e.caller);                     \
		return 0;                                                     \
	}
#define KRETPROBE_LOCK(fn)                                                    \
	SEC("kretprobe/" #fn)                                                 \
	int BPF_KRETPROBE(kretprobe_##fn, long ret)                           \
	{                                                                     \
		__u32 tid = (__u32)bpf_get_current_pid_tgid();                \
		struct entry *e = bpf_map_lookup_elem(&locks, &tid);          \
		__u64 lock, caller;                                           \
                                                                              \
		if (!e)                                                       \
			return 0;                                             \
		lock = e->lock;                                               \
		caller = e->caller;                                           \
		bpf_map_delete_elem(&locks, &tid);                            \
		if (KIND_##fn == TRYLOCK) {                                   \
			if (ret == 1) {                                       \
				lock_contended(lock, caller);                 \
				lock_acquired(lock);                          \
			}                                                     \
		} else if (KIND_##fn == INT_LOCK && ret) {                    \
			lock_aborted(lock);                                   \
		} else {                                                      \
			lock_acquired(lock);                                  \
		}                                                             \
		return 0;                                                     \
	}
#define KPROBE_UNLOCK(fn)                                                     \
	SEC("kprobe/" #fn)                                                    \
	int BPF_KPROBE(kprobe_##fn, void *lock)                               \
	{                                                                     \
		lock_released((__u64)lock);                                   \
		return 0;                                                     \
	}

/*
 * How a lock function says it got the lock: VOID_LOCK always does (returns
 * nothing), INT_LOCK returns 0 (else interrupted or killed), TRYLOCK
 * returns 1.
 */
#define VOID_LOCK 0
#define INT_LOCK 1
#define TRYLOCK 2
#define KIND_mutex_lock VOID_LOCK
#define KIND_mutex_lock_interruptible INT_LOCK
#define KIND_mutex_lock_killable INT_LOCK
#define KIND_mutex_trylock TRYLOCK
#define KIND_down_read VOID_LOCK
#define KIND_down_read_interruptible INT_LOCK
#define KIND_down_read_killable INT_LOCK
#define KIND_down_read_trylock TRYLOCK
#define KIND_down_write VOID_LOCK
#define KIND_down_write_killable INT_LOCK
#define KIND_down_write_trylock TRYLOCK

/* mutex_lock, down_read and down_write return nothing: ret is not read. */
#define FEXIT_VOID_LOCK(fn)                                                   \
	SEC("fexit/" #fn)                                                     \
	int BPF_PROG(fexit_##fn, void *lock)                                  \
	{                                                                     \
		lock_acquired((__u64)lock);                                   \
		return 0;                                                     \
	}

FENTRY_LOCK(mutex_lock)
FEXIT_VOID_LOCK(mutex_lock)
FENTRY_LOCK(mutex_lock_interruptible)
FEXIT_LOCK(mutex_lock_interruptible)
FENTRY_LOCK(mutex_lock_killable)
FEXIT_LOCK(mutex_lock_killable)
FEXIT_TRYLOCK(mutex_trylock)
FENTRY_UNLOCK(mutex_unlock)
FENTRY_LOCK(down_read)
FEXIT_VOID_LOCK(down_read)
FENTRY_LOCK(down_read_interruptible)
FEXIT_LOCK(down_read_interruptible)
FENTRY_LOCK(down_read_killable)
FEXIT_LOCK(down_read_killable)
FEXIT_TRYLOCK(down_read_trylock)
FENTRY_UNLOCK(up_read)
FENTRY_LOCK(down_write)
FEXIT_VOID_LOCK(down_write)
FENTRY_LOCK(down_write_killable)
FEXIT_LOCK(down_write_killable)
FEXIT_TRYLOCK(down_write_trylock)
FENTRY_UNLOCK(up_write)

KPROBE_LOCK(mutex_lock)
KRETPROBE_LOCK(mutex_lock)
KPROBE_LOCK(mutex_lock_interruptible)
KRETPROBE_LOCK(mutex_lock_interruptible)
KPROBE_LOCK(mutex_lock_killable)
KRETPROBE_LOCK(mutex_lock_killable)
KPROBE_LOCK(mutex_trylock)
KRETPROBE_LOCK(mutex_trylock)
KPROBE_UNLOCK(mutex_unlock)
KPROBE_LOCK(down_read)
KRETPROBE_LOCK(down_read)
KPROBE_LOCK(down_read_interruptible)
KRETPROBE_LOCK(down_read_interruptible)
KPROBE_LOCK(down_read_killable)
KRETPROBE_LOCK(down_read_killable)
KPROBE_LOCK(down_read_trylock)
KRETPROBE_LOCK(down_read_trylock)
KPROBE_UNLOCK(up_read)
KPROBE_LOCK(down_write)
KRETPROBE_LOCK(down_write)
KPROBE_LOCK(down_write_killable)
KRETPROBE_LOCK(down_write_killable)
KPROBE_LOCK(down_write_trylock)
KRETPROBE_LOCK(down_write_trylock)
KPROBE_UNLOCK(up_write)
