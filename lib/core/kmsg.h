/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own workqueue reports in /dev/kmsg, parsed: text in, fields
 * out, no I/O.  docs/STALLS.md lists every format, by kernel version.
 *
 * A read() of /dev/kmsg returns one record, "PRIO,SEQ,USEC,FLAG[,caller=ID];
 * TEXT\n", then dictionary lines " KEY=VALUE\n".  The lockup report is
 * printed in pieces (pr_emerg() then pr_cont()); when another CPU prints in
 * between, the pieces arrive as a head record and continuation records
 * (FLAG 'c'), and wq_kmsg_joiner puts the report back together.
 */
#ifndef WQMON_KMSG_H
#define WQMON_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model.h"

/* The longest record a read() of /dev/kmsg returns (CONSOLE_EXT_LOG_MAX). */
#define WQ_KMSG_RECORD_MAX	8192
/* No report is longer; a longer message is refused unread. */
#define WQ_KMSG_TEXT_MAX	512
#define WQ_KMSG_CPUS_LEN	128
#define WQ_KMSG_MODULE_LEN	56	/* MODULE_NAME_LEN */

struct wq_kmsg_record {
	unsigned int level;	/* 0 (emerg) .. 7 (debug) */
	unsigned int facility;
	uint64_t seq;
	uint64_t ts_us;		/* CLOCK_MONOTONIC of the printk, us */
	bool cont;		/* FLAG 'c' or '+': continues an earlier record */
	char caller[16];	/* "T123", "C0"; "" without CONFIG_PRINTK_CALLER */
	const char *text;	/* into the record, @text_len bytes, no NUL */
	size_t text_len;
};

/* Split one record; the dictionary lines are skipped.
 * Return: 0, or -EINVAL when @rec is not a /dev/kmsg record. */
int wq_kmsg_record__parse(const char *rec, size_t len,
			  struct wq_kmsg_record *r);

enum wq_kmsg_kind {
	WQ_KMSG_LOCKUP,		/* "BUG: workqueue lockup - pool ..." */
	WQ_KMSG_CPU_HOG,	/* "workqueue: FN hogged CPU for >Nus ..." */
	WQ_KMSG_PANIC,		/* workqueue.panic_on_stall: the kernel dies */
};

struct wq_kmsg_report {
	enum wq_kmsg_kind kind;
	/* lockup: the pool as pr_cont_pool_info() prints it */
	char cpus[WQ_KMSG_CPUS_LEN];	/* "1", "0-3", "0,2-5" */
	int32_t cpu;			/* a per-CPU pool's CPU; -1: several */
	uint32_t nr_cpus;
	int32_t node;			/* -1: not printed */
	uint32_t pool_flags;
	bool bh;			/* " bh" or " bh-hi" (6.9+) */
	bool highpri;			/* " bh-hi", or nice below 0 */
	bool has_nice;			/* " nice=N" (not on BH pools) */
	int32_t nice;
	uint64_t stuck_s;
	/* cpu_hog */
	char function[WQ_FUNC_LEN];	/* "fn", or "0x..." unsymbolized */
	char module[WQ_KMSG_MODULE_LEN]; /* "" when built in */
	uint64_t thresh_us;
	uint64_t times;			/* 0: not printed */
	/* every kind: the message, as printed, on one line */
	char text[WQ_KMSG_TEXT_MAX];
};

/*
 * @line is a message, a /dev/kmsg record, or a dmesg line ("[  12.3] ...",
 * "[  12.3][    C0] ...").  A line that is not a whole report, a field out
 * of range or too long, a line too long: all refused.
 * Return: true and @out filled for one of the reports.
 */
bool wq_kmsg__parse(const char *line, struct wq_kmsg_report *out);

/* Zero it to start (or = { 0 }). */
struct wq_kmsg_joiner {
	char head[WQ_KMSG_TEXT_MAX];	/* an open report */
	size_t head_len;
	char caller[16];
	unsigned int waited;		/* others' records since the head */
	bool open;
	char out[WQ_KMSG_TEXT_MAX];
	uint64_t dropped;		/* open reports never completed */
};

/*
 * Feed one record in order.  Return: the message to give wq_kmsg__parse()
 * (valid until the next call), either the record's own text or a report
 * joined from its pieces; NULL while a report is still open.  A message
 * longer than WQ_KMSG_TEXT_MAX comes back cut, and is then refused.
 */
const char *wq_kmsg_joiner__feed(struct wq_kmsg_joiner *j,
				 const struct wq_kmsg_record *r);

#endif /* WQMON_KMSG_H */
