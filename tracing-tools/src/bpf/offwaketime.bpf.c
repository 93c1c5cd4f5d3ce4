// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * offwaketime: time blocked, summed per blocked stack and waker stack
 * (bcc's tool), written for bpfscope on BTF-typed tracepoints. The blocked
 * task's stacks are taken when it switches out (sched_switch runs on its
 * stack), the waker's in sched_wakeup (which runs in the waker); when the
 * task switches back in, the time away is added to the pair.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("offwaketime");

#define PERF_MAX_STACK_DEPTH 127
#define STACK_FLAGS_USER (1ULL << 8) /* BPF_F_USER_STACK */
#define PF_KTHREAD 0x00200000

const volatile __u32 targ_tgid = 0;
const volatile __u32 targ_tid = 0;
const volatile bool user_threads_only = false;
const volatile bool kernel_threads_only = false;
const volatile bool user_stacks_only = false;
const volatile bool kernel_stacks_only = false;
const volatile __u64 min_block_ns = 1;
const volatile __u64 max_block_ns = (__u64)-1;
const volatile __s64 targ_state = -1;

/* Mirrored in src/stacks.rs: the blocked task's part, then the waker's. */
struct task_key {
	__u32 pid;
	__s32 user_stack_id;
	__s32 kern_stack_id;
	char name[TASK_COMM_LEN];
};

struct wake_key {
	struct task_key target;
	struct task_key waker;
};

struct off {
	__u64 ts;
	struct task_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64));
	__uint(max_entries, 16384);
} stackmap SEC(".maps");

/* Blocked threads: when and where they switched out. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct off);
} start SEC(".maps");

/* Who woke a blocked thread, until it runs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct task_key);
} wokeby SEC(".maps");

/* Microseconds blocked per (blocked stacks, waker stacks). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct wake_key);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline bool wanted(struct task_struct *t)
{
	__u32 tgid = BPF_CORE_READ(t, tgid), tid = BPF_CORE_READ(t, pid);
	bool kthread = BPF_CORE_READ(t, flags) & PF_KTHREAD;

	if (tid == 0)
		return false;
	if (targ_tgid && targ_tgid != tgid)
		return false;
	if (targ_tid && targ_tid != tid)
		return false;
	if (user_threads_only && kthread)
		return false;
	if (kernel_threads_only && !kthread)
		return false;
	return true;
}

/* bcc's --state: 0 is TASK_RUNNING itself, other values a bitmask. */
static __always_inline bool state_ok(struct task_struct *t)
{
	unsigned int state = BPF_CORE_READ(t, __state);

	if (targ_state < 0)
		return true;
	if (targ_state == 0)
		return state == 0;
	return state & targ_state;
}

/* The current task's stacks (it is `t`: both hooks run on its stack). */
static __always_inline void current_key(void *ctx, struct task_struct *t,
					struct task_key *k)
{
	k->pid = BPF_CORE_READ(t, tgid);
	BPF_CORE_READ_STR_INTO(&k->name, t, comm);
	k->user_stack_id = kernel_stacks_only ? -1 :
		bpf_get_stackid(ctx, &stackmap, STACK_FLAGS_USER);
	k->kern_stack_id = user_stacks_only ? -1 :
		bpf_get_stackid(ctx, &stackmap, 0);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	struct task_key waker = {};
	__u32 tid;

	if (!wanted(p))
		return 0;
	tid = BPF_CORE_READ(p, pid);
	/* Only threads seen blocking: the others are not reported. */
	if (!bpf_map_lookup_elem(&start, &tid))
		return 0;
	current_key(ctx, bpf_get_current_task_btf(), &waker);
	bpf_map_update_elem(&wokeby, &tid, &waker, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct wake_key key = {};
	struct task_key *w;
	struct off *o, now = {};
	__u64 delta, *total;
	__u32 tid;

	if (wanted(prev) && state_ok(prev)) {
		tid = BPF_CORE_READ(prev, pid);
		now.ts = bpf_ktime_get_ns();
		current_key(ctx, prev, &now.key);
		bpf_map_update_elem(&start, &tid, &now, BPF_ANY);
	}

	tid = BPF_CORE_READ(next, pid);
	o = bpf_map_lookup_elem(&start, &tid);
	if (!o)
		return 0;
	delta = bpf_ktime_get_ns() - o->ts;
	key.target = o->key;
	bpf_map_delete_elem(&start, &tid);
	w = bpf_map_lookup_elem(&wokeby, &tid);
	if (w) {
		key.waker = *w;
		bpf_map_delete_elem(&wokeby, &tid);
	} else {
		/* Preempted, not woken: no waker. */
		key.waker.user_stack_id = -1;
		key.waker.kern_stack_id = -1;
	}
	if (delta < min_block_ns || delta > max_block_ns)
		return 0;
	delta /= 1000;
	total = bpf_map_lookup_elem(&counts, &key);
	if (total)
		__sync_fetch_and_add(total, delta);
	else
		bpf_map_update_elem(&counts, &key, &delta, BPF_NOEXIST);
	return 0;
}
