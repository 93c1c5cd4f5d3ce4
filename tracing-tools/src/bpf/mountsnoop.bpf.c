// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * mountsnoop: mount(2), umount(2) and the new mount API (fsopen, fsconfig,
 * fsmount, move_mount) with their results and latency, written for
 * bpfscope after libbpf-tools' mountsnoop. The entry keeps the raw
 * arguments per thread; the exit reads the strings they point to (the
 * caller's memory, still valid) and emits one event.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("mountsnoop");

#define PATH_MAX 4096
#define FS_NAME_LEN 32
#define DATA_LEN 512

const volatile __u32 target_pid = 0;

/* Numbered as libbpf-tools' enum op (src/mountsnoop.rs names them). */
enum op {
	MOUNT = 1,
	UMOUNT,
	FSOPEN,
	FSCONFIG,
	FSMOUNT,
	MOVE_MOUNT,
};

struct arg {
	__u64 ts;
	__u64 op;
	__u64 args[5];
};

/*
 * Mirrored in src/mountsnoop.rs. The numbers and strings mean what `op`
 * says (see probe_exit): flags, two fds and a command or attribute word,
 * and up to four strings.
 */
struct event {
	__u64 ts;
	__u64 delta;
	__u32 pid;
	__u32 tid;
	__u32 mnt_ns;
	__s32 ret;
	__u32 op;
	char comm[TASK_COMM_LEN];
	__u64 flags;
	__s32 fd1;
	__s32 fd2;
	__u32 word;
	char fs[FS_NAME_LEN];
	char str1[PATH_MAX];
	char str2[PATH_MAX];
	char data[DATA_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct arg);
} args SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int probe_entry(struct trace_event_raw_sys_enter *ctx, enum op op,
				       int nargs)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct arg a = { .ts = bpf_ktime_get_ns(), .op = op };

	if (target_pid && target_pid != (id >> 32))
		return 0;
	/*
	 * Only the syscall's own arguments: a program that reads past a
	 * tracepoint's record cannot attach to it (EACCES). One by one, as
	 * the verifier refuses a context pointer moved by a loop.
	 */
	a.args[0] = ctx->args[0];
	a.args[1] = ctx->args[1];
	if (nargs > 2)
		a.args[2] = ctx->args[2];
	if (nargs > 4) {
		a.args[3] = ctx->args[3];
		a.args[4] = ctx->args[4];
	}
	bpf_map_update_elem(&args, &tid, &a, BPF_ANY);
	return 0;
}

static __always_inline void user_str(char *dst, __u32 size, __u64 ptr)
{
	dst[0] = '\0';
	if (ptr)
		bpf_probe_read_user_str(dst, size, (const void *)ptr);
}

static __always_inline int probe_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct task_struct *task;
	struct event *e;
	struct arg *a;

	a = bpf_map_lookup_elem(&args, &tid);
	if (!a)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	task = (struct task_struct *)bpf_get_current_task();
	e->ts = bpf_ktime_get_ns();
	e->delta = e->ts - a->ts;
	e->pid = id >> 32;
	e->tid = tid;
	e->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	e->ret = ret;
	e->op = a->op;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	e->flags = 0;
	e->fd1 = e->fd2 = 0;
	e->word = 0;
	e->fs[0] = e->str1[0] = e->str2[0] = e->data[0] = '\0';
	switch (a->op) {
	case MOUNT: /* mount(source, target, fstype, flags, data) */
		user_str(e->str1, sizeof(e->str1), a->args[0]);
		user_str(e->str2, sizeof(e->str2), a->args[1]);
		user_str(e->fs, sizeof(e->fs), a->args[2]);
		e->flags = a->args[3];
		user_str(e->data, sizeof(e->data), a->args[4]);
		break;
	case UMOUNT: /* umount2(target, flags) */
		user_str(e->str2, sizeof(e->str2), a->args[0]);
		e->flags = a->args[1];
		break;
	case FSOPEN: /* fsopen(fsname, flags) */
		user_str(e->fs, sizeof(e->fs), a->args[0]);
		e->flags = (__u32)a->args[1];
		break;
	case FSCONFIG: /* fsconfig(fd, cmd, key, value, aux) */
		e->fd1 = a->args[0];
		e->word = a->args[1];
		user_str(e->str1, sizeof(e->str1), a->args[2]);
		user_str(e->str2, sizeof(e->str2), a->args[3]);
		e->fd2 = a->args[4];
		break;
	case FSMOUNT: /* fsmount(fs_fd, flags, attr_flags) */
		e->fd1 = a->args[0];
		e->flags = (__u32)a->args[1];
		e->word = a->args[2];
		break;
	case MOVE_MOUNT: /* move_mount(from_dfd, from_path, to_dfd, to_path, flags) */
		e->fd1 = a->args[0];
		user_str(e->str1, sizeof(e->str1), a->args[1]);
		e->fd2 = a->args[2];
		user_str(e->str2, sizeof(e->str2), a->args[3]);
		e->flags = (__u32)a->args[4];
		break;
	}
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&args, &tid);
	return 0;
}

#define SYSCALL(name, op, nargs)                                              \
	SEC("tracepoint/syscalls/sys_enter_" #name)                           \
	int name##_entry(struct trace_event_raw_sys_enter *ctx)               \
	{                                                                     \
		return probe_entry(ctx, op, nargs);                           \
	}                                                                     \
	SEC("tracepoint/syscalls/sys_exit_" #name)                            \
	int name##_exit(struct trace_event_raw_sys_exit *ctx)                 \
	{                                                                     \
		return probe_exit(ctx->ret);                                  \
	}

SYSCALL(mount, MOUNT, 5)
SYSCALL(umount, UMOUNT, 2)
SYSCALL(fsopen, FSOPEN, 2)
SYSCALL(fsconfig, FSCONFIG, 5)
SYSCALL(fsmount, FSMOUNT, 3)
SYSCALL(move_mount, MOVE_MOUNT, 5)
