// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * profile: CPU samples with kernel and user stacks, written for bpfscope.
 * One perf_event (software cpu-clock at -F Hz) per CPU runs this program;
 * each sample counts one (process, user stack, kernel stack). User space
 * symbolizes the stack ids from the stack map.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("profile");

#define PERF_MAX_STACK_DEPTH 127
#define STACK_FLAGS_USER (1ULL << 8) /* BPF_F_USER_STACK */

const volatile __u32 targ_tgid = 0;
const volatile __u32 targ_tid = 0;
const volatile bool user_stacks_only = false;
const volatile bool kernel_stacks_only = false;
const volatile bool include_idle = false;

/* Mirrored in src/stacks.rs (shared with offcputime). */
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

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct stack_key);
	__type(value, __u64);
} counts SEC(".maps");

SEC("perf_event")
int do_perf_event(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct stack_key key = {};
	__u64 one = 1, *cnt;

	if (!include_idle && tid == 0)
		return 0;
	if (targ_tgid && targ_tgid != tgid)
		return 0;
	if (targ_tid && targ_tid != tid)
		return 0;
	key.pid = tgid;
	bpf_get_current_comm(&key.name, sizeof(key.name));
	key.user_stack_id = kernel_stacks_only ? -1 :
		bpf_get_stackid(&ctx->regs, &stackmap, STACK_FLAGS_USER);
	key.kern_stack_id = user_stacks_only ? -1 :
		bpf_get_stackid(&ctx->regs, &stackmap, 0);
	cnt = bpf_map_lookup_elem(&counts, &key);
	if (cnt) {
		__sync_fetch_and_add(cnt, 1);
		return 0;
	}
	bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 0;
}
