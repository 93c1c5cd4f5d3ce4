/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What offcputime and offwaketime share: the read-only variables bpfscope
 * sets before load (src/stackopts.rs: -p -t -u -k, -U -K, -m -M, --state;
 * what --state matches is each tool's), the stack map, and the record of
 * a thread that switched out: when, and where it blocked.
 */
#ifndef BPFSCOPE_OFFCPU_H
#define BPFSCOPE_OFFCPU_H

#include "stacks.h"

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

struct off {
	__u64 ts;
	struct stack_key key;
};

STACK_MAP(16384);

/* Blocked threads: when and where they switched out. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct off);
} start SEC(".maps");

/* Whether -p -t -u -k let t through (never the idle task). */
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

/* The current task's key (it is `t`: the hooks run on its stack). */
static __always_inline void current_key(void *ctx, struct task_struct *t,
					struct stack_key *k)
{
	k->pid = BPF_CORE_READ(t, tgid);
	BPF_CORE_READ_STR_INTO(&k->name, t, comm);
	take_stacks(ctx, &stackmap, k, user_stacks_only, kernel_stacks_only);
}

/* prev is switching out (sched_switch runs on its stack): note when, and
 * where it blocked. */
static __always_inline void switch_out(void *ctx, struct task_struct *prev)
{
	__u32 tid = BPF_CORE_READ(prev, pid);
	struct off now = {};

	now.ts = bpf_ktime_get_ns();
	current_key(ctx, prev, &now.key);
	bpf_map_update_elem(&start, &tid, &now, BPF_ANY);
}

#endif
