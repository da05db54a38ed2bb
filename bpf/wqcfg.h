/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The workqueue configuration as the kernel holds it, copied by the
 * on-demand walk in wqconfig.bpf.c into global arrays that user space reads
 * through the skeleton (lib/io/wqconfig.c).  Shared by both sides: only
 * __u32/__s32/__u64-style types.
 *
 * Sizes are caps, not guesses: what does not fit is counted (the
 * *_dropped fields), never folded onto another record.
 */
#ifndef __WQCFG_H
#define __WQCFG_H

#define WQCFG_MAX_WQS		1024
#define WQCFG_MAX_PWQS		16384	/* all workqueues together */
#define WQCFG_MAX_POOLS		2048
#define WQCFG_POOL_IDS		8192	/* pool ids indexed, a power of two */
#define WQCFG_MASK_WORDS	16	/* 1024 CPUs in a copied cpumask */
#define WQCFG_NAME_LEN		32	/* WQ_NAME_LEN: 24 before 6.8, 32 since */

/* A field the running kernel does not have reads as this. */
#define WQCFG_NONE		(-1)

struct wqcfg_wq {
	char name[WQCFG_NAME_LEN];
	__u64 mask[WQCFG_MASK_WORDS];	/* unbound_attrs->cpumask */
	__u32 flags;		/* wq->flags: bits decoded from BTF */
	__s32 max_active;	/* in force now (6.8+), else saved */
	__s32 saved_max_active;	/* as set by the creator or sysfs */
	__s32 min_active;	/* 6.8+, else WQCFG_NONE */
	__s32 nice;		/* unbound_attrs, else WQCFG_NONE */
	__s32 affn_scope;	/* 6.5+ unbound, else WQCFG_NONE */
	__s32 affn_strict;	/* 6.5+ unbound, else WQCFG_NONE */
	__s32 dfl_pool;		/* pool id of dfl_pwq, else WQCFG_NONE */
	__u32 rescuer;		/* has a rescuer thread (WQ_MEM_RECLAIM) */
	__u32 has_mask;		/* mask is set: an unbound workqueue */
	__u32 first_pwq;	/* its pwqs: pwqs[first_pwq, first_pwq + nr_pwqs) */
	__u32 nr_pwqs;
	__u32 pwqs_dropped;	/* pwqs beyond WQCFG_MAX_PWQS */
};

struct wqcfg_pwq {
	__s32 pool;		/* pool id */
	__s32 nr_active;	/* items active now (counted against max) */
	__s32 max_active;	/* per pwq before 6.8, else WQCFG_NONE */
	__u32 pad;
};

struct wqcfg_pool {
	__u64 mask[WQCFG_MASK_WORDS];	/* attrs->cpumask */
	__s32 id;
	__s32 cpu;		/* -1: unbound */
	__s32 node;
	__s32 nice;
	__u32 flags;		/* pool->flags: POOL_BH decoded from BTF */
	__s32 nr_workers;
	__s32 nr_idle;
	__s32 nr_running;
};

struct wqcfg_summary {
	__u32 done;		/* the walk ran to the end of the list */
	__u32 nr_wqs;
	__u32 nr_pwqs;
	__u32 nr_pools;
	__u32 wqs_dropped;	/* workqueues beyond WQCFG_MAX_WQS */
	__u32 pwqs_dropped;
	__u32 pools_dropped;	/* pools beyond WQCFG_MAX_POOLS or ids */
	__u32 skipped;		/* list nodes that were no live workqueue */
	__u32 anchor_tid;	/* the rescuer the walk started from */
	__u32 pad;
};

#endif /* __WQCFG_H */
