// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * statsnoop: the stat family of syscalls (statfs, stat, lstat, fstat,
 * fstatat, statx) with their results, written for bpfscope after
 * libbpf-tools' statsnoop. The entry keeps the arguments per thread; the
 * exit reads the path (the pointer is the caller's, still valid) and emits.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("statsnoop");

#define NAME_MAX 255
#define INVALID_FD (-1)

const volatile __u32 target_pid = 0;
const volatile bool trace_failed_only = false;

/* Numbered as libbpf-tools' enum sys_type (src/statsnoop.rs names them). */
enum sys_type {
	SYS_STATFS = 1,
	SYS_NEWSTAT,
	SYS_STATX,
	SYS_NEWFSTAT,
	SYS_NEWFSTATAT,
	SYS_NEWLSTAT,
};

struct value {
	const char *pathname;
	__s32 fd;
	__s32 dirfd;
	__u32 type;
};

/* Mirrored in src/statsnoop.rs. */
struct event {
	__u64 ts;
	__u32 pid;
	__u32 type;
	__s32 ret;
	__s32 fd;
	__s32 dirfd;
	char comm[TASK_COMM_LEN];
	char pathname[NAME_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct value);
} values SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int probe_entry(__u32 type, __s32 fd, __s32 dirfd,
				       const char *pathname)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct value v = {
		.pathname = pathname, .fd = fd, .dirfd = dirfd, .type = type,
	};

	if (target_pid && target_pid != (id >> 32))
		return 0;
	bpf_map_update_elem(&values, &tid, &v, BPF_ANY);
	return 0;
}

static __always_inline int probe_return(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct value *v;
	struct event *e;

	v = bpf_map_lookup_elem(&values, &tid);
	if (!v)
		return 0;
	if (trace_failed_only && ret >= 0)
		goto cleanup;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->type = v->type;
	e->ret = ret;
	e->fd = v->fd;
	e->dirfd = v->dirfd;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	e->pathname[0] = '\0';
	if (v->pathname)
		bpf_probe_read_user_str(e->pathname, sizeof(e->pathname), v->pathname);
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&values, &tid);
	return 0;
}

#define PATH_ARG(n) ((const char *)ctx->args[n])

SEC("tracepoint/syscalls/sys_enter_statfs")
int statfs_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry(SYS_STATFS, INVALID_FD, INVALID_FD, PATH_ARG(0));
}

SEC("tracepoint/syscalls/sys_enter_newstat")
int newstat_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry(SYS_NEWSTAT, INVALID_FD, INVALID_FD, PATH_ARG(0));
}

SEC("tracepoint/syscalls/sys_enter_statx")
int statx_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry(SYS_STATX, INVALID_FD, (__s32)ctx->args[0], PATH_ARG(1));
}

SEC("tracepoint/syscalls/sys_enter_newfstat")
int newfstat_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry(SYS_NEWFSTAT, (__s32)ctx->args[0], INVALID_FD, NULL);
}

SEC("tracepoint/syscalls/sys_enter_newfstatat")
int newfstatat_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry(SYS_NEWFSTATAT, INVALID_FD, (__s32)ctx->args[0], PATH_ARG(1));
}

SEC("tracepoint/syscalls/sys_enter_newlstat")
int newlstat_entry(struct trace_event_raw_sys_enter *ctx)
{
	return probe_entry(SYS_NEWLSTAT, INVALID_FD, INVALID_FD, PATH_ARG(0));
}

/* One exit program serves every entry: the pending value says which. */
#define EXIT(name)                                                            \
	SEC("tracepoint/syscalls/sys_exit_" #name)                            \
	int name##_return(struct trace_event_raw_sys_exit *ctx)               \
	{                                                                     \
		return probe_return(ctx->ret);                                \
	}

EXIT(statfs)
EXIT(newstat)
EXIT(statx)
EXIT(newfstat)
EXIT(newfstatat)
EXIT(newlstat)
