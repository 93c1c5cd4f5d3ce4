// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * killsnoop: signals sent by kill(2), tkill(2) and tgkill(2), written for
 * bpfscope. The syscall entry records target and signal per thread; the
 * exit emits one event with the result.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"
#include "signal.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("killsnoop");

const volatile __u32 targ_tgid = 0;
const volatile bool failed_only = false;
const volatile __s32 targ_sig = 0;
const volatile bool kill_only = false;	/* -k: kill(2) only */

struct pending {
	__s32 tpid;
	__s32 sig;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct pending);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int enter(__s32 tpid, __s32 sig)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct pending p = { .tpid = tpid, .sig = sig };

	if (targ_tgid && targ_tgid != (id >> 32))
		return 0;
	if (targ_sig && sig != targ_sig)
		return 0;
	bpf_map_update_elem(&start, &tid, &p, BPF_ANY);
	return 0;
}

static __always_inline int exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct pending *p;
	struct event *e;

	p = bpf_map_lookup_elem(&start, &tid);
	if (!p)
		return 0;
	if (failed_only && ret >= 0)
		goto cleanup;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tpid = p->tpid;
	e->sig = p->sig;
	e->ret = ret;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int sys_enter_kill(struct trace_event_raw_sys_enter *ctx)
{
	return enter((__s32)ctx->args[0], (__s32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_kill")
int sys_exit_kill(struct trace_event_raw_sys_exit *ctx)
{
	return exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_tkill")
int sys_enter_tkill(struct trace_event_raw_sys_enter *ctx)
{
	if (kill_only)
		return 0;
	return enter((__s32)ctx->args[0], (__s32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int sys_exit_tkill(struct trace_event_raw_sys_exit *ctx)
{
	return exit(ctx->ret);
}

/* tgkill(tgid, tid, sig): the target shown is the thread. */
SEC("tracepoint/syscalls/sys_enter_tgkill")
int sys_enter_tgkill(struct trace_event_raw_sys_enter *ctx)
{
	if (kill_only)
		return 0;
	return enter((__s32)ctx->args[1], (__s32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int sys_exit_tgkill(struct trace_event_raw_sys_exit *ctx)
{
	return exit(ctx->ret);
}
