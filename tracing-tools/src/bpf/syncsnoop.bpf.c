// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * syncsnoop: calls of sync(2) and its relatives (fsync, fdatasync, msync,
 * sync_file_range, syncfs) as they enter, written for bpfscope after
 * bcc's syncsnoop (which uses kprobes; these are syscall tracepoints).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("syncsnoop");

/* Numbered as bcc's enum sync_syscalls (src/syncsnoop.rs names them). */
enum sync_syscalls {
	SYS_SYNC = 1,
	SYS_FSYNC,
	SYS_FDATASYNC,
	SYS_MSYNC,
	SYS_SYNC_FILE_RANGE,
	SYS_SYNCFS,
};

/* Mirrored in src/syncsnoop.rs. */
struct event {
	__u64 ts;
	__u32 pid;
	__u32 tid;
	__u32 sys;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int emit(__u32 sys)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_drop(&drops);
		return 0;
	}
	e->ts = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();

	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->sys = sys;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

#define ENTER(name, sys)                                                      \
	SEC("tracepoint/syscalls/sys_enter_" #name)                           \
	int name##_entry(struct trace_event_raw_sys_enter *ctx)               \
	{                                                                     \
		return emit(sys);                                             \
	}

ENTER(sync, SYS_SYNC)
ENTER(fsync, SYS_FSYNC)
ENTER(fdatasync, SYS_FDATASYNC)
ENTER(msync, SYS_MSYNC)
ENTER(sync_file_range, SYS_SYNC_FILE_RANGE)
ENTER(syncfs, SYS_SYNCFS)
