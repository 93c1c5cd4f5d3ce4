// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * oomkill: OOM killer victims, written for bpfscope. oom:mark_victim fires
 * in the context of the task that ran the OOM killer (the trigger), with
 * the victim's pid; the victim's comm and memory come from its task.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("oomkill");

/* Mirrored in src/oomkill.rs. */
struct event {
	__u64 ts;
	__u32 tpid;	/* the task that triggered the OOM kill */
	__u32 kpid;	/* the victim */
	__u64 total_vm;	/* victim's total-vm, kB (as the tracepoint) */
	__u64 anon_rss;
	__u64 file_rss;
	__u64 shmem_rss;
	__u32 uid;
	__s16 oom_score_adj;
	__u16 pad;
	char tcomm[TASK_COMM_LEN];
	char kcomm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

DROPS_MAP;

SEC("tracepoint/oom/mark_victim")
int mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	struct event *e;
	unsigned short off;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	e->ts = bpf_ktime_get_ns();
	e->tpid = bpf_get_current_pid_tgid() >> 32;
	e->kpid = ctx->pid;
	e->total_vm = ctx->total_vm;
	e->anon_rss = ctx->anon_rss;
	e->file_rss = ctx->file_rss;
	e->shmem_rss = ctx->shmem_rss;
	e->uid = ctx->uid;
	e->oom_score_adj = ctx->oom_score_adj;
	e->pad = 0;
	bpf_get_current_comm(&e->tcomm, sizeof(e->tcomm));
	/* __data_loc: low 16 bits are the offset of the string in the record. */
	off = ctx->__data_loc_comm & 0xFFFF;
	bpf_probe_read_kernel_str(&e->kcomm, sizeof(e->kcomm), (void *)ctx + off);
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
