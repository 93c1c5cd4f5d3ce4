// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hardirqs: hard interrupt handler time (or counts, or histograms) per
 * handler name, written for bpfscope, via BTF-typed irq tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("hardirqs");
CGROUP_FILTER;

#define IRQ_NAME_LEN 32

const volatile bool targ_ns = false;

struct irq_key {
	char name[IRQ_NAME_LEN];
};

/* Mirrored in src/hardirqs.rs: count, total time, then log2 slots of the time. */
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

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct irq_key);
	__type(value, struct info);
} infos SEC(".maps");

static struct info zero_info;

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry, int irq, struct irqaction *action)
{
	if (CGROUP_SKIP())
		return 0;
	__u32 zero = 0;
	__u64 *ts = bpf_map_lookup_elem(&start, &zero);

	if (ts)
		*ts = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit, int irq, struct irqaction *action)
{
	if (CGROUP_SKIP())
		return 0;
	struct irq_key key = {};
	struct info *info;
	__u32 zero = 0;
	__u64 *ts, delta, slot;

	ts = bpf_map_lookup_elem(&start, &zero);
	if (!ts || !*ts)
		return 0;
	delta = bpf_ktime_get_ns() - *ts;
	*ts = 0;
	if (!targ_ns)
		delta /= 1000;
	bpf_probe_read_kernel_str(&key.name, sizeof(key.name), BPF_CORE_READ(action, name));
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
