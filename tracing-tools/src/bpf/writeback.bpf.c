// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * writeback: file system writeback with its duration, written for bpfscope
 * after writeback.bt (BPF Performance Tools; libbpf-tools and bcc have no
 * writeback tool). writeback:writeback_start and writeback_written bracket
 * one pass of wb_writeback() in the flusher thread, so the thread id pairs
 * them; the pages written are the drop of the work's nr_pages in between.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("writeback");

#define BDI_NAME_LEN 32

struct start {
	__u64 ts;
	__s64 nr_pages;
};

/* Mirrored in src/writeback.rs. */
struct event {
	__u64 ts;
	__u64 lat_ns;
	__s64 pages;	/* written in this pass */
	__s64 nr_pages;	/* the work's pages still to write */
	__u32 sb_dev;
	__s32 reason;
	char name[BDI_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

DROPS_MAP;

SEC("tracepoint/writeback/writeback_start")
int writeback_start(struct trace_event_raw_writeback_work_class *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start s = {};

	s.ts = bpf_ktime_get_ns();
	s.nr_pages = ctx->nr_pages;
	bpf_map_update_elem(&starts, &tid, &s, BPF_ANY);
	return 0;
}

SEC("tracepoint/writeback/writeback_written")
int writeback_written(struct trace_event_raw_writeback_work_class *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start *s;
	struct event *e;

	s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0; /* began before the tool attached */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->ts = bpf_ktime_get_ns();
	e->lat_ns = e->ts - s->ts;
	e->nr_pages = ctx->nr_pages;
	e->pages = s->nr_pages - ctx->nr_pages;
	e->sb_dev = ctx->sb_dev;
	e->reason = ctx->reason;
	bpf_probe_read_kernel_str(&e->name, sizeof(e->name), ctx->name);
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}
