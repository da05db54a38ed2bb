/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workqueue configuration: which workqueues exist, their flags and
 * limits, the pools that serve each CPU, and the pools themselves (docs/
 * FORMAT.md, "Configuration").  A plain value, filled by lib/io/
 * wqconfig_reader.c from the kernel, rendered as JSON (wqconfig_json.c),
 * in the text view's config section (text.c) and by metrics.c as info
 * metrics.
 *
 * Unlike a snapshot this is a state, not a count: every number is as the
 * kernel held it at time_ns.
 */
#ifndef WQMON_WQCONFIG_H
#define WQMON_WQCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WQ_CFG_NAME_LEN	32	/* the kernel's WQ_NAME_LEN since 6.8 */
#define WQ_CFG_CPUS_LEN	256	/* a CPU list ("0-3,8"), cut to this */
#define WQ_CFG_NONE	(-1)	/* a field this kernel does not have */

/* A workqueue's flags, as named by include/linux/workqueue.h. */
enum wq_cfg_flag {
	WQ_CFG_BH		= 1u << 0,
	WQ_CFG_UNBOUND		= 1u << 1,
	WQ_CFG_FREEZABLE	= 1u << 2,
	WQ_CFG_MEM_RECLAIM	= 1u << 3,
	WQ_CFG_HIGHPRI		= 1u << 4,
	WQ_CFG_CPU_INTENSIVE	= 1u << 5,
	WQ_CFG_SYSFS		= 1u << 6,
	WQ_CFG_POWER_EFFICIENT	= 1u << 7,
	WQ_CFG_PERCPU		= 1u << 8,	/* 6.17+: said, not implied */
	WQ_CFG_ORDERED		= 1u << 9,
	WQ_CFG_NR_FLAGS		= 10,
};

/* The lower-case name of flag bit @bit ("unbound"), or NULL. */
const char *wq_cfg_flag_name(int bit);

/* "unbound,mem_reclaim" (or "" for none) into @out, cut to @len. */
void wq_cfg_flags_format(unsigned flags, char *out, size_t len);

struct wq_cfg_wq {
	char name[WQ_CFG_NAME_LEN];
	unsigned flags;			/* enum wq_cfg_flag */
	int max_active;			/* in force now */
	int saved_max_active;		/* as its creator or sysfs set it */
	int min_active;			/* 6.8+, else WQ_CFG_NONE */
	int active;			/* items active now, all pools */
	bool rescuer;
	int nice;			/* unbound only, else WQ_CFG_NONE */
	char cpus[WQ_CFG_CPUS_LEN];	/* unbound only, else "" */
	char affinity_scope[16];	/* "cache"... 6.5+ unbound, else "" */
	int affinity_strict;		/* 0/1; 6.5+ unbound, else NONE */
	int default_pool;		/* unbound: dfl_pwq's pool, else NONE */
	int *pools;			/* the distinct pools it uses */
	size_t nr_pools;
	int *cpu_pool;			/* per CPU: the pool it queues to */
	unsigned pwqs_dropped;		/* not walked: no room */
};

struct wq_cfg_pool {
	int id;
	int cpu;			/* -1: unbound */
	int node;
	int nice;
	bool bh;			/* softirq context: no workers */
	char cpus[WQ_CFG_CPUS_LEN];
	int workers;
	int idle;
	int running;
};

struct wq_config {
	uint64_t time_ns;		/* CLOCK_REALTIME of the walk */
	int nr_cpus;			/* entries of every cpu_pool */
	/* /sys/devices/virtual/workqueue/: "" when the file is absent. */
	char cpumask_requested[WQ_CFG_CPUS_LEN];
	char cpumask_effective[WQ_CFG_CPUS_LEN];
	char cpumask_isolated[WQ_CFG_CPUS_LEN];
	/* The scope "default" stands for (workqueue.default_affinity_scope,
	 * 6.5+), else "". */
	char default_affinity_scope[16];
	struct wq_cfg_wq *wqs;		/* sorted by name */
	size_t nr_wqs;
	struct wq_cfg_pool *pools;	/* sorted by id */
	size_t nr_pools;
	bool complete;			/* the walk went round the whole list */
	unsigned wqs_dropped, pwqs_dropped, pools_dropped;
};

/* A max_active of INT_MAX is no limit (BH workqueues run every item at
 * once): the faces show it as such, not as a number. */
static inline bool wq_cfg_wq__unlimited(const struct wq_cfg_wq *w)
{
	return w->max_active == INT32_MAX;
}

void wq_config__free(struct wq_config *c);

/* The pool with @id, or NULL. */
const struct wq_cfg_pool *wq_config__pool(const struct wq_config *c, int id);
/* The workqueue named @name, or NULL. */
const struct wq_cfg_wq *wq_config__wq(const struct wq_config *c,
				      const char *name);

/* The wqmon-config document (FORMAT.md): a json-c object, or NULL when
 * out of memory.  The caller puts it. */
struct json_object *wq_config__to_json(const struct wq_config *c);

/* Parse a wqmon-config document (a daemon's /api/v1/config) into @c,
 * bounded (8192 workqueues, 16384 pools, 8192 CPUs).  Return: 0, or
 * -EINVAL with one line in @err (@c is then empty). */
int wq_config__from_json(const char *text, struct wq_config *c, char *err,
			 size_t errlen);

#endif /* WQMON_WQCONFIG_H */
