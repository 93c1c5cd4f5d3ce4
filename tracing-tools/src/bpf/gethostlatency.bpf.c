// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * gethostlatency: latency of libc's getaddrinfo, gethostbyname and
 * gethostbyname2 (after libbpf-tools' gethostlatency). The entry uprobe
 * keeps the host name and start time per thread; the return uprobe sends
 * the event. One program per probe, as bpfscope pins one link per program.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("gethostlatency");

#define HOST_LEN 80

const volatile __u32 target_pid = 0;

/* Mirrored in src/gethostlatency.rs. */
struct event {
	__u64 ts;	/* return time, bpf_ktime_get_ns() */
	__u64 time;	/* latency, ns (libbpf-tools' name) */
	__u32 pid;
	__u32 tid;
	char comm[TASK_COMM_LEN];
	char host[HOST_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

DROPS_MAP;

static int probe_entry(const char *name)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pid = pid_tgid >> 32;
	__u32 tid = (__u32)pid_tgid;
	struct event event = {};

	if (!name)
		return 0;
	if (target_pid && target_pid != pid)
		return 0;
	event.time = bpf_ktime_get_ns();
	event.pid = pid;
	event.tid = tid;
	bpf_get_current_comm(&event.comm, sizeof(event.comm));
	bpf_probe_read_user_str(&event.host, sizeof(event.host), name);
	bpf_map_update_elem(&starts, &tid, &event, BPF_ANY);
	return 0;
}

static int probe_return(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *start, *e;
	__u64 now = bpf_ktime_get_ns();

	start = bpf_map_lookup_elem(&starts, &tid);
	if (!start)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
	} else {
		__builtin_memcpy(e, start, sizeof(*e));
		e->ts = now;
		e->time = now - start->time;
		count_sent(&drops);
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

SEC("uprobe")
int BPF_UPROBE(getaddrinfo_entry, const char *node)
{
	return probe_entry(node);
}

SEC("uretprobe")
int BPF_URETPROBE(getaddrinfo_return)
{
	return probe_return();
}

SEC("uprobe")
int BPF_UPROBE(gethostbyname_entry, const char *name)
{
	return probe_entry(name);
}

SEC("uretprobe")
int BPF_URETPROBE(gethostbyname_return)
{
	return probe_return();
}

SEC("uprobe")
int BPF_UPROBE(gethostbyname2_entry, const char *name)
{
	return probe_entry(name);
}

SEC("uretprobe")
int BPF_URETPROBE(gethostbyname2_return)
{
	return probe_return();
}
