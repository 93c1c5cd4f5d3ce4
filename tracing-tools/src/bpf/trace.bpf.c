// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * trace: one event per hit of a command-line probe that passes its filter,
 * with up to six values (BCC's trace), written for bpfscope. The format
 * string is applied in user space.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tools.h"
#include "generic.h"
#include "generic_args.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("trace");
DROPS_MAP;

/* Mirrored in src/trace.rs. */
struct event {
	__u64 ts;
	__u32 pid;
	__u32 tid;
	__u32 probe;
	__u32 cpu;
	char comm[TASK_COMM_LEN];
	__u64 vals[MAX_ARGS];
	char strs[MAX_ARGS][STR_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline int emit(void *ctx, bool tp)
{
	int p = probe_index(ctx);
	struct event *e;
	__u64 id;

	if (p < 0 || skip_event() || !filter_passes(ctx, tp, p))
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->probe = p;
	e->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
#pragma unroll
	for (int i = 0; i < MAX_ARGS; i++) {
		const volatile struct arg_spec *a = &probes[p & (MAX_PROBES - 1)].args[i];

		e->strs[i][0] = 0;
		if (is_str(a->kind))
			str_value(ctx, tp, a, e->strs[i]);
		e->vals[i] = int_value(ctx, tp, a);
	}
	bpf_ringbuf_submit(e, 0);
	count_sent(&drops);
	return 0;
}

SEC("tracepoint")
int trace_tp(void *ctx)
{
	return emit(ctx, true);
}

SEC("kprobe")
int trace_probe(struct pt_regs *ctx)
{
	return emit(ctx, false);
}
