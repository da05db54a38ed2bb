// SPDX-License-Identifier: GPL-2.0
/*
 * Queuer rows: who queued each series' items, and what their items cost
 * (model.h).  Rows are keyed by (series, context, cgroup id, comm); the
 * cgroup path is a name for the id, resolved by the source.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "queuers.h"

static const char *const qctx_names[WQ_QCTX_NR] = {
	[WQ_QCTX_TASK] = "task",
	[WQ_QCTX_SOFTIRQ] = "softirq",
	[WQ_QCTX_HARDIRQ] = "hardirq",
	[WQ_QCTX_NMI] = "nmi",
	[WQ_QCTX_OTHER] = "other",
};

const char *wq_qctx__name(enum wq_qctx c)
{
	return (unsigned)c < WQ_QCTX_NR ? qctx_names[c] : NULL;
}

int wq_qctx__parse(const char *name)
{
	for (int c = 0; c < WQ_QCTX_NR; c++)
		if (name && !strcmp(name, qctx_names[c]))
			return c;
	return -1;
}

static int cmp_num(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* Series first, as the series' own canonical order. */
static int cmp_key(const struct wq_queuer *a, const struct wq_queuer *b)
{
	int c = strncmp(a->workqueue, b->workqueue, sizeof(a->workqueue));

	if (!c)
		c = strncmp(a->function, b->function, sizeof(a->function));
	if (!c)
		c = cmp_num(a->pool_id, b->pool_id);
	if (!c)
		c = cmp_num(a->ctx, b->ctx);
	if (!c)
		c = a->cgroup_id < b->cgroup_id ? -1 :
						  a->cgroup_id > b->cgroup_id;
	if (!c)
		c = strncmp(a->comm, b->comm, sizeof(a->comm));
	return c;
}

bool wq_queuer__same(const struct wq_queuer *a, const struct wq_queuer *b)
{
	return !cmp_key(a, b);
}

void wq_queuer__add(struct wq_queuer *dst, const struct wq_queuer *src)
{
	if (src->tgid)
		dst->tgid = src->tgid;
	if (src->cgroup[0])
		memcpy(dst->cgroup, src->cgroup, sizeof(dst->cgroup));
	dst->queued += src->queued;
	dst->started += src->started;
	dst->completed += src->completed;
	dst->lat_ns += src->lat_ns;
	dst->run_ns += src->run_ns;
	dst->cpu_ns += src->cpu_ns;
}

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static int cmp_ptr(const void *a, const void *b)
{
	const struct wq_queuer *const *x = a, *const *y = b;

	return cmp_key(*x, *y);
}

static const struct wq_queuer *find(const struct wq_queuer **idx, size_t n,
				    const struct wq_queuer *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_key(idx[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !cmp_key(idx[lo], key) ? idx[lo] : NULL;
}

int wq_queuers__delta(struct wq_snapshot *out, const struct wq_snapshot *cur,
		      const struct wq_snapshot *prev)
{
	const struct wq_queuer **idx = NULL;
	size_t i;

	if (prev->nr_queuers) {
		idx = malloc(prev->nr_queuers * sizeof(*idx));
		if (!idx)
			return -ENOMEM;
		for (i = 0; i < prev->nr_queuers; i++)
			idx[i] = &prev->queuers[i];
		qsort(idx, prev->nr_queuers, sizeof(*idx), cmp_ptr);
	}
	for (i = 0; i < cur->nr_queuers; i++) {
		const struct wq_queuer *p;
		struct wq_queuer *q = wq_snapshot__add_queuer(out);

		if (!q) {
			free(idx);
			return -ENOMEM;
		}
		*q = cur->queuers[i];
		p = find(idx, prev->nr_queuers, q);
		if (p) {
			q->queued = sub_sat(q->queued, p->queued);
			q->started = sub_sat(q->started, p->started);
			q->completed = sub_sat(q->completed, p->completed);
			q->lat_ns = sub_sat(q->lat_ns, p->lat_ns);
			q->run_ns = sub_sat(q->run_ns, p->run_ns);
			q->cpu_ns = sub_sat(q->cpu_ns, p->cpu_ns);
		}
		if (!q->queued && !q->started && !q->completed)
			out->nr_queuers--;
	}
	free(idx);
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	return cmp_key(a, b);
}

void wq_queuers__sort(struct wq_snapshot *s)
{
	if (s->nr_queuers)
		qsort(s->queuers, s->nr_queuers, sizeof(*s->queuers), cmp_row);
}

void wq_queuers__coalesce(struct wq_snapshot *s)
{
	size_t n = 0;

	wq_queuers__sort(s);
	for (size_t i = 0; i < s->nr_queuers; i++) {
		if (n && !cmp_key(&s->queuers[n - 1], &s->queuers[i]))
			wq_queuer__add(&s->queuers[n - 1], &s->queuers[i]);
		else
			s->queuers[n++] = s->queuers[i];
	}
	s->nr_queuers = n;
}

static bool of_series(const struct wq_queuer *q, const struct wq_series *of)
{
	return q->pool_id == of->pool_id &&
	       !strncmp(q->workqueue, of->workqueue, sizeof(q->workqueue)) &&
	       !strncmp(q->function, of->function, sizeof(q->function));
}

static int cmp_rank(const void *a, const void *b, void *order)
{
	const struct wq_queuer *x = a, *y = b;
	bool cpu = *(enum wq_qorder *)order == WQ_QORDER_CPU;
	uint64_t u = cpu ? x->cpu_ns : x->queued;
	uint64_t v = cpu ? y->cpu_ns : y->queued;

	if (u != v)
		return u > v ? -1 : 1;
	if (x->queued != y->queued)
		return x->queued > y->queued ? -1 : 1;
	/* The folded row never outranks a named one of equal weight. */
	if ((x->ctx == WQ_QCTX_OTHER) != (y->ctx == WQ_QCTX_OTHER))
		return x->ctx == WQ_QCTX_OTHER ? 1 : -1;
	return cmp_key(x, y);
}

/* Append @q to @rows (merged with an equal key when @merge). */
static int gather(struct wq_queuer **rows, size_t *n, size_t *cap,
		  const struct wq_queuer *q, bool merge)
{
	struct wq_queuer r = *q;

	if (merge) {
		memset(r.workqueue, 0, sizeof(r.workqueue));
		memset(r.function, 0, sizeof(r.function));
		r.pool_id = -1;
		for (size_t i = 0; i < *n; i++)
			if (!cmp_key(&(*rows)[i], &r)) {
				wq_queuer__add(&(*rows)[i], &r);
				return 0;
			}
	}
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		struct wq_queuer *g = realloc(*rows, ncap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		*rows = g;
		*cap = ncap;
	}
	(*rows)[(*n)++] = r;
	return 0;
}

int wq_snapshot__top_queuers(const struct wq_snapshot *s,
			     const struct wq_series *of, enum wq_qorder order,
			     size_t k, struct wq_queuer **out, size_t *nr)
{
	struct wq_queuer *rows = NULL, other;
	size_t n = 0, cap = 0;

	*out = NULL;
	*nr = 0;
	for (size_t i = 0; i < s->nr_queuers; i++) {
		if (of && !of_series(&s->queuers[i], of))
			continue;
		if (gather(&rows, &n, &cap, &s->queuers[i], !of)) {
			free(rows);
			return -ENOMEM;
		}
	}
	if (n)
		qsort_r(rows, n, sizeof(*rows), cmp_rank, &order);
	if (n > k + 1) {
		/* k named rows and one for the rest: never a row "other"
		 * standing for a single queuer that could have been shown. */
		other = (struct wq_queuer){ .pool_id = rows[k].pool_id,
					    .ctx = WQ_QCTX_OTHER };
		memcpy(other.workqueue, rows[k].workqueue,
		       sizeof(other.workqueue));
		memcpy(other.function, rows[k].function,
		       sizeof(other.function));
		strcpy(other.comm, "other");
		for (size_t i = k; i < n; i++) {
			struct wq_queuer r = rows[i];

			r.tgid = 0;
			r.cgroup[0] = '\0';
			wq_queuer__add(&other, &r);
		}
		rows[k] = other;
		n = k + 1;
	}
	*out = rows;
	*nr = n;
	return 0;
}
