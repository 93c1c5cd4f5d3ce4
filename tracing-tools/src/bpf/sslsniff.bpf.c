// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sslsniff: the plaintext of OpenSSL's SSL_write and SSL_read (after BCC's
 * sslsniff): the entry uprobe keeps the buffer address and start time per
 * thread, the return uprobe copies what was written or read (the return
 * value is its length). With -l --handshake, SSL_do_handshake's latency.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "tools.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
TOOL_METADATA("sslsniff");

#define MAX_BUF_SIZE 8192

enum { READ = 0, WRITE = 1, HANDSHAKE = 2 };

const volatile __u32 target_pid = 0;
const volatile __u32 target_uid = 0;
const volatile bool filter_uid = false;

/* Mirrored in src/sslsniff.rs; `buf` holds buf_len bytes. */
struct event {
	__u64 timestamp_ns;
	__u64 delta_ns;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__u32 len;	/* what the call returned */
	__u32 buf_len;	/* bytes of it copied to buf */
	__s32 rw;
	char comm[TASK_COMM_LEN];
	__u8 buf[MAX_BUF_SIZE];
};

struct start {
	__u64 ts;
	__u64 buf;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

/* The event is built here: too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 21);
} events SEC(".maps");

DROPS_MAP;

static bool skip(void)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u32 uid = bpf_get_current_uid_gid();

	return (target_pid && pid != target_pid) || (filter_uid && uid != target_uid);
}

static int enter(const void *buf)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct start s = { .ts = bpf_ktime_get_ns(), .buf = (__u64)buf };

	if (skip())
		return 0;
	bpf_map_update_elem(&starts, &tid, &s, BPF_ANY);
	return 0;
}

static int leave(int rw, int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = pid_tgid, zero = 0, copy, n = 0;
	struct start *s;
	struct event *e;
	__u64 now = bpf_ktime_get_ns();

	s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	/* Nothing read or written, or the handshake failed. */
	if (!e || ret <= 0)
		goto out;
	e->timestamp_ns = now;
	e->delta_ns = now - s->ts;
	e->pid = pid_tgid >> 32;
	e->tid = tid;
	e->uid = bpf_get_current_uid_gid();
	e->len = rw == HANDSHAKE ? 0 : ret;
	e->rw = rw;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	copy = e->len < MAX_BUF_SIZE ? e->len : MAX_BUF_SIZE;
	if (copy > 0 && copy <= MAX_BUF_SIZE &&
	    bpf_probe_read_user(e->buf, copy, (void *)s->buf) == 0)
		n = copy;
	e->buf_len = n;
	/* Only the bytes copied go to user space. */
	if (n > MAX_BUF_SIZE)
		n = MAX_BUF_SIZE;
	if (bpf_ringbuf_output(&events, e, __builtin_offsetof(struct event, buf) + n, 0))
		count_drop(&drops);
	else
		count_sent(&drops);
out:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

SEC("uprobe")
int BPF_UPROBE(ssl_write_entry, void *ssl, const void *buf, int num)
{
	return enter(buf);
}

SEC("uretprobe")
int BPF_URETPROBE(ssl_write_return, int ret)
{
	return leave(WRITE, ret);
}

SEC("uprobe")
int BPF_UPROBE(ssl_read_entry, void *ssl, void *buf, int num)
{
	return enter(buf);
}

SEC("uretprobe")
int BPF_URETPROBE(ssl_read_return, int ret)
{
	return leave(READ, ret);
}

SEC("uprobe")
int BPF_UPROBE(ssl_handshake_entry, void *ssl)
{
	return enter(NULL);
}

SEC("uretprobe")
int BPF_URETPROBE(ssl_handshake_return, int ret)
{
	return leave(HANDSHAKE, ret);
}
