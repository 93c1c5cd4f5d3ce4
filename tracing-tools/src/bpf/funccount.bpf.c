// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * funccount: counts per command-line target (BCC's funccount), written for
 * bpfscope. One tracepoint program and one kprobe-type program (uprobes,
 * kprobes), each attached to every target of its kind.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tools.h"
#include "generic.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("funccount");

/* Target index -> count. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TARGETS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int count(void *ctx)
{
	__u32 idx = target_index(ctx);
	__u64 zero = 0, *cnt;

	if (skip_event())
		return 0;
	cnt = bpf_map_lookup_elem(&counts, &idx);
	if (!cnt) {
		/* Of two CPUs inserting at once, one fails: both then add. */
		bpf_map_update_elem(&counts, &idx, &zero, BPF_NOEXIST);
		cnt = bpf_map_lookup_elem(&counts, &idx);
		if (!cnt)
			return 0;
	}
	__sync_fetch_and_add(cnt, 1);
	return 0;
}

SEC("tracepoint")
int funccount_tp(void *ctx)
{
	return count(ctx);
}

SEC("kprobe")
int funccount_probe(struct pt_regs *ctx)
{
	return count(ctx);
}
