// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * execsnoop: one event per execve(2), with its arguments, written for
 * bpfscope. Arguments are gathered at syscall entry in a per-thread map
 * and sent with the return value at exit.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("execsnoop");
CGROUP_FILTER;

#define ARGSIZE 128
#define TOTAL_MAX_ARGS 60
#define FULL_MAX_ARGS_ARR (TOTAL_MAX_ARGS * ARGSIZE)
#define LAST_ARG (FULL_MAX_ARGS_ARR - ARGSIZE)
#define INVALID_UID ((__u32)-1)

const volatile bool ignore_failed = true;
const volatile __u32 targ_uid = INVALID_UID;
const volatile int max_args = 20;

/* Mirrored by ExecEvent in src/execsnoop.rs; only args_size bytes of args are sent. */
struct event {
	__u64 ts;
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__s32 retval;
	__s32 args_count;
	__u32 args_size;
	char comm[TASK_COMM_LEN];
	char args[FULL_MAX_ARGS_ARR];
};

static const struct event empty_event = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

SEC("tracepoint/syscalls/sys_enter_execve")
int sys_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	if (CGROUP_SKIP())
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u32 uid = (__u32)bpf_get_current_uid_gid();
	const char **args = (const char **)(ctx->args[1]);
	struct task_struct *task;
	struct event *e;
	const char *argp;
	int ret, i;

	if (targ_uid != INVALID_UID && targ_uid != uid)
		return 0;
	if (bpf_map_update_elem(&execs, &tid, &empty_event, BPF_NOEXIST))
		return 0;
	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	e->pid = id >> 32;
	e->uid = uid;
	task = (struct task_struct *)bpf_get_current_task();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->args_count = 0;
	e->args_size = 0;

	ret = bpf_probe_read_user_str(e->args, ARGSIZE,
				      (const char *)ctx->args[0]);
	if (ret < 0)
		return 0;
	if (ret <= ARGSIZE) {
		e->args_size += ret;
	} else {
		e->args[0] = '\0';
		e->args_size++;
	}
	e->args_count++;

#pragma unroll
	for (i = 1; i < TOTAL_MAX_ARGS && i < max_args; i++) {
		if (bpf_probe_read_user(&argp, sizeof(argp), &args[i]))
			return 0;
		if (!argp)
			return 0;
		if (e->args_size > LAST_ARG)
			return 0;
		ret = bpf_probe_read_user_str(&e->args[e->args_size], ARGSIZE,
					      argp);
		if (ret < 0)
			return 0;
		e->args_count++;
		e->args_size += ret;
	}
	/* One more non-NULL pointer means the list was cut: say so with count+1. */
	if (bpf_probe_read_user(&argp, sizeof(argp), &args[max_args]))
		return 0;
	if (argp)
		e->args_count++;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int sys_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	if (CGROUP_SKIP())
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *e;
	__u32 len;
	int ret;

	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	ret = ctx->ret;
	if (ignore_failed && ret < 0)
		goto cleanup;
	e->retval = ret;
	e->ts = bpf_ktime_get_ns();
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	len = offsetof(struct event, args) + e->args_size;
	if (len <= sizeof(*e) && bpf_ringbuf_output(&events, e, len, 0))
		count_drop(&drops);
	else if (len <= sizeof(*e))
		count_sent(&drops);
cleanup:
	bpf_map_delete_elem(&execs, &tid);
	return 0;
}
