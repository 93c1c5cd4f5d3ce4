// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * runqlen: run queue length sampled by a software cpu-clock perf event on
 * every CPU, written for bpfscope. The length is read from the current
 * task's CFS run queue (the rq's with -H), through CO-RE: 6.13 renamed
 * cfs_rq.nr_running to nr_queued, and either is found where it is.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("runqlen");

#define LINEAR_SLOTS 32

const volatile bool targ_per_cpu = false;
const volatile bool targ_host = false;

/* Mirrored in src/runqlen.rs: slot i counts samples of length i. */
struct runq_hist {
	__u64 slots[LINEAR_SLOTS];
};

/* Key: the CPU with -C, else u32::MAX. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct runq_hist);
} hists SEC(".maps");

/* cfs_rq before 6.13. */
struct cfs_rq___old {
	unsigned int nr_running;
} __attribute__((preserve_access_index));

static struct runq_hist zero;

static __always_inline __u64 cfs_queued(struct cfs_rq *cfs)
{
	if (bpf_core_field_exists(cfs->nr_queued))
		return BPF_CORE_READ(cfs, nr_queued);
	return BPF_CORE_READ((struct cfs_rq___old *)cfs, nr_running);
}

SEC("perf_event")
int do_sample(struct bpf_perf_event_data *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct cfs_rq *cfs = BPF_CORE_READ(task, se.cfs_rq);
	struct runq_hist *h;
	__u32 key = targ_per_cpu ? bpf_get_smp_processor_id() : (__u32)-1;
	__u64 len;

	len = targ_host ? BPF_CORE_READ(cfs, rq, nr_running) : cfs_queued(cfs);
	/* Not counting the running task: 0 is idle or one task alone. */
	if (len > 0)
		len--;
	if (len >= LINEAR_SLOTS)
		len = LINEAR_SLOTS - 1;
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bpf_map_update_elem(&hists, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h)
			return 0;
	}
	__sync_fetch_and_add(&h->slots[len], 1);
	return 0;
}
