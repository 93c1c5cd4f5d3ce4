// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcpconnlat: TCP active connection latency, from connect() to the
 * SYN-ACK (libbpf-tools' tcpconnlat.bpf.c, for bpfscope). tcp_v4_connect /
 * tcp_v6_connect remember the caller per socket; tcp_rcv_state_process in
 * SYN_SENT emits the event. Both need fentry (preferred) or kprobes
 * (fallback); tcp:tcp_destroy_sock forgets sockets that never got there.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("tcpconnlat");

#define AF_INET 2
#define TCP_SYN_SENT 2

const volatile __u64 targ_min_us = 0;
const volatile __u32 targ_tgid = 0;

struct piddata {
	char comm[TASK_COMM_LEN];
	__u64 ts;
	__u32 tgid;
};

/* libbpf-tools' struct event; mirrored in src/tcpconnlat.rs. */
struct event {
	union {
		__u32 saddr_v4;
		__u8 saddr_v6[16];
	};
	union {
		__u32 daddr_v4;
		__u8 daddr_v6[16];
	};
	char comm[TASK_COMM_LEN];
	__u64 delta_us;
	__u64 ts_us;
	__u32 tgid;
	int af;
	__u16 lport;
	__u16 dport;
};
_Static_assert(sizeof(struct event) == 80 && __builtin_offsetof(struct event, tgid) == 64,
	       "the layout src/tcpconnlat.rs reads");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sock *);
	__type(value, struct piddata);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int trace_connect(struct sock *sk)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct piddata piddata = {};

	if (targ_tgid && targ_tgid != tgid)
		return 0;
	bpf_get_current_comm(&piddata.comm, sizeof(piddata.comm));
	piddata.ts = bpf_ktime_get_ns();
	piddata.tgid = tgid;
	bpf_map_update_elem(&start, &sk, &piddata, BPF_ANY);
	return 0;
}

static __always_inline int handle_rcv_state_process(struct sock *sk)
{
	struct piddata *piddatap;
	struct event *e;
	__s64 delta;
	__u64 ts;

	if (BPF_CORE_READ(sk, __sk_common.skc_state) != TCP_SYN_SENT)
		return 0;
	piddatap = bpf_map_lookup_elem(&start, &sk);
	if (!piddatap)
		return 0;
	ts = bpf_ktime_get_ns();
	delta = (__s64)(ts - piddatap->ts);
	if (delta < 0)
		goto cleanup;
	if (targ_min_us && delta / 1000U < targ_min_us)
		goto cleanup;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->delta_us = delta / 1000U;
	__builtin_memcpy(&e->comm, piddatap->comm, sizeof(e->comm));
	e->ts_us = ts / 1000;
	e->tgid = piddatap->tgid;
	e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = BPF_CORE_READ(sk, __sk_common.skc_dport);
	e->af = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (e->af == AF_INET) {
		e->saddr_v4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		e->daddr_v4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&e->saddr_v6, sk,
				   __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
		BPF_CORE_READ_INTO(&e->daddr_v6, sk,
				   __sk_common.skc_v6_daddr.in6_u.u6_addr32);
	}
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&start, &sk);
	return 0;
}

/* Runs either way: a socket closed before its SYN-ACK is forgotten. */
SEC("tracepoint/tcp/tcp_destroy_sock")
int tcp_destroy_sock(struct trace_event_raw_tcp_event_sk *ctx)
{
	const struct sock *sk = ctx->skaddr;

	bpf_map_delete_elem(&start, &sk);
	return 0;
}

/* fentry: preferred. */

SEC("fentry/tcp_v4_connect")
int BPF_PROG(fentry_v4_connect, struct sock *sk)
{
	return trace_connect(sk);
}

SEC("fentry/tcp_v6_connect")
int BPF_PROG(fentry_v6_connect, struct sock *sk)
{
	return trace_connect(sk);
}

SEC("fentry/tcp_rcv_state_process")
int BPF_PROG(fentry_rcv_state, struct sock *sk)
{
	return handle_rcv_state_process(sk);
}

/* kprobe: fallback where fentry cannot attach. */

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kprobe_v4_connect, struct sock *sk)
{
	return trace_connect(sk);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kprobe_v6_connect, struct sock *sk)
{
	return trace_connect(sk);
}

SEC("kprobe/tcp_rcv_state_process")
int BPF_KPROBE(kprobe_rcv_state, struct sock *sk)
{
	return handle_rcv_state_process(sk);
}
