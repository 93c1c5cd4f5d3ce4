// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * runqslower: one event per run queue wait longer than min_us, written
 * for bpfscope on BTF-typed tracepoints: the wait starts at wakeup (or
 * when a runnable task is preempted) and ends when it is switched in.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("runqslower");

#define TASK_RUNNING 0

const volatile char targ_comm[TASK_COMM_LEN] = {};
const volatile bool filter_comm = false;
const volatile __u64 min_us = 10000;
const volatile __u32 targ_pid = 0;
const volatile __u32 targ_tgid = 0;

/* Mirrored in src/runqslower.rs (libbpf-tools' struct event, ts added). */
struct event {
	char task[TASK_COMM_LEN];
	char prev_task[TASK_COMM_LEN];
	__u64 delta_us;
	__u32 pid;
	__u32 prev_pid;
	__u64 ts;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

DROPS_MAP;

static __always_inline bool comm_allowed(const char *comm)
{
	for (int i = 0; i < TASK_COMM_LEN && targ_comm[i] != '\0'; i++)
		if (comm[i] != targ_comm[i])
			return false;
	return true;
}

static __always_inline void trace_enqueue(struct task_struct *t)
{
	__u32 tgid = BPF_CORE_READ(t, tgid), pid = BPF_CORE_READ(t, pid);
	char comm[TASK_COMM_LEN] = {};
	__u64 ts;

	if (!pid)
		return;
	if (targ_tgid && targ_tgid != tgid)
		return;
	if (targ_pid && targ_pid != pid)
		return;
	if (filter_comm) {
		BPF_CORE_READ_STR_INTO(&comm, t, comm);
		if (!comm_allowed(comm))
			return;
	}
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	trace_enqueue(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	trace_enqueue(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct event *e;
	__u64 *tsp, now, delta_us;
	__u32 pid;

	/* Preempted while runnable: waiting on the run queue from now. */
	if (BPF_CORE_READ(prev, __state) == TASK_RUNNING)
		trace_enqueue(prev);

	pid = BPF_CORE_READ(next, pid);
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp)
		return 0;
	now = bpf_ktime_get_ns();
	delta_us = (now - *tsp) / 1000;
	bpf_map_delete_elem(&start, &pid);
	if (min_us && delta_us <= min_us)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	BPF_CORE_READ_STR_INTO(&e->task, next, comm);
	BPF_CORE_READ_STR_INTO(&e->prev_task, prev, comm);
	e->delta_us = delta_us;
	e->pid = pid;
	e->prev_pid = BPF_CORE_READ(prev, pid);
	e->ts = now;
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
