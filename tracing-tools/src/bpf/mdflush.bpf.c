// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * mdflush: flushes of md (software RAID) devices (libbpf-tools'
 * mdflush.bpf.c, for bpfscope). md_flush_request has no tracepoint:
 * fentry (preferred) or kprobe (fallback); md is a module, so the function
 * exists only where it is loaded or built in.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("mdflush");

#define DISK_NAME_LEN 32

/* libbpf-tools' struct event and the time of the flush; mirrored in
 * src/mdflush.rs. */
struct event {
	__u32 pid;
	char comm[TASK_COMM_LEN];
	char disk[DISK_NAME_LEN];
	__u64 ts;
};
_Static_assert(sizeof(struct event) == 64 && __builtin_offsetof(struct event, ts) == 56,
	       "the layout src/mdflush.rs reads");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int emit(struct bio *bio)
{
	struct gendisk *disk = BPF_CORE_READ(bio, bi_bdev, bd_disk);
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ts = bpf_ktime_get_ns();
	BPF_CORE_READ_STR_INTO(&e->disk, disk, disk_name);
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("fentry/md_flush_request")
int BPF_PROG(fentry_flush, void *mddev, struct bio *bio)
{
	return emit(bio);
}

SEC("kprobe/md_flush_request")
int BPF_KPROBE(kprobe_flush, void *mddev, struct bio *bio)
{
	return emit(bio);
}
