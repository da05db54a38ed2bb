// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel source: probe lifecycle (open -> set rodata -> load -> attach) and
 * reading the in-kernel tables into a snapshot.
 *
 * The tables of bpf/wqmon.bpf.c are global arrays, memory-mapped through the
 * skeleton (skel->bss): reading keys, pools and pending summaries costs no
 * system call.  Only the per-CPU series statistics need one lookup per live
 * series, and the sweep program one BPF_PROG_TEST_RUN per snapshot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "collector.h"
#include "envcheck.h"
#include "hist.h"
#include "ksyms.h"
#include "kworkers.h"
#include "log.h"
#include "wqmon.h"
#include "wqmon.skel.h"

/* Histogram buckets are __u32 per CPU in the kernel.  Per slot we keep the
 * previous sum over CPUs modulo 2^32 and a 64-bit accumulator: the interval's
 * true increment is (sum_now - sum_prev) mod 2^32 as long as fewer than 2^32
 * events land in one bucket between two snapshots. */
struct slot_hist {
	uint32_t prev[WQMON_H_NR][WQMON_HIST_SLOTS];
	uint64_t acc[WQMON_H_NR][WQMON_HIST_SLOTS];
};

/* On-CPU time of kworkers that have exited, per pool, so that a pool's
 * cpu_ns never goes backwards when the kernel culls idle workers. */
struct worker_cpu {
	int32_t tid;
	int32_t pool_id;
	uint64_t cpu_ns;
	bool seen;
};

struct wq_collector {
	struct wqmon_bpf *skel;
	struct wq_collector_opts opts;
	const char *mode;
	int ncpus;
	struct wqmon_series_stats *percpu;	/* ncpus values of one slot */
	struct slot_hist *hist[WQMON_MAX_SERIES];	/* lazily allocated */
	struct wq_ksyms *ksyms;
	struct worker_cpu *wcpu;
	size_t nr_wcpu, cap_wcpu;
	struct wq_pool *dead_cpu;	/* per pool id: cpu_ns of exited workers */
	char kernel[64];
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return wq_log__libbpf(level, fmt, ap);
}

static bool kernel_has_tp_btf(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool ok;

	if (!btf)
		return false;
	ok = btf__find_by_name_kind(btf, "btf_trace_workqueue_queue_work",
				    BTF_KIND_TYPEDEF) > 0 &&
	     btf__find_by_name_kind(btf, "btf_trace_sched_switch",
				    BTF_KIND_TYPEDEF) > 0;
	btf__free(btf);
	return ok;
}

static void choose_programs(struct wqmon_bpf *skel, bool btf, bool cpu_time)
{
	struct bpf_program *btf_progs[] = {
		skel->progs.queue_work_btf, skel->progs.activate_work_btf,
		skel->progs.execute_start_btf, skel->progs.execute_end_btf,
		skel->progs.sched_switch_btf,
	};
	struct bpf_program *raw_progs[] = {
		skel->progs.queue_work_raw, skel->progs.activate_work_raw,
		skel->progs.execute_start_raw, skel->progs.execute_end_raw,
		skel->progs.sched_switch_raw,
	};
	size_t n = sizeof(btf_progs) / sizeof(btf_progs[0]);

	for (size_t i = 0; i < n; i++) {
		bool want = i < n - 1 || cpu_time;

		bpf_program__set_autoload(btf_progs[i], want && btf);
		bpf_program__set_autoload(raw_progs[i], want && !btf);
	}
}

int wq_collector__open(struct wq_collector **out,
		       const struct wq_collector_opts *opts)
{
	struct wq_collector_opts defaults = { 0 };
	struct wq_collector *c;
	struct utsname u;
	bool btf;
	int err;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	err = wq_env__require_probes();
	if (err)
		return err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->opts = *opts;
	if (!c->opts.proc_root)
		c->opts.proc_root = "/proc";
	if (!c->opts.kallsyms)
		c->opts.kallsyms = "/proc/kallsyms";
	if (uname(&u) == 0)
		snprintf(c->kernel, sizeof(c->kernel), "%.63s", u.release);

	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0) {
		err = c->ncpus ? c->ncpus : -EINVAL;
		goto err_free;
	}
	c->percpu = calloc(c->ncpus, sizeof(*c->percpu));
	c->dead_cpu = calloc(WQMON_MAX_POOLS, sizeof(*c->dead_cpu));
	if (!c->percpu || !c->dead_cpu) {
		err = -ENOMEM;
		goto err_free;
	}

	libbpf_set_print(libbpf_print);
	c->skel = wqmon_bpf__open();
	if (!c->skel) {
		err = -errno;
		pr_err("cannot open the BPF object: %s\n", strerror(-err));
		goto err_free;
	}
	c->skel->rodata->track_queuers = opts->track_queuers;
	if (opts->pending_max_age_ns)
		c->skel->rodata->pending_max_age_ns = opts->pending_max_age_ns;
	if (!opts->track_queuers)
		bpf_map__set_max_entries(c->skel->maps.queuers, 1);

	switch (opts->mode) {
	case WQ_ATTACH_TP_BTF:
		btf = true;
		break;
	case WQ_ATTACH_RAW_TP:
		btf = false;
		break;
	default:
		btf = kernel_has_tp_btf();
		break;
	}
	c->mode = btf ? "tp_btf" : "raw_tp";
	choose_programs(c->skel, btf, !opts->no_cpu_time);

	err = wqmon_bpf__load(c->skel);
	if (err) {
		pr_err("cannot load the probes (%s mode): %s; run `wqctl check` "
		       "for what to fix, and -v for the verifier's log\n",
		       c->mode, strerror(-err));
		goto err_destroy;
	}
	err = wqmon_bpf__attach(c->skel);
	if (err) {
		pr_err("cannot attach the probes to the workqueue tracepoints "
		       "(%s mode): %s; run `wqctl check`\n", c->mode,
		       strerror(-err));
		goto err_destroy;
	}
	err = wq_ksyms__load(c->opts.kallsyms, &c->ksyms);
	if (err)
		pr_warn("cannot read %s: %s; work functions shown as "
			"addresses\n", c->opts.kallsyms, strerror(-err));
	else if (wq_ksyms__restricted(c->ksyms))
		pr_warn("%s hides addresses (kptr_restrict): work functions "
			"shown as addresses; run as root\n", c->opts.kallsyms);
	pr_debug("probes attached (%s), %d CPUs\n", c->mode, c->ncpus);
	*out = c;
	return 0;

err_destroy:
	wqmon_bpf__destroy(c->skel);
	c->skel = NULL;
err_free:
	free(c->percpu);
	free(c->dead_cpu);
	free(c);
	return err;
}

void wq_collector__close(struct wq_collector *c)
{
	if (!c)
		return;
	wqmon_bpf__destroy(c->skel);
	for (int i = 0; i < WQMON_MAX_SERIES; i++)
		free(c->hist[i]);
	wq_ksyms__free(c->ksyms);
	free(c->wcpu);
	free(c->percpu);
	free(c->dead_cpu);
	free(c);
}

const char *wq_collector__mode(const struct wq_collector *c)
{
	return c->mode;
}

static int run_sweep(struct wq_collector *c)
{
	LIBBPF_OPTS(bpf_test_run_opts, topts);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(c->skel->progs.sweep),
				     &topts);
	if (err)
		pr_warn("sweep failed: %s\n", strerror(errno));
	return err ? -errno : 0;
}

static void symbolize(struct wq_collector *c, uint64_t addr, char *buf,
		      size_t len)
{
	if (c->ksyms)
		wq_ksyms__snprint(c->ksyms, addr, buf, len);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

/* Sum one slot's per-CPU statistics into @out; histograms through the
 * slot's modular accumulator. */
static int read_slot(struct wq_collector *c, uint32_t slot,
		     struct wq_series *out)
{
	struct slot_hist *h = c->hist[slot];
	uint32_t sum[WQMON_H_NR][WQMON_HIST_SLOTS];
	int fd = bpf_map__fd(c->skel->maps.series_stats);

	if (bpf_map_lookup_elem(fd, &slot, c->percpu))
		return -errno;
	if (!h) {
		h = calloc(1, sizeof(*h));
		if (!h)
			return -ENOMEM;
		c->hist[slot] = h;
	}
	memset(sum, 0, sizeof(sum));
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		const struct wqmon_series_stats *st = &c->percpu[cpu];

		out->queued += st->queued;
		out->activated += st->activated;
		out->started += st->started;
		out->completed += st->completed;
		out->cancelled += st->cancelled;
		for (int k = 0; k < WQMON_H_NR; k++) {
			out->sum_ns[k] += st->sum_ns[k];
			if (st->max_ns[k] > out->max_ns[k])
				out->max_ns[k] = st->max_ns[k];
			for (int b = 0; b < WQMON_HIST_SLOTS; b++)
				sum[k][b] += st->hist[k][b];
		}
	}
	for (int k = 0; k < WQMON_H_NR; k++) {
		for (int b = 0; b < WQMON_HIST_SLOTS; b++) {
			h->acc[k][b] += (uint32_t)(sum[k][b] - h->prev[k][b]);
			h->prev[k][b] = sum[k][b];
			out->hist[k].slot[b] = h->acc[k][b];
		}
	}
	return 0;
}

static int read_series(struct wq_collector *c, struct wq_snapshot *s)
{
	const struct wqmon_series_key *keys = c->skel->bss->series_keys;

	for (uint32_t slot = 0; slot < WQMON_MAX_SERIES; slot++) {
		const struct wqmon_series_key *k = &keys[slot];
		struct wq_series tmp = { 0 }, *row;
		int err;

		if (slot != WQMON_SERIES_OVERFLOW &&
		    __atomic_load_n(&k->state, __ATOMIC_ACQUIRE) != 2)
			continue;
		err = read_slot(c, slot, &tmp);
		if (err)
			return err;
		if (slot == WQMON_SERIES_OVERFLOW) {
			/* Events we could not attribute; shown only if any. */
			if (!tmp.queued && !tmp.activated && !tmp.started &&
			    !tmp.completed)
				continue;
			tmp.pool_id = -1;
			snprintf(tmp.workqueue, sizeof(tmp.workqueue), "?");
			snprintf(tmp.function, sizeof(tmp.function), "?");
		} else {
			tmp.pool_id = k->pool_id;
			tmp.func_addr = k->func;
			snprintf(tmp.workqueue, sizeof(tmp.workqueue), "%s",
				 k->wq_name[0] ? k->wq_name : "?");
			symbolize(c, k->func, tmp.function,
				  sizeof(tmp.function));
		}
		/* Two CPUs racing on a new key can publish two slots. */
		row = wq_snapshot__find_series(s, tmp.pool_id, tmp.workqueue,
					       tmp.function);
		if (row) {
			wq_series__add(row, &tmp);
			continue;
		}
		row = wq_snapshot__add_series(s);
		if (!row)
			return -ENOMEM;
		*row = tmp;
	}
	return 0;
}

static struct wq_pool *pool_row(struct wq_snapshot *s, int32_t id)
{
	struct wq_pool *p = wq_snapshot__find_pool(s, id);

	if (p)
		return p;
	p = wq_snapshot__add_pool(s);
	if (p) {
		p->id = id;
		p->cpu = -1;
	}
	return p;
}

/* Per-CPU pools carry no id in the kworker's name: find the pool the
 * probes saw with that CPU and priority. */
static int32_t pool_of_kworker(const struct wq_snapshot *s,
			       const struct wq_kworker *w)
{
	if (w->name.kind == WQ_KW_UNBOUND)
		return w->name.pool_id;
	for (size_t i = 0; i < s->nr_pools; i++)
		if (wq_kworker__in_pool(w, &s->pools[i]))
			return s->pools[i].id;
	return -1;
}

static int32_t worker_pool_from_probes(struct wq_collector *c, int tid)
{
	const struct wqmon_worker *w = c->skel->bss->workers;

	for (int i = 0; i < WQMON_MAX_WORKERS; i++)
		if (w[i].tid == (uint32_t)tid)
			return w[i].pool_id;
	return -1;
}

static struct worker_cpu *worker_cpu_slot(struct wq_collector *c, int tid)
{
	for (size_t i = 0; i < c->nr_wcpu; i++)
		if (c->wcpu[i].tid == tid)
			return &c->wcpu[i];
	if (c->nr_wcpu == c->cap_wcpu) {
		size_t cap = c->cap_wcpu ? 2 * c->cap_wcpu : 256;
		struct worker_cpu *n = realloc(c->wcpu, cap * sizeof(*n));

		if (!n)
			return NULL;
		c->wcpu = n;
		c->cap_wcpu = cap;
	}
	c->wcpu[c->nr_wcpu] = (struct worker_cpu){ .tid = tid, .pool_id = -1 };
	return &c->wcpu[c->nr_wcpu++];
}

static void read_kworkers(struct wq_collector *c, struct wq_snapshot *s)
{
	struct wq_kworker *kw = NULL;
	size_t n = 0;
	int err = wq_kworkers__scan(c->opts.proc_root, &kw, &n);

	if (err) {
		pr_warn("cannot scan kworkers in %s: %s\n", c->opts.proc_root,
			strerror(-err));
		return;
	}
	for (size_t i = 0; i < c->nr_wcpu; i++)
		c->wcpu[i].seen = false;

	for (size_t i = 0; i < n; i++) {
		const struct wq_kworker *w = &kw[i];
		enum wq_kworker_kind kind = w->name.kind;
		struct worker_cpu *wc;
		struct wq_pool *p;
		int32_t id;

		/* Rescuers serve any pool and belong to none. */
		if (kind != WQ_KW_PERCPU && kind != WQ_KW_HIGHPRI &&
		    kind != WQ_KW_UNBOUND)
			continue;
		/* The probes know each worker's pool for sure once it ran
		 * an item; its name says it for the others. */
		id = worker_pool_from_probes(c, w->tid);
		if (id < 0)
			id = pool_of_kworker(s, w);
		if (id < 0 || id >= WQMON_MAX_POOLS)
			continue;	/* a pool no probe has seen yet */
		p = pool_row(s, id);
		if (!p)
			return;
		if (kind == WQ_KW_UNBOUND)
			p->flags |= WQ_POOL_UNBOUND;
		p->workers++;
		if (w->idle)
			p->idle++;
		wc = worker_cpu_slot(c, w->tid);
		if (wc) {
			wc->pool_id = id;
			wc->cpu_ns = w->cpu_ns;
			wc->seen = true;
		}
	}
	free(kw);

	/* Workers gone since the last scan: keep their time in their pool. */
	for (size_t i = 0; i < c->nr_wcpu;) {
		struct worker_cpu *wc = &c->wcpu[i];

		if (wc->seen) {
			i++;
			continue;
		}
		if (wc->pool_id >= 0 && wc->pool_id < WQMON_MAX_POOLS)
			c->dead_cpu[wc->pool_id].cpu_ns += wc->cpu_ns;
		*wc = c->wcpu[--c->nr_wcpu];
	}
	for (size_t i = 0; i < s->nr_pools; i++) {
		struct wq_pool *p = &s->pools[i];

		if (p->id < 0 || p->id >= WQMON_MAX_POOLS)
			continue;
		p->cpu_ns = c->dead_cpu[p->id].cpu_ns;
		for (size_t j = 0; j < c->nr_wcpu; j++)
			if (c->wcpu[j].pool_id == p->id)
				p->cpu_ns += c->wcpu[j].cpu_ns;
	}
}

static int read_pools(struct wq_collector *c, struct wq_snapshot *s,
		      uint64_t now)
{
	const struct wqmon_pool *kp = c->skel->bss->pools;
	const struct wqmon_pool_pending *pp = c->skel->bss->pool_pending;
	const struct wqmon_worker *w = c->skel->bss->workers;

	for (int i = 0; i < WQMON_MAX_POOLS; i++) {
		struct wq_pool *p;

		if (!kp[i].seen)
			continue;
		p = pool_row(s, kp[i].id);
		if (!p)
			return -ENOMEM;
		p->cpu = kp[i].cpu;
		p->nice = kp[i].nice;
		p->flags = (kp[i].flags & WQMON_POOL_UNBOUND ? WQ_POOL_UNBOUND :
							       0) |
			   (kp[i].flags & WQMON_POOL_BH ? WQ_POOL_BH : 0) |
			   (kp[i].nice < 0 ? WQ_POOL_HIGHPRI : 0);
		p->pending = pp[i].pending;
		if (pp[i].oldest_t_queue && now > pp[i].oldest_t_queue)
			p->oldest_pending_ns = now - pp[i].oldest_t_queue;
	}
	for (int i = 0; i < WQMON_MAX_WORKERS; i++) {
		struct wq_pool *p;

		if (!w[i].tid || !w[i].work)
			continue;
		p = wq_snapshot__find_pool(s, w[i].pool_id);
		if (p)
			p->running++;
	}
	read_kworkers(c, s);
	return 0;
}

static void slot_names(struct wq_collector *c, uint32_t slot,
		       struct wq_inflight *r)
{
	const struct wqmon_series_key *k;

	if (slot >= WQMON_MAX_SERIES || slot == WQMON_SERIES_OVERFLOW ||
	    c->skel->bss->series_keys[slot].state != 2) {
		snprintf(r->workqueue, sizeof(r->workqueue), "?");
		snprintf(r->function, sizeof(r->function), "?");
		return;
	}
	k = &c->skel->bss->series_keys[slot];
	snprintf(r->workqueue, sizeof(r->workqueue), "%s",
		 k->wq_name[0] ? k->wq_name : "?");
	symbolize(c, k->func, r->function, sizeof(r->function));
}

/* Work in flight now, from the same tables the probes keep: running items
 * one per worker, pending items summed per (pool, series). */
static int read_inflight(struct wq_collector *c, struct wq_snapshot *s,
			 uint64_t now)
{
	const struct wqmon_worker *w = c->skel->bss->workers;
	const struct wqmon_pending *p = c->skel->bss->pending;
	struct group {
		int32_t pool;
		uint32_t series, count;
		uint64_t oldest;
	} *g = NULL;
	size_t nr = 0, cap = 0;
	int err = 0;

	for (int i = 0; i < WQMON_MAX_WORKERS; i++) {
		struct wqmon_worker x = w[i];	/* the probes keep writing */
		struct wq_inflight *r;

		if (!x.tid || !x.work)
			continue;
		r = wq_snapshot__add_inflight(s);
		if (!r)
			return -ENOMEM;
		r->kind = WQ_INFLIGHT_RUNNING;
		r->pool_id = x.pool_id;
		r->tid = (int32_t)x.tid;
		r->count = 1;
		r->age_ns = now > x.t_start ? now - x.t_start : 0;
		slot_names(c, x.series, r);
	}
	for (int i = 0; i < WQMON_MAX_PENDING; i++) {
		struct wqmon_pending x = p[i];
		size_t j;

		if (!x.work || !x.t_queue)
			continue;
		for (j = 0; j < nr; j++)
			if (g[j].pool == x.pool_id && g[j].series == x.series)
				break;
		if (j == nr) {
			if (nr == cap) {
				size_t ncap = cap ? 2 * cap : 64;
				struct group *ng = realloc(g, ncap * sizeof(*g));

				if (!ng) {
					err = -ENOMEM;
					goto out;
				}
				g = ng;
				cap = ncap;
			}
			g[nr++] = (struct group){ x.pool_id, x.series, 0,
						  x.t_queue };
		}
		g[j].count++;
		if (x.t_queue < g[j].oldest)
			g[j].oldest = x.t_queue;
	}
	for (size_t j = 0; j < nr; j++) {
		struct wq_inflight *r = wq_snapshot__add_inflight(s);

		if (!r) {
			err = -ENOMEM;
			break;
		}
		r->kind = WQ_INFLIGHT_PENDING;
		r->pool_id = g[j].pool;
		r->count = g[j].count;
		r->age_ns = now > g[j].oldest ? now - g[j].oldest : 0;
		slot_names(c, g[j].series, r);
	}
out:
	free(g);
	return err;
}

static void read_counters(struct wq_collector *c, struct wq_snapshot *s)
{
	static const int map[WQ_C_NR] = {
		[WQ_C_PENDING_DROPPED] = WQMON_C_PENDING_DROPPED,
		[WQ_C_WORKER_DROPPED] = WQMON_C_WORKER_DROPPED,
		[WQ_C_SERIES_DROPPED] = WQMON_C_SERIES_DROPPED,
		[WQ_C_PENDING_CANCELLED] = WQMON_C_PENDING_CANCELLED,
		[WQ_C_PENDING_EXPIRED] = WQMON_C_PENDING_EXPIRED,
		[WQ_C_WORKER_REAPED] = WQMON_C_WORKER_REAPED,
	};
	int fd = bpf_map__fd(c->skel->maps.counters);
	uint64_t vals[c->ncpus];

	for (int i = 0; i < WQ_C_NR; i++) {
		uint32_t key = map[i];

		s->counters[i] = 0;
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue;
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			s->counters[i] += vals[cpu];
	}
}

int wq_collector__snapshot(struct wq_collector *c, struct wq_snapshot *s)
{
	uint64_t now;
	int err;

	wq_snapshot__reset(s);
	snprintf(s->source, sizeof(s->source), "kernel");
	snprintf(s->kernel, sizeof(s->kernel), "%s", c->kernel);
	err = run_sweep(c);
	if (err)
		return err;
	/* bpf_ktime_get_ns() is CLOCK_MONOTONIC: ages compare directly. */
	now = clock_ns(CLOCK_MONOTONIC);
	s->mono_ns = now;
	s->real_ns = clock_ns(CLOCK_REALTIME);
	s->interval_ns = 0;
	err = read_series(c, s);
	if (!err)
		err = read_pools(c, s, now);
	if (!err)
		err = read_inflight(c, s, now);
	if (err)
		return err;
	read_counters(c, s);
	wq_snapshot__sort(s);
	return 0;
}

int wq_collector__queuers(struct wq_collector *c, struct wq_queuer *out,
			  int max)
{
	const struct wqmon_series_key *keys = c->skel->bss->series_keys;
	int fd = bpf_map__fd(c->skel->maps.queuers);
	struct wqmon_queuer_key k, next, *prev = NULL;
	int n = 0;

	if (!c->opts.track_queuers)
		return 0;
	while (n < max && bpf_map_get_next_key(fd, prev, &next) == 0) {
		const struct wqmon_series_key *sk;
		struct wq_queuer *q = &out[n];
		uint64_t v;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v) ||
		    k.series >= WQMON_MAX_SERIES)
			continue;
		sk = &keys[k.series];
		memset(q, 0, sizeof(*q));
		q->pool_id = sk->pool_id;
		q->queued = v;
		snprintf(q->workqueue, sizeof(q->workqueue), "%s", sk->wq_name);
		snprintf(q->comm, sizeof(q->comm), "%.15s", k.comm);
		symbolize(c, sk->func, q->function, sizeof(q->function));
		n++;
	}
	return n;
}
