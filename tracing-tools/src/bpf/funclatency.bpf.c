// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * funclatency: a log2 histogram of a function's latency (libbpf-tools'
 * funclatency), written for bpfscope: an entry program on the function's
 * uprobe (or kprobe) notes the time per thread, a return program on its
 * uretprobe adds the time since to the histogram.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tools.h"
#include "generic.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("funclatency");
CGROUP_FILTER;

/* 0: nanoseconds, 1: microseconds, 2: milliseconds. */
const volatile __u32 units = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} starts SEC(".maps");

/* One histogram, at key 0. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

static struct hist zero_hist;

SEC("kprobe")
int funclatency_entry(struct pt_regs *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts;

	if (CGROUP_SKIP() || skip_event())
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&starts, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("kprobe")
int funclatency_return(struct pt_regs *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), key = 0;
	__u64 *tsp, delta;
	struct hist *h;

	tsp = bpf_map_lookup_elem(&starts, &tid);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&starts, &tid);
	if (units == 1)
		delta /= 1000;
	else if (units == 2)
		delta /= 1000000;
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bpf_map_update_elem(&hists, &key, &zero_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h)
			return 0;
	}
	hist_add(h, delta);
	return 0;
}
