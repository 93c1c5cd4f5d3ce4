// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * opensnoop: one event per openat(2)/openat2(2), written for bpfscope.
 * pid/tid/uid filters run here; name and flag filters run in bpfscope.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("opensnoop");
CGROUP_FILTER;

#define NAME_MAX 255
#define INVALID_UID ((__u32)-1)

const volatile __u32 targ_tgid = 0;
const volatile __u32 targ_pid = 0;
const volatile __u32 targ_uid = INVALID_UID;
const volatile bool targ_failed = false;

struct args_t {
	const char *fname;
	__u64 flags;
	__u32 mode;
};

/* Mirrored by OpenEvent in src/opensnoop.rs. */
struct event {
	__u64 ts;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;
	__u64 flags;
	__u32 mode;
	char comm[TASK_COMM_LEN];
	char fname[NAME_MAX + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct args_t);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} events SEC(".maps");

DROPS_MAP;

static __always_inline bool trace_allowed(__u32 tgid, __u32 pid)
{
	if (targ_tgid && targ_tgid != tgid)
		return false;
	if (targ_pid && targ_pid != pid)
		return false;
	if (targ_uid != INVALID_UID &&
	    targ_uid != (__u32)bpf_get_current_uid_gid())
		return false;
	return true;
}

static __always_inline int enter(const char *fname, __u64 flags, __u32 mode)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, pid = (__u32)id;
	struct args_t args = {};

	if (!trace_allowed(tgid, pid))
		return 0;
	args.fname = fname;
	args.flags = flags;
	args.mode = mode;
	bpf_map_update_elem(&start, &pid, &args, BPF_ANY);
	return 0;
}

static __always_inline int exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = (__u32)id;
	struct args_t *ap;
	struct event *e;

	ap = bpf_map_lookup_elem(&start, &pid);
	if (!ap)
		return 0;
	if (targ_failed && ret >= 0)
		goto cleanup;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = pid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ret = ret;
	e->flags = ap->flags;
	e->mode = ap->mode;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	if (bpf_probe_read_user_str(e->fname, sizeof(e->fname), ap->fname) < 0)
		e->fname[0] = '\0';
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&start, &pid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int sys_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	if (CGROUP_SKIP())
		return 0;
	return enter((const char *)ctx->args[1], ctx->args[2], ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int sys_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	if (CGROUP_SKIP())
		return 0;
	return exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int sys_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	if (CGROUP_SKIP())
		return 0;
	struct open_how *how = (struct open_how *)ctx->args[2];
	__u64 flags = 0, mode = 0;

	bpf_probe_read_user(&flags, sizeof(flags), &how->flags);
	bpf_probe_read_user(&mode, sizeof(mode), &how->mode);
	return enter((const char *)ctx->args[1], flags, mode);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int sys_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	if (CGROUP_SKIP())
		return 0;
	return exit(ctx->ret);
}
