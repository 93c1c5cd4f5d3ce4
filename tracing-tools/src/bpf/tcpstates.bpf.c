// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcpstates: every TCP state change with the time spent in the old state,
 * written for bpfscope from sock:inet_sock_set_state alone (libbpf-tools
 * also starts the clock at tcp_v4/v6_init_sock kprobes; here a socket's
 * first transition shows 0 ms, as it does there when no kprobe fired).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"
#include "inet_sock.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("tcpstates");

#define TCP_CLOSE 7

/* Mirrored in src/tcpstates.rs. */
struct event {
	__u8 saddr[16];
	__u8 daddr[16];
	__u64 skaddr;
	__u64 ts;
	__u64 delta_ns;
	__u32 pid;
	int oldstate;
	int newstate;
	__u16 family;
	__u16 sport;
	__u16 dport;
	char task[TASK_COMM_LEN];
	__u8 pad[6];
};

/* When each socket entered its current state. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} timestamps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} events SEC(".maps");

DROPS_MAP;

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	__u64 ts, *tsp;
	struct event *e;

	if (!inet_wanted(ctx))
		return 0;
	ts = bpf_ktime_get_ns();
	tsp = bpf_map_lookup_elem(&timestamps, &sk);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
	} else {
		__builtin_memset(e, 0, sizeof(*e));
		e->skaddr = sk;
		e->ts = ts;
		e->delta_ns = tsp ? ts - *tsp : 0;
		e->pid = bpf_get_current_pid_tgid() >> 32;
		e->oldstate = ctx->oldstate;
		e->newstate = ctx->newstate;
		e->family = ctx->family;
		e->sport = ctx->sport;
		e->dport = ctx->dport;
		inet_addrs(ctx, e->family, e->saddr, e->daddr);
		bpf_get_current_comm(&e->task, sizeof(e->task));
		count_sent(&drops);
		bpf_ringbuf_submit(e, 0);
	}
	if (ctx->newstate == TCP_CLOSE)
		bpf_map_delete_elem(&timestamps, &sk);
	else
		bpf_map_update_elem(&timestamps, &sk, &ts, BPF_ANY);
	return 0;
}
