// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sigsnoop: signals as they are generated (signal/signal_generate), or with
 * -k the kill(2), tkill(2) and tgkill(2) syscalls and their results, written
 * for bpfscope after libbpf-tools' sigsnoop.
 *
 * Every program is attached whatever -k says (a tool's program set is
 * fixed); kill_only makes one set or the other return at once.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"
#include "signal.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("sigsnoop");

const volatile __u32 filtered_pid = 0;
/* Bit (sig - 1) set for each signal -s names; 0: every signal. */
const volatile __u64 target_signals = 0;
const volatile bool failed_only = false;
const volatile bool kill_only = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} values SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

DROPS_MAP;

static __always_inline bool is_target_signal(int sig)
{
	if (!target_signals)
		return true;
	if (sig < 1 || sig > 64)
		return false;
	return target_signals & (1ULL << (sig - 1));
}

/* Whether the current process passes -p; *pid is its tgid. */
static __always_inline bool is_target_pid(__u32 *pid)
{
	*pid = bpf_get_current_pid_tgid() >> 32;
	return !filtered_pid || *pid == filtered_pid;
}

static __always_inline void emit(struct event *src)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_drop(&drops);
		return;
	}
	__builtin_memcpy(e, src, sizeof(*e));
	e->ts = bpf_ktime_get_ns();
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int kill_entry(__s32 tpid, __s32 sig)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event e = {};

	if (!kill_only || !is_target_signal(sig) || !is_target_pid(&e.pid))
		return 0;
	e.tpid = tpid;
	e.sig = sig;
	bpf_get_current_comm(&e.comm, sizeof(e.comm));
	bpf_map_update_elem(&values, &tid, &e, BPF_ANY);
	return 0;
}

static __always_inline int kill_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *e;

	if (!kill_only)
		return 0;
	e = bpf_map_lookup_elem(&values, &tid);
	if (!e)
		return 0;
	if (!failed_only || ret < 0) {
		e->ret = ret;
		emit(e);
	}
	bpf_map_delete_elem(&values, &tid);
	return 0;
}

SEC("tracepoint/signal/signal_generate")
int sig_trace(struct trace_event_raw_signal_generate *ctx)
{
	struct event e = {};

	if (kill_only)
		return 0;
	if (failed_only && ctx->errno == 0)
		return 0;
	if (!is_target_signal(ctx->sig) || !is_target_pid(&e.pid))
		return 0;
	e.tpid = ctx->pid;
	e.sig = ctx->sig;
	e.ret = ctx->errno;
	bpf_get_current_comm(&e.comm, sizeof(e.comm));
	emit(&e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int kill_enter(struct trace_event_raw_sys_enter *ctx)
{
	return kill_entry((__s32)ctx->args[0], (__s32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_kill")
int kill_return(struct trace_event_raw_sys_exit *ctx)
{
	return kill_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_tkill")
int tkill_enter(struct trace_event_raw_sys_enter *ctx)
{
	return kill_entry((__s32)ctx->args[0], (__s32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int tkill_return(struct trace_event_raw_sys_exit *ctx)
{
	return kill_exit(ctx->ret);
}

/* tgkill(tgid, tid, sig): the target shown is the thread. */
SEC("tracepoint/syscalls/sys_enter_tgkill")
int tgkill_enter(struct trace_event_raw_sys_enter *ctx)
{
	return kill_entry((__s32)ctx->args[1], (__s32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int tgkill_return(struct trace_event_raw_sys_exit *ctx)
{
	return kill_exit(ctx->ret);
}
