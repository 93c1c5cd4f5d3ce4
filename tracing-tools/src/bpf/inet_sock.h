/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Shared by the sock:inet_sock_set_state tools (tcplife, tcpstates): the
 * -4/-6 and -L/-D filters (set before load; mirrored in src/inetsock.rs)
 * and the copy of the tracepoint's addresses.
 */
#ifndef BPFSCOPE_INET_SOCK_H
#define BPFSCOPE_INET_SOCK_H

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define INET_MAX_PORTS 16

const volatile __u16 targ_family = 0;
const volatile __u32 filter_sports_len = 0;
const volatile __u16 filter_sports[INET_MAX_PORTS] = {};
const volatile __u32 filter_dports_len = 0;
const volatile __u16 filter_dports[INET_MAX_PORTS] = {};

static __always_inline bool port_in(const volatile __u16 *ports, __u32 len, __u16 port)
{
	if (!len)
		return true;
	for (int i = 0; i < INET_MAX_PORTS; i++) {
		if (i >= len)
			break;
		if (ports[i] == port)
			return true;
	}
	return false;
}

/* Whether a transition of this socket passes -4/-6, -L and -D. */
static __always_inline bool inet_wanted(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return false;
	if (targ_family && ctx->family != targ_family)
		return false;
	return port_in(filter_sports, filter_sports_len, ctx->sport) &&
	       port_in(filter_dports, filter_dports_len, ctx->dport);
}

/*
 * Source and destination addresses, 4 or 16 bytes into 16-byte fields.
 * `family` is read by the caller first: clang may otherwise load it
 * through a ctx pointer it has moved, which the verifier refuses.
 */
static __always_inline void inet_addrs(struct trace_event_raw_inet_sock_set_state *ctx,
				       __u16 family, __u8 *saddr, __u8 *daddr)
{
	if (family == AF_INET) {
		bpf_probe_read_kernel(saddr, 4, ctx->saddr);
		bpf_probe_read_kernel(daddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(daddr, 16, ctx->daddr_v6);
	}
}

#endif
