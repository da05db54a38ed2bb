// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text 0.0.4 and OpenMetrics 1.0 exposition (docs/METRICS.md).
 *
 * Everything is computed before the first byte is written, so a failure
 * (-EINVAL, -ENOMEM) leaves @f untouched.  Families are written one after
 * another, each with all sources' samples, because the text formats want a
 * family's samples together.
 *
 * Series are summed over pools and labelled (source, workqueue, function).
 * Per source, the top N (workqueue, function) pairs by cumulative activity
 * (queued + completed) get series of their own; the rest of each workqueue
 * is one row with function="other", so sums over functions are exact.
 * With a wq_metrics_state, a pair keeps its series once it has one, and
 * starts it from what "other" held for it at the previous render, which
 * stays in "other" (as a baseline; nothing for a pair new since then),
 * so neither it nor "other" ever goes down.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "metrics.h"

#define DEFAULT_TOP 50
/* A byte becomes at most 3 in a label value (U+FFFD for invalid UTF-8). */
#define ESC_WQ (3 * (WQ_NAME_LEN - 1) + 1)
#define ESC_FN (3 * (WQ_FUNC_LEN - 1) + 1)
#define OTHER "other"
#define NSEC ((uint64_t)1000000000)

/* ---- label values ---- */

/* Length of the valid UTF-8 sequence at @s (@n bytes left), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

/*
 * @src (@n bytes) as a label value: `\`, `"` and newline escaped as the
 * formats want.  Prometheus rejects a scrape holding invalid UTF-8, so each
 * invalid byte becomes U+FFFD; names that differ only there then share a
 * label value, and are summed as one (grouping is by the escaped name).
 * @dst may be NULL to measure.  Return: the length, without the NUL.
 */
static size_t esc(char *dst, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, l;

#define PUT(c)                                                                 \
	do {                                                                   \
		if (dst)                                                       \
			dst[o] = (c);                                          \
		o++;                                                           \
	} while (0)
	while (i < n) {
		if (s[i] == '\\' || s[i] == '"' || s[i] == '\n') {
			PUT('\\');
			PUT(s[i] == '\n' ? 'n' : (char)s[i]);
			i++;
			continue;
		}
		l = utf8_len(s + i, n - i);
		if (!l) {
			PUT('\xef');
			PUT('\xbf');
			PUT('\xbd');
			i++;
			continue;
		}
		for (; l; l--, i++)
			PUT((char)s[i]);
	}
	if (dst)
		dst[o] = '\0';
	return o;
#undef PUT
}

static void esc_field(char *dst, const char *field, size_t size)
{
	esc(dst, field, strnlen(field, size));
}

static char *esc_dup(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(esc(NULL, s, n) + 1);

	if (d)
		esc(d, s, n);
	return d;
}

/* ---- series arithmetic: saturating, a sum never wraps to small ---- */

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static void series_add(struct wq_series *d, const struct wq_series *s)
{
	int k, i;

	d->queued = add_sat(d->queued, s->queued);
	d->activated = add_sat(d->activated, s->activated);
	d->started = add_sat(d->started, s->started);
	d->completed = add_sat(d->completed, s->completed);
	d->cancelled = add_sat(d->cancelled, s->cancelled);
	for (k = 0; k < WQ_H_NR; k++) {
		d->sum_ns[k] = add_sat(d->sum_ns[k], s->sum_ns[k]);
		for (i = 0; i < WQ_HIST_SLOTS; i++)
			d->hist[k].slot[i] =
				add_sat(d->hist[k].slot[i], s->hist[k].slot[i]);
	}
}

/* Every count of @a at least that of @b: nothing was reset in between. */
static bool series_ge(const struct wq_series *a, const struct wq_series *b)
{
	int k, i;

	if (a->queued < b->queued || a->activated < b->activated ||
	    a->started < b->started || a->completed < b->completed ||
	    a->cancelled < b->cancelled)
		return false;
	for (k = 0; k < WQ_H_NR; k++) {
		if (a->sum_ns[k] < b->sum_ns[k])
			return false;
		for (i = 0; i < WQ_HIST_SLOTS; i++)
			if (a->hist[k].slot[i] < b->hist[k].slot[i])
				return false;
	}
	return true;
}

/* @d -= @s; the caller checked series_ge(@d, @s). */
static void series_sub(struct wq_series *d, const struct wq_series *s)
{
	int k, i;

	d->queued -= s->queued;
	d->activated -= s->activated;
	d->started -= s->started;
	d->completed -= s->completed;
	d->cancelled -= s->cancelled;
	for (k = 0; k < WQ_H_NR; k++) {
		d->sum_ns[k] -= s->sum_ns[k];
		for (i = 0; i < WQ_HIST_SLOTS; i++)
			d->hist[k].slot[i] -= s->hist[k].slot[i];
	}
}

static bool series_zero(const struct wq_series *s)
{
	static const struct wq_series zero;

	return series_ge(&zero, s);
}

/* ---- state: members (pairs with series of their own) per source ---- */

struct member {
	char wq[ESC_WQ], fn[ESC_FN];
	struct wq_series base; /* counts that stay in "other" */
};

struct src_state {
	char *name; /* escaped */
	bool seeded; /* first render done */
	struct member *m; /* sorted by (wq, fn) */
	size_t nr, cap;
	/* Every pair's counts at the previous render, sorted: what "other"
	 * held for a pair that is promoted now. */
	struct member *prev;
	size_t nr_prev, cap_prev;
};

struct wq_metrics_state {
	pthread_mutex_t lock;
	struct src_state *src;
	size_t nr, cap;
};

struct wq_metrics_state *wq_metrics_state__new(void)
{
	struct wq_metrics_state *st = calloc(1, sizeof(*st));

	if (st && pthread_mutex_init(&st->lock, NULL)) {
		free(st);
		return NULL;
	}
	return st;
}

void wq_metrics_state__free(struct wq_metrics_state *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nr; i++) {
		free(st->src[i].name);
		free(st->src[i].m);
		free(st->src[i].prev);
	}
	free(st->src);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static struct src_state *state_source(struct wq_metrics_state *st,
				      const char *name)
{
	struct src_state *s;
	size_t i;

	for (i = 0; i < st->nr; i++)
		if (!strcmp(st->src[i].name, name))
			return &st->src[i];
	if (st->nr == st->cap) {
		size_t ncap = st->cap ? 2 * st->cap : 4;

		s = realloc(st->src, ncap * sizeof(*s));
		if (!s)
			return NULL;
		st->src = s;
		st->cap = ncap;
	}
	s = &st->src[st->nr];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	if (!s->name)
		return NULL;
	st->nr++;
	return s;
}

static int cmp_key(const char *wa, const char *fa, const char *wb,
		   const char *fb)
{
	int c = strcmp(wa, wb);

	return c ? c : strcmp(fa, fb);
}

/* Index of (@wq, @fn) in @s's members, or where it would go. */
static size_t member_pos(const struct src_state *s, const char *wq,
			 const char *fn, bool *found)
{
	size_t lo = 0, hi = s->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(s->m[mid].wq, s->m[mid].fn, wq, fn);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* The counts of (@wq, @fn) at the previous render, or NULL if it had none
 * (it is new since: "other" never held any of it). */
static const struct wq_series *prev_counts(const struct src_state *s,
					   const char *wq, const char *fn)
{
	struct src_state view = { .m = s->prev, .nr = s->nr_prev };
	bool found;
	size_t pos = member_pos(&view, wq, fn, &found);

	return found ? &s->prev[pos].base : NULL;
}

/* ---- one source's rows ---- */

/* One series of the snapshot with its escaped names. */
struct key {
	const struct wq_series *s;
	const char *wq, *fn;
};

/* One (workqueue, function): keys[first .. first + n). */
struct pair {
	const char *wq, *fn;
	size_t first, n;
	uint64_t act;
	bool top, shown;
	const struct wq_series *base; /* NULL: none */
};

/* One output row: a pair's series, or a workqueue's "other". */
struct row {
	char wq[ESC_WQ], fn[ESC_FN];
	struct wq_series v;
};

struct view {
	const struct wq_metrics_source *src;
	char *name; /* escaped */
	const struct wq_pool **pools; /* by id, each id once */
	size_t nr_pools;
	struct row *rows;
	size_t nr_rows;
	struct qrow *q; /* queuer series, sorted by label set */
	size_t nr_q, q_exported, q_folded;
};

static int cmp_keys(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	return cmp_key(x->wq, x->fn, y->wq, y->fn);
}

/* By activity, most first; ties in name order (pairs are in name order). */
static int cmp_act(const void *a, const void *b)
{
	const struct pair *x = *(const struct pair *const *)a;
	const struct pair *y = *(const struct pair *const *)b;

	if (x->act != y->act)
		return x->act < y->act ? 1 : -1;
	return (x > y) - (x < y);
}

static int cmp_pool(const void *a, const void *b)
{
	const struct wq_pool *x = *(const struct wq_pool *const *)a;
	const struct wq_pool *y = *(const struct wq_pool *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

static void pair_sum(struct wq_series *out, const struct key *keys,
		     const struct pair *p)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < p->n; i++)
		series_add(out, keys[p->first + i].s);
}

static struct pair *find_pair(struct pair *pairs, size_t n, const char *wq,
			      const char *fn)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(pairs[mid].wq, pairs[mid].fn, wq, fn);

		if (!c)
			return &pairs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Bring @ss's members up to date with this snapshot's @pairs and mark the
 * pairs shown.  A member whose counts went down means the source restarted
 * (its counters start again from zero): the membership starts again too.
 * A new member's baseline is what "other" held for it at the previous
 * render (nothing if it did not exist then, or on the first render): "other"
 * keeps exactly that, the series shows the rest.  The membership grows up to
 * 2 * @top, never shrinks: a member leaving would move its counts into
 * "other" in one jump.
 */
static int reconcile(struct src_state *ss, struct pair *pairs, size_t nr,
		     struct pair **order, size_t nr_order, size_t top,
		     const struct key *keys)
{
	struct wq_series cum;
	size_t i, cap = 2 * top;

	for (i = 0; i < ss->nr; i++) {
		struct member *m = &ss->m[i];
		struct pair *p = find_pair(pairs, nr, m->wq, m->fn);

		memset(&cum, 0, sizeof(cum));
		if (p)
			pair_sum(&cum, keys, p);
		if (!series_ge(&cum, &m->base)) {
			ss->nr = 0;
			ss->seeded = false;
			break;
		}
	}
	for (i = 0; i < nr_order && order[i]->top; i++) {
		struct pair *p = order[i];
		struct member *m;
		bool found;
		size_t pos = member_pos(ss, p->wq, p->fn, &found);

		if (found || ss->nr >= cap)
			continue;
		if (ss->nr == ss->cap) {
			size_t ncap = ss->cap ? 2 * ss->cap : 16;

			m = realloc(ss->m, ncap * sizeof(*m));
			if (!m)
				return -ENOMEM;
			ss->m = m;
			ss->cap = ncap;
		}
		memmove(&ss->m[pos + 1], &ss->m[pos],
			(ss->nr - pos) * sizeof(*m));
		ss->nr++;
		m = &ss->m[pos];
		memset(m, 0, sizeof(*m));
		strcpy(m->wq, p->wq);
		strcpy(m->fn, p->fn);
		if (ss->seeded) {
			const struct wq_series *was =
				prev_counts(ss, p->wq, p->fn);

			if (was)
				m->base = *was;
		}
	}
	ss->seeded = true;
	/* Remember every pair's counts for the next render.  @pairs is
	 * sorted by (wq, fn), like the members. */
	if (nr > ss->cap_prev) {
		struct member *np = realloc(ss->prev, nr * sizeof(*np));

		if (!np)
			return -ENOMEM;
		ss->prev = np;
		ss->cap_prev = nr;
	}
	for (i = 0; i < nr; i++) {
		strcpy(ss->prev[i].wq, pairs[i].wq);
		strcpy(ss->prev[i].fn, pairs[i].fn);
		pair_sum(&ss->prev[i].base, keys, &pairs[i]);
	}
	ss->nr_prev = nr;
	for (i = 0; i < ss->nr; i++) {
		struct pair *p = find_pair(pairs, nr, ss->m[i].wq, ss->m[i].fn);

		if (p) {
			p->shown = true;
			p->base = &ss->m[i].base;
		}
	}
	return 0;
}

static int build_rows(struct view *v, struct wq_metrics_state *st, size_t top)
{
	const struct wq_snapshot *snap = v->src->snap;
	size_t n = snap->nr_series, nr_pairs = 0, i, j, arena_len = 0;
	struct pair *pairs = NULL, **order = NULL;
	struct key *keys = NULL;
	char *arena = NULL, *a;
	struct wq_series cum;
	int err = -ENOMEM;

	v->pools = malloc((snap->nr_pools + 1) * sizeof(*v->pools));
	if (!v->pools)
		return -ENOMEM;
	for (i = 0; i < snap->nr_pools; i++)
		v->pools[i] = &snap->pools[i];
	qsort(v->pools, snap->nr_pools, sizeof(*v->pools), cmp_pool);
	/* Two rows with one id would be one series twice: keep the first. */
	for (i = 0; i < snap->nr_pools; i++)
		if (!v->nr_pools ||
		    v->pools[v->nr_pools - 1]->id != v->pools[i]->id)
			v->pools[v->nr_pools++] = v->pools[i];

	for (i = 0; i < n; i++) {
		const struct wq_series *s = &snap->series[i];

		arena_len += esc(NULL, s->workqueue,
				 strnlen(s->workqueue, WQ_NAME_LEN)) +
			     esc(NULL, s->function,
				 strnlen(s->function, WQ_FUNC_LEN)) +
			     2;
	}
	keys = malloc((n + 1) * sizeof(*keys));
	pairs = malloc((n + 1) * sizeof(*pairs));
	order = malloc((n + 1) * sizeof(*order));
	arena = malloc(arena_len + 1);
	/* At most one row per pair plus an "other" per workqueue. */
	v->rows = malloc((2 * n + 1) * sizeof(*v->rows));
	if (!keys || !pairs || !order || !arena || !v->rows)
		goto out;

	for (i = 0, a = arena; i < n; i++) {
		const struct wq_series *s = &snap->series[i];

		keys[i].s = s;
		keys[i].wq = a;
		esc_field(a, s->workqueue, WQ_NAME_LEN);
		a += strlen(a) + 1;
		keys[i].fn = a;
		esc_field(a, s->function, WQ_FUNC_LEN);
		a += strlen(a) + 1;
	}
	qsort(keys, n, sizeof(*keys), cmp_keys);

	for (i = 0; i < n; i++) {
		struct pair *p = &pairs[nr_pairs];

		if (nr_pairs &&
		    !cmp_key(p[-1].wq, p[-1].fn, keys[i].wq, keys[i].fn)) {
			p = &p[-1];
		} else {
			memset(p, 0, sizeof(*p));
			p->wq = keys[i].wq;
			p->fn = keys[i].fn;
			p->first = i;
			nr_pairs++;
		}
		p->n++;
		p->act = add_sat(p->act, add_sat(keys[i].s->queued,
						 keys[i].s->completed));
	}

	/* A function really named "other" joins the fold: a series of its
	 * own would carry the fold's labels. */
	for (i = 0, j = 0; i < nr_pairs; i++)
		if (strcmp(pairs[i].fn, OTHER))
			order[j++] = &pairs[i];
	qsort(order, j, sizeof(*order), cmp_act);
	for (i = 0; i < j && i < top; i++)
		order[i]->top = true;

	if (st) {
		struct src_state *ss = state_source(st, v->name);

		if (!ss)
			goto out;
		err = reconcile(ss, pairs, nr_pairs, order, j, top, keys);
		if (err)
			goto out;
	} else {
		for (i = 0; i < j && order[i]->top; i++)
			order[i]->shown = true;
	}

	for (i = 0; i < nr_pairs; i = j) {
		struct wq_series other;
		bool folded = false;
		struct row *r;

		memset(&other, 0, sizeof(other));
		for (j = i; j < nr_pairs && !strcmp(pairs[j].wq, pairs[i].wq);
		     j++) {
			pair_sum(&cum, keys, &pairs[j]);
			if (!pairs[j].shown) {
				series_add(&other, &cum);
				folded = true;
				continue;
			}
			if (pairs[j].base) {
				series_add(&other, pairs[j].base);
				series_sub(&cum, pairs[j].base);
			}
			r = &v->rows[v->nr_rows++];
			strcpy(r->wq, pairs[j].wq);
			strcpy(r->fn, pairs[j].fn);
			r->v = cum;
		}
		if (folded || !series_zero(&other)) {
			r = &v->rows[v->nr_rows++];
			strcpy(r->wq, pairs[i].wq);
			strcpy(r->fn, OTHER);
			r->v = other;
		}
	}
	err = 0;
out:
	free(keys);
	free(pairs);
	free(order);
	free(arena);
	return err;
}

/* ---- queuers: label sets admitted once, kept, the rest folded ---- */

struct wq_metrics_queuers {
	pthread_mutex_t lock;
	size_t cap;
	char **keys; /* admitted label sets, sorted (strcmp) */
	size_t nr;
};

struct wq_metrics_queuers *wq_metrics_queuers__new(size_t cap)
{
	struct wq_metrics_queuers *q;

	if (!cap)
		return NULL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->keys = calloc(cap, sizeof(*q->keys));
	if (!q->keys || pthread_mutex_init(&q->lock, NULL)) {
		free(q->keys);
		free(q);
		return NULL;
	}
	q->cap = cap;
	return q;
}

void wq_metrics_queuers__free(struct wq_metrics_queuers *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nr; i++)
		free(q->keys[i]);
	free(q->keys);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* Index of @key in @q's admitted label sets, or where it would go. */
static size_t admitted_pos(const struct wq_metrics_queuers *q,
			   const char *key, bool *found)
{
	size_t lo = 0, hi = q->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(q->keys[mid], key);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static int admit(struct wq_metrics_queuers *q, const char *key)
{
	bool found;
	size_t pos = admitted_pos(q, key, &found);
	char *k;

	if (found)
		return 0;
	k = strdup(key);
	if (!k)
		return -ENOMEM;
	memmove(&q->keys[pos + 1], &q->keys[pos],
		(q->nr - pos) * sizeof(*q->keys));
	q->keys[pos] = k;
	q->nr++;
	return 0;
}

/*
 * One queuer series: its label set as one string, the escaped values of
 * source, workqueue, function, context, comm and cgroup joined by '\n'
 * (an escaped value holds no newline), which is also its identity in the
 * admission list.
 */
struct qrow {
	char *key;
	uint64_t queued, started, lat_ns, run_ns, cpu_ns;
	bool admitted;
};

static char *qkey(const char *source, const struct wq_queuer *r, bool fold)
{
	char wq[ESC_WQ], fn[ESC_FN], comm[3 * WQ_COMM_LEN + 1],
		cg[3 * WQ_CGROUP_LEN + 1];
	const char *ctx = fold ? OTHER : wq_qctx__name(r->ctx);
	char *key;

	esc_field(wq, r->workqueue, sizeof(r->workqueue));
	esc_field(fn, r->function, sizeof(r->function));
	if (fold) {
		strcpy(comm, OTHER);
		cg[0] = '\0';
	} else {
		esc_field(comm, r->comm, sizeof(r->comm));
		esc_field(cg, r->cgroup, sizeof(r->cgroup));
	}
	if (asprintf(&key, "%s\n%s\n%s\n%s\n%s\n%s", source, wq, fn, ctx, comm,
		     cg) < 0)
		return NULL;
	return key;
}

/* The labels end in context="other",comm="other",cgroup="": a fold (only
 * folds have context "other"). */
static bool is_fold_key(const char *key)
{
	static const char tail[] = "\n" OTHER "\n" OTHER "\n";
	size_t n = strlen(key), t = sizeof(tail) - 1;

	return n >= t && !strcmp(key + n - t, tail);
}

static int cmp_qrow(const void *a, const void *b)
{
	return strcmp(((const struct qrow *)a)->key,
		      ((const struct qrow *)b)->key);
}

/* Sort @rows by label set and sum the rows of one label set (pools, cgroup
 * ids of one path, names equal once escaped).  Return: the rows left. */
static size_t qrows_merge(struct qrow *rows, size_t n)
{
	size_t i, o = 0;

	if (n)
		qsort(rows, n, sizeof(*rows), cmp_qrow);
	for (i = 0; i < n; i++) {
		struct qrow *d = o ? &rows[o - 1] : NULL;

		if (d && !strcmp(d->key, rows[i].key)) {
			d->queued = add_sat(d->queued, rows[i].queued);
			d->started = add_sat(d->started, rows[i].started);
			d->lat_ns = add_sat(d->lat_ns, rows[i].lat_ns);
			d->run_ns = add_sat(d->run_ns, rows[i].run_ns);
			d->cpu_ns = add_sat(d->cpu_ns, rows[i].cpu_ns);
			free(rows[i].key);
			continue;
		}
		rows[o++] = rows[i];
	}
	return o;
}

/*
 * Admit the @nc label sets @cand (indexes into @rows) while there is room:
 * all of them if they fit, else the heaviest by the ranking every face
 * uses (wq_snapshot__top_queuers: kworker CPU, then items queued).
 */
static int admit_ranked(struct wq_metrics_queuers *q, struct qrow *rows,
			const size_t *cand, size_t nc)
{
	const struct wq_series all = { .pool_id = -1 };
	size_t room = q->cap - q->nr, i, nr = 0;
	struct wq_queuer *ranked = NULL;
	struct wq_snapshot *tmp;
	int err = -ENOMEM;

	if (nc <= room) {
		for (i = 0; i < nc; i++) {
			if (admit(q, rows[cand[i]].key))
				return -ENOMEM;
			rows[cand[i]].admitted = true;
		}
		return 0;
	}
	tmp = wq_snapshot__new("");
	if (!tmp)
		return -ENOMEM;
	/* One row per candidate, told apart by its index (as cgroup id):
	 * only the ranking is asked for. */
	for (i = 0; i < nc; i++) {
		struct wq_queuer *r = wq_snapshot__add_queuer(tmp);

		if (!r)
			goto out;
		r->pool_id = -1;
		r->cgroup_id = i + 1;
		r->queued = rows[cand[i]].queued;
		r->cpu_ns = rows[cand[i]].cpu_ns;
	}
	if (wq_snapshot__top_queuers(tmp, &all, WQ_QORDER_CPU, nc, &ranked,
				     &nr))
		goto out;
	for (i = 0; i < nr && i < room; i++) {
		struct qrow *r = &rows[cand[ranked[i].cgroup_id - 1]];

		if (admit(q, r->key))
			goto out;
		r->admitted = true;
	}
	err = 0;
out:
	free(ranked);
	wq_snapshot__free(tmp);
	return err;
}

/* @v's queuer series: the admitted label sets, and one context="other"
 * row per (workqueue, function) for the rest. */
static int build_queuers(struct view *v, struct wq_metrics_queuers *q)
{
	const struct wq_snapshot *snap = v->src->snap;
	size_t n = snap->nr_queuers, i, nc = 0;
	size_t *cand = NULL;
	struct qrow *rows;
	int err = -ENOMEM;

	rows = calloc(n + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	v->q = rows;
	for (i = 0; i < n; i++) {
		const struct wq_queuer *r = &snap->queuers[i];
		/* Unattributed rows are "other" already. */
		bool fold = r->ctx == WQ_QCTX_OTHER || !wq_qctx__name(r->ctx);

		rows[i] = (struct qrow){ .queued = r->queued,
					 .started = r->started,
					 .lat_ns = r->lat_ns,
					 .run_ns = r->run_ns,
					 .cpu_ns = r->cpu_ns };
		rows[i].key = qkey(v->name, r, fold);
		if (!rows[i].key)
			goto out;
		v->nr_q++;
	}
	v->nr_q = qrows_merge(rows, v->nr_q);

	cand = malloc((v->nr_q + 1) * sizeof(*cand));
	if (!cand)
		goto out;
	for (i = 0; i < v->nr_q; i++) {
		bool found;

		if (is_fold_key(rows[i].key))
			continue;
		admitted_pos(q, rows[i].key, &found);
		rows[i].admitted = found;
		if (!found && q->nr < q->cap)
			cand[nc++] = i;
	}
	if (nc && admit_ranked(q, rows, cand, nc))
		goto out;
	/* What was not admitted joins its series' "other", for good: the
	 * list is full, so it never gets a series of its own later. */
	for (i = 0; i < v->nr_q; i++) {
		const char *p;
		char *key;

		if (rows[i].admitted || is_fold_key(rows[i].key))
			continue;
		v->q_folded++;
		/* source \n wq \n fn \n: keep, then the fold's labels. */
		p = rows[i].key;
		for (int f = 0; f < 3; f++)
			p = strchr(p, '\n') + 1;
		if (asprintf(&key, "%.*s" OTHER "\n" OTHER "\n",
			     (int)(p - rows[i].key), rows[i].key) < 0)
			goto out;
		free(rows[i].key);
		rows[i].key = key;
	}
	v->nr_q = qrows_merge(rows, v->nr_q);
	for (i = 0; i < v->nr_q; i++)
		v->q_exported += rows[i].admitted;
	err = 0;
out:
	free(cand);
	return err;
}

/* ---- writing ---- */

enum ftype { T_COUNTER, T_GAUGE, T_HIST, T_INFO };

struct family {
	const char *name; /* the family's: no _total, no _info */
	enum ftype type;
	bool seconds; /* its unit */
	const char *help;
};

struct out {
	FILE *f;
	bool om;
	const struct wq_metrics_opts *opts;	/* exemplars */
};

/* What a sample's name adds to its family's. */
static const char *suffix(const struct family *m)
{
	if (m->type == T_COUNTER)
		return "_total";
	if (m->type == T_INFO)
		return "_info";
	return "";
}

static void head(struct out *o, const struct family *m)
{
	static const char *const types[] = {[T_COUNTER] = "counter",
					    [T_GAUGE] = "gauge",
					    [T_HIST] = "histogram",
					    [T_INFO] = "info"};

	if (o->om) {
		fprintf(o->f, "# TYPE %s %s\n", m->name, types[m->type]);
		if (m->seconds)
			fprintf(o->f, "# UNIT %s seconds\n", m->name);
		fprintf(o->f, "# HELP %s %s\n", m->name, m->help);
		return;
	}
	/* 0.0.4 names a family after its samples and knows no info type. */
	fprintf(o->f, "# HELP %s%s %s\n", m->name, suffix(m), m->help);
	fprintf(o->f, "# TYPE %s%s %s\n", m->name, suffix(m),
		m->type == T_INFO ? "gauge" : types[m->type]);
}

/* `name{source="..."`: the caller adds its labels and ends the sample. */
static void start(struct out *o, const struct family *m, const char *sub,
		  const char *source)
{
	fprintf(o->f, "%s%s%s{source=\"%s\"", m->name, suffix(m), sub, source);
}

/* Nanoseconds as exact decimal seconds: 1500000000 -> "1.5". */
static void put_secs(FILE *f, uint64_t ns)
{
	uint64_t frac = ns % NSEC;
	int digits = 9;

	if (!frac) {
		fprintf(f, "%" PRIu64, ns / NSEC);
		return;
	}
	while (!(frac % 10)) {
		frac /= 10;
		digits--;
	}
	fprintf(f, "%" PRIu64 ".%0*" PRIu64, ns / NSEC, digits, frac);
}

static void end_u64(struct out *o, uint64_t v)
{
	fprintf(o->f, "} %" PRIu64 "\n", v);
}

static void end_secs(struct out *o, uint64_t ns)
{
	fputs("} ", o->f);
	put_secs(o->f, ns);
	fputc('\n', o->f);
}

/* ---- per source ---- */

static const struct family fam_up = {
	"wqmon_source_up", T_GAUGE, false,
	"1 when the last scrape of the source succeeded, else 0."};
static const struct family fam_scrape = {
	"wqmon_source_scrape_duration_seconds", T_GAUGE, true,
	"How long the last scrape of the source took."};
static const struct family fam_sample = {
	"wqmon_source_sample_every", T_GAUGE, false,
	"Sampled mode: the latency, run time and on-CPU time of 1 work item "
	"in this many are measured, and the duration histograms and sums are "
	"those samples scaled by it (estimates; counts stay exact). 1: every "
	"item is measured."};
static const struct family fam_dropped = {
	"wqmon_events_dropped", T_COUNTER, false,
	"Events not fully tracked because a table was full: pending (latency "
	"not measured), worker (run time not measured), series (counted in "
	"the overflow series)."};
static const struct family fam_swept = {
	"wqmon_entries_swept", T_COUNTER, false,
	"Tracking entries removed: pending items taken off a queue unrun "
	"(cancelled), entries of items no longer queued (stale), workers that "
	"exited (reaped), idle series slots freed (reclaimed)."};
static const struct family fam_lost = {
	"wqmon_samples_lost", T_COUNTER, false,
	"Work items counted but left out of the duration histograms: queued "
	"before wqmon watched (unseen: no latency), ends that did not pair "
	"(unpaired), a start finding the previous item unended (end_lost), "
	"impossible values refused by the model (rejected)."};
static const struct family fam_missed = {
	"wqmon_probe_missed_events", T_COUNTER, false,
	"Events the kernel did not deliver to a probe program because it was "
	"already running on that CPU (bpf_prog_info.recursion_misses)."};

/* The source-wide counters as (family, labels). */
static const struct {
	enum wq_counter c;
	const struct family *fam;
	const char *labels;
} counters[] = {
	{WQ_C_PENDING_DROPPED, &fam_dropped, ",table=\"pending\""},
	{WQ_C_WORKER_DROPPED, &fam_dropped, ",table=\"worker\""},
	{WQ_C_SERIES_DROPPED, &fam_dropped, ",table=\"series\""},
	{WQ_C_PENDING_CANCELLED, &fam_swept,
	 ",table=\"pending\",reason=\"cancelled\""},
	{WQ_C_PENDING_STALE, &fam_swept,
	 ",table=\"pending\",reason=\"stale\""},
	{WQ_C_WORKER_REAPED, &fam_swept, ",table=\"worker\",reason=\"reaped\""},
	{WQ_C_SERIES_RECLAIMED, &fam_swept,
	 ",table=\"series\",reason=\"reclaimed\""},
	{WQ_C_STARTED_UNSEEN, &fam_lost, ",reason=\"unseen\""},
	{WQ_C_UNPAIRED, &fam_lost, ",reason=\"unpaired\""},
	{WQ_C_END_LOST, &fam_lost, ",reason=\"end_lost\""},
	{WQ_C_REJECTED, &fam_lost, ",reason=\"rejected\""},
};

/* Per probe program: kernel sources only (others have no probes). */
static void write_probes(struct out *o, const struct view *v, size_t n)
{
	const struct wq_snapshot *s;
	size_t i, p;

	head(o, &fam_missed);
	for (i = 0; i < n; i++) {
		s = v[i].src->snap;
		for (p = 0; s && p < s->nr_probes; p++) {
			char name[4 * sizeof(s->probes[p].name) + 1];

			esc_field(name, s->probes[p].name,
				  sizeof(s->probes[p].name));
			start(o, &fam_missed, "", v[i].name);
			fprintf(o->f, ",program=\"%s\"", name);
			end_u64(o, s->probes[p].missed);
		}
	}
}

static void write_counters(struct out *o, const struct view *v, size_t n,
			   const struct family *fam)
{
	size_t i, c;

	head(o, fam);
	for (i = 0; i < n; i++) {
		if (!v[i].src->snap)
			continue;
		for (c = 0; c < sizeof(counters) / sizeof(counters[0]); c++) {
			if (counters[c].fam != fam)
				continue;
			start(o, fam, "", v[i].name);
			fputs(counters[c].labels, o->f);
			end_u64(o, v[i].src->snap->counters[counters[c].c]);
		}
	}
}

/* ---- per pool ---- */

enum pool_field {
	P_WORKERS,
	P_IDLE,
	P_RUNNING,
	P_PENDING,
	P_OLDEST,
	P_CPU,
};

static const struct {
	struct family fam;
	enum pool_field field;
} pool_fams[] = {
	{{"wqmon_pool_workers", T_GAUGE, false,
	  "Worker threads (kworkers) of the pool."},
	 P_WORKERS},
	{{"wqmon_pool_idle_workers", T_GAUGE, false,
	  "Workers of the pool waiting for work."},
	 P_IDLE},
	{{"wqmon_pool_running_workers", T_GAUGE, false,
	  "Workers of the pool running a work item now."},
	 P_RUNNING},
	{{"wqmon_pool_pending", T_GAUGE, false,
	  "Work items queued on the pool and not started yet."},
	 P_PENDING},
	{{"wqmon_pool_oldest_pending_seconds", T_GAUGE, true,
	  "Age of the oldest work item waiting on the pool; 0 when none "
	  "waits."},
	 P_OLDEST},
	{{"wqmon_pool_cpu_seconds", T_COUNTER, true,
	  "On-CPU time of the pool's workers."},
	 P_CPU},
};

static void pool_labels(struct out *o, const struct wq_pool *p)
{
	fprintf(o->f, ",pool=\"%" PRId32 "\"", p->id);
	if (p->cpu == -1)
		fputs(",cpu=\"unbound\"", o->f);
	else
		fprintf(o->f, ",cpu=\"%" PRId32 "\"", p->cpu);
	fprintf(o->f, ",nice=\"%" PRId32 "\"", p->nice);
}

static void write_pools(struct out *o, const struct view *v, size_t n)
{
	size_t f, i, j;

	for (f = 0; f < sizeof(pool_fams) / sizeof(pool_fams[0]); f++) {
		const struct family *fam = &pool_fams[f].fam;

		head(o, fam);
		for (i = 0; i < n; i++) {
			for (j = 0; j < v[i].nr_pools; j++) {
				const struct wq_pool *p = v[i].pools[j];

				start(o, fam, "", v[i].name);
				pool_labels(o, p);
				switch (pool_fams[f].field) {
				case P_WORKERS:
					fprintf(o->f, "} %" PRId32 "\n",
						p->workers);
					break;
				case P_IDLE:
					fprintf(o->f, "} %" PRId32 "\n",
						p->idle);
					break;
				case P_RUNNING:
					fprintf(o->f, "} %" PRId32 "\n",
						p->running);
					break;
				case P_PENDING:
					end_u64(o, p->pending);
					break;
				case P_OLDEST:
					end_secs(o, p->oldest_pending_ns);
					break;
				case P_CPU:
					end_secs(o, p->cpu_ns);
					break;
				}
			}
		}
	}
}

/* ---- per (workqueue, function) ---- */

/*
 * Bucket bounds: every other log2 slot edge from 2^9 ns (0.5 us) to 2^35 ns
 * (34 s), a factor of 4 apart, 14 buckets and +Inf.  An edge is where a
 * slot ends, so each bucket is a whole number of slots and its count is
 * exact.  The slots are [2^i, 2^(i+1)) ns; Prometheus' le is "<=": the
 * bucket le=2^k ns counts values below 2^k ns, a value of exactly 2^k ns
 * being in the next one (1 ns of difference at these bounds).
 */
static const unsigned int edges[] = {9,	 11, 13, 15, 17, 19, 21,
				     23, 25, 27, 29, 31, 33, 35};

enum row_field {
	R_QUEUED,
	R_ACTIVATED,
	R_STARTED,
	R_COMPLETED,
	R_CANCELLED,
	R_CPU,
	R_HIST,
};

static const struct {
	struct family fam;
	enum row_field field;
	enum wq_hkind hk;
} row_fams[] = {
	{{"wqmon_work_queued", T_COUNTER, false, "Work items queued."},
	 R_QUEUED,
	 0},
	{{"wqmon_work_activated", T_COUNTER, false,
	  "Work items made runnable (max_active let them through)."},
	 R_ACTIVATED,
	 0},
	{{"wqmon_work_started", T_COUNTER, false,
	  "Work items a worker started to run."},
	 R_STARTED,
	 0},
	{{"wqmon_work_completed", T_COUNTER, false,
	  "Work items that finished running."},
	 R_COMPLETED,
	 0},
	{{"wqmon_work_cancelled", T_COUNTER, false,
	  "Work items cancelled before they ran."},
	 R_CANCELLED,
	 0},
	{{"wqmon_work_cpu_seconds", T_COUNTER, true,
	  "On-CPU time of workers while running these work items."},
	 R_CPU,
	 0},
	{{"wqmon_work_latency_seconds", T_HIST, true,
	  "Time from queueing a work item to its start."},
	 R_HIST,
	 WQ_H_LAT},
	{{"wqmon_work_runtime_seconds", T_HIST, true,
	  "Wall-clock run time of a work item, start to end."},
	 R_HIST,
	 WQ_H_RUN},
	{{"wqmon_work_run_cpu_seconds", T_HIST, true,
	  "On-CPU time of the worker during one run of a work item."},
	 R_HIST,
	 WQ_H_CPU},
};

static void row_labels(struct out *o, const struct row *r)
{
	fprintf(o->f, ",workqueue=\"%s\",function=\"%s\"", r->wq, r->fn);
}

/* Seconds of the edge 2^@k ns, exactly: 2^k / 10^9 has 9 decimals. */
static void put_le(FILE *f, unsigned int k)
{
	fputs(",le=\"", f);
	put_secs(f, 1ULL << k);
	fputc('"', f);
}

#define NR_EDGES (sizeof(edges) / sizeof(edges[0]))

/* ---- exemplars: slow records on the histogram buckets (docs/SLOW.md) ---- */

/* The value of @x that @hk's histogram counts; false if none. */
static bool slow_value(const struct wq_slow *x, enum wq_hkind hk,
		       uint64_t *ns)
{
	if (hk == WQ_H_LAT && wq_slow__latency_known(x))
		*ns = wq_slow__latency_ns(x);
	else if (hk == WQ_H_RUN)
		*ns = wq_slow__run_ns(x);
	else
		return false;
	return true;
}

/*
 * For each bucket of @r's @hk histogram (edges[], then +Inf), the newest
 * slow record of the same workqueue and function whose value is in that
 * bucket and no lower one: its exemplar, or NULL.  OpenMetrics only, and
 * only for the source the records come from.
 */
static void exemplars_find(const struct out *o, const char *source,
			   const struct row *r, enum wq_hkind hk,
			   const struct wq_slow **ex)
{
	const struct wq_metrics_opts *opts = o->opts;
	char src[3 * WQ_SOURCE_LEN + 1], wq[ESC_WQ], fn[ESC_FN];
	uint64_t ns;
	size_t e;

	memset(ex, 0, (NR_EDGES + 1) * sizeof(*ex));
	if (!o->om || !opts || !opts->nr_slow || !opts->slow_source)
		return;
	esc_field(src, opts->slow_source, WQ_SOURCE_LEN);
	if (strcmp(src, source))
		return;
	for (size_t i = 0; i < opts->nr_slow; i++) {
		const struct wq_slow *x = &opts->slow[i];

		if (!slow_value(x, hk, &ns))
			continue;
		esc_field(wq, x->workqueue, sizeof(x->workqueue));
		esc_field(fn, x->function, sizeof(x->function));
		if (strcmp(wq, r->wq) || strcmp(fn, r->fn))
			continue;
		for (e = 0; e < NR_EDGES && ns >= 1ULL << edges[e]; e++)
			;
		if (!ex[e] || x->seq > ex[e]->seq)
			ex[e] = x;
	}
}

/* A bucket's sample, with its exemplar if any: "# {work="SEQ"} VALUE
 * TIMESTAMP", the record's seq in /api/v1/slow, its value in seconds and
 * the wall time it ended.  Only on a bucket that counted something. */
static void end_bucket(struct out *o, uint64_t cum, uint64_t in_bucket,
		       const struct wq_slow *x, enum wq_hkind hk)
{
	uint64_t ns;

	if (!x || !in_bucket || !slow_value(x, hk, &ns)) {
		end_u64(o, cum);
		return;
	}
	fprintf(o->f, "} %" PRIu64 " # {work=\"%" PRIu64 "\"} ", cum, x->seq);
	put_secs(o->f, ns);
	fputc(' ', o->f);
	put_secs(o->f, wq_slow__real(x, x->ended_ns));
	fputc('\n', o->f);
}

static void write_hist(struct out *o, const struct family *fam,
		       const char *source, const struct row *r,
		       enum wq_hkind hk)
{
	const struct wq_hist *h = &r->v.hist[hk];
	const struct wq_slow *ex[NR_EDGES + 1];
	uint64_t cum = 0, prev;
	unsigned int slot = 0;
	size_t e;

	exemplars_find(o, source, r, hk, ex);
	for (e = 0; e < NR_EDGES; e++) {
		prev = cum;
		/* Slots 0 .. k-1 hold the values below 2^k ns. */
		for (; slot < edges[e]; slot++)
			cum = add_sat(cum, h->slot[slot]);
		start(o, fam, "_bucket", source);
		row_labels(o, r);
		put_le(o->f, edges[e]);
		end_bucket(o, cum, cum - prev, ex[e], hk);
	}
	prev = cum;
	cum = wq_hist__count(h);
	start(o, fam, "_bucket", source);
	row_labels(o, r);
	fputs(",le=\"+Inf\"", o->f);
	end_bucket(o, cum, cum > prev ? cum - prev : 0, ex[NR_EDGES], hk);
	start(o, fam, "_sum", source);
	row_labels(o, r);
	end_secs(o, r->v.sum_ns[hk]);
	start(o, fam, "_count", source);
	row_labels(o, r);
	end_u64(o, cum);
}

static void write_rows(struct out *o, const struct view *v, size_t n)
{
	size_t f, i, j;

	for (f = 0; f < sizeof(row_fams) / sizeof(row_fams[0]); f++) {
		const struct family *fam = &row_fams[f].fam;

		head(o, fam);
		for (i = 0; i < n; i++) {
			for (j = 0; j < v[i].nr_rows; j++) {
				const struct row *r = &v[i].rows[j];

				if (row_fams[f].field == R_HIST) {
					write_hist(o, fam, v[i].name, r,
						   row_fams[f].hk);
					continue;
				}
				start(o, fam, "", v[i].name);
				row_labels(o, r);
				switch (row_fams[f].field) {
				case R_QUEUED:
					end_u64(o, r->v.queued);
					break;
				case R_ACTIVATED:
					end_u64(o, r->v.activated);
					break;
				case R_STARTED:
					end_u64(o, r->v.started);
					break;
				case R_COMPLETED:
					end_u64(o, r->v.completed);
					break;
				case R_CANCELLED:
					end_u64(o, r->v.cancelled);
					break;
				case R_CPU:
					end_secs(o, r->v.sum_ns[WQ_H_CPU]);
					break;
				case R_HIST:
					break;
				}
			}
		}
	}
}

/* ---- per queuer (docs/METRICS.md, "Queuers") ---- */

enum qfield { Q_QUEUED, Q_STARTED, Q_LAT, Q_RUN, Q_CPU };

static const struct {
	struct family fam;
	enum qfield field;
} queuer_fams[] = {
	{{"wqmon_queuer_work_queued", T_COUNTER, false,
	  "Work items queued, by who queued them: the context (task, "
	  "softirq, hardirq, nmi), the task's comm and cgroup; "
	  "context=\"other\" folds what is over [metrics] queuer_series "
	  "and what could not be attributed."},
	 Q_QUEUED},
	{{"wqmon_queuer_work_started", T_COUNTER, false,
	  "Work items of the queuer a worker started to run."},
	 Q_STARTED},
	{{"wqmon_queuer_wait_seconds", T_COUNTER, true,
	  "Time the queuer's items waited, queued to started (summed over "
	  "the measured items)."},
	 Q_LAT},
	{{"wqmon_queuer_kworker_run_seconds", T_COUNTER, true,
	  "Wall-clock run time of the queuer's items in kworkers."},
	 Q_RUN},
	{{"wqmon_queuer_kworker_cpu_seconds", T_COUNTER, true,
	  "On-CPU time of kworkers running the queuer's items: the kworker "
	  "CPU charged back to who queued the work."},
	 Q_CPU},
};

static const struct family fam_qrows = {
	"wqmon_queuer_rows", T_GAUGE, false,
	"Queuer label sets of the source now: with series of their own "
	"(exported) or folded into context=\"other\" because [metrics] "
	"queuer_series was reached (folded)."};
static const struct family fam_qlimit = {
	"wqmon_queuer_series_limit", T_GAUGE, false,
	"[metrics] queuer_series: queuer label sets that get series of their "
	"own, over every source, first come, first kept."};

/* The labels after source= of @key (see struct qrow). */
static void qrow_labels(struct out *o, const char *key)
{
	static const char *const names[] = { "workqueue", "function",
					     "context", "comm", "cgroup" };
	const char *p = strchr(key, '\n') + 1;

	for (size_t i = 0; i < 5; i++) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);

		fprintf(o->f, ",%s=\"%.*s\"", names[i], len, p);
		p = e ? e + 1 : p + len;
	}
}

static void write_queuers(struct out *o, const struct view *v, size_t n,
			  const struct wq_metrics_opts *opts)
{
	size_t f, i, j;

	if (!opts->queuers)
		return;
	for (f = 0; f < sizeof(queuer_fams) / sizeof(queuer_fams[0]); f++) {
		const struct family *fam = &queuer_fams[f].fam;

		head(o, fam);
		for (i = 0; i < n; i++) {
			for (j = 0; j < v[i].nr_q; j++) {
				const struct qrow *r = &v[i].q[j];

				start(o, fam, "", v[i].name);
				qrow_labels(o, r->key);
				switch (queuer_fams[f].field) {
				case Q_QUEUED:
					end_u64(o, r->queued);
					break;
				case Q_STARTED:
					end_u64(o, r->started);
					break;
				case Q_LAT:
					end_secs(o, r->lat_ns);
					break;
				case Q_RUN:
					end_secs(o, r->run_ns);
					break;
				case Q_CPU:
					end_secs(o, r->cpu_ns);
					break;
				}
			}
		}
	}
	head(o, &fam_qrows);
	for (i = 0; i < n; i++) {
		if (!v[i].src->snap)
			continue;
		start(o, &fam_qrows, "", v[i].name);
		fputs(",state=\"exported\"", o->f);
		end_u64(o, v[i].q_exported);
		start(o, &fam_qrows, "", v[i].name);
		fputs(",state=\"folded\"", o->f);
		end_u64(o, v[i].q_folded);
	}
	head(o, &fam_qlimit);
	fprintf(o->f, "%s %zu\n", fam_qlimit.name, opts->queuers->cap);
}

static const struct family fam_build = {"wqmon_build", T_INFO, false,
					"The running wqmon: its version."};

static const struct family fam_stall_active = {
	"wqmon_stall_active", T_GAUGE, false,
	"1 for each stall going on now (docs/ALERTS.md): a pool whose oldest "
	"pending item has not started (pending, starved), an item running too "
	"long (running), a function hogging a CPU (cpu_hog)."};
static const struct family fam_stalls = {
	"wqmon_stalls", T_COUNTER, false, "Stalls started, by kind."};

static void write_stalls(struct out *o, const struct wq_metrics_opts *opts)
{
	char src[3 * WQ_SOURCE_LEN + 1], wq[ESC_WQ], fn[ESC_FN];
	size_t i;

	head(o, &fam_stall_active);
	for (i = 0; i < opts->nr_stalls; i++) {
		const struct wq_stall *s = &opts->stalls[i];

		esc_field(src, s->source, sizeof(s->source));
		esc_field(wq, s->workqueue, sizeof(s->workqueue));
		esc_field(fn, s->function, sizeof(s->function));
		start(o, &fam_stall_active, "", src);
		fprintf(o->f, ",kind=\"%s\",pool=\"%d\",workqueue=\"%s\","
			"function=\"%s\"", wq_stall_kind__name(s->kind),
			s->pool_id, wq, fn);
		end_u64(o, 1);
	}
	head(o, &fam_stalls);
	for (i = 0; i < opts->nr_stall_totals; i++) {
		const struct wq_metrics_stall_total *t = &opts->stall_totals[i];

		esc_field(src, t->source, WQ_SOURCE_LEN);
		start(o, &fam_stalls, "", src);
		fprintf(o->f, ",kind=\"%s\"", wq_stall_kind__name(t->kind));
		end_u64(o, t->count);
	}
}

static const struct family fam_refused = {
	"wqmon_refwq_segments_refused", T_COUNTER, false,
	"Shared-memory segments named refwq.* that were not read, by reason "
	"(docs/SECURITY.md): not a regular file, not published by their "
	"owner's process, too large, malformed, a name already served, or a "
	"user's or the daemon's source limit reached."};

static void write_refused(struct out *o, const struct wq_metrics_opts *opts)
{
	size_t i;

	if (!opts->nr_refused)
		return;
	head(o, &fam_refused);
	for (i = 0; i < opts->nr_refused; i++)
		fprintf(o->f, "%s%s{reason=\"%s\"} %" PRIu64 "\n",
			fam_refused.name, suffix(&fam_refused),
			opts->refused[i].reason, opts->refused[i].count);
}

static const struct family fam_iso_items = {
	"wqmon_isolated_cpu_work_items", T_COUNTER, false,
	"Work items kworkers ran on the isolated CPUs ([kernel] isolated_cpus), "
	"counted on the CPU that ran them; kind per-cpu: queued there by its "
	"caller, unbound: follows the workqueue cpumask."};
static const struct family fam_iso_run = {
	"wqmon_isolated_cpu_work_run_seconds", T_COUNTER, true,
	"Run time of the work items kworkers ran on the isolated CPUs."};

static void write_isolated(struct out *o, const struct wq_metrics_opts *opts)
{
	const struct family *fams[] = { &fam_iso_items, &fam_iso_run };

	if (!opts->isolated_cpus)
		return;
	for (size_t f = 0; f < 2; f++) {
		head(o, fams[f]);
		for (size_t i = 0; i < opts->nr_isolated; i++) {
			const struct wq_metrics_isolated *w = &opts->isolated[i];
			char wq[4 * WQ_NAME_LEN + 1], fn[4 * WQ_FUNC_LEN + 1];

			esc_field(wq, w->workqueue, sizeof(w->workqueue));
			esc_field(fn, w->function, sizeof(w->function));
			start(o, fams[f], "", "kernel");
			fprintf(o->f, ",cpus=\"%s\",pool=\"%d\",workqueue=\"%s\","
				"function=\"%s\",kind=\"%s\"", opts->isolated_cpus,
				w->pool_id, wq, fn,
				w->unbound ? "unbound" : "per-cpu");
			if (f)
				end_secs(o, w->run_ns);
			else
				end_u64(o, w->items);
		}
	}
}

static const struct family fam_wq_info = {
	"wqmon_workqueue", T_INFO, false,
	"A workqueue of the kernel as configured now ([kernel] "
	"config_interval): its flags, cpumask and affinity scope (unbound "
	"ones). One per workqueue and flags: a second workqueue of the same "
	"name and flags is in /api/v1/config only."};
static const struct family fam_wq_max = {
	"wqmon_workqueue_max_active", T_GAUGE, false,
	"The workqueue's max_active in force: items it runs at once per "
	"pool (per node for unbound ones since 6.8)."};
static const struct family fam_wq_active = {
	"wqmon_workqueue_active_items", T_GAUGE, false,
	"Items of the workqueue active (counted against max_active) when "
	"the configuration was read."};
static const struct family fam_cpumask = {
	"wqmon_workqueue_cpumask", T_INFO, false,
	"The system's workqueue cpumasks (/sys/devices/virtual/workqueue): "
	"requested, effective (what unbound workqueues may use) and "
	"isolated."};
static const struct family fam_pool_info = {
	"wqmon_pool_config", T_INFO, false,
	"A worker pool as configured: its CPUs, nice and whether it runs in "
	"softirq context (BH, no workers)."};

/* Workqueues whose (name, flags) came before @i: exported once. */
static bool config_dup(const struct wq_config *c, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (c->wqs[j].flags == c->wqs[i].flags &&
		    !strcmp(c->wqs[j].name, c->wqs[i].name))
			return true;
	return false;
}

static void wq_labels(struct out *o, const struct family *m,
		      const struct wq_cfg_wq *w)
{
	char name[4 * WQ_CFG_NAME_LEN + 1], flags[160];

	esc_field(name, w->name, sizeof(w->name));
	wq_cfg_flags_format(w->flags, flags, sizeof(flags));
	start(o, m, "", "kernel");
	fprintf(o->f, ",workqueue=\"%s\",flags=\"%s\"", name, flags);
}

static void write_config(struct out *o, const struct wq_metrics_opts *opts)
{
	const struct wq_config *c = opts->config;

	if (!c)
		return;
	head(o, &fam_cpumask);
	start(o, &fam_cpumask, "", "kernel");
	fprintf(o->f, ",requested=\"%s\",effective=\"%s\",isolated=\"%s\"",
		c->cpumask_requested, c->cpumask_effective,
		c->cpumask_isolated);
	end_u64(o, 1);
	head(o, &fam_wq_info);
	for (size_t i = 0; i < c->nr_wqs; i++) {
		const struct wq_cfg_wq *w = &c->wqs[i];

		if (config_dup(c, i))
			continue;
		wq_labels(o, &fam_wq_info, w);
		fprintf(o->f, ",cpus=\"%s\",affinity_scope=\"%s\"", w->cpus,
			w->affinity_scope);
		end_u64(o, 1);
	}
	head(o, &fam_wq_max);
	for (size_t i = 0; i < c->nr_wqs; i++) {
		if (config_dup(c, i))
			continue;
		wq_labels(o, &fam_wq_max, &c->wqs[i]);
		fprintf(o->f, "} %d\n", c->wqs[i].max_active);
	}
	head(o, &fam_wq_active);
	for (size_t i = 0; i < c->nr_wqs; i++) {
		if (config_dup(c, i))
			continue;
		wq_labels(o, &fam_wq_active, &c->wqs[i]);
		fprintf(o->f, "} %d\n", c->wqs[i].active);
	}
	head(o, &fam_pool_info);
	for (size_t i = 0; i < c->nr_pools; i++) {
		const struct wq_cfg_pool *p = &c->pools[i];

		start(o, &fam_pool_info, "", "kernel");
		fprintf(o->f, ",pool=\"%d\",cpus=\"%s\",nice=\"%d\",bh=\"%s\"",
			p->id, p->cpus, p->nice, p->bh ? "yes" : "no");
		end_u64(o, 1);
	}
}

static const struct family fam_auth = {
	"wqmon_http_auth_refused", T_COUNTER, false,
	"HTTP requests refused by a listener's web_config: no or wrong "
	"password (401), client certificate (403), too many password "
	"checks (429)."};

static const struct family fam_cert = {
	"wqmon_tls_certificate_expiry_timestamp_seconds", T_GAUGE, true,
	"When the certificate a listener serves expires, in seconds since "
	"the epoch: alert well before time() reaches it."};

static void write_http(struct out *o, const struct wq_metrics_opts *opts)
{
	if (opts->http_auth) {
		head(o, &fam_auth);
		fprintf(o->f, "%s%s %" PRIu64 "\n", fam_auth.name,
			suffix(&fam_auth), opts->http_auth_refused);
	}
	if (!opts->nr_tls)
		return;
	head(o, &fam_cert);
	for (size_t i = 0; i < opts->nr_tls; i++)
		fprintf(o->f, "%s%s{listener=\"%s\"} %" PRId64 "\n",
			fam_cert.name, suffix(&fam_cert),
			opts->tls[i].listener, opts->tls[i].not_after);
}

static const struct family fam_slow = {
	"wqmon_slow_records", T_COUNTER, false,
	"Slow work items the probes reported (docs/SLOW.md): kept, under the "
	"per-workqueue or per-function rules (not kept), or dropped by the "
	"probes' rate bound ([slow] max_per_second)."};

static void write_slow(struct out *o, const struct wq_metrics_opts *opts)
{
	static const char *const outcome[] = { "kept", "under_rules",
					       "dropped" };
	uint64_t n[] = { opts->slow_kept, opts->slow_under,
			 opts->slow_dropped };

	if (!opts->slow_on)
		return;
	head(o, &fam_slow);
	for (size_t i = 0; i < 3; i++)
		fprintf(o->f, "%s%s{source=\"kernel\",outcome=\"%s\"} %" PRIu64
			"\n", fam_slow.name, suffix(&fam_slow), outcome[i], n[i]);
}

static void write_all(struct out *o, const struct view *v, size_t n,
		      const char *version, const struct wq_metrics_opts *opts)
{
	size_t i;

	head(o, &fam_build);
	fprintf(o->f, "wqmon_build_info{version=\"%s\"} 1\n", version);
	head(o, &fam_up);
	for (i = 0; i < n; i++) {
		start(o, &fam_up, "", v[i].name);
		fprintf(o->f, "} %d\n", v[i].src->up ? 1 : 0);
	}
	head(o, &fam_scrape);
	for (i = 0; i < n; i++) {
		start(o, &fam_scrape, "", v[i].name);
		end_secs(o, v[i].src->scrape_ns);
	}
	head(o, &fam_sample);
	for (i = 0; i < n; i++) {
		if (!v[i].src->snap)
			continue;
		start(o, &fam_sample, "", v[i].name);
		end_u64(o, wq_snapshot__sample_every(v[i].src->snap));
	}
	write_counters(o, v, n, &fam_dropped);
	write_counters(o, v, n, &fam_swept);
	write_counters(o, v, n, &fam_lost);
	write_probes(o, v, n);
	write_pools(o, v, n);
	write_rows(o, v, n);
	write_queuers(o, v, n, opts);
	write_stalls(o, opts);
	write_refused(o, opts);
	write_http(o, opts);
	write_slow(o, opts);
	write_isolated(o, opts);
	write_config(o, opts);
	if (o->om)
		fputs("# EOF\n", o->f);
}

static void free_views(struct view *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].pools);
		free(v[i].rows);
		for (size_t j = 0; j < v[i].nr_q; j++)
			free(v[i].q[j].key);
		free(v[i].q);
	}
	free(v);
}

int wq_metrics__render(FILE *f, const struct wq_metrics_source *src, size_t n,
		       const struct wq_metrics_opts *o)
{
	size_t top = o && o->top_functions ? o->top_functions : DEFAULT_TOP;
	struct out out = {.f = f, .om = o && o->openmetrics, .opts = o};
	struct view *v;
	char *version;
	size_t i, j;
	int err = 0;

	if (!f || !o || (n && !src))
		return -EINVAL;
	v = calloc(n + 1, sizeof(*v));
	version = esc_dup(o->version ? o->version : "");
	if (!v || !version) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		v[i].src = &src[i];
		v[i].name = esc_dup(src[i].name ? src[i].name : "");
		if (!v[i].name) {
			err = -ENOMEM;
			goto out;
		}
		/* One name twice would be every series twice. */
		for (j = 0; j < i; j++)
			if (!strcmp(v[i].name, v[j].name)) {
				err = -EINVAL;
				goto out;
			}
	}
	if (o->state)
		pthread_mutex_lock(&o->state->lock);
	for (i = 0; i < n && !err; i++)
		if (src[i].snap)
			err = build_rows(&v[i], o->state, top);
	if (o->state)
		pthread_mutex_unlock(&o->state->lock);
	if (err)
		goto out;
	if (o->queuers) {
		pthread_mutex_lock(&o->queuers->lock);
		for (i = 0; i < n && !err; i++)
			if (src[i].snap)
				err = build_queuers(&v[i], o->queuers);
		pthread_mutex_unlock(&o->queuers->lock);
		if (err)
			goto out;
	}

	write_all(&out, v, n, version, o);
	if (fflush(f) || ferror(f))
		err = -EIO;
out:
	if (v)
		free_views(v, n);
	free(version);
	return err;
}
