// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * offcputime: time threads spend blocked (off CPU), summed per stack,
 * written for bpfscope on tp_btf/sched_switch. When a thread switches out
 * its stacks are taken (the switch runs on its stack) and the time noted;
 * when it switches back in, the time away is added to that stack.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("offcputime");
CGROUP_FILTER;

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

/* Mirrored in src/stacks.rs (shared with profile). */
struct stack_key {
	__u32 pid;
	__s32 user_stack_id;
	__s32 kern_stack_id;
	char name[TASK_COMM_LEN];
};

struct off {
	__u64 ts;
	struct stack_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64));
	__uint(max_entries, 16384);
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct off);
} start SEC(".maps");

/* Microseconds off CPU per stack key. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct stack_key);
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

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	if (CGROUP_SKIP())
		return 0;
	struct off *o, now = {};
	__u32 tid;
	__u64 delta, *total;

	if (wanted(prev) && (targ_state < 0 ||
			     BPF_CORE_READ(prev, __state) == (unsigned int)targ_state)) {
		tid = BPF_CORE_READ(prev, pid);
		now.ts = bpf_ktime_get_ns();
		now.key.pid = BPF_CORE_READ(prev, tgid);
		BPF_CORE_READ_STR_INTO(&now.key.name, prev, comm);
		now.key.user_stack_id = kernel_stacks_only ? -1 :
			bpf_get_stackid(ctx, &stackmap, STACK_FLAGS_USER);
		now.key.kern_stack_id = user_stacks_only ? -1 :
			bpf_get_stackid(ctx, &stackmap, 0);
		bpf_map_update_elem(&start, &tid, &now, BPF_ANY);
	}

	tid = BPF_CORE_READ(next, pid);
	o = bpf_map_lookup_elem(&start, &tid);
	if (!o)
		return 0;
	delta = bpf_ktime_get_ns() - o->ts;
	if (delta < min_block_ns || delta > max_block_ns)
		goto cleanup;
	delta /= 1000;
	total = bpf_map_lookup_elem(&counts, &o->key);
	if (total) {
		__sync_fetch_and_add(total, delta);
	} else {
		bpf_map_update_elem(&counts, &o->key, &delta, BPF_NOEXIST);
	}
cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}
