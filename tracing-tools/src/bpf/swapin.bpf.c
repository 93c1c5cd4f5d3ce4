// SPDX-License-Identifier: GPL-2.0
/*
 * swapin: pages read back from swap, counted per process (bcc's swapin,
 * written for bpfscope), at swap_read_folio() (Linux 6.9+; swap_readpage()
 * before). It has no tracepoint: this needs fentry (preferred) or a kprobe
 * (fallback); both are here and the loader keeps the one this kernel
 * attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("swapin");

/* bcc's struct key_t; mirrored in src/swapin.rs. */
struct key_t {
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct key_t);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int count_swapin(void)
{
	struct key_t key = { .pid = bpf_get_current_pid_tgid() >> 32 };
	__u64 one = 1, *val;

	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	val = bpf_map_lookup_elem(&counts, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return 0;
	}
	/* First for this process since the last clear; a racing insert wins. */
	if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST)) {
		val = bpf_map_lookup_elem(&counts, &key);
		if (val)
			__sync_fetch_and_add(val, 1);
	}
	return 0;
}

SEC("fentry/swap_read_folio")
int BPF_PROG(fentry_swap_read_folio)
{
	return count_swapin();
}

SEC("kprobe/swap_read_folio")
int BPF_KPROBE(kprobe_swap_read_folio)
{
	return count_swapin();
}
