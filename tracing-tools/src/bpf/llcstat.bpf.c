// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * llcstat: last-level cache references and misses per CPU and process (or
 * thread, -t), written for bpfscope after libbpf-tools' llcstat. Each
 * program runs on a hardware event's overflow, every sample_period events,
 * and counts that many for the task on the CPU.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("llcstat");

const volatile bool targ_per_thread = false;

/* Mirrored in src/llcstat.rs. */
struct key_info {
	__u32 cpu;
	__u32 pid;
	__u32 tid;	/* = pid without -t */
};

struct value_info {
	__u64 ref;
	__u64 miss;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct key_info);
	__type(value, struct value_info);
} infos SEC(".maps");

static __always_inline int count(struct bpf_perf_event_data *ctx, bool miss)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct key_info key = {};
	struct value_info *v, zero = {};

	key.cpu = bpf_get_smp_processor_id();
	key.pid = id >> 32;
	key.tid = targ_per_thread ? (__u32)id : key.pid;
	v = bpf_map_lookup_elem(&infos, &key);
	if (!v) {
		bpf_get_current_comm(&zero.comm, sizeof(zero.comm));
		bpf_map_update_elem(&infos, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&infos, &key);
		if (!v)
			return 0;
	}
	if (miss)
		__sync_fetch_and_add(&v->miss, ctx->sample_period);
	else
		__sync_fetch_and_add(&v->ref, ctx->sample_period);
	return 0;
}

SEC("perf_event")
int on_cache_miss(struct bpf_perf_event_data *ctx)
{
	return count(ctx, true);
}

SEC("perf_event")
int on_cache_ref(struct bpf_perf_event_data *ctx)
{
	return count(ctx, false);
}
