// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * biosnoop: one event per block I/O with its latency, written for bpfscope.
 * The submitter's pid/comm is taken at block_io_start (or insert/issue if
 * that was missed); events go to a ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("biosnoop");
CGROUP_FILTER;

const volatile bool targ_queued = false;
const volatile bool filter_dev = false;
const volatile __u32 targ_dev = 0;

struct piddata {
	char comm[TASK_COMM_LEN];
	__u32 pid;
};

struct stage {
	__u64 insert;
	__u64 issue;
	__u64 sector;
	__u32 len;
	__u32 dev;
};

/* Mirrored by BiosnoopEvent in src/biosnoop.rs. */
struct event {
	__u64 ts;
	__u64 delta;
	__u64 qdelta;
	__u64 sector;
	__u32 len;
	__u32 pid;
	__u32 cmd_flags;
	__u32 dev;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, struct piddata);
} infobyreq SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, struct stage);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

static __always_inline __u32 rq_dev(struct request *rq)
{
	struct gendisk *disk = BPF_CORE_READ(rq, q, disk);

	if (!disk)
		return 0;
	return ((__u32)BPF_CORE_READ(disk, major) << 20) |
	       (__u32)BPF_CORE_READ(disk, first_minor);
}

static __always_inline void note_submitter(struct request *rq, bool replace)
{
	struct piddata pd = {};

	pd.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&pd.comm, sizeof(pd.comm));
	bpf_map_update_elem(&infobyreq, &rq, &pd,
			    replace ? BPF_ANY : BPF_NOEXIST);
}

static __always_inline int trace_rq_start(struct request *rq, bool insert)
{
	struct stage *stagep, stage = {};
	__u32 dev = rq_dev(rq);
	__u64 ts;

	if (filter_dev && dev != targ_dev)
		return 0;
	note_submitter(rq, false);
	ts = bpf_ktime_get_ns();
	stagep = bpf_map_lookup_elem(&start, &rq);
	if (!stagep) {
		stage.dev = dev;
		stagep = &stage;
	}
	if (insert)
		stagep->insert = ts;
	else
		stagep->issue = ts;
	if (stagep == &stage)
		bpf_map_update_elem(&start, &rq, stagep, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(block_io_start, struct request *rq)
{
	if (CGROUP_SKIP())
		return 0;
	note_submitter(rq, true);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(block_rq_insert, struct request *rq)
{
	if (CGROUP_SKIP())
		return 0;
	if (!targ_queued)
		return 0;
	return trace_rq_start(rq, true);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	if (CGROUP_SKIP())
		return 0;
	return trace_rq_start(rq, false);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error,
	     unsigned int nr_bytes)
{
	if (CGROUP_SKIP())
		return 0;
	struct piddata *piddatap;
	struct stage *stagep;
	struct event *e;
	__u64 ts = bpf_ktime_get_ns();

	stagep = bpf_map_lookup_elem(&start, &rq);
	if (!stagep)
		goto cleanup;
	if (!stagep->issue)
		goto cleanup;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->ts = ts;
	e->delta = ts - stagep->issue;
	e->qdelta = stagep->insert && stagep->insert <= stagep->issue ?
			    stagep->issue - stagep->insert :
			    0;
	e->sector = BPF_CORE_READ(rq, __sector);
	e->len = nr_bytes;
	e->cmd_flags = BPF_CORE_READ(rq, cmd_flags);
	e->dev = stagep->dev;
	piddatap = bpf_map_lookup_elem(&infobyreq, &rq);
	if (piddatap) {
		e->pid = piddatap->pid;
		__builtin_memcpy(e->comm, piddatap->comm, sizeof(e->comm));
	} else {
		e->pid = 0;
		__builtin_memset(e->comm, 0, sizeof(e->comm));
	}
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&start, &rq);
	bpf_map_delete_elem(&infobyreq, &rq);
	return 0;
}
