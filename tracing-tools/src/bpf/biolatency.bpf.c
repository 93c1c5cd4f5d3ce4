// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * biolatency: block I/O latency as a log2 histogram, written for bpfscope.
 * Issue (or insert, with -Q) to completion, via BTF-typed tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("biolatency");
CGROUP_FILTER;

const volatile bool targ_per_disk = false;
const volatile bool targ_per_flag = false;
const volatile bool targ_queued = false;
const volatile bool targ_ms = false;
const volatile bool filter_dev = false;
const volatile __u32 targ_dev = 0;

struct hist_key {
	__u32 dev;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static struct hist zero_hist;

/* dev_t as the kernel builds it (MKDEV): major << 20 | minor. */
static __always_inline __u32 rq_dev(struct request *rq)
{
	struct gendisk *disk = BPF_CORE_READ(rq, q, disk);

	if (!disk)
		return 0;
	return ((__u32)BPF_CORE_READ(disk, major) << 20) |
	       (__u32)BPF_CORE_READ(disk, first_minor);
}

static __always_inline int trace_rq_start(struct request *rq)
{
	__u64 ts;

	if (filter_dev && rq_dev(rq) != targ_dev)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &rq, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(block_rq_insert, struct request *rq)
{
	if (CGROUP_SKIP())
		return 0;
	if (!targ_queued)
		return 0;
	return trace_rq_start(rq);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	if (CGROUP_SKIP())
		return 0;
	/* With -Q, requests that went through an elevator were timed at insert. */
	if (targ_queued && BPF_CORE_READ(rq, q, elevator))
		return 0;
	return trace_rq_start(rq);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq)
{
	if (CGROUP_SKIP())
		return 0;
	struct hist_key key = {};
	struct hist *h;
	__u64 *tsp;
	__s64 delta;

	tsp = bpf_map_lookup_elem(&start, &rq);
	if (!tsp)
		return 0;
	delta = (__s64)(bpf_ktime_get_ns() - *tsp);
	if (delta < 0)
		goto cleanup;
	if (targ_per_disk)
		key.dev = rq_dev(rq);
	if (targ_per_flag)
		key.flags = BPF_CORE_READ(rq, cmd_flags);
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bpf_map_update_elem(&hists, &key, &zero_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h)
			goto cleanup;
	}
	delta /= targ_ms ? 1000000 : 1000;
	hist_add(h, delta);
cleanup:
	bpf_map_delete_elem(&start, &rq);
	return 0;
}
