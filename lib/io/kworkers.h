/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel workqueue worker threads (kworkers), found in /proc.
 *
 * The kernel names them (kernel/workqueue.c, create_worker() and
 * wq_worker_comm()):
 *   kworker/<cpu>:<id>      per-CPU pool, normal priority
 *   kworker/<cpu>:<id>H     per-CPU pool, high priority (nice -20)
 *   kworker/u<pool>:<id>    unbound pool: the number is the pool id
 *   kworker/R-<wq>          rescuer of a WQ_MEM_RECLAIM workqueue (6.10+)
 *   kworker/dying           leaving its pool (6.9+)
 * and /proc/PID/comm appends "+<desc>" while a work item runs, "-<desc>"
 * after one ran: <desc> is the workqueue's name unless the work item set a
 * description of its own (writeback's "flush-254:0").
 */
#ifndef WQMON_KWORKERS_H
#define WQMON_KWORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model.h"

enum wq_kworker_kind {
	WQ_KW_PERCPU,
	WQ_KW_HIGHPRI,
	WQ_KW_UNBOUND,
	WQ_KW_RESCUER,
	WQ_KW_DYING,
	WQ_KW_OTHER, /* a kworker/ name of no known form */
};

struct wq_kworker_name {
	enum wq_kworker_kind kind;
	int32_t cpu; /* per-CPU kinds; else -1 */
	int32_t pool_id; /* unbound: the kernel's pool id; else -1 */
	int32_t id; /* worker id within its pool; else -1 */
	bool running; /* "+": running a work item of @wq now */
	char wq[WQ_NAME_LEN]; /* <desc>, or the rescuer's workqueue; "" */
};

struct wq_kworker {
	int32_t tid;
	char comm[64]; /* /proc/PID/comm, with the +/- suffix */
	char state; /* from /proc/PID/stat: 'I' idle, 'R', 'D'... */
	bool idle; /* state 'I' and not running a work item */
	uint64_t cpu_ns; /* on-CPU time of its life (schedstat) */
	struct wq_kworker_name name;
};

/*
 * Parse a kworker's comm.  Pure: no I/O.
 * Return: 0, or -EINVAL (@out->kind then WQ_KW_OTHER) for a name of no
 * known form, including any name not starting with "kworker/".
 */
int wq_kworker__parse_name(const char *comm, struct wq_kworker_name *out);

/*
 * Find the kworkers among kthreadd's children under @proc_root (NULL:
 * "/proc").  Tasks that exit during the scan are skipped; a kworker whose
 * name does not parse is kept as WQ_KW_OTHER.
 * Return: 0 with *@out (free() it) and *@nr set, or -errno.
 */
int wq_kworkers__scan(const char *proc_root, struct wq_kworker **out,
		      size_t *nr);

/* Does @w belong to @p?  Rescuers and dying workers belong to none. */
bool wq_kworker__in_pool(const struct wq_kworker *w, const struct wq_pool *p);

#endif /* WQMON_KWORKERS_H */
