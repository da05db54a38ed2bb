/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stalls: what the detector finds, and what alert sinks receive.
 *
 * A stall starts once, is updated while it lasts, and resolves once
 * (hysteresis).  Every record carries its evidence.
 */
#ifndef WQMON_STALL_H
#define WQMON_STALL_H

#include <stdbool.h>
#include <stdint.h>
#include "model.h"

enum wq_stall_kind {
	WQ_STALL_PENDING,	/* oldest pending item of a pool not started */
	WQ_STALL_RUNNING,	/* one item running longer than its threshold */
	WQ_STALL_CPU_HOG,	/* on-CPU time per execution above threshold */
	WQ_STALL_STARVED,	/* pool starved by a higher-priority task */
	WQ_STALL_KERNEL,	/* the kernel's own report (/dev/kmsg) */
	WQ_STALL_NR,
};

enum wq_stall_state { WQ_STALL_FIRING, WQ_STALL_RESOLVED };

struct wq_stall {
	uint64_t id;			/* unique within the daemon's life */
	enum wq_stall_kind kind;
	enum wq_stall_state state;
	char source[WQ_SOURCE_LEN];
	int32_t pool_id;		/* -1: not a pool's */
	int32_t cpu;			/* -1: unbound or unknown */
	char workqueue[WQ_NAME_LEN];	/* "" when not known */
	char function[WQ_FUNC_LEN];	/* "" when not known */
	int32_t worker_tid;		/* 0 when not known */
	uint64_t threshold_ns;
	uint64_t age_ns;		/* how long, at the last update */
	uint64_t start_real_ns;		/* CLOCK_REALTIME when it started */
	uint64_t end_real_ns;		/* 0 while firing */
	char evidence[512];		/* one line: what else is pending, ... */
};

const char *wq_stall_kind__name(enum wq_stall_kind k);	/* "pending" ... */

#endif /* WQMON_STALL_H */
