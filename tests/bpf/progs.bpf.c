/* Test programs for `prog dump`: bpf-to-bpf calls, maps, loops, atomics,
 * a global variable (map value relocation), a callback (ld_imm64 of a
 * function) and several helpers. */
#include "mini.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

__u64 hits = 0;
volatile __u32 limit = 16;

static __noinline __u64 mix(__u64 a, __u64 b)
{
	if (a > b)
		return a * 3 + b;
	return (b ^ a) >> 2;
}

static __noinline int bump(__u32 key)
{
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&counts, &key);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return 1;
	}
	bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
	return 0;
}

static int loop_cb(__u32 idx, void *ctx)
{
	__u64 *acc = ctx;

	*acc += idx;
	return idx > 5;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int tp_main(void *ctx)
{
	__u64 pid = bpf_get_current_pid_tgid() >> 32;
	__u32 key = 0, i;
	__u64 acc = 0, *t;
	char comm[16];

	bpf_get_current_comm(comm, sizeof(comm));
	for (i = 0; i < limit && i < 32; i++)
		acc = mix(acc, pid + i);
	bpf_loop(8, loop_cb, &acc, 0);
	t = bpf_map_lookup_elem(&totals, &key);
	if (!t)
		return 0;
	__sync_fetch_and_or(t, acc);
	__sync_fetch_and_xor(t, pid);
	__sync_fetch_and_and(t, ~acc);
	__sync_val_compare_and_swap(t, 0, acc);
	__sync_lock_test_and_set(t, 7);
	__sync_fetch_and_add(&hits, 1);
	if (comm[0] == 'x')
		return bump((__u32)pid);
	return bump(bpf_get_smp_processor_id()) + (int)(bpf_ktime_get_ns() & 1);
}

SEC("raw_tracepoint/sys_enter")
int raw_simple(void *ctx)
{
	__u32 r = bpf_get_prandom_u32();

	if (r & 1)
		return 0;
	return bump(r);
}
