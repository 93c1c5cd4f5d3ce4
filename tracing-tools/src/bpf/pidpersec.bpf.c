// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pidpersec: new processes (and threads: every fork) counted, written for
 * bpfscope on sched:sched_process_fork (bcc's kprobe on sched_fork).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("pidpersec");

/* One key (0): forks since the last interval report cleared it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

SEC("tracepoint/sched/sched_process_fork")
int sched_process_fork(void *ctx)
{
	__u32 key = 0;
	__u64 one = 1, *cnt;

	cnt = bpf_map_lookup_elem(&stats, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else if (bpf_map_update_elem(&stats, &key, &one, BPF_NOEXIST))
		/* Another CPU made it first: count there. */
		if ((cnt = bpf_map_lookup_elem(&stats, &key)))
			__sync_fetch_and_add(cnt, 1);
	return 0;
}
