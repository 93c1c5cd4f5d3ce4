// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sofdsnoop: file descriptors passed over Unix sockets (SCM_RIGHTS), after
 * bcc's sofdsnoop.py, for bpfscope. The socket's fd comes from the
 * sendmsg/recvmsg syscall tracepoints (these work everywhere); the passed
 * fds from __scm_send (sent: the kernel's copy of the control message) and
 * scm_detach_fds (received: the caller's control buffer, read on return
 * when the new fds are installed), through fentry/fexit (preferred) or
 * kprobes (fallback). One event per fd, named from the caller's fd table.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("sofdsnoop");

#define ACTION_SEND 0
#define ACTION_RECV 1
#define SCM_RIGHTS 1
#define MAX_FDS 32
#define NAME_LEN 32
#define CMSG_HDR_LEN sizeof(struct cmsghdr)

const volatile __u32 targ_pid = 0;
const volatile __u32 targ_tid = 0;

/* Mirrored in src/sofdsnoop.rs. */
struct event {
	__u64 ts;
	__u64 sock_ino;
	__u32 pid;
	__u32 tid;
	__u32 action;
	__s32 sock_fd;
	__s32 fd;
	char comm[TASK_COMM_LEN];
	char name[NAME_LEN];
};
_Static_assert(sizeof(struct event) == 88 && __builtin_offsetof(struct event, name) == 52,
	       "the layout src/sofdsnoop.rs reads");

/* The socket fd of the sendmsg/recvmsg in progress, per thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __s32);
} sock_fds SEC(".maps");

/* The receiver's control buffer (a user address), per thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} detach_ptr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

static __always_inline bool wanted(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (targ_tid)
		return targ_tid == (__u32)id;
	return !targ_pid || targ_pid == id >> 32;
}

/* The file at `fd` in the current task's table, or NULL. */
static __always_inline struct file *fd_file(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	struct file *f = NULL;

	if (fd < 0 || (unsigned int)fd >= max)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* Emits one event per fd of the SCM_RIGHTS message whose fd array is at
 * `data` (kernel memory when sending, user memory when receiving). */
static __always_inline int emit(__u32 action, void *data, int num, bool user)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__s32 *sock_fd = bpf_map_lookup_elem(&sock_fds, &tid);
	__s32 sfd = sock_fd ? *sock_fd : -1;
	__u64 sock_ino = 0;
	struct file *f;

	f = fd_file(sfd);
	if (f)
		sock_ino = BPF_CORE_READ(f, f_inode, i_ino);
	for (int i = 0; i < MAX_FDS && i < num; i++) {
		struct event *e;
		__s32 fd = -1;

		if (user)
			bpf_probe_read_user(&fd, sizeof(fd), data + i * sizeof(fd));
		else
			bpf_probe_read_kernel(&fd, sizeof(fd), data + i * sizeof(fd));
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			count_drop(&drops);
			return 0;
		}
		__builtin_memset(e, 0, sizeof(*e));
		e->ts = bpf_ktime_get_ns();
		e->sock_ino = sock_ino;
		e->pid = id >> 32;
		e->tid = tid;
		e->action = action;
		e->sock_fd = sfd;
		e->fd = fd;
		bpf_get_current_comm(&e->comm, sizeof(e->comm));
		f = fd_file(fd);
		if (f) {
			const unsigned char *name = BPF_CORE_READ(f, f_path.dentry, d_name.name);

			bpf_probe_read_kernel_str(&e->name, sizeof(e->name), name);
		}
		count_sent(&drops);
		bpf_ringbuf_submit(e, 0);
	}
	return 0;
}

static __always_inline int fd_count(__u64 cmsg_len)
{
	if (cmsg_len < CMSG_HDR_LEN)
		return 0;
	return (cmsg_len - CMSG_HDR_LEN) / sizeof(int);
}

static __always_inline int scm_send(struct msghdr *msg)
{
	struct cmsghdr *cmsg;
	struct cmsghdr hdr;

	if (!wanted())
		return 0;
	if (BPF_CORE_READ(msg, msg_controllen) < CMSG_HDR_LEN)
		return 0;
	cmsg = BPF_CORE_READ(msg, msg_control);
	if (!cmsg || bpf_probe_read_kernel(&hdr, sizeof(hdr), cmsg))
		return 0;
	if (hdr.cmsg_type != SCM_RIGHTS)
		return 0;
	return emit(ACTION_SEND, (void *)cmsg + CMSG_HDR_LEN, fd_count(hdr.cmsg_len), false);
}

static __always_inline int detach_entry(struct msghdr *msg)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ptr;

	if (!wanted())
		return 0;
	if (BPF_CORE_READ(msg, msg_controllen) < CMSG_HDR_LEN)
		return 0;
	ptr = (__u64)BPF_CORE_READ(msg, msg_control_user);
	if (ptr)
		bpf_map_update_elem(&detach_ptr, &tid, &ptr, BPF_ANY);
	return 0;
}

static __always_inline int detach_return(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct cmsghdr hdr;
	__u64 *ptr;
	void *cmsg;

	ptr = bpf_map_lookup_elem(&detach_ptr, &tid);
	if (!ptr)
		return 0;
	cmsg = (void *)*ptr;
	bpf_map_delete_elem(&detach_ptr, &tid);
	if (bpf_probe_read_user(&hdr, sizeof(hdr), cmsg) || hdr.cmsg_type != SCM_RIGHTS)
		return 0;
	return emit(ACTION_RECV, cmsg + CMSG_HDR_LEN, fd_count(hdr.cmsg_len), true);
}

/* The socket's fd: syscall tracepoints, whichever set is kept. */

static __always_inline int remember_fd(__s64 fd)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s32 v = fd;

	if (wanted())
		bpf_map_update_elem(&sock_fds, &tid, &v, BPF_ANY);
	return 0;
}

static __always_inline int forget_fd(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&sock_fds, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int enter_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	return remember_fd(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int exit_sendmsg(struct trace_event_raw_sys_exit *ctx)
{
	return forget_fd();
}

SEC("tracepoint/syscalls/sys_enter_recvmsg")
int enter_recvmsg(struct trace_event_raw_sys_enter *ctx)
{
	return remember_fd(ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_recvmsg")
int exit_recvmsg(struct trace_event_raw_sys_exit *ctx)
{
	return forget_fd();
}

/* fentry/fexit: preferred. */

SEC("fentry/__scm_send")
int BPF_PROG(fentry_scm_send, struct socket *sock, struct msghdr *msg)
{
	return scm_send(msg);
}

SEC("fentry/scm_detach_fds")
int BPF_PROG(fentry_detach, struct msghdr *msg)
{
	return detach_entry(msg);
}

SEC("fexit/scm_detach_fds")
int BPF_PROG(fexit_detach)
{
	return detach_return();
}

/* kprobe/kretprobe: fallback. */

SEC("kprobe/__scm_send")
int BPF_KPROBE(kprobe_scm_send, struct socket *sock, struct msghdr *msg)
{
	return scm_send(msg);
}

SEC("kprobe/scm_detach_fds")
int BPF_KPROBE(kprobe_detach, struct msghdr *msg)
{
	return detach_entry(msg);
}

SEC("kretprobe/scm_detach_fds")
int BPF_KRETPROBE(kretprobe_detach)
{
	return detach_return();
}
