// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * solisten: listen() calls of IPv4 and IPv6 sockets, with the backlog and
 * the result (libbpf-tools' solisten.bpf.c, for bpfscope). fexit on
 * inet_listen (preferred), or a kprobe/kretprobe pair that reads the
 * socket on return, when listen() has bound its port.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("solisten");

#define AF_INET 2
#define AF_INET6 10

const volatile __u32 target_pid = 0;

/* libbpf-tools' struct event and the time of the call; mirrored in
 * src/solisten.rs. */
struct event {
	__u32 addr[4];
	__u32 pid;
	__u32 proto;
	int backlog;
	int ret;
	__u16 port;
	char task[TASK_COMM_LEN];
	__u64 ts;
};
_Static_assert(sizeof(struct event) == 64 && __builtin_offsetof(struct event, task) == 34,
	       "the layout src/solisten.rs reads");

struct args {
	struct socket *sock;
	int backlog;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct args);
} values SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int emit(struct socket *sock, int backlog, int ret)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);
	struct inet_sock *inet = (struct inet_sock *)sk;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 type = BPF_CORE_READ(sock, type);
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->proto = ((__u32)family << 16) | type;
	e->port = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
	if (family == AF_INET)
		e->addr[0] = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
	else if (family == AF_INET6)
		BPF_CORE_READ_INTO(e->addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->backlog = backlog;
	e->ret = ret;
	e->ts = bpf_ktime_get_ns();
	bpf_get_current_comm(e->task, sizeof(e->task));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline bool wanted(void)
{
	return !target_pid || target_pid == bpf_get_current_pid_tgid() >> 32;
}

SEC("fexit/inet_listen")
int BPF_PROG(fexit_listen, struct socket *sock, int backlog, int ret)
{
	if (!wanted())
		return 0;
	return emit(sock, backlog, ret);
}

SEC("kprobe/inet_listen")
int BPF_KPROBE(kprobe_listen, struct socket *sock, int backlog)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct args args = { .sock = sock, .backlog = backlog };

	if (!wanted())
		return 0;
	bpf_map_update_elem(&values, &tid, &args, BPF_ANY);
	return 0;
}

SEC("kretprobe/inet_listen")
int BPF_KRETPROBE(kretprobe_listen, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct args *args;
	struct socket *sock;
	int backlog;

	args = bpf_map_lookup_elem(&values, &tid);
	if (!args)
		return 0;
	/* Copied out: CO-RE reads through args-> would relocate struct args. */
	sock = args->sock;
	backlog = args->backlog;
	bpf_map_delete_elem(&values, &tid);
	return emit(sock, backlog, ret);
}
