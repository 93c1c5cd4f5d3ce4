/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Shared by hardirqs and softirqs (mirrored in src/irqs.rs): the time from
 * an interrupt's entry to its exit on this CPU, added up per key as a count,
 * a total and log2 slots, in microseconds or (-N, targ_ns) nanoseconds. Each
 * tool keeps its own `infos` map: the keys differ (handler name, vector).
 */
#ifndef BPFSCOPE_IRQS_H
#define BPFSCOPE_IRQS_H

const volatile bool targ_ns = false;

/* count, total time, then log2 slots of the time. */
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

static struct info zero_info;

/* At the entry tracepoint. */
static __always_inline void irq_start(void)
{
	__u32 zero = 0;
	__u64 *ts = bpf_map_lookup_elem(&start, &zero);

	if (ts)
		*ts = bpf_ktime_get_ns();
}

/* At the exit tracepoint: the time since irq_start(), if it ran on this CPU. */
static __always_inline bool irq_elapsed(__u64 *delta)
{
	__u32 zero = 0;
	__u64 *ts = bpf_map_lookup_elem(&start, &zero);

	if (!ts || !*ts)
		return false;
	*delta = bpf_ktime_get_ns() - *ts;
	*ts = 0;
	if (!targ_ns)
		*delta /= 1000;
	return true;
}

/* Adds one interrupt of `delta` to `key` of `infos`. */
static __always_inline void irq_add(void *infos, const void *key, __u64 delta)
{
	struct info *info;
	__u64 slot;

	info = bpf_map_lookup_elem(infos, key);
	if (!info) {
		bpf_map_update_elem(infos, key, &zero_info, BPF_NOEXIST);
		info = bpf_map_lookup_elem(infos, key);
		if (!info)
			return;
	}
	__sync_fetch_and_add(&info->count, 1);
	__sync_fetch_and_add(&info->total, delta);
	slot = log2l(delta);
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&info->slots[slot], 1);
}

#endif
