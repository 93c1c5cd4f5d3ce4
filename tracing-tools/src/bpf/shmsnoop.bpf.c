// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * shmsnoop: System V shared memory calls (shmget, shmat, shmdt, shmctl)
 * with their arguments and results, written for bpfscope after bcc's
 * shmsnoop (which uses kprobes; these are syscall tracepoints).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("shmsnoop");

const volatile __u32 targ_pid = 0;
const volatile __u32 targ_tid = 0;	/* -t: wins over -p, as in bcc */

/* Numbered as bcc's (src/shmsnoop.rs names them). */
enum { SYS_SHMGET, SYS_SHMAT, SYS_SHMDT, SYS_SHMCTL };

/* Mirrored in src/shmsnoop.rs; bcc's struct val_t. */
struct event {
	__u64 ts;
	__u32 pid;
	__u32 tid;
	__u32 sys;
	__u32 pad;
	__u64 key;
	__u64 size;
	__u64 shmflg;
	__u64 shmid;
	__u64 cmd;
	__u64 buf;
	__u64 shmaddr;
	__s64 ret;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} infotmp SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int enter(struct event *v)
{
	__u64 id = bpf_get_current_pid_tgid();

	v->pid = id >> 32;
	v->tid = (__u32)id;
	if (targ_tid ? v->tid != targ_tid : targ_pid && v->pid != targ_pid)
		return 0;
	bpf_map_update_elem(&infotmp, &v->tid, v, BPF_ANY);
	return 0;
}

static __always_inline int shm_return(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *v, *e;

	v = bpf_map_lookup_elem(&infotmp, &tid);
	if (!v)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	__builtin_memcpy(e, v, sizeof(*e));
	e->ts = bpf_ktime_get_ns();
	e->ret = ret;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&infotmp, &tid);
	return 0;
}

#define EXIT(name)                                                            \
	SEC("tracepoint/syscalls/sys_exit_" #name)                            \
	int name##_return(struct trace_event_raw_sys_exit *ctx)               \
	{                                                                     \
		return shm_return(ctx->ret);                                  \
	}

EXIT(shmget)
EXIT(shmat)
EXIT(shmdt)
EXIT(shmctl)

/* Each call's own arguments only: a program reading past a tracepoint's
 * record cannot attach to it. */
SEC("tracepoint/syscalls/sys_enter_shmget")
int shmget_entry(struct trace_event_raw_sys_enter *ctx)
{
	struct event v = { .sys = SYS_SHMGET };

	v.key = ctx->args[0];
	v.size = ctx->args[1];
	v.shmflg = ctx->args[2];
	return enter(&v);
}

SEC("tracepoint/syscalls/sys_enter_shmat")
int shmat_entry(struct trace_event_raw_sys_enter *ctx)
{
	struct event v = { .sys = SYS_SHMAT };

	v.shmid = ctx->args[0];
	v.shmaddr = ctx->args[1];
	v.shmflg = ctx->args[2];
	return enter(&v);
}

SEC("tracepoint/syscalls/sys_enter_shmdt")
int shmdt_entry(struct trace_event_raw_sys_enter *ctx)
{
	struct event v = { .sys = SYS_SHMDT };

	v.shmaddr = ctx->args[0];
	return enter(&v);
}

SEC("tracepoint/syscalls/sys_enter_shmctl")
int shmctl_entry(struct trace_event_raw_sys_enter *ctx)
{
	struct event v = { .sys = SYS_SHMCTL };

	v.shmid = ctx->args[0];
	v.cmd = ctx->args[1];
	v.buf = ctx->args[2];
	return enter(&v);
}
