// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcpconnect: active TCP connections, written for bpfscope without
 * kprobes. sock:inet_sock_set_state CLOSE -> SYN_SENT runs inside
 * connect(2), so the task is the caller: it is remembered per socket.
 * The next transition out of SYN_SENT (ESTABLISHED, or CLOSE on a refusal)
 * has the source port chosen by then: the event (or, with -c, a count per
 * address pair and port) is made there.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("tcpconnect");

#define AF_INET 2
#define IPPROTO_TCP 6
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7
#define MAX_PORTS 8

const volatile __u32 targ_tgid = 0;
const volatile __u32 targ_uid = (__u32)-1;
const volatile bool do_count = false;
const volatile bool source_port = false;
const volatile __u16 targ_family = 0;
const volatile __u32 filter_ports_len = 0;
const volatile __u16 filter_ports[MAX_PORTS] = {};
/* -C / -M: only callers whose cgroup id / mount namespace id is a key of
 * the map the operator pinned (bcc's cgroupmap/mntnsmap); bpfscope makes
 * these maps reuse the pinned ones before load. */
const volatile bool filter_cgroupmap = false;
const volatile bool filter_mntnsmap = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u64);
} cgroup_set SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u64);
} mntns_set SEC(".maps");

static __always_inline bool container_filtered(void)
{
	if (filter_cgroupmap) {
		__u64 cg = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroup_set, &cg))
			return true;
	}
	if (filter_mntnsmap) {
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();
		__u64 ns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);

		if (!bpf_map_lookup_elem(&mntns_set, &ns))
			return true;
	}
	return false;
}

struct caller {
	__u32 pid;
	__u32 uid;
	char comm[TASK_COMM_LEN];
};

/* Mirrored in src/tcpconnect.rs. */
struct event {
	__u64 ts;
	__u32 pid;
	__u32 uid;
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u16 newstate;
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[TASK_COMM_LEN];
};

/* -c: connects per (family, saddr, daddr, dport[, sport]). */
struct flow_key {
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct caller);
} pending SEC(".maps");

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

static __always_inline bool port_wanted(__u16 dport)
{
	if (!filter_ports_len)
		return true;
	for (int i = 0; i < MAX_PORTS; i++) {
		if (i >= filter_ports_len)
			break;
		if (filter_ports[i] == dport)
			return true;
	}
	return false;
}

static __always_inline void copy_addrs(struct trace_event_raw_inet_sock_set_state *ctx,
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

static __always_inline void emit(struct trace_event_raw_inet_sock_set_state *ctx,
				 struct caller *c)
{
	struct event *e;

	if (do_count) {
		struct flow_key key = {};
		__u64 one = 1, *cnt;

		key.family = ctx->family;
		key.dport = ctx->dport;
		if (source_port)
			key.sport = ctx->sport;
		copy_addrs(ctx, key.saddr, key.daddr);
		cnt = bpf_map_lookup_elem(&counts, &key);
		if (cnt)
			__sync_fetch_and_add(cnt, 1);
		else
			bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
		return;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return;
	}
	__builtin_memset(e->saddr, 0, sizeof(e->saddr));
	__builtin_memset(e->daddr, 0, sizeof(e->daddr));
	e->ts = bpf_ktime_get_ns();
	e->pid = c->pid;
	e->uid = c->uid;
	e->family = ctx->family;
	e->sport = ctx->sport;
	e->dport = ctx->dport;
	e->newstate = ctx->newstate;
	copy_addrs(ctx, e->saddr, e->daddr);
	__builtin_memcpy(e->comm, c->comm, sizeof(e->comm));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
}

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr;
	struct caller c = {}, *found;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->oldstate == TCP_CLOSE && ctx->newstate == TCP_SYN_SENT) {
		__u64 id = bpf_get_current_pid_tgid();
		__u32 uid = (__u32)bpf_get_current_uid_gid();

		if (targ_tgid && targ_tgid != (id >> 32))
			return 0;
		if (targ_uid != (__u32)-1 && targ_uid != uid)
			return 0;
		if (targ_family && ctx->family != targ_family)
			return 0;
		if (!port_wanted(ctx->dport))
			return 0;
		if (container_filtered())
			return 0;
		c.pid = id >> 32;
		c.uid = uid;
		bpf_get_current_comm(&c.comm, sizeof(c.comm));
		bpf_map_update_elem(&pending, &sk, &c, BPF_ANY);
		return 0;
	}
	if (ctx->oldstate != TCP_SYN_SENT)
		return 0;
	found = bpf_map_lookup_elem(&pending, &sk);
	if (!found)
		return 0;
	emit(ctx, found);
	bpf_map_delete_elem(&pending, &sk);
	return 0;
}
