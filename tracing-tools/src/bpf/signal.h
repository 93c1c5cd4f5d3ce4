/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The event sigsnoop and killsnoop send, one layout for both, decoded by
 * signal_event() in tracing-tools/src/sigsnoop.rs.
 */
#ifndef BPFSCOPE_SIGNAL_H
#define BPFSCOPE_SIGNAL_H

struct event {
	__u64 ts;
	__u32 pid;
	__s32 tpid;
	__s32 sig;
	__s32 ret;
	char comm[TASK_COMM_LEN];
};

#endif
