/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Shared by the generic tools (funccount, funclatency, stackcount, argdist,
 * trace): their programs attach once per command-line target, and each
 * link's cookie is the target's index (bpf_get_attach_cookie), so one
 * program tells its targets apart. -p and -c (CPU) filters.
 */
#ifndef BPFSCOPE_GENERIC_H
#define BPFSCOPE_GENERIC_H

/* Mirrored in src/probe.rs (MAX_TARGETS). */
#define MAX_TARGETS 64

const volatile __u32 filter_pid = 0;
const volatile __s32 filter_cpu = -1;

/* Whether -p/-c leave this event out. */
static __always_inline bool skip_event(void)
{
	if (filter_pid && (bpf_get_current_pid_tgid() >> 32) != filter_pid)
		return true;
	if (filter_cpu >= 0 && bpf_get_smp_processor_id() != (__u32)filter_cpu)
		return true;
	return false;
}

/* The index of the target this run of the program is for. */
static __always_inline __u32 target_index(void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	return cookie < MAX_TARGETS ? (__u32)cookie : MAX_TARGETS - 1;
}

#endif
