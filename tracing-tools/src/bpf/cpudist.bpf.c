// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cpudist: time on CPU (or off CPU with -O) per scheduling as a log2
 * histogram, written for bpfscope on tp_btf/sched_switch. As libbpf-tools
 * does, on-CPU time is recorded when the task is switched out still
 * runnable (preempted); off-CPU time from switch-out to switch-in.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("cpudist");
CGROUP_FILTER;

#define TASK_RUNNING 0

const volatile bool targ_per_process = false;
const volatile bool targ_per_thread = false;
const volatile bool targ_offcpu = false;
const volatile bool targ_ms = false;
const volatile __u32 targ_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

static struct hist zero_hist;

static __always_inline void store_start(__u32 tgid, __u32 pid, __u64 ts)
{
	if (targ_tgid && targ_tgid != tgid)
		return;
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
}

static __always_inline void update_hist(struct task_struct *task, __u32 tgid,
					__u32 pid, __u64 ts)
{
	struct hist *h;
	__u64 *tsp, delta;
	__u32 key;

	if (targ_tgid && targ_tgid != tgid)
		return;
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp || ts < *tsp)
		return;
	delta = ts - *tsp;
	if (targ_per_process)
		key = tgid;
	else if (targ_per_thread)
		key = pid;
	else
		key = (__u32)-1;
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bpf_map_update_elem(&hists, &key, &zero_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h)
			return;
		BPF_CORE_READ_STR_INTO(&h->comm, task, comm);
	}
	delta /= targ_ms ? 1000000 : 1000;
	hist_add(h, delta);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 prev_tgid = BPF_CORE_READ(prev, tgid), prev_pid = BPF_CORE_READ(prev, pid);
	__u32 tgid = BPF_CORE_READ(next, tgid), pid = BPF_CORE_READ(next, pid);
	__u64 ts = bpf_ktime_get_ns();

	if (CGROUP_SKIP())
		return 0;
	if (targ_offcpu) {
		store_start(prev_tgid, prev_pid, ts);
		update_hist(next, tgid, pid, ts);
	} else {
		if (BPF_CORE_READ(prev, __state) == TASK_RUNNING)
			update_hist(prev, prev_tgid, prev_pid, ts);
		store_start(tgid, pid, ts);
	}
	return 0;
}
