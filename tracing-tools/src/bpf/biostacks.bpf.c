// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * biostacks: block I/O latency as a log2 histogram per initiating kernel
 * stack, process and disk, written for bpfscope after libbpf-tools'
 * biostacks. libbpf-tools hooks blk_account_io_start/done with fentry or
 * kprobes; the block_io_start/block_io_done tracepoints (Linux 6.5+) are
 * called there, so tp_btf programs see the same requests: the start in the
 * submitting task (its stack is the initiating stack), the end at
 * completion.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("biostacks");

#define MAX_STACK 20

const volatile bool targ_ms = false;
const volatile bool filter_dev = false;
const volatile __u32 targ_dev = 0;

/* The histogram key; mirrored in src/biostacks.rs. */
struct rqinfo {
	__u32 pid;
	__s32 kern_stack_size;	/* bytes of kern_stack filled, or -errno */
	__u64 kern_stack[MAX_STACK];
	char comm[TASK_COMM_LEN];
	__u32 dev;
	__u32 pad;
};

struct internal_rqinfo {
	__u64 start_ts;
	struct rqinfo rqinfo;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct internal_rqinfo);
} rqinfos SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct rqinfo);
	__type(value, struct hist);
} hists SEC(".maps");

/* Too big for the BPF stack beside the key: built in a per-CPU slot. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct internal_rqinfo);
} scratch SEC(".maps");

static struct hist zero_hist;

static __always_inline __u32 rq_dev(struct request *rq)
{
	struct gendisk *disk = BPF_CORE_READ(rq, q, disk);

	return disk ? ((__u32)BPF_CORE_READ(disk, major) << 20) |
			      (__u32)BPF_CORE_READ(disk, first_minor)
		    : 0;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(block_io_start, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct internal_rqinfo *i;
	__u32 zero = 0, dev;

	dev = rq_dev(rq);
	if (filter_dev && dev != targ_dev)
		return 0;
	i = bpf_map_lookup_elem(&scratch, &zero);
	if (!i)
		return 0;
	__builtin_memset(i, 0, sizeof(*i));
	i->start_ts = bpf_ktime_get_ns();
	i->rqinfo.pid = bpf_get_current_pid_tgid() >> 32;
	i->rqinfo.kern_stack_size = bpf_get_stack(ctx, i->rqinfo.kern_stack,
						  sizeof(i->rqinfo.kern_stack), 0);
	bpf_get_current_comm(&i->rqinfo.comm, sizeof(i->rqinfo.comm));
	i->rqinfo.dev = dev;
	bpf_map_update_elem(&rqinfos, &key, i, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_io_done")
int BPF_PROG(block_io_done, struct request *rq)
{
	__u64 key = (__u64)rq, ts = bpf_ktime_get_ns();
	struct internal_rqinfo *i;
	struct hist *h;
	__s64 delta;

	i = bpf_map_lookup_elem(&rqinfos, &key);
	if (!i)
		return 0;
	delta = (__s64)(ts - i->start_ts);
	if (delta < 0)
		goto cleanup;
	h = bpf_map_lookup_elem(&hists, &i->rqinfo);
	if (!h) {
		bpf_map_update_elem(&hists, &i->rqinfo, &zero_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &i->rqinfo);
		if (!h)
			goto cleanup;
	}
	hist_add(h, targ_ms ? delta / 1000000 : delta / 1000);
cleanup:
	bpf_map_delete_elem(&rqinfos, &key);
	return 0;
}
