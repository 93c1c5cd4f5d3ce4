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
/* After the tool's own globals: the object keeps its variable and map order. */
#include "offcpu.h"

/* Microseconds off CPU per stack key. */
COUNTS_MAP(struct stack_key, 16384);

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	if (CGROUP_SKIP())
		return 0;
	struct off *o;
	__u32 tid;
	__u64 delta;

	if (wanted(prev) && (targ_state < 0 ||
			     BPF_CORE_READ(prev, __state) == (unsigned int)targ_state))
		switch_out(ctx, prev);

	tid = BPF_CORE_READ(next, pid);
	o = bpf_map_lookup_elem(&start, &tid);
	if (!o)
		return 0;
	delta = bpf_ktime_get_ns() - o->ts;
	if (delta < min_block_ns || delta > max_block_ns)
		goto cleanup;
	delta /= 1000;
	add_count(&counts, &o->key, delta);
cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}
