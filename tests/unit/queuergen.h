/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Queuer rows for the format tests (snapgen.h makes the rest of a random
 * snapshot): rows of the snapshot's series, odd names and extreme values
 * included, and a comparison that reports the first difference.
 */
#ifndef WQMON_TEST_QUEUERGEN_H
#define WQMON_TEST_QUEUERGEN_H

#include <stdio.h>
#include <string.h>
#include "model.h"
#include "snapgen.h"

/* Up to @nr rows, each of one of @s's series (none when it has none), no
 * two of one queuer. */
static inline int gen_queuers(struct wq_snapshot *s, size_t nr)
{
	for (size_t i = 0; s->nr_series && i < nr; i++) {
		const struct wq_series *r = &s->series[gen_below(s->nr_series)];
		struct wq_queuer *q = wq_snapshot__add_queuer(s);

		if (!q)
			return -1;
		q->pool_id = r->pool_id;
		strcpy(q->workqueue, r->workqueue);
		strcpy(q->function, r->function);
		q->ctx = (enum wq_qctx)gen_below(WQ_QCTX_NR);
		if (q->ctx == WQ_QCTX_TASK) {
			gen_name(q->comm, sizeof(q->comm));
			q->tgid = gen_below(4) ? (int32_t)gen_below(100000)
					       : (int32_t)gen_u64();
			q->cgroup_id = gen_value();
			gen_name(q->cgroup, sizeof(q->cgroup));
			if (gen_below(3) == 0)
				strcpy(q->cgroup, "/system.slice/a b.service");
		}
		q->queued = gen_value();
		q->started = gen_value();
		q->completed = gen_value();
		q->lat_ns = gen_value();
		q->run_ns = gen_value();
		q->cpu_ns = gen_value();
		/* One row per queuer, as sources make them. */
		for (size_t j = 0; j + 1 < s->nr_queuers; j++)
			if (wq_queuer__same(&s->queuers[j], q)) {
				s->nr_queuers--;
				break;
			}
	}
	return 0;
}

/* Return: 0 when @a and @b have the same queuer rows, in order. */
static inline int queuers_cmp(const struct wq_snapshot *a,
			      const struct wq_snapshot *b)
{
	if (a->nr_queuers != b->nr_queuers) {
		fprintf(stderr, "# differs: nr_queuers %zu != %zu\n",
			a->nr_queuers, b->nr_queuers);
		return 1;
	}
	for (size_t i = 0; i < a->nr_queuers; i++) {
		const struct wq_queuer *x = &a->queuers[i], *y = &b->queuers[i];

		if (!wq_queuer__same(x, y) || x->tgid != y->tgid ||
		    strcmp(x->cgroup, y->cgroup) || x->queued != y->queued ||
		    x->started != y->started || x->completed != y->completed ||
		    x->lat_ns != y->lat_ns || x->run_ns != y->run_ns ||
		    x->cpu_ns != y->cpu_ns) {
			fprintf(stderr,
				"# differs: queuer %zu: %s/%s/%d %d '%s' "
				"'%s'\n",
				i, x->workqueue, x->function, (int)x->ctx,
				(int)y->ctx, x->comm, y->comm);
			return 1;
		}
	}
	return 0;
}

#endif /* WQMON_TEST_QUEUERGEN_H */
