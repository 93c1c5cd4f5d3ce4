// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bashreadline: the command lines bash reads (after libbpf-tools'
 * bashreadline). A uretprobe on readline_internal_teardown, which returns
 * the line to readline(): unlike readline's own return, it also catches
 * the line a shell was already waiting for when the probe was attached.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("bashreadline");

#define MAX_LINE_SIZE 80

/* Mirrored in src/bashreadline.rs. */
struct event {
	__u64 ts;
	__u32 pid;
	char str[MAX_LINE_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

DROPS_MAP;

SEC("uretprobe")
int BPF_URETPROBE(readline_return, const void *ret)
{
	char comm[TASK_COMM_LEN];
	struct event *e;

	if (!ret)
		return 0;
	/* libreadline serves other programs too: bash's lines only. */
	bpf_get_current_comm(&comm, sizeof(comm));
	if (comm[0] != 'b' || comm[1] != 'a' || comm[2] != 's' || comm[3] != 'h' || comm[4] != 0)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	if (bpf_probe_read_user_str(&e->str, sizeof(e->str), ret) < 0) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
