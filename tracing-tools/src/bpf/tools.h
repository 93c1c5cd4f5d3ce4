/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Shared by every bpfscope tool object: histogram layout, log2 slotting,
 * the metadata variables bpftool's `prog show` prints, and the event
 * drop counter. The layouts here are mirrored in tracing-tools/src/ (Rust).
 */
#ifndef BPFSCOPE_TOOLS_H
#define BPFSCOPE_TOOLS_H

#define MAX_SLOTS 27
#define TASK_COMM_LEN 16
#define METADATA_ARGS_LEN 256

/* Histogram value: log2 slots, and the comm for per-process keys. */
struct hist {
	__u64 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

/*
 * bpftool and bpfscope print `metadata:` lines for read-only variables
 * named bpf_metadata_*. tool and version are fixed at build time; args
 * is written by bpfscope before load, so a pin tells how it was loaded
 * and `tool report` can re-read the options after a restart.
 */
#define TOOL_METADATA(name)                                                   \
	volatile const char bpf_metadata_tool[] SEC(".rodata") = name;        \
	volatile const char bpf_metadata_version[] SEC(".rodata") =           \
		TOOLS_VERSION;                                                \
	volatile const char bpf_metadata_args[METADATA_ARGS_LEN]              \
		SEC(".rodata") = {}

/*
 * -c CGROUP_PATH (libbpf-tools' --cgroup): only tasks under that cgroup v2
 * directory. bpfscope puts the directory's fd at index 0 of cgroup_map
 * after load; filter_cg is set before load.
 */
#define CGROUP_FILTER                                                         \
	const volatile bool filter_cg = false;                                \
	struct {                                                              \
		__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);                      \
		__uint(key_size, sizeof(__u32));                              \
		__uint(value_size, sizeof(__u32));                            \
		__uint(max_entries, 1);                                       \
	} cgroup_map SEC(".maps")

/* Whether -c excludes the current task. */
#define CGROUP_SKIP() (filter_cg && !bpf_current_task_under_cgroup(&cgroup_map, 0))

/*
 * Event counters of the event tools, per CPU: [0] events that could not be
 * handed to user space (ring buffer full), [1] events handed over. `tool
 * report` and `tool list` print both.
 */
#define DROPS_MAP                                                             \
	struct {                                                              \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                      \
		__uint(max_entries, 2);                                       \
		__type(key, __u32);                                           \
		__type(value, __u64);                                         \
	} drops SEC(".maps")

static __always_inline void count_at(void *drops_map, __u32 idx)
{
	__u64 *cnt = bpf_map_lookup_elem(drops_map, &idx);

	if (cnt)
		*cnt += 1;
}

static __always_inline void count_drop(void *drops_map)
{
	count_at(drops_map, 0);
}

static __always_inline void count_sent(void *drops_map)
{
	count_at(drops_map, 1);
}

static __always_inline __u64 log2_u32(__u32 v)
{
	__u32 shift, r;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

/* floor(log2(v)); 0 and 1 both land in slot 0. */
static __always_inline __u64 log2l(__u64 v)
{
	__u32 hi = v >> 32;

	if (hi)
		return log2_u32(hi) + 32;
	return log2_u32(v);
}

static __always_inline void hist_add(struct hist *h, __u64 value)
{
	__u64 slot = log2l(value);

	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
}

#endif
