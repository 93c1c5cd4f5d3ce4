// SPDX-License-Identifier: GPL-2.0
/*
 * dcsnoop: directory entry cache lookups (bcc's dcsnoop, written for
 * bpfscope): failed d_lookup() calls (misses), and with -a every
 * lookup_fast() reference too. Neither function has a tracepoint: this
 * needs fentry/fexit (preferred) or kprobe/kretprobe (fallback); both sets
 * are here and the loader keeps the one this kernel attaches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA("dcsnoop");

#define MAX_FILE_LEN 64

enum lookup_type { LOOKUP_MISS, LOOKUP_REFERENCE };

/* -a: references too (bcc attaches lookup_fast only then). */
const volatile bool trace_all = false;

struct entry_t {
	char name[MAX_FILE_LEN];
};

/* bcc's struct data_t with a timestamp first; mirrored in src/dcsnoop.rs. */
struct event {
	__u64 ts;
	__u32 pid;
	__u32 type;
	char comm[TASK_COMM_LEN];
	char filename[MAX_FILE_LEN];
};

/* src/dcsnoop.rs reads these offsets. */
_Static_assert(sizeof(struct event) == 96 && __builtin_offsetof(struct event, filename) == 32,
	       "struct event layout");

/* kprobe set: d_lookup's name from its entry to its return, per thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct entry_t);
} entrybypid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

DROPS_MAP;

/* name: a kernel pointer (from_kernel) or a copy in BPF memory. */
static __always_inline int submit(const void *name, bool from_kernel, enum lookup_type type)
{
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(&drops);
		return 0;
	}
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->type = type;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	if (from_kernel)
		bpf_probe_read_kernel_str(&e->filename, sizeof(e->filename), name);
	else
		__builtin_memcpy(&e->filename, name, sizeof(e->filename));
	count_sent(&drops);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int reference(struct nameidata *nd)
{
	if (!trace_all)
		return 0;
	return submit(BPF_CORE_READ(nd, last.name), true, LOOKUP_REFERENCE);
}

/* fentry/fexit: preferred. */

SEC("fentry/lookup_fast")
int BPF_PROG(fentry_lookup_fast, struct nameidata *nd)
{
	return reference(nd);
}

/* fexit sees the name and the result: no entry program needed. */
SEC("fexit/d_lookup")
int BPF_PROG(fexit_d_lookup, const struct dentry *parent, const struct qstr *name,
	     struct dentry *ret)
{
	if (ret)
		return 0; /* found */
	return submit(BPF_CORE_READ(name, name), true, LOOKUP_MISS);
}

/* kprobe/kretprobe: fallback where fentry cannot attach. */

SEC("kprobe/lookup_fast")
int BPF_KPROBE(kprobe_lookup_fast, struct nameidata *nd)
{
	return reference(nd);
}

SEC("kprobe/d_lookup")
int BPF_KPROBE(kprobe_d_lookup, const struct dentry *parent, const struct qstr *name)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct entry_t entry = {};
	const unsigned char *fname = BPF_CORE_READ(name, name);

	if (fname)
		bpf_probe_read_kernel_str(&entry.name, sizeof(entry.name), fname);
	bpf_map_update_elem(&entrybypid, &tid, &entry, BPF_ANY);
	return 0;
}

SEC("kretprobe/d_lookup")
int BPF_KRETPROBE(kretprobe_d_lookup, struct dentry *ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct entry_t *ep;

	ep = bpf_map_lookup_elem(&entrybypid, &tid);
	if (!ep)
		return 0; /* missed the entry */
	if (!ret)
		submit(ep->name, false, LOOKUP_MISS);
	bpf_map_delete_elem(&entrybypid, &tid);
	return 0;
}
