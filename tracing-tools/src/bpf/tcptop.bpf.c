// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcptop: TCP bytes sent and received per process and connection, written
 * for bpfscope after libbpf-tools' tcptop (same key and value). There is
 * no tracepoint at tcp_sendmsg/tcp_cleanup_rbuf: this needs fentry
 * (preferred) or kprobes (fallback); both sets are here and the loader
 * keeps the one this kernel attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("tcptop");
CGROUP_FILTER;

#define AF_INET 2
#define AF_INET6 10

const volatile __u32 target_pid = 0;
const volatile int target_family = -1;

/* Key and value of `ip_map`: mirrored in src/tcptop.rs. */
struct ip_key_t {
	unsigned __int128 saddr;
	unsigned __int128 daddr;
	__u32 pid;
	char name[TASK_COMM_LEN];
	__u16 lport;
	__u16 dport;
	__u16 family;
};

struct traffic_t {
	__u64 sent;
	__u64 received;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct ip_key_t);
	__type(value, struct traffic_t);
} ip_map SEC(".maps");

static __always_inline int probe_ip(bool receiving, struct sock *sk, __u64 size)
{
	struct ip_key_t key = {};
	struct traffic_t *trafficp;
	__u16 family;
	__u32 pid;

	if (CGROUP_SKIP())
		return 0;
	pid = bpf_get_current_pid_tgid() >> 32;
	if (target_pid && target_pid != pid)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (target_family != -1 && target_family != family)
		return 0;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	key.pid = pid;
	bpf_get_current_comm(&key.name, sizeof(key.name));
	key.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	key.dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	key.family = family;
	if (family == AF_INET) {
		bpf_probe_read_kernel(&key.saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_probe_read_kernel(&key.daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_probe_read_kernel(&key.saddr, 16,
				      &sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32);
		bpf_probe_read_kernel(&key.daddr, 16,
				      &sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32);
	}
	trafficp = bpf_map_lookup_elem(&ip_map, &key);
	if (!trafficp) {
		struct traffic_t zero = {};

		bpf_map_update_elem(&ip_map, &key, &zero, BPF_NOEXIST);
		trafficp = bpf_map_lookup_elem(&ip_map, &key);
		if (!trafficp)
			return 0;
	}
	if (receiving)
		__sync_fetch_and_add(&trafficp->received, size);
	else
		__sync_fetch_and_add(&trafficp->sent, size);
	return 0;
}

SEC("fentry/tcp_sendmsg")
int BPF_PROG(fentry_tcp_sendmsg, struct sock *sk, struct msghdr *msg, size_t size)
{
	return probe_ip(false, sk, size);
}

/* tcp_cleanup_rbuf, not tcp_recvmsg: it has the socket and the bytes
 * copied in one call, and sees tcp_read_sock() traffic too. */
SEC("fentry/tcp_cleanup_rbuf")
int BPF_PROG(fentry_tcp_cleanup_rbuf, struct sock *sk, int copied)
{
	if (copied <= 0)
		return 0;
	return probe_ip(true, sk, copied);
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(kprobe_tcp_sendmsg, struct sock *sk, struct msghdr *msg, size_t size)
{
	return probe_ip(false, sk, size);
}

SEC("kprobe/tcp_cleanup_rbuf")
int BPF_KPROBE(kprobe_tcp_cleanup_rbuf, struct sock *sk, int copied)
{
	if (copied <= 0)
		return 0;
	return probe_ip(true, sk, copied);
}
