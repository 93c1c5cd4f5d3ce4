// SPDX-License-Identifier: GPL-2.0
/*
 * vfsstat: calls of vfs_read, vfs_write, vfs_fsync, vfs_open, vfs_create,
 * vfs_unlink, vfs_mkdir and vfs_rmdir, counted per interval (libbpf-tools'
 * vfsstat, written for bpfscope). Some of these have syscall tracepoints,
 * but the VFS functions are also reached from inside the kernel (nfsd,
 * overlayfs, exec): as libbpf-tools, this needs fentry (preferred) or
 * kprobes (fallback); both sets are here and the loader keeps the one this
 * kernel attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("vfsstat");

/* Keys of the stats map, in column order; mirrored in src/vfsstat.rs. */
enum stat_types {
	S_READ,
	S_WRITE,
	S_FSYNC,
	S_OPEN,
	S_CREATE,
	S_UNLINK,
	S_MKDIR,
	S_RMDIR,
	S_MAXSTAT,
};

/*
 * A hash map, not libbpf-tools' .bss array: `tool report INTERVAL`
 * clears a tool's map by deleting its entries after each interval.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, S_MAXSTAT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline int inc_stats(__u32 key)
{
	__u64 one = 1, *val;

	val = bpf_map_lookup_elem(&stats, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return 0;
	}
	/* First call since the last clear; a racing CPU's insert wins. */
	if (bpf_map_update_elem(&stats, &key, &one, BPF_NOEXIST)) {
		val = bpf_map_lookup_elem(&stats, &key);
		if (val)
			__sync_fetch_and_add(val, 1);
	}
	return 0;
}

/* Both sets for one function: fentry (preferred) and kprobe (fallback). */
#define COUNT(func, key)                                                      \
	SEC("fentry/" #func)                                                  \
	int BPF_PROG(fentry_##func)                                           \
	{                                                                     \
		return inc_stats(key);                                        \
	}                                                                     \
	SEC("kprobe/" #func)                                                  \
	int BPF_KPROBE(kprobe_##func)                                         \
	{                                                                     \
		return inc_stats(key);                                        \
	}

COUNT(vfs_read, S_READ)
COUNT(vfs_write, S_WRITE)
COUNT(vfs_fsync, S_FSYNC)
COUNT(vfs_open, S_OPEN)
COUNT(vfs_create, S_CREATE)
COUNT(vfs_unlink, S_UNLINK)
COUNT(vfs_mkdir, S_MKDIR)
COUNT(vfs_rmdir, S_RMDIR)
