// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * syscount: system call counts (and with -L total latency) per syscall or
 * per process, written for bpfscope, on the raw_syscalls tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("syscount");
CGROUP_FILTER;

const volatile __u32 filter_pid = 0;
const volatile bool filter_failed = false;
const volatile __s32 filter_errno = 0;
const volatile bool measure_latency = false;
const volatile bool count_by_process = false;

/* Mirrored in src/syscount.rs. */
struct data {
	__u64 count;
	__u64 total_ns;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct data);
} data SEC(".maps");

static struct data zero_data;

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	if (CGROUP_SKIP())
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u64 ts;

	if (!measure_latency)
		return 0;
	if (filter_pid && filter_pid != (id >> 32))
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	if (CGROUP_SKIP())
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u64 *tsp, delta = 0;
	struct data *val;
	__u32 key;
	long ret = ctx->ret;

	if (filter_pid && filter_pid != (id >> 32))
		return 0;
	if (ctx->id < 0)
		return 0;
	if (measure_latency) {
		tsp = bpf_map_lookup_elem(&start, &tid);
		if (!tsp)
			return 0;
		delta = bpf_ktime_get_ns() - *tsp;
		bpf_map_delete_elem(&start, &tid);
	}
	if (filter_failed && ret >= 0)
		return 0;
	if (filter_errno && ret != -filter_errno)
		return 0;
	key = count_by_process ? (__u32)(id >> 32) : (__u32)ctx->id;
	val = bpf_map_lookup_elem(&data, &key);
	if (!val) {
		bpf_map_update_elem(&data, &key, &zero_data, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&data, &key);
		if (!val)
			return 0;
	}
	/* The comm as last seen: a child's first calls still carry its parent's. */
	if (count_by_process)
		bpf_get_current_comm(&val->comm, sizeof(val->comm));
	__sync_fetch_and_add(&val->count, 1);
	if (measure_latency)
		__sync_fetch_and_add(&val->total_ns, delta);
	return 0;
}
