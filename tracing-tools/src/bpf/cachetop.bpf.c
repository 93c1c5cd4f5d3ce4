// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cachetop: page cache hits and misses per process, written for bpfscope
 * after BCC's cachetop (its four counters, same key). Three of them are
 * kernel functions without a tracepoint, so this needs fentry
 * (preferred) or kprobes (fallback): both sets are here and the loader
 * keeps the one this kernel attaches. Dirtied folios come from the
 * writeback_dirty_folio tracepoint, as BCC's on kernels without
 * folio_account_dirtied.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("cachetop");

/* BCC's counters: added to the page cache (a miss), marked accessed (a
 * read hit), buffer dirtied (a write), folio dirtied (a write miss). */
enum { NF_APCL, NF_MPA, NF_MBD, NF_APD };

const volatile __u32 target_pid = 0;

/* Key of `counts` (value: a u64 count): mirrored in src/cachetop.rs. */
struct key_t {
	__u64 nf;
	__u32 pid;
	__u32 uid;
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct key_t);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int do_count(__u64 nf)
{
	struct key_t key = {};
	__u64 *valp, one = 1;
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (target_pid && target_pid != pid)
		return 0;
	key.nf = nf;
	key.pid = pid;
	key.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	valp = bpf_map_lookup_elem(&counts, &key);
	if (valp)
		__sync_fetch_and_add(valp, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 0;
}

SEC("fentry/filemap_add_folio")
int BPF_PROG(fentry_add_folio)
{
	return do_count(NF_APCL);
}

SEC("fentry/folio_mark_accessed")
int BPF_PROG(fentry_mark_accessed)
{
	return do_count(NF_MPA);
}

SEC("fentry/mark_buffer_dirty")
int BPF_PROG(fentry_buffer_dirty)
{
	return do_count(NF_MBD);
}

SEC("kprobe/filemap_add_folio")
int BPF_KPROBE(kprobe_add_folio)
{
	return do_count(NF_APCL);
}

SEC("kprobe/folio_mark_accessed")
int BPF_KPROBE(kprobe_mark_accessed)
{
	return do_count(NF_MPA);
}

SEC("kprobe/mark_buffer_dirty")
int BPF_KPROBE(kprobe_buffer_dirty)
{
	return do_count(NF_MBD);
}

SEC("tracepoint/writeback/writeback_dirty_folio")
int writeback_dirty_folio(void *ctx)
{
	return do_count(NF_APD);
}
