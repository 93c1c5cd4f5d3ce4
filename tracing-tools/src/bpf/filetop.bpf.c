// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * filetop: reads and writes per thread and file, written for bpfscope
 * after libbpf-tools' filetop (same key; the file name is the dentry's,
 * so 256 bytes hold it). There is no tracepoint at vfs_read/vfs_write:
 * this needs fentry (preferred) or kprobes (fallback); both sets are
 * here and the loader keeps the one this kernel attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("filetop");

#define FILE_NAME_LEN 256
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFREG 0100000

enum filetop_op { FILETOP_READ, FILETOP_WRITE };

const volatile __u32 target_pid = 0;
const volatile bool regular_file_only = true;

/* Key and value of `entries`: mirrored in src/filetop.rs. */
struct file_id {
	__u64 inode;
	__u32 dev;
	__u32 rdev;
	__u32 pid;
	__u32 tid;
};

struct file_stat {
	__u64 reads;
	__u64 read_bytes;
	__u64 writes;
	__u64 write_bytes;
	__u32 pid;
	__u32 tid;
	char filename[FILE_NAME_LEN];
	char comm[TASK_COMM_LEN];
	char type;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct file_id);
	__type(value, struct file_stat);
} entries SEC(".maps");

static struct file_stat zero_value = {};

static __always_inline int probe_entry(struct file *file, size_t count, enum filetop_op op)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pid = pid_tgid >> 32;
	struct file_id key = {};
	struct file_stat *valuep;
	struct qstr dname;
	int mode;

	if (target_pid && target_pid != pid)
		return 0;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if (regular_file_only && (mode & S_IFMT) != S_IFREG)
		return 0;
	key.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
	key.rdev = BPF_CORE_READ(file, f_inode, i_rdev);
	key.inode = BPF_CORE_READ(file, f_inode, i_ino);
	key.pid = pid;
	key.tid = (__u32)pid_tgid;
	valuep = bpf_map_lookup_elem(&entries, &key);
	if (!valuep) {
		bpf_map_update_elem(&entries, &key, &zero_value, BPF_NOEXIST);
		valuep = bpf_map_lookup_elem(&entries, &key);
		if (!valuep)
			return 0;
		valuep->pid = pid;
		valuep->tid = key.tid;
		bpf_get_current_comm(&valuep->comm, sizeof(valuep->comm));
		dname = BPF_CORE_READ(file, f_path.dentry, d_name);
		bpf_probe_read_kernel_str(valuep->filename, sizeof(valuep->filename), dname.name);
		if ((mode & S_IFMT) == S_IFREG)
			valuep->type = 'R';
		else if ((mode & S_IFMT) == S_IFSOCK)
			valuep->type = 'S';
		else
			valuep->type = 'O';
	}
	if (op == FILETOP_READ) {
		__sync_fetch_and_add(&valuep->reads, 1);
		__sync_fetch_and_add(&valuep->read_bytes, count);
	} else {
		__sync_fetch_and_add(&valuep->writes, 1);
		__sync_fetch_and_add(&valuep->write_bytes, count);
	}
	return 0;
}

SEC("fentry/vfs_read")
int BPF_PROG(fentry_vfs_read, struct file *file, char *buf, size_t count)
{
	return probe_entry(file, count, FILETOP_READ);
}

SEC("fentry/vfs_write")
int BPF_PROG(fentry_vfs_write, struct file *file, const char *buf, size_t count)
{
	return probe_entry(file, count, FILETOP_WRITE);
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(kprobe_vfs_read, struct file *file, char *buf, size_t count)
{
	return probe_entry(file, count, FILETOP_READ);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(kprobe_vfs_write, struct file *file, const char *buf, size_t count)
{
	return probe_entry(file, count, FILETOP_WRITE);
}
