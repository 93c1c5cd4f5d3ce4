// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cachestat: page cache accesses, misses and dirtied folios, written for
 * bpfscope from tracepoints (libbpf-tools uses fentry on
 * mark_page_accessed & co., which this kernel cannot attach). Which
 * counter comes from where is documented in docs/tools.md:
 *   ACCESSES  filemap:mm_filemap_get_pages, pages of each read request
 *             (counted once per request: the read loop calls it again for
 *             the rest of the same range)
 *   MISSES    filemap:mm_filemap_add_to_page_cache, pages (1 << order)
 *             added to an inode, held per inode until a read request on
 *             it completes its batch (mm_filemap_get_pages fires after the
 *             readahead that added them); a folio dirtied on that inode
 *             (writeback:writeback_dirty_folio) drops what is held: pages
 *             a write added are not read misses (libbpf-tools subtracts
 *             dirtied pages from misses for the same reason)
 *   DIRTIES   writeback:writeback_dirty_folio, folios dirtied
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("cachestat");

/* Keys of the stats map; mirrored in src/cachestat.rs. */
#define STAT_ACCESSES 0
#define STAT_MISSES 1
#define STAT_DIRTIES 2

/* The read request a thread is in: file, progress and the range's end. */
struct reading {
	__u64 ino;
	__u64 index;
	__u64 last_index;
	__u32 dev;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct reading);
} reads SEC(".maps");

/* Pages added per inode not yet claimed by a read (see MISSES above). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u64);
} added SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void stat_add(__u32 key, __u64 n)
{
	__u64 zero = 0, *v = bpf_map_lookup_elem(&stats, &key);

	if (!v) {
		/* NOEXIST: a concurrent creator wins, both then add. */
		bpf_map_update_elem(&stats, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&stats, &key);
		if (!v)
			return;
	}
	__sync_fetch_and_add(v, n);
}

SEC("tracepoint/filemap/mm_filemap_get_pages")
int mm_filemap_get_pages(struct trace_event_raw_mm_filemap_op_page_cache_range *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct reading *r, now = {};
	__u64 ino = ctx->i_ino, *pending;

	now.ino = ino;
	now.dev = ctx->s_dev;
	now.index = ctx->index;
	now.last_index = ctx->last_index;
	r = bpf_map_lookup_elem(&reads, &tid);
	/*
	 * The read loop calls again for the rest of the same range: same
	 * file, same end, further on. That request was counted already.
	 */
	if (!(r && r->ino == now.ino && r->dev == now.dev &&
	      r->last_index == now.last_index && now.index > r->index) &&
	    ctx->last_index >= ctx->index)
		stat_add(STAT_ACCESSES, ctx->last_index - ctx->index + 1);
	bpf_map_update_elem(&reads, &tid, &now, BPF_ANY);
	pending = bpf_map_lookup_elem(&added, &ino);
	if (pending) {
		if (*pending)
			stat_add(STAT_MISSES, *pending);
		bpf_map_delete_elem(&added, &ino);
	}
	return 0;
}

SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int mm_filemap_add_to_page_cache(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	__u64 ino = ctx->i_ino, pages = 1ULL << (ctx->order & 31), *pending;

	pending = bpf_map_lookup_elem(&added, &ino);
	if (pending) {
		__sync_fetch_and_add(pending, pages);
		return 0;
	}
	bpf_map_update_elem(&added, &ino, &pages, BPF_NOEXIST);
	return 0;
}

SEC("tracepoint/writeback/writeback_dirty_folio")
int writeback_dirty_folio(struct trace_event_raw_writeback_folio_template *ctx)
{
	__u64 ino = ctx->ino, *pending;

	stat_add(STAT_DIRTIES, 1);
	pending = bpf_map_lookup_elem(&added, &ino);
	if (pending)
		*pending = 0;
	return 0;
}
