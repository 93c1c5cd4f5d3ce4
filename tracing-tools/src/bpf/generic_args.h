/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Values trace and argdist read at their probes, as user space described
 * them before load (src/expr.rs mirrors these layouts): tracepoint fields
 * by offset in the record, uprobe arguments by register, the return
 * value; and a one-comparison filter per probe.
 */
#ifndef BPFSCOPE_GENERIC_ARGS_H
#define BPFSCOPE_GENERIC_ARGS_H

#include <bpf/bpf_tracing.h>

#define MAX_PROBES 8
#define MAX_ARGS 6
#define STR_LEN 128

enum gen_arg_kind {
	GA_NONE = 0,
	GA_TP_INT = 1,      /* integer field at offset, size bytes */
	GA_TP_CHARS = 2,    /* char array field at offset, size bytes */
	GA_TP_DATA_LOC = 3, /* __data_loc char[] field at offset */
	GA_TP_USTR = 4,     /* pointer field to a user string */
	GA_TP_KSTR = 5,     /* pointer field to a kernel string */
	GA_REG_INT = 6,     /* function argument `reg` (1..6) */
	GA_REG_USTR = 7,    /* function argument `reg`, a user string */
	GA_RETVAL = 8,      /* the return value (uretprobe) */
};

struct arg_spec {
	__u8 kind;
	__u8 size;
	__u8 is_signed;
	__u8 reg;
	__u16 offset;
	__u16 pad;
};

enum filter_op { FOP_NONE, FOP_EQ, FOP_NE, FOP_LT, FOP_LE, FOP_GT, FOP_GE };

struct probe_spec {
	struct arg_spec args[MAX_ARGS];
	struct arg_spec filter;
	__u32 filter_op;
	__u32 pad;
	__s64 filter_value;
};

const volatile struct probe_spec probes[MAX_PROBES] = {};

/*
 * Function argument `reg` (1..6). All six are loaded at fixed offsets and
 * one picked from the stack: a switch compiles to ctx moved by a variable
 * offset, which the verifier refuses.
 */
static __always_inline __u64 reg_arg(struct pt_regs *regs, __u8 reg)
{
	volatile __u64 args[8] = {
		PT_REGS_PARM1(regs), PT_REGS_PARM2(regs), PT_REGS_PARM3(regs),
		PT_REGS_PARM4(regs), PT_REGS_PARM5(regs), PT_REGS_PARM6(regs),
	};

	return args[(reg - 1) & 7];
}

/* Sign- or zero-extends the low `size` bytes of v. */
static __always_inline __u64 extend(__u64 v, __u8 size, __u8 is_signed)
{
	int shift = 64 - 8 * (size & 15);

	if (size >= 8 || size == 0)
		return v;
	if (is_signed)
		return (__u64)(((__s64)(v << shift)) >> shift);
	return (v << shift) >> shift;
}

/*
 * The tracepoint record's address as a plain number: the verifier refuses
 * a ctx pointer moved by a variable offset, but fields are read at offsets
 * user space chose (with bpf_probe_read_kernel, like any kernel memory).
 */
static __always_inline unsigned long record_addr(void *ctx)
{
	unsigned long addr = 0;
	void *p = ctx;

	bpf_probe_read_kernel(&addr, sizeof(addr), &p);
	return addr;
}

/*
 * The integer value of `a` (strings: their pointer). `tp`: ctx is a
 * tracepoint record (a constant, so each program keeps only its half: a
 * tracepoint program may not read pt_regs, nor a kprobe one a record).
 */
static __always_inline __u64 int_value(void *ctx, bool tp, const volatile struct arg_spec *a)
{
	__u64 v = 0;
	__u8 kind = a->kind;

	if (!tp && (kind == GA_REG_INT || kind == GA_REG_USTR))
		return extend(reg_arg(ctx, a->reg), a->size, a->is_signed);
	if (!tp && kind == GA_RETVAL)
		return extend(PT_REGS_RC((struct pt_regs *)ctx), a->size, a->is_signed);
	if (tp && (kind == GA_TP_INT || kind == GA_TP_USTR || kind == GA_TP_KSTR)) {
		bpf_probe_read_kernel(&v, 8, (void *)(record_addr(ctx) + a->offset));
		return extend(v, kind == GA_TP_INT ? a->size : 8, a->is_signed);
	}
	return 0;
}

/* Copies the string `a` names into dst (STR_LEN bytes). */
static __always_inline void str_value(void *ctx, bool tp, const volatile struct arg_spec *a,
				      char *dst)
{
	__u8 kind = a->kind;
	__u32 loc = 0, n;
	__u64 ptr;

	switch (kind) {
	case GA_TP_CHARS:
		n = a->size;
		if (n == 0 || n > STR_LEN)
			n = STR_LEN;
		if (tp)
			bpf_probe_read_kernel_str(dst, n, (void *)(record_addr(ctx) + a->offset));
		break;
	case GA_TP_DATA_LOC:
		if (!tp)
			break;
		bpf_probe_read_kernel(&loc, 4, (void *)(record_addr(ctx) + a->offset));
		bpf_probe_read_kernel_str(dst, STR_LEN, (void *)(record_addr(ctx) + (loc & 0xffff)));
		break;
	case GA_TP_USTR:
	case GA_REG_USTR:
		ptr = int_value(ctx, tp, a);
		bpf_probe_read_user_str(dst, STR_LEN, (void *)ptr);
		break;
	case GA_TP_KSTR:
		ptr = int_value(ctx, tp, a);
		bpf_probe_read_kernel_str(dst, STR_LEN, (void *)ptr);
		break;
	}
}

static __always_inline bool is_str(__u8 kind)
{
	return kind == GA_TP_CHARS || kind == GA_TP_DATA_LOC || kind == GA_TP_USTR ||
	       kind == GA_TP_KSTR || kind == GA_REG_USTR;
}

/*
 * The probe index of this event, or -1 beyond MAX_PROBES; masked, so the
 * verifier sees the bound whatever the compiler reorders.
 */
static __always_inline int probe_index(void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	if (cookie >= MAX_PROBES)
		return -1;
	return (int)(cookie & (MAX_PROBES - 1));
}

/* Whether probe `p`'s filter lets this event through. */
static __always_inline bool filter_passes(void *ctx, bool tp, __u32 p)
{
	const volatile struct probe_spec *spec = &probes[p & (MAX_PROBES - 1)];
	__s64 v, want = spec->filter_value;

	if (spec->filter_op == FOP_NONE)
		return true;
	v = (__s64)int_value(ctx, tp, &spec->filter);
	switch (spec->filter_op) {
	case FOP_EQ: return v == want;
	case FOP_NE: return v != want;
	case FOP_LT: return v < want;
	case FOP_LE: return v <= want;
	case FOP_GT: return v > want;
	default: return v >= want;
	}
}

#endif
