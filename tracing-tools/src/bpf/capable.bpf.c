// SPDX-License-Identifier: GPL-2.0
/*
 * capable: security capability checks (cap_capable()) with their verdict,
 * as libbpf-tools' capable, written for bpfscope. cap_capable() has no
 * tracepoint: this needs fexit (preferred: arguments and return value in
 * one program) or a kprobe/kretprobe pair (fallback); both sets are here
 * and the loader keeps the one this kernel attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("capable");

/* include/linux/security.h: the opts bitmask (Linux 5.1 and later). */
#define CAP_OPT_NOAUDIT (1 << 1)
#define CAP_OPT_INSETID (1 << 2)

enum uniqueness { UNQ_OFF, UNQ_PID, UNQ_CGROUP };

const volatile __s32 targ_pid = -1;
const volatile __u32 unique_type = UNQ_OFF;
CGROUP_FILTER;

/* libbpf-tools' struct cap_event; mirrored in src/capable.rs. */
struct cap_event {
	__u32 pid;   /* the process (tgid) */
	__u32 cap;
	__u32 tgid;  /* the thread: libbpf-tools' name for it */
	__u32 uid;
	int audit;
	int insetid;
	int ret;
	char task[TASK_COMM_LEN];
	/* bpfscope: when (a pinned tool's events are read later). */
	__u64 ts;
};

/* src/capable.rs reads these offsets. */
_Static_assert(sizeof(struct cap_event) == 56 && __builtin_offsetof(struct cap_event, task) == 28 &&
	       __builtin_offsetof(struct cap_event, ts) == 48, "struct cap_event layout");

struct args_t {
	int cap;
	int cap_opt;
};

struct unique_key {
	int cap;
	__u32 tgid;
	__u64 cgroupid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct args_t);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct unique_key);
	__type(value, __u64);
} seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

DROPS_MAP;

/* Whether the current task is traced (-p, -c). */
static __always_inline bool wanted(__u64 pid_tgid)
{
	if (CGROUP_SKIP())
		return false;
	return targ_pid == -1 || targ_pid == (__s32)(pid_tgid >> 32);
}

/* -u: the first check of each capability per process or cgroup only. */
static __always_inline bool seen_before(int cap, __u64 pid_tgid)
{
	struct unique_key key = { .cap = cap };
	__u64 zero = 0;

	if (unique_type == UNQ_OFF)
		return false;
	if (unique_type == UNQ_CGROUP)
		key.cgroupid = bpf_get_current_cgroup_id();
	else
		key.tgid = pid_tgid >> 32;
	if (bpf_map_lookup_elem(&seen, &key))
		return true;
	bpf_map_update_elem(&seen, &key, &zero, BPF_ANY);
	return false;
}

static __always_inline int emit(__u64 pid_tgid, int cap, int cap_opt, int ret)
{
	struct cap_event *e;

	if (seen_before(cap, pid_tgid))
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	e->pid = pid_tgid >> 32;
	e->tgid = (__u32)pid_tgid;
	e->cap = cap;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->audit = (cap_opt & CAP_OPT_NOAUDIT) == 0;
	e->insetid = (cap_opt & CAP_OPT_INSETID) != 0;
	e->ret = ret;
	e->ts = bpf_ktime_get_ns();
	bpf_get_current_comm(&e->task, sizeof(e->task));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* fexit: preferred. */

SEC("fexit/cap_capable")
int BPF_PROG(fexit_cap_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int cap_opt, int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!wanted(pid_tgid))
		return 0;
	return emit(pid_tgid, cap, cap_opt, ret);
}

/* kprobe/kretprobe: fallback where fexit cannot attach. */

SEC("kprobe/cap_capable")
int BPF_KPROBE(kprobe_cap_capable, const struct cred *cred, struct user_namespace *ns,
	       int cap, unsigned int cap_opt)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct args_t args = { .cap = cap, .cap_opt = cap_opt };

	if (!wanted(pid_tgid))
		return 0;
	bpf_map_update_elem(&start, &pid_tgid, &args, BPF_ANY);
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(kretprobe_cap_capable, int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct args_t *ap;
	struct args_t args;

	ap = bpf_map_lookup_elem(&start, &pid_tgid);
	if (!ap)
		return 0; /* missed entry */
	args = *ap;
	bpf_map_delete_elem(&start, &pid_tgid);
	return emit(pid_tgid, args.cap, args.cap_opt, ret);
}
