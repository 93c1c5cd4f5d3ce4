/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The body of every *slower tool (xfsslower, ext4slower, nfsslower, …):
 * libbpf-tools' fsslower.bpf.c, with the file system's functions chosen
 * by the including NAME.bpf.c rather than by -t at run time, so that each
 * tool is an object of its own with its own bpf_metadata_tool:
 *
 *	#define FS_TOOL  "xfsslower"
 *	#define FS_READ  xfs_file_read_iter
 *	#define FS_WRITE xfs_file_write_iter
 *	#define FS_OPEN  xfs_file_open
 *	#define FS_FSYNC xfs_file_fsync
 *	#include "fsslower.h"
 *
 * There is no tracepoint at these functions: the object has an fentry/fexit
 * set (preferred) and a kprobe/kretprobe set (fallback); the loader keeps
 * the set this kernel attaches (tracing-tools/src/fsfamily.rs lists both).
 */
#ifndef BPFSCOPE_FSSLOWER_H
#define BPFSCOPE_FSSLOWER_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

#define FS_STR_(x) #x
#define FS_STR(x) FS_STR_(x)

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA(FS_TOOL);

#define FILE_NAME_LEN 32

enum fs_file_op { F_READ, F_WRITE, F_OPEN, F_FSYNC };

const volatile __u32 target_pid = 0;
const volatile __u64 min_lat_ns = 10000000;

struct data {
	__u64 ts;
	__s64 start;
	__s64 end;
	struct file *fp;
};

/* libbpf-tools' struct event; mirrored in src/fsfamily.rs. */
struct event {
	__u64 delta_us;
	__u64 end_ns;
	__s64 offset;
	__s64 size;
	__u32 pid;
	__u32 op;
	char file[FILE_NAME_LEN];
	char task[TASK_COMM_LEN];
};
_Static_assert(sizeof(struct event) == 88 && __builtin_offsetof(struct event, task) == 72,
	       "the layout src/fsfamily.rs reads");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct data);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

static __always_inline int probe_entry(struct file *fp, __s64 start, __s64 end)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct data data;

	if (!fp)
		return 0;
	if (target_pid && target_pid != pid_tgid >> 32)
		return 0;
	data.ts = bpf_ktime_get_ns();
	data.start = start;
	data.end = end;
	data.fp = fp;
	bpf_map_update_elem(&starts, &tid, &data, BPF_ANY);
	return 0;
}

static __always_inline int probe_exit(enum fs_file_op op, __s64 size)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u64 end_ns, delta_ns;
	const unsigned char *name;
	struct data *datap;
	struct event *e;
	struct file *fp;

	datap = bpf_map_lookup_elem(&starts, &tid);
	if (!datap)
		return 0;
	end_ns = bpf_ktime_get_ns();
	delta_ns = end_ns - datap->ts;
	if (delta_ns <= min_lat_ns)
		goto cleanup;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->delta_us = delta_ns / 1000;
	e->end_ns = end_ns;
	e->offset = datap->start;
	/* fsync's size is the range it syncs (LLONG_MAX for fsync(2)). */
	e->size = op == F_FSYNC ? datap->end - datap->start : size;
	e->pid = pid_tgid >> 32;
	e->op = op;
	/*
	 * Copied out first: a CO-RE read through datap->fp would relocate
	 * against this object's struct data, which the kernel does not have.
	 */
	fp = datap->fp;
	name = BPF_CORE_READ(fp, f_path.dentry, d_name.name);
	bpf_probe_read_kernel_str(&e->file, sizeof(e->file), name);
	bpf_get_current_comm(&e->task, sizeof(e->task));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* fentry/fexit: preferred. */

SEC("fentry/" FS_STR(FS_READ))
int BPF_PROG(fentry_read, struct kiocb *iocb)
{
	return probe_entry(iocb->ki_filp, iocb->ki_pos, 0);
}

SEC("fexit/" FS_STR(FS_READ))
int BPF_PROG(fexit_read, struct kiocb *iocb, struct iov_iter *to, ssize_t ret)
{
	return probe_exit(F_READ, ret);
}

SEC("fentry/" FS_STR(FS_WRITE))
int BPF_PROG(fentry_write, struct kiocb *iocb)
{
	return probe_entry(iocb->ki_filp, iocb->ki_pos, 0);
}

SEC("fexit/" FS_STR(FS_WRITE))
int BPF_PROG(fexit_write, struct kiocb *iocb, struct iov_iter *from, ssize_t ret)
{
	return probe_exit(F_WRITE, ret);
}

SEC("fentry/" FS_STR(FS_OPEN))
int BPF_PROG(fentry_open, struct inode *inode, struct file *file)
{
	return probe_entry(file, 0, 0);
}

SEC("fexit/" FS_STR(FS_OPEN))
int BPF_PROG(fexit_open)
{
	return probe_exit(F_OPEN, 0);
}

SEC("fentry/" FS_STR(FS_FSYNC))
int BPF_PROG(fentry_fsync, struct file *file, loff_t start, loff_t end)
{
	return probe_entry(file, start, end);
}

SEC("fexit/" FS_STR(FS_FSYNC))
int BPF_PROG(fexit_fsync)
{
	return probe_exit(F_FSYNC, 0);
}

/* kprobe/kretprobe: fallback where fentry cannot attach. */

SEC("kprobe/" FS_STR(FS_READ))
int BPF_KPROBE(kprobe_read, struct kiocb *iocb)
{
	return probe_entry(BPF_CORE_READ(iocb, ki_filp), BPF_CORE_READ(iocb, ki_pos), 0);
}

SEC("kretprobe/" FS_STR(FS_READ))
int BPF_KRETPROBE(kretprobe_read, ssize_t ret)
{
	return probe_exit(F_READ, ret);
}

SEC("kprobe/" FS_STR(FS_WRITE))
int BPF_KPROBE(kprobe_write, struct kiocb *iocb)
{
	return probe_entry(BPF_CORE_READ(iocb, ki_filp), BPF_CORE_READ(iocb, ki_pos), 0);
}

SEC("kretprobe/" FS_STR(FS_WRITE))
int BPF_KRETPROBE(kretprobe_write, ssize_t ret)
{
	return probe_exit(F_WRITE, ret);
}

SEC("kprobe/" FS_STR(FS_OPEN))
int BPF_KPROBE(kprobe_open, struct inode *inode, struct file *file)
{
	return probe_entry(file, 0, 0);
}

SEC("kretprobe/" FS_STR(FS_OPEN))
int BPF_KRETPROBE(kretprobe_open)
{
	return probe_exit(F_OPEN, 0);
}

SEC("kprobe/" FS_STR(FS_FSYNC))
int BPF_KPROBE(kprobe_fsync, struct file *file, loff_t start, loff_t end)
{
	return probe_entry(file, start, end);
}

SEC("kretprobe/" FS_STR(FS_FSYNC))
int BPF_KRETPROBE(kretprobe_fsync)
{
	return probe_exit(F_FSYNC, 0);
}

#endif
