// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stackcount: events counted per stack (BCC's stackcount), written for
 * bpfscope: each command-line target runs one of the two programs, which
 * take the kernel and user stack ids and count the key.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tools.h"
#include "stacks.h"
#include "generic.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("stackcount");

const volatile bool user_stacks_only = false;
const volatile bool kernel_stacks_only = false;

STACK_MAP(16384);

/* Events per stack key. */
COUNTS_MAP(struct stack_key, 16384);

static __always_inline int count(void *ctx)
{
	struct stack_key key = {};
	__u64 zero = 0, *cnt;

	if (skip_event())
		return 0;
	key.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&key.name, sizeof(key.name));
	take_stacks(ctx, &stackmap, &key, user_stacks_only, kernel_stacks_only);
	cnt = bpf_map_lookup_elem(&counts, &key);
	if (!cnt) {
		bpf_map_update_elem(&counts, &key, &zero, BPF_NOEXIST);
		cnt = bpf_map_lookup_elem(&counts, &key);
		if (!cnt)
			return 0;
	}
	__sync_fetch_and_add(cnt, 1);
	return 0;
}

SEC("tracepoint")
int stackcount_tp(void *ctx)
{
	return count(ctx);
}

SEC("kprobe")
int stackcount_probe(struct pt_regs *ctx)
{
	return count(ctx);
}
