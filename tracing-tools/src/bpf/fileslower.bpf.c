// SPDX-License-Identifier: GPL-2.0
/*
 * fileslower: synchronous file reads and writes slower than a threshold,
 * at the VFS (bcc's fileslower, written for bpfscope): vfs_read() and
 * vfs_write() of files whose file_operations have read_iter/write_iter
 * (the synchronous path), with a name, regular files unless -a. These
 * functions have no tracepoint: this needs fentry/fexit (preferred) or
 * kprobes/kretprobes (fallback); both sets are here and the loader keeps
 * the one this kernel attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("fileslower");

/* bcc's DNAME_INLINE_LEN: the name is cut there, name_len tells. */
#define NAME_LEN 32
#define S_IFMT 00170000
#define S_IFREG 0100000

enum trace_mode { MODE_READ, MODE_WRITE };

const volatile __u32 targ_tgid = 0;
const volatile __u64 min_us = 10000;
const volatile bool all_files = false;

struct pending {
	__u64 ts;
	struct file *fp;
	__u32 sz;
	__u32 pad;
};

/* bcc's struct data_t (pid is the thread id: the TID column), with a
 * timestamp first; mirrored in src/fileslower.rs. */
struct event {
	__u64 ts;
	__u64 delta_us;
	__u32 mode;
	__u32 pid;
	__u32 sz;
	__u32 name_len;
	char name[NAME_LEN];
	char comm[TASK_COMM_LEN];
};

/* src/fileslower.rs reads these offsets. */
_Static_assert(sizeof(struct event) == 80 && __builtin_offsetof(struct event, name) == 32 &&
	       __builtin_offsetof(struct event, comm) == 64, "struct event layout");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct pending);
} entryinfo SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int entry(struct file *file, size_t count, enum trace_mode mode)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct pending p = {};
	unsigned short i_mode;
	void *op;

	if (targ_tgid && targ_tgid != (id >> 32))
		return 0;
	/* Synchronous I/O only (bcc: the path to new_sync_read/write). */
	if (mode == MODE_READ)
		op = BPF_CORE_READ(file, f_op, read_iter);
	else
		op = BPF_CORE_READ(file, f_op, write_iter);
	if (!op)
		return 0;
	/* Only I/O with a file name; regular files unless -a. */
	if (BPF_CORE_READ(file, f_path.dentry, d_name.len) == 0)
		return 0;
	i_mode = BPF_CORE_READ(file, f_inode, i_mode);
	if (!all_files && (i_mode & S_IFMT) != S_IFREG)
		return 0;
	p.ts = bpf_ktime_get_ns();
	p.fp = file;
	p.sz = count;
	bpf_map_update_elem(&entryinfo, &tid, &p, BPF_ANY);
	return 0;
}

static __always_inline int exit(enum trace_mode mode)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct pending *p;
	struct event *e;
	struct dentry *de;
	struct file *fp;
	__u64 delta_us;

	p = bpf_map_lookup_elem(&entryinfo, &tid);
	if (!p)
		return 0; /* filtered, or missed the entry */
	delta_us = (bpf_ktime_get_ns() - p->ts) / 1000;
	if (delta_us < min_us)
		goto cleanup;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->ts = bpf_ktime_get_ns();
	e->delta_us = delta_us;
	e->mode = mode;
	e->pid = tid;
	e->sz = p->sz;
	/* Through a local: p->fp inside BPF_CORE_READ would be relocated
	 * against struct pending, which the kernel's BTF does not have. */
	fp = p->fp;
	de = BPF_CORE_READ(fp, f_path.dentry);
	e->name_len = BPF_CORE_READ(de, d_name.len);
	bpf_probe_read_kernel_str(&e->name, sizeof(e->name), BPF_CORE_READ(de, d_name.name));
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&entryinfo, &tid);
	return 0;
}

/*
 * vfs_read and vfs_write, each as an fentry/fexit pair (preferred) and a
 * kprobe/kretprobe pair (the fallback where fentry cannot attach):
 * programs ENTRY_fn and EXIT_fn on `ENTRY/fn` and `EXIT/fn`.
 */
#define VFS_PROBES(ENTRY, EXIT, entry_prog, exit_prog, fn, buf_t, mode)       \
	SEC(#ENTRY "/" #fn)                                                   \
	int entry_prog(ENTRY##_##fn, struct file *file, buf_t buf, size_t count) \
	{                                                                     \
		return entry(file, count, mode);                              \
	}                                                                     \
                                                                              \
	SEC(#EXIT "/" #fn)                                                    \
	int exit_prog(EXIT##_##fn)                                            \
	{                                                                     \
		return exit(mode);                                            \
	}

VFS_PROBES(fentry, fexit, BPF_PROG, BPF_PROG, vfs_read, char *, MODE_READ)
VFS_PROBES(fentry, fexit, BPF_PROG, BPF_PROG, vfs_write, const char *, MODE_WRITE)
VFS_PROBES(kprobe, kretprobe, BPF_KPROBE, BPF_KRETPROBE, vfs_read, char *, MODE_READ)
VFS_PROBES(kprobe, kretprobe, BPF_KPROBE, BPF_KRETPROBE, vfs_write, const char *, MODE_WRITE)
