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
/* Here, as in offcputime: the object keeps its variable and map order. */
#include "offcpu.h"

/* Who woke a blocked thread, until it runs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct stack_key);
} wokeby SEC(".maps");

/* Microseconds blocked per (blocked stacks, waker stacks). */
COUNTS_MAP(struct wake_key, 16384);

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

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	struct stack_key waker = {};
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
	struct stack_key *w;
	struct off *o;
	__u64 delta;
	__u32 tid;

	if (wanted(prev) && state_ok(prev))
		switch_out(ctx, prev);

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
	add_count(&counts, &key, delta);
	return 0;
}
