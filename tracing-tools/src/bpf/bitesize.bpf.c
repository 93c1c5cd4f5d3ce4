// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bitesize: block I/O sizes as a log2 histogram (Kbytes) per process
 * name, written for bpfscope. The issuing task is current at
 * block_rq_issue for I/O submitted synchronously (direct I/O, most reads).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("bitesize");

const volatile char targ_comm[TASK_COMM_LEN] = {};
const volatile bool filter_dev = false;
const volatile __u32 targ_dev = 0;

struct hist_key {
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static struct hist zero_hist;

static __always_inline bool comm_wanted(const char *comm)
{
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (targ_comm[i] != comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	struct hist_key key = {};
	struct hist *h;
	__u64 kbytes;

	if (filter_dev) {
		struct gendisk *disk = BPF_CORE_READ(rq, q, disk);
		__u32 dev = disk ? ((__u32)BPF_CORE_READ(disk, major) << 20) |
					   (__u32)BPF_CORE_READ(disk, first_minor)
				 : 0;

		if (dev != targ_dev)
			return 0;
	}
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	if (targ_comm[0] && !comm_wanted(key.comm))
		return 0;
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bpf_map_update_elem(&hists, &key, &zero_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h)
			return 0;
	}
	kbytes = BPF_CORE_READ(rq, __data_len) / 1024;
	hist_add(h, kbytes);
	return 0;
}
