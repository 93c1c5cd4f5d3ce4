/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The body of every *dist tool (xfsdist, ext4dist, nfsdist, …):
 * libbpf-tools' fsdist.bpf.c, with the file system's functions chosen by
 * the including NAME.bpf.c (FS_TOOL, FS_READ, FS_WRITE, FS_OPEN, FS_FSYNC
 * and, where the file system has one, FS_GETATTR; see fsslower.h).
 * fentry/fexit set preferred, kprobe/kretprobe set as the fallback.
 */
#ifndef BPFSCOPE_FSDIST_H
#define BPFSCOPE_FSDIST_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

#define FS_STR_(x) #x
#define FS_STR(x) FS_STR_(x)

char LICENSE[] SEC("license") = "GPL";
TOOL_METADATA(FS_TOOL);

/* The key of hists; src/fsfamily.rs names them. */
enum fs_file_op { F_READ, F_WRITE, F_OPEN, F_FSYNC, F_GETATTR };

const volatile __u32 target_pid = 0;
const volatile bool in_ms = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, F_GETATTR + 1);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

static struct hist zero_hist;

static __always_inline int probe_entry(void)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u64 ts;

	if (target_pid && target_pid != pid_tgid >> 32)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&starts, &tid, &ts, BPF_ANY);
	return 0;
}

static __always_inline int probe_return(enum fs_file_op op)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();
	__u32 key = op;
	struct hist *h;
	__u64 *tsp;
	__s64 delta;

	tsp = bpf_map_lookup_elem(&starts, &tid);
	if (!tsp)
		return 0;
	delta = (__s64)(ts - *tsp);
	if (delta < 0)
		goto cleanup;
	delta /= in_ms ? 1000000 : 1000;
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bpf_map_update_elem(&hists, &key, &zero_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h)
			goto cleanup;
	}
	hist_add(h, delta);
cleanup:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* One operation: its fentry/fexit pair and its kprobe/kretprobe pair. */
#define FS_OP(op, func, OP)                                                   \
	SEC("fentry/" FS_STR(func))                                           \
	int BPF_PROG(fentry_##op)                                             \
	{                                                                     \
		return probe_entry();                                         \
	}                                                                     \
	SEC("fexit/" FS_STR(func))                                            \
	int BPF_PROG(fexit_##op)                                              \
	{                                                                     \
		return probe_return(OP);                                      \
	}                                                                     \
	SEC("kprobe/" FS_STR(func))                                           \
	int BPF_KPROBE(kprobe_##op)                                           \
	{                                                                     \
		return probe_entry();                                         \
	}                                                                     \
	SEC("kretprobe/" FS_STR(func))                                        \
	int BPF_KRETPROBE(kretprobe_##op)                                     \
	{                                                                     \
		return probe_return(OP);                                      \
	}

FS_OP(read, FS_READ, F_READ)
FS_OP(write, FS_WRITE, F_WRITE)
FS_OP(open, FS_OPEN, F_OPEN)
FS_OP(fsync, FS_FSYNC, F_FSYNC)
#ifdef FS_GETATTR
FS_OP(getattr, FS_GETATTR, F_GETATTR)
#endif

#endif
