// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * argdist: the distribution of one value per command-line probe (BCC's
 * argdist), written for bpfscope: with -C a count per value (or string),
 * with -H a log2 histogram per probe. The value is read as user space
 * described it (generic_args.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "tools.h"
#include "generic.h"
#include "generic_args.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("argdist");

const volatile bool histogram = false;

/* Mirrored in src/argdist.rs. */
struct count_key {
	__u32 probe;
	__u32 pad;
	__u64 value;
	char str[STR_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct count_key);
	__type(value, __u64);
} counts SEC(".maps");

/* Probe index -> histogram of its value. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PROBES);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

static struct hist zero_hist;

static __always_inline int record(void *ctx, bool tp)
{
	int p = probe_index(ctx);
	const volatile struct arg_spec *a;
	struct count_key key;
	__u64 zero = 0, *cnt;
	struct hist *h;
	__u32 hp;

	if (p < 0 || skip_event() || !filter_passes(ctx, tp, p))
		return 0;
	a = &probes[p & (MAX_PROBES - 1)].args[0];
	if (histogram) {
		hp = p;
		h = bpf_map_lookup_elem(&hists, &hp);
		if (!h) {
			bpf_map_update_elem(&hists, &hp, &zero_hist, BPF_NOEXIST);
			h = bpf_map_lookup_elem(&hists, &hp);
			if (!h)
				return 0;
		}
		hist_add(h, int_value(ctx, tp, a));
		return 0;
	}
	__builtin_memset(&key, 0, sizeof(key));
	key.probe = p;
	if (is_str(a->kind))
		str_value(ctx, tp, a, key.str);
	else if (a->kind != GA_NONE)
		key.value = int_value(ctx, tp, a);
	cnt = bpf_map_lookup_elem(&counts, &key);
	if (!cnt) {
		bpf_map_update_elem(&counts, &key, &zero, BPF_NOEXIST);
		cnt = bpf_map_lookup_elem(&counts, &key);
		if (!cnt)
			return 0;
	}
	__sync_fetch_and_add(cnt, 1);
	return 0;
}

SEC("tracepoint")
int argdist_tp(void *ctx)
{
	return record(ctx, true);
}

SEC("kprobe")
int argdist_probe(struct pt_regs *ctx)
{
	return record(ctx, false);
}
