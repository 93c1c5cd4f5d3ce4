// SPDX-License-Identifier: GPL-2.0
/*
 * dcstat: directory entry cache statistics (bcc's dcstat, written for
 * bpfscope). A reference is a call of lookup_fast() (one per path
 * component looked up), a slow lookup a call of d_lookup() (lookup_slow's
 * way), a miss a d_lookup() that found nothing. Neither function has a
 * tracepoint: this needs fentry/fexit (preferred) or kprobe/kretprobe
 * (fallback); both sets are here and the loader keeps the one this kernel
 * attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("dcstat");

/* bcc's keys; mirrored in src/dcstat.rs. */
enum stats { S_REFS = 1, S_SLOW, S_MISS, S_MAXSTAT };

/* A hash map: `tool report INTERVAL` deletes its entries after each interval. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, S_MAXSTAT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void inc(__u32 key)
{
	__u64 one = 1, *val;

	val = bpf_map_lookup_elem(&stats, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return;
	}
	/* First since the last clear; a racing CPU's insert wins. */
	if (bpf_map_update_elem(&stats, &key, &one, BPF_NOEXIST)) {
		val = bpf_map_lookup_elem(&stats, &key);
		if (val)
			__sync_fetch_and_add(val, 1);
	}
}

static __always_inline int count_lookup(void *found)
{
	inc(S_SLOW);
	if (!found)
		inc(S_MISS);
	return 0;
}

/* fentry/fexit: preferred. */

SEC("fentry/lookup_fast")
int BPF_PROG(fentry_lookup_fast)
{
	inc(S_REFS);
	return 0;
}

SEC("fexit/d_lookup")
int BPF_PROG(fexit_d_lookup, const struct dentry *parent, const struct qstr *name,
	     struct dentry *ret)
{
	return count_lookup(ret);
}

/* kprobe/kretprobe: fallback where fentry cannot attach. */

SEC("kprobe/lookup_fast")
int BPF_KPROBE(kprobe_lookup_fast)
{
	inc(S_REFS);
	return 0;
}

SEC("kretprobe/d_lookup")
int BPF_KRETPROBE(kretprobe_d_lookup, struct dentry *ret)
{
	return count_lookup(ret);
}
