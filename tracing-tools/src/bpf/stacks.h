/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Shared by the stack tools (profile, stackcount, offcputime, offwaketime,
 * wakeuptime): the keys their counts map is keyed by, mirrored in
 * tracing-tools/src/stacks.rs (StackKey), the stack map, and taking the
 * current task's stacks.
 */
#ifndef BPFSCOPE_STACKS_H
#define BPFSCOPE_STACKS_H

#define PERF_MAX_STACK_DEPTH 127
#define STACK_FLAGS_USER (1ULL << 8) /* BPF_F_USER_STACK */

/* A task and its stacks: an id in stackmap, or negative (-1: not taken). */
struct stack_key {
	__u32 pid;
	__s32 user_stack_id;
	__s32 kern_stack_id;
	char name[TASK_COMM_LEN];
};

/* wakeuptime's and offwaketime's key: the blocked task, then its waker. */
struct wake_key {
	struct stack_key target;
	struct stack_key waker;
};

/* The stack map; bpfscope resizes it before load (--perf-max-stack-depth,
 * --stack-storage-size). */
#define STACK_MAP(entries)                                                    \
	struct {                                                              \
		__uint(type, BPF_MAP_TYPE_STACK_TRACE);                       \
		__uint(key_size, sizeof(__u32));                              \
		__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64));     \
		__uint(max_entries, entries);                                 \
	} stackmap SEC(".maps")

/* The map a report reads: a total (samples, events, µs) per key. */
#define COUNTS_MAP(key_type, entries)                                         \
	struct {                                                              \
		__uint(type, BPF_MAP_TYPE_HASH);                              \
		__uint(max_entries, entries);                                 \
		__type(key, key_type);                                        \
		__type(value, __u64);                                         \
	} counts SEC(".maps")

/* The current task's stack ids into k; a side not wanted (-U, -K) is -1. */
static __always_inline void take_stacks(void *ctx, void *stackmap,
					struct stack_key *k, bool user_only,
					bool kernel_only)
{
	k->user_stack_id = kernel_only ? -1 :
		bpf_get_stackid(ctx, stackmap, STACK_FLAGS_USER);
	k->kern_stack_id = user_only ? -1 : bpf_get_stackid(ctx, stackmap, 0);
}

/* Adds delta to key's total in a counts map (the first add creates it). */
static __always_inline void add_count(void *counts, void *key, __u64 delta)
{
	__u64 *total = bpf_map_lookup_elem(counts, key);

	if (total)
		__sync_fetch_and_add(total, delta);
	else
		bpf_map_update_elem(counts, key, &delta, BPF_NOEXIST);
}

#endif
