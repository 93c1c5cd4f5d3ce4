// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcpaccept: passive TCP connections as accept(2) returns them, written
 * for bpfscope without kprobes. sock:inet_sock_set_state (SYN_RECV ->
 * ESTABLISHED) records each new connection's addresses by socket; the
 * accept(2)/accept4(2) exit tracepoints resolve the returned fd to its
 * socket and emit the event with the accepting task.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("tcpaccept");

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define TCP_ESTABLISHED 1
#define TCP_SYN_RECV 3
#define TCP_CLOSE 7

const volatile __u32 targ_tgid = 0;
const volatile __u16 targ_lport = 0;
const volatile __u16 targ_family = 0;

struct conn {
	__u64 ts;
	__u16 family;
	__u16 lport;
	__u16 rport;
	__u16 pad;
	__u8 laddr[16];
	__u8 raddr[16];
};

/* Mirrored by AcceptEvent in src/tcpaccept.rs. */
struct event {
	__u64 ts;
	__u32 pid;
	__u16 family;
	__u16 lport;
	__u16 rport;
	__u16 pad;
	__u8 laddr[16];
	__u8 raddr[16];
	char comm[TASK_COMM_LEN];
};

/* LRU: connections that are never accepted must not fill the map. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct conn);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	struct conn c = {};

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->newstate == TCP_CLOSE) {
		bpf_map_delete_elem(&pending, &sk);
		return 0;
	}
	if (ctx->oldstate != TCP_SYN_RECV || ctx->newstate != TCP_ESTABLISHED)
		return 0;
	if (targ_family && ctx->family != targ_family)
		return 0;
	if (targ_lport && ctx->sport != targ_lport)
		return 0;
	c.ts = bpf_ktime_get_ns();
	c.family = ctx->family;
	c.lport = ctx->sport;
	c.rport = ctx->dport;
	if (ctx->family == AF_INET) {
		bpf_probe_read_kernel(c.laddr, 4, ctx->saddr);
		bpf_probe_read_kernel(c.raddr, 4, ctx->daddr);
	} else {
		/* The verifier refuses variable-offset ctx reads; copy via helper. */
		bpf_probe_read_kernel(c.laddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(c.raddr, 16, ctx->daddr_v6);
	}
	bpf_map_update_elem(&pending, &sk, &c, BPF_ANY);
	return 0;
}

/* The struct sock behind file descriptor fd of the current task, or 0. */
static __always_inline __u64 fd_to_sock(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *file = NULL;
	struct socket *sock;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return 0;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock)
		return 0;
	return (__u64)BPF_CORE_READ(sock, sk);
}

static __always_inline int accept_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct conn *c;
	struct event *e;
	__u64 sk;

	if (ret < 0)
		return 0;
	if (targ_tgid && targ_tgid != (id >> 32))
		return 0;
	sk = fd_to_sock(ret);
	if (!sk)
		return 0;
	c = bpf_map_lookup_elem(&pending, &sk);
	if (!c)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->family = c->family;
	e->lport = c->lport;
	e->rport = c->rport;
	e->pad = 0;
	__builtin_memcpy(e->laddr, c->laddr, 16);
	__builtin_memcpy(e->raddr, c->raddr, 16);
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&pending, &sk);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int sys_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int sys_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit(ctx->ret);
}
