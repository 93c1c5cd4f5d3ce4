// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * memleak: outstanding allocations by stack (after libbpf-tools' memleak,
 * always in its --combined-only form). User mode (-p PID): uprobes on the
 * allocator functions of libc (or -O OBJ), user stacks. Kernel mode: the
 * kmem (and with -P percpu) tracepoints, kernel stacks.
 *
 * Each live allocation is kept by address with its size and stack key;
 * `outstanding` sums bytes and allocations per stack key, added on
 * allocation and taken back on free (the entry goes when none is left).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("memleak");

#define PERF_MAX_STACK_DEPTH 127
#define MAP_FAILED ((__u64)-1)

const volatile __u64 min_size = 0;
const volatile __u64 max_size = (__u64)-1;
const volatile __u64 page_size = 4096;
const volatile __u64 sample_rate = 1;
const volatile bool kernel_mode = true;
const volatile bool wa_missing_free = false;

/* Mirrored in src/stacks.rs (StackKey). */
struct stack_key {
	__u32 pid;
	__s32 user_stack_id;
	__s32 kern_stack_id;
	char name[TASK_COMM_LEN];
};

struct alloc_info {
	__u64 size;
	struct stack_key key;
};

/* Bytes first: the stack report reads the first u64 as the count. */
struct combined {
	__u64 bytes;
	__u64 allocs;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} sizes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 262144);
	__type(key, __u64);	/* address (pfn for pages) */
	__type(value, struct alloc_info);
} allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct stack_key);
	__type(value, struct combined);
} outstanding SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} memptrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64));
	__uint(max_entries, 10240);
} stack_traces SEC(".maps");

static int gen_alloc_enter(__u64 size)
{
	__u32 tid = bpf_get_current_pid_tgid();

	if (size < min_size || size > max_size)
		return 0;
	if (sample_rate > 1 && bpf_ktime_get_ns() % sample_rate != 0)
		return 0;
	bpf_map_update_elem(&sizes, &tid, &size, BPF_ANY);
	return 0;
}

static int gen_alloc_exit2(void *ctx, __u64 address)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct alloc_info info = {};
	struct combined init = {}, *c;
	__u64 *size;

	size = bpf_map_lookup_elem(&sizes, &tid);
	if (!size)
		return 0; /* missed the entry, or filtered out */
	info.size = *size;
	bpf_map_delete_elem(&sizes, &tid);
	if (address == 0 || address == MAP_FAILED)
		return 0;
	info.key.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&info.key.name, sizeof(info.key.name));
	if (kernel_mode) {
		info.key.kern_stack_id = bpf_get_stackid(ctx, &stack_traces, 0);
		info.key.user_stack_id = -1;
	} else {
		info.key.user_stack_id = bpf_get_stackid(ctx, &stack_traces, BPF_F_USER_STACK);
		info.key.kern_stack_id = -1;
	}
	/* Untracked (the map is full): not counted either, or its free
	 * could never take it back. */
	if (bpf_map_update_elem(&allocs, &address, &info, BPF_ANY))
		return 0;
	c = bpf_map_lookup_elem(&outstanding, &info.key);
	if (!c) {
		bpf_map_update_elem(&outstanding, &info.key, &init, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&outstanding, &info.key);
		if (!c)
			return 0;
	}
	__sync_fetch_and_add(&c->bytes, info.size);
	__sync_fetch_and_add(&c->allocs, 1);
	return 0;
}

static int gen_alloc_exit(struct pt_regs *ctx)
{
	return gen_alloc_exit2(ctx, PT_REGS_RC(ctx));
}

static int gen_free_enter(__u64 address)
{
	struct alloc_info *info;
	struct combined *c;

	info = bpf_map_lookup_elem(&allocs, &address);
	if (!info)
		return 0;
	c = bpf_map_lookup_elem(&outstanding, &info->key);
	if (c) {
		__sync_fetch_and_sub(&c->bytes, info->size);
		if (__sync_fetch_and_sub(&c->allocs, 1) <= 1)
			bpf_map_delete_elem(&outstanding, &info->key);
	}
	bpf_map_delete_elem(&allocs, &address);
	return 0;
}

/* ---------------------------------------------------------- user mode */

/*
 * An allocator whose entry needs only its size argument (named size) and
 * whose return value is the address: its uprobe and its uretprobe.
 */
#define SIZE_ALLOCATOR(fn, ...)                                               \
	SEC("uprobe")                                                         \
	int BPF_UPROBE(fn##_enter, __VA_ARGS__)                               \
	{                                                                     \
		return gen_alloc_enter(size);                                 \
	}                                                                     \
                                                                              \
	SEC("uretprobe")                                                      \
	int BPF_URETPROBE(fn##_exit)                                          \
	{                                                                     \
		return gen_alloc_exit(ctx);                                   \
	}

SIZE_ALLOCATOR(malloc, size_t size)

SEC("uprobe")
int BPF_UPROBE(free_enter, void *address)
{
	return gen_free_enter((__u64)address);
}

SEC("uprobe")
int BPF_UPROBE(calloc_enter, size_t nmemb, size_t size)
{
	return gen_alloc_enter(nmemb * size);
}

SEC("uretprobe")
int BPF_URETPROBE(calloc_exit)
{
	return gen_alloc_exit(ctx);
}

SEC("uprobe")
int BPF_UPROBE(realloc_enter, void *ptr, size_t size)
{
	gen_free_enter((__u64)ptr);
	return gen_alloc_enter(size);
}

SEC("uretprobe")
int BPF_URETPROBE(realloc_exit)
{
	return gen_alloc_exit(ctx);
}

SIZE_ALLOCATOR(mmap, void *address, size_t size)

SEC("uprobe")
int BPF_UPROBE(munmap_enter, void *address)
{
	return gen_free_enter((__u64)address);
}

SEC("uprobe")
int BPF_UPROBE(mremap_enter, void *old_address, size_t old_size, size_t new_size)
{
	gen_free_enter((__u64)old_address);
	return gen_alloc_enter(new_size);
}

SEC("uretprobe")
int BPF_URETPROBE(mremap_exit)
{
	return gen_alloc_exit(ctx);
}

SEC("uprobe")
int BPF_UPROBE(posix_memalign_enter, void **memptr, size_t alignment, size_t size)
{
	__u64 memptr64 = (__u64)memptr;
	__u32 tid = bpf_get_current_pid_tgid();

	bpf_map_update_elem(&memptrs, &tid, &memptr64, BPF_ANY);
	return gen_alloc_enter(size);
}

SEC("uretprobe")
int BPF_URETPROBE(posix_memalign_exit)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 *memptr64;
	void *addr;

	memptr64 = bpf_map_lookup_elem(&memptrs, &tid);
	if (!memptr64)
		return 0;
	bpf_map_delete_elem(&memptrs, &tid);
	if (bpf_probe_read_user(&addr, sizeof(void *), (void *)*memptr64))
		return 0;
	return gen_alloc_exit2(ctx, (__u64)addr);
}

SIZE_ALLOCATOR(aligned_alloc, size_t alignment, size_t size)
SIZE_ALLOCATOR(valloc, size_t size)
SIZE_ALLOCATOR(memalign, size_t alignment, size_t size)
SIZE_ALLOCATOR(pvalloc, size_t size)

/* -------------------------------------------------------- kernel mode */

static int kernel_alloc(void *ctx, __u64 ptr, __u64 bytes)
{
	if (wa_missing_free)
		gen_free_enter(ptr);
	gen_alloc_enter(bytes);
	return gen_alloc_exit2(ctx, ptr);
}

SEC("tracepoint/kmem/kmalloc")
int kmalloc(struct trace_event_raw_kmalloc *ctx)
{
	return kernel_alloc(ctx, (__u64)ctx->ptr, ctx->bytes_alloc);
}

SEC("tracepoint/kmem/kfree")
int kfree(struct trace_event_raw_kfree *ctx)
{
	return gen_free_enter((__u64)ctx->ptr);
}

SEC("tracepoint/kmem/kmem_cache_alloc")
int kmem_cache_alloc(struct trace_event_raw_kmem_cache_alloc *ctx)
{
	return kernel_alloc(ctx, (__u64)ctx->ptr, ctx->bytes_alloc);
}

SEC("tracepoint/kmem/kmem_cache_free")
int kmem_cache_free(struct trace_event_raw_kmem_cache_free *ctx)
{
	return gen_free_enter((__u64)ctx->ptr);
}

SEC("tracepoint/kmem/mm_page_alloc")
int mm_page_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	return kernel_alloc(ctx, ctx->pfn, page_size << ctx->order);
}

SEC("tracepoint/kmem/mm_page_free")
int mm_page_free(struct trace_event_raw_mm_page_free *ctx)
{
	return gen_free_enter(ctx->pfn);
}

SEC("tracepoint/percpu/percpu_alloc_percpu")
int percpu_alloc_percpu(struct trace_event_raw_percpu_alloc_percpu *ctx)
{
	return kernel_alloc(ctx, (__u64)ctx->ptr, ctx->bytes_alloc);
}

SEC("tracepoint/percpu/percpu_free_percpu")
int percpu_free_percpu(struct trace_event_raw_percpu_free_percpu *ctx)
{
	return gen_free_enter((__u64)ctx->ptr);
}
