// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hardirqs: hard interrupt handler time (or counts, or histograms) per
 * handler name, written for bpfscope, via BTF-typed irq tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"
#include "irqs.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("hardirqs");
CGROUP_FILTER;

#define IRQ_NAME_LEN 32

struct irq_key {
	char name[IRQ_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct irq_key);
	__type(value, struct info);
} infos SEC(".maps");

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry, int irq, struct irqaction *action)
{
	if (!CGROUP_SKIP())
		irq_start();
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit, int irq, struct irqaction *action)
{
	struct irq_key key = {};
	__u64 delta;

	if (CGROUP_SKIP() || !irq_elapsed(&delta))
		return 0;
	bpf_probe_read_kernel_str(&key.name, sizeof(key.name), BPF_CORE_READ(action, name));
	irq_add(&infos, &key, delta);
	return 0;
}
