// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcplife: one line per TCP session when it closes (who, addresses, bytes
 * each way, lifespan), written for bpfscope from sock:inet_sock_set_state,
 * as libbpf-tools' tcplife. The birth is the first transition below
 * FIN_WAIT1; the owner is the task at SYN_SENT (connect) or LAST_ACK
 * (close of a passive socket), else the task current at CLOSE.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"
#include "inet_sock.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("tcplife");

#define TCP_SYN_SENT 2
#define TCP_FIN_WAIT1 4
#define TCP_CLOSE 7
#define TCP_LAST_ACK 9

const volatile __u32 targ_tgid = 0;

struct ident {
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

/* Mirrored in src/tcplife.rs. */
struct event {
	__u8 saddr[16];
	__u8 daddr[16];
	__u64 ts;
	__u64 span_us;
	__u64 rx_b;
	__u64 tx_b;
	__u32 pid;
	__u16 sport;
	__u16 dport;
	__u16 family;
	char comm[TASK_COMM_LEN];
	__u8 pad[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} birth SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct ident);
} idents SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} events SEC(".maps");

DROPS_MAP;

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	int newstate = ctx->newstate;
	struct ident ident = {}, *identp;
	struct tcp_sock *tp;
	__u64 ts, *start;
	struct event *e;
	__u32 pid;

	if (!inet_wanted(ctx))
		return 0;
	if (newstate < TCP_FIN_WAIT1) {
		ts = bpf_ktime_get_ns();
		bpf_map_update_elem(&birth, &sk, &ts, BPF_ANY);
	}
	if (newstate == TCP_SYN_SENT || newstate == TCP_LAST_ACK) {
		pid = bpf_get_current_pid_tgid() >> 32;
		if (targ_tgid && pid != targ_tgid)
			return 0;
		ident.pid = pid;
		bpf_get_current_comm(&ident.comm, sizeof(ident.comm));
		bpf_map_update_elem(&idents, &sk, &ident, BPF_ANY);
	}
	if (newstate != TCP_CLOSE)
		return 0;

	start = bpf_map_lookup_elem(&birth, &sk);
	if (!start) {
		bpf_map_delete_elem(&idents, &sk);
		return 0;
	}
	ts = bpf_ktime_get_ns();
	identp = bpf_map_lookup_elem(&idents, &sk);
	pid = identp ? identp->pid : bpf_get_current_pid_tgid() >> 32;
	if (targ_tgid && pid != targ_tgid)
		goto cleanup;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	__builtin_memset(e, 0, sizeof(*e));
	tp = (struct tcp_sock *)sk;
	e->ts = ts;
	e->span_us = (ts - *start) / 1000;
	e->rx_b = BPF_CORE_READ(tp, bytes_received);
	e->tx_b = BPF_CORE_READ(tp, bytes_acked);
	e->pid = pid;
	e->sport = ctx->sport;
	e->dport = ctx->dport;
	e->family = ctx->family;
	if (identp)
		__builtin_memcpy(e->comm, identp->comm, sizeof(e->comm));
	else
		bpf_get_current_comm(&e->comm, sizeof(e->comm));
	inet_addrs(ctx, e->family, e->saddr, e->daddr);
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&birth, &sk);
	bpf_map_delete_elem(&idents, &sk);
	return 0;
}
