// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcpretrans: TCP retransmissions from tcp:tcp_retransmit_skb, written
 * for bpfscope (the tracepoint carries addresses, ports and state, so no
 * kprobe is needed). Events, or with -c a count per address/port pair.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("tcpretrans");

#define AF_INET 2

const volatile bool do_count = false;
const volatile __u16 targ_family = 0;

/* Mirrored in src/tcpretrans.rs. */
struct event {
	__u64 ts;
	__u32 pid;
	__s32 state;
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct flow_key {
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct flow_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

static __always_inline void copy_addrs(struct trace_event_raw_tcp_retransmit_skb *ctx,
				       __u8 *saddr, __u8 *daddr)
{
	if (ctx->family == AF_INET) {
		bpf_probe_read_kernel(saddr, 4, ctx->saddr);
		bpf_probe_read_kernel(daddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(daddr, 16, ctx->daddr_v6);
	}
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int tcp_retransmit_skb(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	struct event *e;

	if (targ_family && ctx->family != targ_family)
		return 0;
	if (do_count) {
		struct flow_key key = {};
		__u64 one = 1, *cnt;

		key.family = ctx->family;
		key.sport = ctx->sport;
		key.dport = ctx->dport;
		copy_addrs(ctx, key.saddr, key.daddr);
		cnt = bpf_map_lookup_elem(&counts, &key);
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
		else
			bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
		return 0;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	__builtin_memset(e->saddr, 0, sizeof(e->saddr));
	__builtin_memset(e->daddr, 0, sizeof(e->daddr));
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->state = ctx->state;
	e->family = ctx->family;
	e->sport = ctx->sport;
	e->dport = ctx->dport;
	e->pad = 0;
	copy_addrs(ctx, e->saddr, e->daddr);
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
