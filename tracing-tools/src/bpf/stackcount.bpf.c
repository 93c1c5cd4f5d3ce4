// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stackcount: events counted per stack (BCC's stackcount), written for
 * bpfscope: each command-line target runs one of the two programs, which
 * take the kernel and user stack ids and count the key.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tools.h"
#include "generic.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("stackcount");

#define PERF_MAX_STACK_DEPTH 127
#define STACK_FLAGS_USER (1ULL << 8) /* BPF_F_USER_STACK */

const volatile bool user_stacks_only = false;
const volatile bool kernel_stacks_only = false;

/* Mirrored in src/stacks.rs (shared with profile and offcputime). */
struct stack_key {
	__u32 pid;
	__s32 user_stack_id;
	__s32 kern_stack_id;
	char name[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64));
	__uint(max_entries, 16384);
} stackmap SEC(".maps");

/* Events per stack key. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct stack_key);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int count(void *ctx)
{
	struct stack_key key = {};
	__u64 zero = 0, *cnt;

	if (skip_event())
		return 0;
	key.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&key.name, sizeof(key.name));
	key.user_stack_id = kernel_stacks_only ? -1 :
		bpf_get_stackid(ctx, &stackmap, STACK_FLAGS_USER);
	key.kern_stack_id = user_stacks_only ? -1 : bpf_get_stackid(ctx, &stackmap, 0);
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
