// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ext4slower: ext4 reads, writes, opens and fsyncs slower than a
 * threshold, written for bpfscope. There is no tracepoint at the ext4
 * file operations, so this needs fentry/fexit (preferred) or
 * kprobes/kretprobes (fallback); both sets are here, and the loader keeps
 * the set this kernel can attach. A kernel with neither cannot run it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("ext4slower");

#define FILE_NAME_LEN 32

enum fs_op { FS_READ, FS_WRITE, FS_OPEN, FS_FSYNC };

const volatile __u32 targ_tgid = 0;
const volatile __u64 min_lat_ns = 10000000;

struct pending {
	__u64 ts;
	__s64 offset;
	struct file *fp;
};

/* Mirrored in src/ext4slower.rs. */
struct event {
	__u64 ts;
	__u64 delta_us;
	__s64 size;
	__s64 offset;
	__u32 pid;
	__u32 op;
	char comm[TASK_COMM_LEN];
	char file[FILE_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct pending);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int entry(struct file *fp, __s64 offset)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct pending p = {};

	if (targ_tgid && targ_tgid != (id >> 32))
		return 0;
	p.ts = bpf_ktime_get_ns();
	p.offset = offset;
	p.fp = fp;
	bpf_map_update_elem(&start, &tid, &p, BPF_ANY);
	return 0;
}

static __always_inline int exit(enum fs_op op, __s64 size)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct pending *p;
	struct event *e;
	__u64 delta;
	const unsigned char *name;

	p = bpf_map_lookup_elem(&start, &tid);
	if (!p)
		return 0;
	delta = bpf_ktime_get_ns() - p->ts;
	if (delta < min_lat_ns)
		goto cleanup;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->ts = bpf_ktime_get_ns();
	e->delta_us = delta / 1000;
	e->size = size;
	e->offset = p->offset;
	e->pid = id >> 32;
	e->op = op;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	name = BPF_CORE_READ(p->fp, f_path.dentry, d_name.name);
	bpf_probe_read_kernel_str(&e->file, sizeof(e->file), name);
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

/* fentry/fexit: preferred. */

SEC("fentry/ext4_file_read_iter")
int BPF_PROG(fentry_read, struct kiocb *iocb)
{
	return entry(iocb->ki_filp, iocb->ki_pos);
}

SEC("fexit/ext4_file_read_iter")
int BPF_PROG(fexit_read, struct kiocb *iocb, struct iov_iter *to, ssize_t ret)
{
	return exit(FS_READ, ret);
}

SEC("fentry/ext4_file_write_iter")
int BPF_PROG(fentry_write, struct kiocb *iocb)
{
	return entry(iocb->ki_filp, iocb->ki_pos);
}

SEC("fexit/ext4_file_write_iter")
int BPF_PROG(fexit_write, struct kiocb *iocb, struct iov_iter *from, ssize_t ret)
{
	return exit(FS_WRITE, ret);
}

SEC("fentry/ext4_file_open")
int BPF_PROG(fentry_open, struct inode *inode, struct file *file)
{
	return entry(file, 0);
}

SEC("fexit/ext4_file_open")
int BPF_PROG(fexit_open, struct inode *inode, struct file *file, int ret)
{
	return exit(FS_OPEN, 0);
}

SEC("fentry/ext4_sync_file")
int BPF_PROG(fentry_fsync, struct file *file)
{
	return entry(file, 0);
}

SEC("fexit/ext4_sync_file")
int BPF_PROG(fexit_fsync, struct file *file, loff_t start, loff_t end, int datasync, int ret)
{
	return exit(FS_FSYNC, 0);
}

/* kprobe/kretprobe: fallback where fentry cannot attach. */

SEC("kprobe/ext4_file_read_iter")
int BPF_KPROBE(kprobe_read, struct kiocb *iocb)
{
	return entry(BPF_CORE_READ(iocb, ki_filp), BPF_CORE_READ(iocb, ki_pos));
}

SEC("kretprobe/ext4_file_read_iter")
int BPF_KRETPROBE(kretprobe_read, ssize_t ret)
{
	return exit(FS_READ, ret);
}

SEC("kprobe/ext4_file_write_iter")
int BPF_KPROBE(kprobe_write, struct kiocb *iocb)
{
	return entry(BPF_CORE_READ(iocb, ki_filp), BPF_CORE_READ(iocb, ki_pos));
}

SEC("kretprobe/ext4_file_write_iter")
int BPF_KRETPROBE(kretprobe_write, ssize_t ret)
{
	return exit(FS_WRITE, ret);
}

SEC("kprobe/ext4_file_open")
int BPF_KPROBE(kprobe_open, struct inode *inode, struct file *file)
{
	return entry(file, 0);
}

SEC("kretprobe/ext4_file_open")
int BPF_KRETPROBE(kretprobe_open)
{
	return exit(FS_OPEN, 0);
}

SEC("kprobe/ext4_sync_file")
int BPF_KPROBE(kprobe_fsync, struct file *file)
{
	return entry(file, 0);
}

SEC("kretprobe/ext4_sync_file")
int BPF_KRETPROBE(kretprobe_fsync)
{
	return exit(FS_FSYNC, 0);
}
