// SPDX-License-Identifier: GPL-2.0
/*
 * filelife: files created and deleted while tracing, with their age (as
 * libbpf-tools' filelife, written for bpfscope). A creation is seen at
 * vfs_create(), security_inode_create() or vfs_open() of a new file, the
 * deletion at a successful vfs_unlink(); none has a tracepoint, so this
 * needs fentry/fexit (preferred) or kprobes/kretprobe (fallback). Both
 * sets are here; the loader keeps the one this kernel attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("filelife");

/* include/linux/fs.h */
#define FMODE_CREATED 0x100000

/* libbpf-tools' path_helpers.h: one NAME_MAX slot per path component. */
#define NAME_MAX 255
#define MAX_PATH_DEPTH 32

const volatile __s32 targ_tgid = 0;
const volatile bool full_path = false;

/* Mirrored in src/filelife.rs: pathes[] holds the file's name, then (-F)
 * its parents' names up to the root, one per NAME_MAX slot. */
struct full_path {
	char pathes[NAME_MAX * MAX_PATH_DEPTH];
	__u32 depth;
	int failed;
};

struct event {
	struct full_path fname;
	char task[TASK_COMM_LEN];
	__u64 delta_ns;
	__s32 tgid;
	/* bpfscope: when (a pinned tool's events are read later). */
	__u64 ts;
};

/* src/filelife.rs reads these offsets. */
_Static_assert(sizeof(struct event) == 8208 && __builtin_offsetof(struct event, task) == 8168 &&
	       __builtin_offsetof(struct event, tgid) == 8192, "struct event layout");

struct create_arg {
	__u64 ts;
	struct vfsmount *cwd_vfsmnt;
};

struct unlink_event {
	__u64 delta_ns;
	struct dentry *dentry;
	struct vfsmount *cwd_vfsmnt;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct dentry *);
	__type(value, struct create_arg);
} start SEC(".maps");

/* kprobe set: vfs_unlink's entry to its return, per thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct unlink_event);
} currevent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

/* Linux 5.12-6.2 pass a user_namespace first, 6.3+ a mnt_idmap. */
struct renamedata___userns {
	struct user_namespace *old_mnt_userns;
} __attribute__((preserve_access_index));

static __always_inline bool vfs_has_idmap_arg(void)
{
	return bpf_core_type_exists(struct mnt_idmap) ||
	       bpf_core_field_exists(struct renamedata___userns, old_mnt_userns);
}

static __always_inline int probe_create(struct dentry *dentry)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct create_arg arg = {};
	struct task_struct *task;

	if (targ_tgid && targ_tgid != tgid)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	arg.ts = bpf_ktime_get_ns();
	arg.cwd_vfsmnt = BPF_CORE_READ(task, fs, pwd.mnt);
	bpf_map_update_elem(&start, &dentry, &arg, BPF_ANY);
	return 0;
}

static __always_inline int probe_open(struct path *path, struct file *file)
{
	struct dentry *dentry = BPF_CORE_READ(path, dentry);
	unsigned int fmode = BPF_CORE_READ(file, f_mode);

	if (!(fmode & FMODE_CREATED))
		return 0;
	return probe_create(dentry);
}

/* libbpf-tools' bpf_dentry_full_path: names from the dentry up to the
 * root, crossing mounts; the first name is already in pathes[0]. */
static __always_inline void dentry_full_path(struct full_path *fp, struct dentry *dentry,
					     struct vfsmount *vfsmnt)
{
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct dentry *parent;
	struct mount *mnt_parent;
	long len;
	int depth;

	for (depth = 0; depth < MAX_PATH_DEPTH; depth++) {
		len = bpf_probe_read_kernel_str(&fp->pathes[depth * NAME_MAX], NAME_MAX,
						BPF_CORE_READ(dentry, d_name.name));
		if (len < 0) {
			fp->failed = 1;
			break;
		}
		parent = BPF_CORE_READ(dentry, d_parent);
		if (dentry == parent || dentry == mnt_root) {
			mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
			if (mnt == mnt_parent)
				break; /* the real root */
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mnt_parent;
			mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
			fp->depth++;
			continue;
		}
		dentry = parent;
		fp->depth++;
	}
}

/* A successful unlink of a file seen created: its event. */
static __always_inline int emit(struct dentry *dentry, __u64 delta_ns,
				struct vfsmount *cwd_vfsmnt)
{
	struct event *e;
	const unsigned char *name;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		goto cleanup;
	}
	e->tgid = bpf_get_current_pid_tgid() >> 32;
	e->delta_ns = delta_ns;
	e->ts = bpf_ktime_get_ns();
	bpf_get_current_comm(&e->task, sizeof(e->task));
	e->fname.depth = 0;
	e->fname.failed = 0;
	name = BPF_CORE_READ(dentry, d_name.name);
	bpf_probe_read_kernel_str(&e->fname.pathes, NAME_MAX, name);
	if (full_path && e->fname.pathes[0] != '/')
		dentry_full_path(&e->fname, dentry, cwd_vfsmnt);
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
cleanup:
	bpf_map_delete_elem(&start, &dentry);
	return 0;
}

/* fentry/fexit: preferred. */

SEC("fentry/vfs_create")
int BPF_PROG(fentry_vfs_create, void *arg0, void *arg1, void *arg2)
{
	return probe_create(vfs_has_idmap_arg() ? arg2 : arg1);
}

SEC("fentry/vfs_open")
int BPF_PROG(fentry_vfs_open, struct path *path, struct file *file)
{
	return probe_open(path, file);
}

SEC("fentry/security_inode_create")
int BPF_PROG(fentry_security_inode_create, struct inode *dir, struct dentry *dentry)
{
	return probe_create(dentry);
}

/* fexit sees the arguments and the result: no entry program needed. The
 * result is read with bpf_get_func_ret(): its slot follows the last
 * argument, and vfs_unlink() has 3 or 4 of them depending on the kernel. */
SEC("fexit/vfs_unlink")
int BPF_PROG(fexit_vfs_unlink, void *arg0, void *arg1, void *arg2)
{
	struct dentry *dentry = vfs_has_idmap_arg() ? arg2 : arg1;
	struct create_arg *arg;
	__u64 ret = 0;
	__u64 delta_ns;
	struct vfsmount *cwd;

	arg = bpf_map_lookup_elem(&start, &dentry);
	if (!arg)
		return 0;
	delta_ns = bpf_ktime_get_ns() - arg->ts;
	cwd = arg->cwd_vfsmnt;
	bpf_get_func_ret(ctx, &ret);
	if ((int)ret) {
		bpf_map_delete_elem(&start, &dentry);
		return 0;
	}
	return emit(dentry, delta_ns, cwd);
}

/* kprobe/kretprobe: fallback where fentry cannot attach. */

SEC("kprobe/vfs_create")
int BPF_KPROBE(kprobe_vfs_create, void *arg0, void *arg1, void *arg2)
{
	return probe_create(vfs_has_idmap_arg() ? arg2 : arg1);
}

SEC("kprobe/vfs_open")
int BPF_KPROBE(kprobe_vfs_open, struct path *path, struct file *file)
{
	return probe_open(path, file);
}

SEC("kprobe/security_inode_create")
int BPF_KPROBE(kprobe_security_inode_create, struct inode *dir, struct dentry *dentry)
{
	return probe_create(dentry);
}

SEC("kprobe/vfs_unlink")
int BPF_KPROBE(kprobe_vfs_unlink, void *arg0, void *arg1, void *arg2)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct dentry *dentry = vfs_has_idmap_arg() ? arg2 : arg1;
	struct unlink_event ev = {};
	struct create_arg *arg;

	arg = bpf_map_lookup_elem(&start, &dentry);
	if (!arg)
		return 0; /* not seen created */
	ev.delta_ns = bpf_ktime_get_ns() - arg->ts;
	ev.dentry = dentry;
	ev.cwd_vfsmnt = arg->cwd_vfsmnt;
	bpf_map_update_elem(&currevent, &tid, &ev, BPF_ANY);
	return 0;
}

SEC("kretprobe/vfs_unlink")
int BPF_KRETPROBE(kretprobe_vfs_unlink, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct unlink_event *evp, ev;

	evp = bpf_map_lookup_elem(&currevent, &tid);
	if (!evp)
		return 0;
	ev = *evp;
	bpf_map_delete_elem(&currevent, &tid);
	if (ret) {
		bpf_map_delete_elem(&start, &ev.dentry);
		return 0;
	}
	/* The age at vfs_unlink()'s entry, as libbpf-tools. */
	return emit(ev.dentry, ev.delta_ns, ev.cwd_vfsmnt);
}
