// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * wakeuptime: time threads spend blocked, summed per waker kernel stack,
 * written for bpfscope on BTF-typed tracepoints. A thread's sleep starts
 * when it switches out; sched_wakeup runs in the waker, so the stack taken
 * there is the code path that woke it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"
#include "stacks.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("wakeuptime");

#define PF_KTHREAD 0x00200000

const volatile __u32 targ_pid = 0;
const volatile __u64 min_block_ns = 1;
const volatile __u64 max_block_ns = (__u64)-1;
const volatile bool user_threads_only = false;

STACK_MAP(1024);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

/* Microseconds blocked per (target, waker stack) key. */
COUNTS_MAP(struct wake_key, 10240);

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev)
{
	__u32 tgid = BPF_CORE_READ(prev, tgid), tid = BPF_CORE_READ(prev, pid);
	__u64 ts;

	if (targ_pid && targ_pid != tgid)
		return 0;
	if (user_threads_only && (BPF_CORE_READ(prev, flags) & PF_KTHREAD))
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid), tid = BPF_CORE_READ(p, pid);
	struct wake_key key = {};
	__u64 *tsp, delta;

	if (targ_pid && targ_pid != tgid)
		return 0;
	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &tid);
	if (delta < min_block_ns || delta > max_block_ns)
		return 0;
	delta /= 1000;

	key.target.pid = tgid;
	key.target.user_stack_id = -1;
	key.target.kern_stack_id = -1;
	BPF_CORE_READ_STR_INTO(&key.target.name, p, comm);
	key.waker.pid = bpf_get_current_pid_tgid() >> 32;
	key.waker.user_stack_id = -1;
	key.waker.kern_stack_id = bpf_get_stackid(ctx, &stackmap, 0);
	bpf_get_current_comm(&key.waker.name, sizeof(key.waker.name));

	add_count(&counts, &key, delta);
	return 0;
}
