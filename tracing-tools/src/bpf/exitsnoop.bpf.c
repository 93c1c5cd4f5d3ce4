// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * exitsnoop: process (or thread, -T) terminations, written for bpfscope on
 * sched:sched_process_exit, which runs in the exiting task: its exit_code
 * (signal in the low byte, exit status above) and start time are read
 * from its task_struct.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("exitsnoop");
CGROUP_FILTER;

const volatile __u32 target_pid = 0;
const volatile bool trace_failed_only = false;
const volatile bool trace_by_process = true;

/* Mirrored in src/exitsnoop.rs (libbpf-tools' struct event). */
struct event {
	__u64 start_time;
	__u64 exit_time;
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 sig;
	__s32 exit_code;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

DROPS_MAP;

SEC("tracepoint/sched/sched_process_exit")
int sched_process_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct task_struct *task;
	struct event *e;
	int exit_code;

	if (CGROUP_SKIP())
		return 0;
	if (target_pid && target_pid != pid)
		return 0;
	/* By process: only the thread group's last thread, the leader. */
	if (trace_by_process && pid != tid)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	exit_code = BPF_CORE_READ(task, exit_code);
	if (trace_failed_only && exit_code == 0)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	e->start_time = BPF_CORE_READ(task, start_time);
	e->exit_time = bpf_ktime_get_ns();
	e->pid = pid;
	e->tid = tid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->sig = exit_code & 0xff;
	e->exit_code = exit_code >> 8;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
