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
#include "stacks.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("profile");

const volatile __u32 targ_tgid = 0;
const volatile __u32 targ_tid = 0;
const volatile bool user_stacks_only = false;
const volatile bool kernel_stacks_only = false;
const volatile bool include_idle = false;

STACK_MAP(16384);
COUNTS_MAP(struct stack_key, 16384);

SEC("perf_event")
int do_perf_event(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct stack_key key = {};

	if (!include_idle && tid == 0)
		return 0;
	if (targ_tgid && targ_tgid != tgid)
		return 0;
	if (targ_tid && targ_tid != tid)
		return 0;
	key.pid = tgid;
	bpf_get_current_comm(&key.name, sizeof(key.name));
	take_stacks(&ctx->regs, &stackmap, &key, user_stacks_only,
		    kernel_stacks_only);
	add_count(&counts, &key, 1);
	return 0;
}
