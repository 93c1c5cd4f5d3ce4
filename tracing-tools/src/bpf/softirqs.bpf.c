// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * softirqs: soft interrupt time (and counts, and log2 histograms) per
 * vector, written for bpfscope after libbpf-tools' softirqs, via the
 * BTF-typed irq:softirq_entry/exit tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"
#include "irqs.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("softirqs");

#define NR_VECTORS 16

const volatile __s32 targ_cpu = -1;

/* Keyed by vector number: a hash, so a report can clear it by deleting. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NR_VECTORS);
	__type(key, __u32);
	__type(value, struct info);
} infos SEC(".maps");

static __always_inline bool is_target_cpu(void)
{
	return targ_cpu < 0 || bpf_get_smp_processor_id() == (__u32)targ_cpu;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry, unsigned int vec_nr)
{
	if (is_target_cpu())
		irq_start();
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit, unsigned int vec_nr)
{
	__u32 key = vec_nr;
	__u64 delta;

	if (is_target_cpu() && vec_nr < NR_VECTORS && irq_elapsed(&delta))
		irq_add(&infos, &key, delta);
	return 0;
}
