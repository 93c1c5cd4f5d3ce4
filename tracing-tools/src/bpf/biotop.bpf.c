// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * biotop: block I/O per process, disk and direction, written for bpfscope
 * after libbpf-tools' biotop (same key and value). libbpf-tools times a
 * request from kprobe/blk_mq_start_request; here block_rq_issue, which
 * that function fires, does. block_io_start (submitter's context) notes
 * who asked, block_io_done adds the request up.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("biotop");

#define REQ_OP_BITS 8
#define REQ_OP_MASK ((1 << REQ_OP_BITS) - 1)

const volatile __u32 target_pid = 0;

struct start_req_t {
	__u64 ts;
	__u64 data_len;
};

struct who_t {
	__u32 pid;
	char name[TASK_COMM_LEN];
};

/* Key and value of `counts`: mirrored in src/biotop.rs. */
struct info_t {
	__u32 pid;
	int rwflag;
	int major;
	int minor;
	char name[TASK_COMM_LEN];
};

struct val_t {
	__u64 bytes;
	__u64 us;
	__u32 io;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, struct start_req_t);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, struct who_t);
} whobyreq SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct info_t);
	__type(value, struct val_t);
} counts SEC(".maps");

SEC("tp_btf/block_io_start")
int BPF_PROG(block_io_start, struct request *rq)
{
	struct who_t who = {};

	who.pid = bpf_get_current_pid_tgid() >> 32;
	if (target_pid && target_pid != who.pid)
		return 0;
	bpf_get_current_comm(&who.name, sizeof(who.name));
	bpf_map_update_elem(&whobyreq, &rq, &who, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	struct start_req_t s;

	/*
	 * Only requests block_io_start saw (and -p kept): those reach
	 * block_io_done, so `start` does not fill with flushes and
	 * passthrough requests that never do.
	 */
	if (!bpf_map_lookup_elem(&whobyreq, &rq))
		return 0;
	s.ts = bpf_ktime_get_ns();
	s.data_len = BPF_CORE_READ(rq, __data_len);
	bpf_map_update_elem(&start, &rq, &s, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_io_done")
int BPF_PROG(block_io_done, struct request *rq)
{
	struct val_t *valp, zero = {};
	struct info_t info = {};
	struct start_req_t *startp;
	struct gendisk *disk;
	struct who_t *whop;
	__u32 cmd_flags;

	startp = bpf_map_lookup_elem(&start, &rq);
	whop = bpf_map_lookup_elem(&whobyreq, &rq);
	/*
	 * Completion runs in whatever context finished the request, so -p
	 * was applied at submission; without both halves there is nothing
	 * to count (traced from the middle of a request).
	 */
	if (!startp || !whop)
		goto cleanup;
	cmd_flags = BPF_CORE_READ(rq, cmd_flags);
	disk = BPF_CORE_READ(rq, q, disk);
	info.major = BPF_CORE_READ(disk, major);
	info.minor = BPF_CORE_READ(disk, first_minor);
	info.rwflag = (cmd_flags & REQ_OP_MASK) == REQ_OP_WRITE;
	info.pid = whop->pid;
	__builtin_memcpy(info.name, whop->name, sizeof(info.name));
	valp = bpf_map_lookup_elem(&counts, &info);
	if (!valp) {
		bpf_map_update_elem(&counts, &info, &zero, BPF_NOEXIST);
		valp = bpf_map_lookup_elem(&counts, &info);
		if (!valp)
			goto cleanup;
	}
	__sync_fetch_and_add(&valp->us, (bpf_ktime_get_ns() - startp->ts) / 1000);
	__sync_fetch_and_add(&valp->bytes, startp->data_len);
	__sync_fetch_and_add(&valp->io, 1);
cleanup:
	bpf_map_delete_elem(&start, &rq);
	bpf_map_delete_elem(&whobyreq, &rq);
	return 0;
}
