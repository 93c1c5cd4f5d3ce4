// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * softirqs: soft interrupt time (and counts, and log2 histograms) per
 * vector, written for bpfscope after libbpf-tools' softirqs, via the
 * BTF-typed irq:softirq_entry/exit tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("softirqs");

#define NR_VECTORS 16

const volatile bool targ_ns = false;
const volatile __s32 targ_cpu = -1;

/* Mirrored in src/softirqs.rs: count, total time, log2 slots of the time. */
struct info {
	__u64 count;
	__u64 total;
	__u64 slots[MAX_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

/* Keyed by vector number: a hash, so a report can clear it by deleting. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NR_VECTORS);
	__type(key, __u32);
	__type(value, struct info);
} infos SEC(".maps");

static struct info zero_info;

static __always_inline bool is_target_cpu(void)
{
	return targ_cpu < 0 || bpf_get_smp_processor_id() == (__u32)targ_cpu;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry, unsigned int vec_nr)
{
	__u32 zero = 0;
	__u64 *ts;

	if (!is_target_cpu())
		return 0;
	ts = bpf_map_lookup_elem(&start, &zero);
	if (ts)
		*ts = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit, unsigned int vec_nr)
{
	__u32 zero = 0, key = vec_nr;
	struct info *info;
	__u64 *ts, delta, slot;

	if (!is_target_cpu() || vec_nr >= NR_VECTORS)
		return 0;
	ts = bpf_map_lookup_elem(&start, &zero);
	if (!ts || !*ts)
		return 0;
	delta = bpf_ktime_get_ns() - *ts;
	*ts = 0;
	if (!targ_ns)
		delta /= 1000;
	info = bpf_map_lookup_elem(&infos, &key);
	if (!info) {
		bpf_map_update_elem(&infos, &key, &zero_info, BPF_NOEXIST);
		info = bpf_map_lookup_elem(&infos, &key);
		if (!info)
			return 0;
	}
	__sync_fetch_and_add(&info->count, 1);
	__sync_fetch_and_add(&info->total, delta);
	slot = log2l(delta);
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&info->slots[slot], 1);
	return 0;
}
