// SPDX-License-Identifier: GPL-2.0
/*
 * vfscount: calls of VFS functions (bcc's vfscount, written for bpfscope).
 * bcc attaches to every kernel function matching ^vfs_; a bpfscope object
 * lists its programs, so this counts a fixed set: the file, directory,
 * attribute, lock and xattr operations that have been there since Linux
 * 5.x (src/vfscount.rs names them by key). None has a tracepoint: this
 * needs fentry (preferred) or kprobes (fallback); both sets are here and
 * the loader keeps the one this kernel attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("vfscount");

/* Keyed by the function's index in src/vfscount.rs's FUNCS. */
struct count {
	__u64 count;
	__u64 ip; /* the function's address: bcc's ADDR column */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct count);
} counts SEC(".maps");

static __always_inline int do_count(void *ctx, __u32 key)
{
	struct count one = { .count = 1 }, *val;

	val = bpf_map_lookup_elem(&counts, &key);
	if (val) {
		__sync_fetch_and_add(&val->count, 1);
		return 0;
	}
	one.ip = bpf_get_func_ip(ctx);
	/* First since the last clear; a racing CPU's insert wins. */
	if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST)) {
		val = bpf_map_lookup_elem(&counts, &key);
		if (val)
			__sync_fetch_and_add(&val->count, 1);
	}
	return 0;
}

/* Both sets for one function: fentry (preferred) and kprobe (fallback). */
#define COUNT(func, key)                                                      \
	SEC("fentry/" #func)                                                  \
	int BPF_PROG(fentry_##func)                                           \
	{                                                                     \
		return do_count(ctx, key);                                    \
	}                                                                     \
	SEC("kprobe/" #func)                                                  \
	int BPF_KPROBE(kprobe_##func)                                         \
	{                                                                     \
		return do_count(ctx, key);                                    \
	}

COUNT(vfs_read, 0)
COUNT(vfs_write, 1)
COUNT(vfs_readv, 2)
COUNT(vfs_writev, 3)
COUNT(vfs_iter_read, 4)
COUNT(vfs_iter_write, 5)
COUNT(vfs_llseek, 6)
COUNT(vfs_open, 7)
COUNT(vfs_create, 8)
COUNT(vfs_mkdir, 9)
COUNT(vfs_mknod, 10)
COUNT(vfs_rmdir, 11)
COUNT(vfs_unlink, 12)
COUNT(vfs_rename, 13)
COUNT(vfs_link, 14)
COUNT(vfs_symlink, 15)
COUNT(vfs_readlink, 16)
COUNT(vfs_fsync, 17)
COUNT(vfs_fsync_range, 18)
COUNT(vfs_getattr, 19)
COUNT(vfs_getattr_nosec, 20)
COUNT(vfs_statx, 21)
COUNT(vfs_fstat, 22)
COUNT(vfs_truncate, 23)
COUNT(vfs_fallocate, 24)
COUNT(vfs_fadvise, 25)
COUNT(vfs_copy_file_range, 26)
COUNT(vfs_lock_file, 27)
COUNT(vfs_test_lock, 28)
COUNT(vfs_setlease, 29)
COUNT(vfs_getxattr, 30)
COUNT(vfs_setxattr, 31)
COUNT(vfs_listxattr, 32)
COUNT(vfs_removexattr, 33)
COUNT(vfs_utimes, 34)
COUNT(vfs_path_lookup, 35)
