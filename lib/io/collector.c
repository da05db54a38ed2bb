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
#include <sys/mman.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "cgroups.h"
#include "queuers.h"
#include "collector.h"
#include "envcheck.h"
#include "hist.h"
#include "kbtf.h"
#include "ksyms.h"
#include "kstack.h"
#include "kworkers.h"
#include "log.h"
#include "wqmon.h"
#include "wqmon.skel.h"
#include "wqtime.h"

/* Histogram buckets are __u32 per CPU in the kernel.  Per slot we keep the
 * previous sum over CPUs modulo 2^32 and a 64-bit accumulator: the interval's
 * true increment is (sum_now - sum_prev) mod 2^32 as long as fewer than 2^32
 * events land in one bucket between two snapshots. */
struct slot_hist {
	uint32_t prev[WQMON_H_NR][WQMON_HIST_SLOTS];
	uint64_t acc[WQMON_H_NR][WQMON_HIST_SLOTS];
};

/* A kworker's on-CPU time, counted from when we first saw it: a pool's
 * CPU is what its workers ran while we watched, not their lifetime. */
struct worker_cpu {
	int32_t tid;
	int32_t pool_id;	/* from the kworker's name; -1 until known */
	uint64_t base_ns;	/* schedstat when first seen (0: born later) */
	uint64_t cpu_ns;	/* schedstat now */
	bool seen;
};

/* Per pool id: CPU of exited workers, and what was reported.  /proc is read
 * a few ms off the snapshot's clock, so a busy pool's growth can exceed
 * the interval by that much: the report is capped at wall time x the
 * pool's CPUs and the rest carried to the next snapshot, so it is never
 * above 100 % and exact over time. */
struct pool_cpu {
	uint64_t dead_ns;
	uint64_t reported_ns;
	uint64_t reported_at;	/* mono_ns of that report; 0: none */
};

/* Per series slot: when it last changed, for reclaim (read_series). */
struct slot_life {
	uint64_t total;		/* queued + started + completed + cancelled */
	uint64_t idle_since;	/* mono_ns; 0: not yet seen */
};

struct wq_collector {
	struct wqmon_bpf *skel;
	struct wq_collector_opts opts;
	const char *mode;
	int ncpus;		/* possible CPUs: per-CPU map values */
	int online;		/* online CPUs: an unbound pool's ceiling */
	bool bh;		/* kernel has BH workqueues (6.9+) */
	uint32_t nr_series, nr_pools;	/* loaded map sizes */
	struct wqmon_series_key *keys;	/* mmap of series_keys */
	struct wqmon_pool *pools;	/* mmap of pools */
	struct wqmon_pool_pending *pool_pending;
	size_t keys_len, pools_len, pp_len;
	struct wqmon_series_stats *percpu;	/* ncpus values of one slot */
	struct slot_hist **hist;	/* per slot, lazily allocated */
	struct wq_ksyms *ksyms;
	struct worker_cpu *wcpu;
	size_t nr_wcpu, cap_wcpu;
	bool scanned;		/* first kworker scan done: baselines set */
	struct pool_cpu *pool_cpu;	/* per pool id */
	struct slot_life *life;		/* per series slot: for reclaim */
	struct wq_snapshot *retired;	/* totals of reclaimed slots */
	uint64_t reclaimed;
	/* Queuers (opts.track_queuers): per queuer slot, as per series. */
	struct wqmon_queuer_key *qkeys;		/* the probes' table */
	struct wqmon_queuer_stats *qpercpu;	/* ncpus values of one slot */
	struct slot_life *qlife;
	char (*qpath)[WQ_CGROUP_LEN];	/* cgroup path, resolved once */
	struct wq_cgroups *cgroups;
	char kernel[64];
	struct ring_buffer *slow;	/* NULL: no slow records */
	wq_slow_fn slow_fn;		/* during wq_collector__slow_poll */
	void *slow_ctx;
	uint64_t slow_offset;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return wq_log__libbpf(level, fmt, ap);
}

/* What the running kernel offers, from its BTF. */
struct kernel_features {
	bool tp_btf;	/* typed tracepoints for every probe */
	bool bh;	/* BH workqueues: enum worker_pool_flags has POOL_BH */
};

static void kernel_features(struct kernel_features *f)
{
	struct btf *btf = btf__load_vmlinux_btf();
	long long v;

	memset(f, 0, sizeof(*f));
	if (!btf)
		return;
	f->tp_btf = btf__find_by_name_kind(btf, "btf_trace_workqueue_queue_work",
					   BTF_KIND_TYPEDEF) > 0 &&
		    btf__find_by_name_kind(btf, "btf_trace_sched_switch",
					   BTF_KIND_TYPEDEF) > 0;
	f->bh = wq_btf__enumerator(btf, "POOL_BH", &v);
	btf__free(btf);
}

static void choose_programs(struct wqmon_bpf *skel, bool btf, bool cpu_time,
			    bool queuers)
{
	const struct {
		struct bpf_program *btf, *raw;
		bool want;
	} progs[] = {
		{ skel->progs.queue_work_btf, skel->progs.queue_work_raw, true },
		{ skel->progs.activate_work_btf, skel->progs.activate_work_raw,
		  true },
		{ skel->progs.execute_start_btf, skel->progs.execute_start_raw,
		  true },
		{ skel->progs.execute_end_btf, skel->progs.execute_end_raw,
		  true },
		{ skel->progs.sched_switch_btf, skel->progs.sched_switch_raw,
		  cpu_time },
		{ skel->progs.softirq_entry_btf, skel->progs.softirq_entry_raw,
		  queuers },
		{ skel->progs.softirq_exit_btf, skel->progs.softirq_exit_raw,
		  queuers },
		{ skel->progs.irq_entry_btf, skel->progs.irq_entry_raw,
		  queuers },
		{ skel->progs.irq_exit_btf, skel->progs.irq_exit_raw, queuers },
	};

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		bpf_program__set_autoload(progs[i].btf, progs[i].want && btf);
		bpf_program__set_autoload(progs[i].raw, progs[i].want && !btf);
	}
}

static uint32_t pow2_at_least(uint64_t n)
{
	uint32_t p = 1;

	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

/*
 * Table sizes from the machine.  Pool ids are allocated lowest-first: the
 * per-CPU pools (2 per CPU, 4 with BH pools) take the first ids, unbound
 * pools the next.  Series statistics are per CPU, so their number is set
 * by a memory budget: 64 MiB of per-CPU statistics in all, 512 to 4096
 * slots (idle slots are reclaimed, see reclaim_series()).
 */
static void size_tables(struct wq_collector *c)
{
	uint64_t budget = 64ULL << 20, per = sizeof(struct wqmon_series_stats);
	uint64_t n = budget / (per * (uint64_t)c->ncpus);

	c->nr_pools = pow2_at_least(4ULL * c->ncpus + 512);
	if (c->nr_pools > WQMON_MAX_POOLS)
		c->nr_pools = WQMON_MAX_POOLS;
	c->nr_series = pow2_at_least(n < 512 ? 512 : n);
	if (c->nr_series > n && c->nr_series > 512)
		c->nr_series >>= 1;
	if (c->nr_series > 4096)
		c->nr_series = 4096;
}

static void *map_mmap(struct bpf_map *m, size_t *len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t n = (size_t)bpf_map__max_entries(m) * bpf_map__value_size(m);
	void *p;

	*len = (n + page - 1) / page * page;
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(m), 0);
	return p == MAP_FAILED ? NULL : p;
}

static void unmap_tables(struct wq_collector *c)
{
	if (c->keys)
		munmap(c->keys, c->keys_len);
	if (c->pools)
		munmap(c->pools, c->pools_len);
	if (c->pool_pending)
		munmap(c->pool_pending, c->pp_len);
	c->keys = NULL;
	c->pools = NULL;
	c->pool_pending = NULL;
}

static int slow_record(void *ctx, void *data, size_t size);

static int slow_open(struct wq_collector *c)
{
	c->slow = ring_buffer__new(bpf_map__fd(c->skel->maps.slow_records),
				   slow_record, c, NULL);
	if (!c->slow) {
		pr_err("cannot read the slow records' ring buffer: %s\n",
		       strerror(errno));
		return -errno;
	}
	return 0;
}

/* Open, size, load and attach the probes.  Return: 0 or -errno. */
static int load_probes(struct wq_collector *c, bool btf,
		       const struct kernel_features *f)
{
	const struct wq_collector_opts *opts = &c->opts;
	struct wqmon_bpf *skel;
	int err;

	skel = wqmon_bpf__open();
	if (!skel) {
		err = -errno;
		pr_err("cannot open the BPF object: %s\n",
		       err == -ENOMEM ? WQ_ENV_OOM_HINT : strerror(-err));
		return err;
	}
	skel->rodata->track_queuers = opts->track_queuers;
	/* 1 in N: hashes below 2^32 / N (0: every item). */
	skel->rodata->sample_below =
		c->opts.sample_every > 1 ?
			(uint32_t)((1ULL << 32) / c->opts.sample_every)
				    : 0;
	skel->rodata->series_mask = c->nr_series - 1;
	skel->rodata->pool_mask = c->nr_pools - 1;
	bpf_map__set_max_entries(skel->maps.series_keys, c->nr_series);
	bpf_map__set_max_entries(skel->maps.series_stats, c->nr_series);
	bpf_map__set_max_entries(skel->maps.pools, c->nr_pools);
	bpf_map__set_max_entries(skel->maps.pool_pending, c->nr_pools);
	if (!opts->track_queuers)
		bpf_map__set_max_entries(skel->maps.queuer_stats, 1);
	skel->rodata->have_bh = f->bh;
	skel->rodata->slow_min_ns = opts->slow_min_ns;
	skel->rodata->slow_per_sec = opts->slow_per_sec ?: 100;
	/* Off: the smallest ring the kernel takes (one page). */
	if (!opts->slow_min_ns)
		bpf_map__set_max_entries(skel->maps.slow_records,
					 sysconf(_SC_PAGESIZE));
	choose_programs(skel, btf, !opts->no_cpu_time, opts->track_queuers);

	err = wqmon_bpf__load(skel);
	if (err == -ESRCH && wq_env__btf_oom())
		err = -ENOMEM;
	if (err == -ENOMEM) {
		pr_err("cannot load the probes: %s\n", WQ_ENV_OOM_HINT);
		goto err_destroy;
	}
	if (err) {
		pr_err("cannot load the probes (%s mode): %s; run `wqctl check` "
		       "for what to fix, and -v for the verifier's log\n",
		       c->mode, strerror(-err));
		goto err_destroy;
	}
	err = wqmon_bpf__attach(skel);
	if (err) {
		pr_err("cannot attach the probes to the workqueue tracepoints "
		       "(%s mode): %s; run `wqctl check`\n", c->mode,
		       strerror(-err));
		goto err_destroy;
	}
	c->skel = skel;
	c->qkeys = skel->bss->queuer_keys;
	c->keys = map_mmap(skel->maps.series_keys, &c->keys_len);
	c->pools = map_mmap(skel->maps.pools, &c->pools_len);
	c->pool_pending = map_mmap(skel->maps.pool_pending, &c->pp_len);
	if (!c->keys || !c->pools || !c->pool_pending) {
		err = -errno;
		pr_err("cannot map the probes' tables: %s\n", strerror(-err));
		unmap_tables(c);
		c->skel = NULL;
		goto err_destroy;
	}
	if (opts->slow_min_ns) {
		err = slow_open(c);
		if (err) {
			unmap_tables(c);
			c->skel = NULL;
			goto err_destroy;
		}
	}
	return 0;

err_destroy:
	wqmon_bpf__destroy(skel);
	return err;
}

int wq_collector__open(struct wq_collector **out,
		       const struct wq_collector_opts *opts)
{
	struct wq_collector_opts defaults = { 0 };
	struct kernel_features f;
	struct wq_collector *c;
	struct utsname u;
	bool btf;
	int err;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->sample_every > WQ_SAMPLE_EVERY_MAX) {
		pr_err("sample every %u items: at most %d\n", opts->sample_every,
		       WQ_SAMPLE_EVERY_MAX);
		return -EINVAL;
	}
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
	c->online = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (c->online <= 0)
		c->online = c->ncpus;
	size_tables(c);
	c->percpu = calloc(c->ncpus, sizeof(*c->percpu));
	c->pool_cpu = calloc(c->nr_pools, sizeof(*c->pool_cpu));
	c->hist = calloc(c->nr_series, sizeof(*c->hist));
	c->life = calloc(c->nr_series, sizeof(*c->life));
	c->retired = wq_snapshot__new("kernel");
	if (opts->track_queuers) {
		c->qpercpu = calloc(c->ncpus, sizeof(*c->qpercpu));
		c->qlife = calloc(WQMON_MAX_QUEUERS, sizeof(*c->qlife));
		c->qpath = calloc(WQMON_MAX_QUEUERS, sizeof(*c->qpath));
		c->cgroups = wq_cgroups__new(opts->cgroup_root);
	}
	if (!c->percpu || !c->pool_cpu || !c->hist || !c->life ||
	    !c->retired ||
	    (opts->track_queuers &&
	     (!c->qpercpu || !c->qlife || !c->qpath || !c->cgroups))) {
		err = -ENOMEM;
		goto err_free;
	}

	libbpf_set_print(libbpf_print);
	kernel_features(&f);
	switch (opts->mode) {
	case WQ_ATTACH_TP_BTF:
		btf = true;
		break;
	case WQ_ATTACH_RAW_TP:
		btf = false;
		break;
	default:
		btf = f.tp_btf;
		break;
	}
	c->mode = btf ? "tp_btf" : "raw_tp";
	c->bh = f.bh;
	err = load_probes(c, btf, &f);
	if (err)
		goto err_free;
	err = wq_ksyms__load(c->opts.kallsyms, &c->ksyms);
	if (err)
		pr_warn("cannot read %s: %s; work functions shown as "
			"addresses\n", c->opts.kallsyms, strerror(-err));
	else if (wq_ksyms__restricted(c->ksyms))
		pr_warn("%s hides addresses (kptr_restrict): work functions "
			"shown as addresses; run as root\n", c->opts.kallsyms);
	pr_debug("probes attached (%s%s), %d CPUs, %u series, %u pools\n",
		 c->mode, c->bh ? ", BH" : "", c->ncpus, c->nr_series,
		 c->nr_pools);
	*out = c;
	return 0;

err_free:
	free(c->percpu);
	free(c->pool_cpu);
	free(c->hist);
	free(c->life);
	free(c->qpercpu);
	free(c->qlife);
	free(c->qpath);
	wq_cgroups__free(c->cgroups);
	wq_snapshot__free(c->retired);
	free(c);
	return err;
}

void wq_collector__close(struct wq_collector *c)
{
	if (!c)
		return;
	ring_buffer__free(c->slow);
	unmap_tables(c);
	wqmon_bpf__destroy(c->skel);
	for (uint32_t i = 0; i < c->nr_series; i++)
		free(c->hist[i]);
	free(c->hist);
	free(c->life);
	free(c->qpercpu);
	free(c->qlife);
	free(c->qpath);
	wq_cgroups__free(c->cgroups);
	wq_snapshot__free(c->retired);
	wq_ksyms__free(c->ksyms);
	free(c->wcpu);
	free(c->percpu);
	free(c->pool_cpu);
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

static uint32_t key_state(const struct wqmon_series_key *k)
{
	return __atomic_load_n(&k->state, __ATOMIC_ACQUIRE);
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* Sampled mode: the durations of 1 item in @every were measured; scale
 * the histograms and sums to estimates of the whole (model.h). */
static void scale_samples(struct wq_series *r, uint32_t every)
{
	if (every <= 1)
		return;
	for (int k = 0; k < WQ_H_NR; k++) {
		r->sum_ns[k] = mul_sat(r->sum_ns[k], every);
		for (int b = 0; b < WQ_HIST_SLOTS; b++)
			r->hist[k].slot[b] = mul_sat(r->hist[k].slot[b], every);
	}
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
		out->unseen += st->started_unseen;
		out->unpaired += st->unpaired;
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
	scale_samples(out, c->opts.sample_every);
	return 0;
}

static void slot_key_names(struct wq_collector *c, uint32_t slot,
			   struct wq_series *r)
{
	const struct wqmon_series_key *k = &c->keys[slot];

	if (slot == WQMON_SERIES_OVERFLOW) {
		r->pool_id = -1;
		snprintf(r->workqueue, sizeof(r->workqueue), "?");
		snprintf(r->function, sizeof(r->function), "?");
		return;
	}
	r->pool_id = k->pool_id;
	r->func_addr = k->func;
	snprintf(r->workqueue, sizeof(r->workqueue), "%s",
		 k->wq_name[0] ? k->wq_name : "?");
	symbolize(c, k->func, r->function, sizeof(r->function));
}

/* Fold @row into the snapshot: slots of equal keys are one series (two
 * CPUs racing on a new key, or a key back after its slot was reclaimed). */
static int merge_row(struct wq_snapshot *s, const struct wq_series *row)
{
	struct wq_series *r = wq_snapshot__find_series(s, row->pool_id,
						       row->workqueue,
						       row->function);

	if (r) {
		wq_series__add(r, row);
		return 0;
	}
	r = wq_snapshot__add_series(s);
	if (!r)
		return -ENOMEM;
	*r = *row;
	return 0;
}

/*
 * Series slot reclaim.  A slot idle for RECLAIM_IDLE_NS is retired
 * (PUBLISHED -> RETIRED): the probes no longer find it, so a returning key
 * claims a new slot.  Entries made just before may still point at it, so
 * it is freed only at a later snapshot with no pending, running or BH
 * entry referring to it: its final counts are folded into c->retired (the
 * series' totals never go back), its statistics zeroed, and the slot
 * freed.
 */
#define RECLAIM_IDLE_NS (60ULL * 1000000000ULL)

static bool slot_referenced(struct wq_collector *c, uint32_t slot)
{
	const struct wqmon_pending *p = c->skel->bss->pending;
	const struct wqmon_worker *w = c->skel->bss->workers;
	struct wqmon_bh_running bh[c->ncpus];
	uint32_t zero = 0;

	for (int i = 0; i < WQMON_MAX_PENDING; i++)
		if (p[i].work && p[i].series == slot)
			return true;
	for (int i = 0; i < WQMON_MAX_WORKERS; i++)
		if (w[i].tid && w[i].work && w[i].series == slot)
			return true;
	/* Queuer slots name their series by slot: theirs go first. */
	if (c->opts.track_queuers)
		for (int i = 1; i < WQMON_MAX_QUEUERS; i++)
			if (__atomic_load_n(&c->qkeys[i].state,
					    __ATOMIC_ACQUIRE) != WQMON_SK_FREE &&
			    c->qkeys[i].series == slot)
				return true;
	if (c->bh && !bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.bh_running),
					  &zero, bh))
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			if (bh[cpu].work && bh[cpu].t_start &&
			    bh[cpu].series == slot)
				return true;
	return false;
}

static void free_slot(struct wq_collector *c, uint32_t slot)
{
	int fd = bpf_map__fd(c->skel->maps.series_stats);

	memset(c->percpu, 0, c->ncpus * sizeof(*c->percpu));
	if (bpf_map_update_elem(fd, &slot, c->percpu, BPF_EXIST))
		return;	/* left retired: tried again next time */
	free(c->hist[slot]);
	c->hist[slot] = NULL;
	c->life[slot] = (struct slot_life){ 0 };
	memset(c->keys[slot].wq_name, 0, sizeof(c->keys[slot].wq_name));
	__atomic_store_n(&c->keys[slot].state, WQMON_SK_FREE, __ATOMIC_RELEASE);
	c->reclaimed++;
}

/* After a slot's row was read at @now: retire it if idle long enough. */
static void age_slot(struct wq_collector *c, uint32_t slot,
		     const struct wq_series *row, uint64_t now)
{
	struct slot_life *l = &c->life[slot];
	uint64_t total = row->queued + row->started + row->completed +
			 row->cancelled;
	uint32_t published = WQMON_SK_PUBLISHED;

	if (total != l->total || !l->idle_since) {
		l->total = total;
		l->idle_since = now;
		return;
	}
	if (now - l->idle_since < RECLAIM_IDLE_NS)
		return;
	__atomic_compare_exchange_n(&c->keys[slot].state, &published,
				    WQMON_SK_RETIRED, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
}

static int read_series(struct wq_collector *c, struct wq_snapshot *s,
		       uint64_t now)
{
	for (uint32_t slot = 0; slot < c->nr_series; slot++) {
		uint32_t state = key_state(&c->keys[slot]);
		struct wq_series tmp = { 0 };
		bool freeing;
		int err;

		if (slot != WQMON_SERIES_OVERFLOW &&
		    state != WQMON_SK_PUBLISHED && state != WQMON_SK_RETIRED)
			continue;
		/* Decided before reading: the final counts must be these. */
		freeing = state == WQMON_SK_RETIRED &&
			  !slot_referenced(c, slot);
		err = read_slot(c, slot, &tmp);
		if (err)
			return err;
		if (slot == WQMON_SERIES_OVERFLOW && !tmp.queued &&
		    !tmp.activated && !tmp.started && !tmp.completed)
			continue;	/* shown only if anything is there */
		slot_key_names(c, slot, &tmp);
		err = merge_row(s, &tmp);
		if (err)
			return err;
		if (freeing) {
			err = merge_row(c->retired, &tmp);
			if (err)
				return err;
			free_slot(c, slot);
		} else if (slot != WQMON_SERIES_OVERFLOW &&
			   state == WQMON_SK_PUBLISHED) {
			age_slot(c, slot, &tmp, now);
		}
	}
	/* Totals of reclaimed slots, under their keys. */
	for (size_t i = 0; i < c->retired->nr_series; i++) {
		int err = merge_row(s, &c->retired->series[i]);

		if (err)
			return err;
	}
	return 0;
}

/*
 * Queuer slots, read like series slots: summed over CPUs, named (their
 * series by slot, their cgroup by path), merged by key.  A slot idle for
 * RECLAIM_IDLE_NS, or whose series is retired, is retired; it is freed
 * once no pending, running or BH item carries it, its totals kept in
 * c->retired (bounded: past WQ_RETIRED_QUEUERS rows they fold into one
 * "other" row per series, so totals never go back).
 */
#define WQ_RETIRED_QUEUERS 4096

static enum wq_qctx qctx_of(uint32_t probe_ctx)
{
	switch (probe_ctx) {
	case WQMON_QCTX_SOFTIRQ:
		return WQ_QCTX_SOFTIRQ;
	case WQMON_QCTX_HARDIRQ:
		return WQ_QCTX_HARDIRQ;
	case WQMON_QCTX_NMI:
		return WQ_QCTX_NMI;
	default:
		return WQ_QCTX_TASK;
	}
}

/* Queuer slots some item in flight carries: they cannot be freed yet. */
static void queuers_in_flight(struct wq_collector *c, uint8_t *used)
{
	const struct wqmon_pending *p = c->skel->bss->pending;
	const struct wqmon_worker *w = c->skel->bss->workers;
	struct wqmon_bh_running bh[c->ncpus];
	uint32_t zero = 0;

	memset(used, 0, WQMON_MAX_QUEUERS);
	for (int i = 0; i < WQMON_MAX_PENDING; i++)
		if (p[i].work && p[i].queuer < WQMON_MAX_QUEUERS)
			used[p[i].queuer] = 1;
	for (int i = 0; i < WQMON_MAX_WORKERS; i++)
		if (w[i].tid && w[i].work && w[i].queuer < WQMON_MAX_QUEUERS)
			used[w[i].queuer] = 1;
	if (c->bh && !bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.bh_running),
					  &zero, bh))
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			if (bh[cpu].work && bh[cpu].queuer < WQMON_MAX_QUEUERS)
				used[bh[cpu].queuer] = 1;
}

static int read_queuer_slot(struct wq_collector *c, uint32_t slot,
			    struct wq_queuer *q, uint64_t now)
{
	const struct wqmon_queuer_key *k = &c->qkeys[slot];
	int fd = bpf_map__fd(c->skel->maps.queuer_stats);
	uint64_t every = c->opts.sample_every > 1 ? c->opts.sample_every : 1;
	struct wq_series names = { 0 };

	if (bpf_map_lookup_elem(fd, &slot, c->qpercpu))
		return -errno;
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		const struct wqmon_queuer_stats *st = &c->qpercpu[cpu];

		q->queued += st->queued;
		q->started += st->started;
		q->completed += st->completed;
		q->lat_ns += st->lat_ns;
		q->run_ns += st->run_ns;
		q->cpu_ns += st->cpu_ns;
	}
	q->lat_ns = mul_sat(q->lat_ns, every);
	q->run_ns = mul_sat(q->run_ns, every);
	q->cpu_ns = mul_sat(q->cpu_ns, every);
	if (slot == WQMON_QUEUER_NONE) {
		/* Items that found no slot: their series is not known. */
		slot_key_names(c, WQMON_SERIES_OVERFLOW, &names);
		q->ctx = WQ_QCTX_OTHER;
	} else {
		slot_key_names(c, k->series < c->nr_series ?
					  k->series : WQMON_SERIES_OVERFLOW,
			       &names);
		q->ctx = qctx_of(k->ctx);
		q->tgid = (int32_t)k->tgid;
		q->cgroup_id = k->cgroup;
		snprintf(q->comm, sizeof(q->comm), "%.15s", k->comm);
		if (k->cgroup && !c->qpath[slot][0])
			wq_cgroups__path(c->cgroups, k->cgroup, now,
					 c->qpath[slot], sizeof(c->qpath[slot]));
		memcpy(q->cgroup, c->qpath[slot], sizeof(q->cgroup));
	}
	q->pool_id = names.pool_id;
	memcpy(q->workqueue, names.workqueue, sizeof(q->workqueue));
	memcpy(q->function, names.function, sizeof(q->function));
	return 0;
}

static int merge_queuer(struct wq_snapshot *s, const struct wq_queuer *q)
{
	struct wq_queuer *r;

	for (size_t i = 0; i < s->nr_queuers; i++)
		if (wq_queuer__same(&s->queuers[i], q)) {
			wq_queuer__add(&s->queuers[i], q);
			return 0;
		}
	r = wq_snapshot__add_queuer(s);
	if (!r)
		return -ENOMEM;
	*r = *q;
	return 0;
}

/* Keep a freed slot's totals; past the bound, in its series' "other". */
static int retire_queuer(struct wq_collector *c, const struct wq_queuer *q)
{
	struct wq_queuer folded = *q;

	if (c->retired->nr_queuers >= WQ_RETIRED_QUEUERS) {
		folded.ctx = WQ_QCTX_OTHER;
		folded.tgid = 0;
		folded.cgroup_id = 0;
		folded.cgroup[0] = '\0';
		snprintf(folded.comm, sizeof(folded.comm), "other");
	}
	return merge_queuer(c->retired, &folded);
}

static void free_queuer_slot(struct wq_collector *c, uint32_t slot)
{
	int fd = bpf_map__fd(c->skel->maps.queuer_stats);

	memset(c->qpercpu, 0, c->ncpus * sizeof(*c->qpercpu));
	if (bpf_map_update_elem(fd, &slot, c->qpercpu, BPF_EXIST))
		return;	/* left retired: tried again next time */
	c->qlife[slot] = (struct slot_life){ 0 };
	c->qpath[slot][0] = '\0';
	__atomic_store_n(&c->qkeys[slot].state, WQMON_SK_FREE,
			 __ATOMIC_RELEASE);
}

static void age_queuer_slot(struct wq_collector *c, uint32_t slot,
			    const struct wq_queuer *q, uint64_t now)
{
	struct slot_life *l = &c->qlife[slot];
	uint64_t total = q->queued + q->started + q->completed;
	uint32_t published = WQMON_SK_PUBLISHED;
	uint32_t series = c->qkeys[slot].series;
	bool orphan = series >= c->nr_series ||
		      key_state(&c->keys[series]) != WQMON_SK_PUBLISHED;

	if (!orphan && (total != l->total || !l->idle_since)) {
		l->total = total;
		l->idle_since = now;
		return;
	}
	if (!orphan && now - l->idle_since < RECLAIM_IDLE_NS)
		return;
	__atomic_compare_exchange_n(&c->qkeys[slot].state, &published,
				    WQMON_SK_RETIRED, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
}

static int read_queuers(struct wq_collector *c, struct wq_snapshot *s,
			uint64_t now)
{
	uint8_t used[WQMON_MAX_QUEUERS];
	int err;

	if (!c->opts.track_queuers)
		return 0;
	queuers_in_flight(c, used);
	for (uint32_t slot = 0; slot < WQMON_MAX_QUEUERS; slot++) {
		uint32_t state = __atomic_load_n(&c->qkeys[slot].state,
						 __ATOMIC_ACQUIRE);
		struct wq_queuer q = { 0 };
		bool freeing;

		if (slot != WQMON_QUEUER_NONE && state != WQMON_SK_PUBLISHED &&
		    state != WQMON_SK_RETIRED)
			continue;
		freeing = slot != WQMON_QUEUER_NONE &&
			  state == WQMON_SK_RETIRED && !used[slot];
		err = read_queuer_slot(c, slot, &q, now);
		if (err)
			return err;
		if (slot == WQMON_QUEUER_NONE && !q.queued && !q.started &&
		    !q.completed)
			continue;
		if (!wq_snapshot__add_queuer(s))
			return -ENOMEM;
		s->queuers[s->nr_queuers - 1] = q;
		if (freeing) {
			err = retire_queuer(c, &q);
			if (err)
				return err;
			free_queuer_slot(c, slot);
		} else if (slot != WQMON_QUEUER_NONE &&
			   state == WQMON_SK_PUBLISHED) {
			age_queuer_slot(c, slot, &q, now);
		}
	}
	for (size_t i = 0; i < c->retired->nr_queuers; i++) {
		if (!wq_snapshot__add_queuer(s))
			return -ENOMEM;
		s->queuers[s->nr_queuers - 1] = c->retired->queuers[i];
	}
	/* Slots of one key (two CPUs racing on a claim, a key back after
	 * its slot was freed) are one row: sorted, then merged in one pass,
	 * not a search per row. */
	wq_queuers__coalesce(s);
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

/* The pool a kworker serves, from its name (the kernel's own naming:
 * kworker/<cpu>:<n>[H] for a per-CPU pool, kworker/u<pool>:<n> for an
 * unbound one), never from the item it ran last: BH items run inside
 * kworkers too.  -1 while the probes have not seen that per-CPU pool. */
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

static uint64_t worker_ran(const struct worker_cpu *wc)
{
	return wc->cpu_ns > wc->base_ns ? wc->cpu_ns - wc->base_ns : 0;
}

/* A pool's CPU as reported at @now: its workers' time since we watch,
 * capped at what its CPUs could run since the last report. */
static uint64_t pool_cpu_report(struct wq_collector *c, const struct wq_pool *p,
				uint64_t ran, uint64_t now)
{
	struct pool_cpu *pc = &c->pool_cpu[p->id];
	uint64_t cpus = p->cpu >= 0 ? 1 : (uint64_t)c->online;
	uint64_t total = pc->dead_ns + ran, room;

	if (pc->reported_at && now > pc->reported_at) {
		room = (now - pc->reported_at) * cpus;
		if (total > pc->reported_ns + room)
			total = pc->reported_ns + room;
	}
	if (total < pc->reported_ns)	/* never backwards */
		total = pc->reported_ns;
	if (pc->reported_at && now <= pc->reported_at)
		total = pc->reported_ns;
	pc->reported_ns = total;
	pc->reported_at = now;
	return total;
}

static void read_kworkers(struct wq_collector *c, struct wq_snapshot *s,
			  uint64_t now)
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
		bool is_new;
		struct wq_pool *p;
		int32_t id;

		/* Rescuers serve any pool and belong to none. */
		if (kind != WQ_KW_PERCPU && kind != WQ_KW_HIGHPRI &&
		    kind != WQ_KW_UNBOUND)
			continue;
		wc = worker_cpu_slot(c, w->tid);
		if (!wc)
			break;
		is_new = !wc->seen && !wc->cpu_ns && !wc->base_ns;
		/* Workers there at the first scan ran before we watched;
		 * those born since ran only while we watched. */
		if (is_new && !c->scanned)
			wc->base_ns = w->cpu_ns;
		wc->cpu_ns = w->cpu_ns;
		wc->seen = true;
		id = pool_of_kworker(s, w);
		if (id < 0 || (uint32_t)id >= c->nr_pools)
			continue;	/* a pool no probe has seen yet */
		wc->pool_id = id;
		p = pool_row(s, id);
		if (!p)
			break;
		if (kind == WQ_KW_UNBOUND)
			p->flags |= WQ_POOL_UNBOUND;
		p->workers++;
		if (w->idle)
			p->idle++;
	}
	free(kw);
	c->scanned = true;

	/* Workers gone since the last scan: keep their time in their pool. */
	for (size_t i = 0; i < c->nr_wcpu;) {
		struct worker_cpu *wc = &c->wcpu[i];

		if (wc->seen) {
			i++;
			continue;
		}
		if (wc->pool_id >= 0)
			c->pool_cpu[wc->pool_id].dead_ns += worker_ran(wc);
		*wc = c->wcpu[--c->nr_wcpu];
	}
	for (size_t i = 0; i < s->nr_pools; i++) {
		struct wq_pool *p = &s->pools[i];
		uint64_t ran = 0;

		if (p->id < 0 || (uint32_t)p->id >= c->nr_pools)
			continue;
		for (size_t j = 0; j < c->nr_wcpu; j++)
			if (c->wcpu[j].pool_id == p->id)
				ran += worker_ran(&c->wcpu[j]);
		p->cpu_ns = pool_cpu_report(c, p, ran, now);
	}
}

static int read_pools(struct wq_collector *c, struct wq_snapshot *s,
		      uint64_t now)
{
	const struct wqmon_pool *kp = c->pools;
	const struct wqmon_pool_pending *pp = c->pool_pending;
	const struct wqmon_worker *w = c->skel->bss->workers;
	struct wqmon_bh_running bh[c->ncpus];
	uint32_t zero = 0;

	for (uint32_t i = 0; i < c->nr_pools; i++) {
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
	if (c->bh && !bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.bh_running),
					  &zero, bh)) {
		for (int cpu = 0; cpu < c->ncpus; cpu++) {
			struct wq_pool *p;

			if (!bh[cpu].work || !bh[cpu].t_start)
				continue;
			p = wq_snapshot__find_pool(s, bh[cpu].pool_id);
			if (p)
				p->running++;
		}
	}
	read_kworkers(c, s, now);
	return 0;
}

static void slot_names(struct wq_collector *c, uint32_t slot,
		       struct wq_inflight *r)
{
	const struct wqmon_series_key *k;
	uint32_t st;

	if (slot >= c->nr_series || slot == WQMON_SERIES_OVERFLOW ||
	    ((st = key_state(&c->keys[slot])) != WQMON_SK_PUBLISHED &&
	     st != WQMON_SK_RETIRED)) {
		snprintf(r->workqueue, sizeof(r->workqueue), "?");
		snprintf(r->function, sizeof(r->function), "?");
		return;
	}
	k = &c->keys[slot];
	snprintf(r->workqueue, sizeof(r->workqueue), "%s",
		 k->wq_name[0] ? k->wq_name : "?");
	symbolize(c, k->func, r->function, sizeof(r->function));
}

static int add_running(struct wq_collector *c, struct wq_snapshot *s,
		       int32_t pool_id, int32_t tid, uint32_t series,
		       uint64_t t_start, uint64_t now)
{
	struct wq_inflight *r = wq_snapshot__add_inflight(s);

	if (!r)
		return -ENOMEM;
	r->kind = WQ_INFLIGHT_RUNNING;
	r->pool_id = pool_id;
	r->tid = tid;
	r->count = 1;
	r->age_ns = now > t_start ? now - t_start : 0;
	slot_names(c, series, r);
	return 0;
}

/* Work in flight now, from the same tables the probes keep: running items
 * one per worker (BH items: tid 0, one per CPU), pending items summed per
 * (pool, series). */
static int read_inflight(struct wq_collector *c, struct wq_snapshot *s,
			 uint64_t now)
{
	const struct wqmon_worker *w = c->skel->bss->workers;
	const struct wqmon_pending *p = c->skel->bss->pending;
	struct wqmon_bh_running bh[c->ncpus];
	struct group {
		int32_t pool;
		uint32_t series, count;
		uint64_t oldest;
	} *g = NULL;
	size_t nr = 0, cap = 0;
	uint32_t zero = 0;
	int err = 0;

	for (int i = 0; i < WQMON_MAX_WORKERS; i++) {
		struct wqmon_worker x = w[i];	/* the probes keep writing */

		if (!x.tid || !x.work)
			continue;
		err = add_running(c, s, x.pool_id, (int32_t)x.tid, x.series,
				  x.t_start, now);
		if (err)
			return err;
	}
	if (c->bh && !bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.bh_running),
					  &zero, bh)) {
		for (int cpu = 0; cpu < c->ncpus; cpu++) {
			if (!bh[cpu].work || !bh[cpu].t_start)
				continue;
			err = add_running(c, s, bh[cpu].pool_id, 0,
					  bh[cpu].series, bh[cpu].t_start, now);
			if (err)
				return err;
		}
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

/* Runs of each loaded program the kernel skipped because the program was
 * already running on that CPU (bpf_prog_info.recursion_misses, 5.12+). */
static void read_probes(struct wq_collector *c, struct wq_snapshot *s)
{
	struct bpf_program *prog;

	s->nr_probes = 0;
	bpf_object__for_each_program(prog, c->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		struct wq_probe *pr;
		int fd = bpf_program__fd(prog);

		if (fd < 0 || !bpf_program__autoload(prog) ||
		    prog == c->skel->progs.sweep || s->nr_probes >= WQ_MAX_PROBES)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		pr = &s->probes[s->nr_probes++];
		snprintf(pr->name, sizeof(pr->name), "%s",
			 bpf_program__name(prog));
		pr->missed = info.recursion_misses;
		s->counters[WQ_C_PROBE_MISSED] += pr->missed;
	}
}

static void read_counters(struct wq_collector *c, struct wq_snapshot *s)
{
	static const int map[WQ_C_NR] = {
		[WQ_C_PENDING_DROPPED] = WQMON_C_PENDING_DROPPED,
		[WQ_C_WORKER_DROPPED] = WQMON_C_WORKER_DROPPED,
		[WQ_C_SERIES_DROPPED] = WQMON_C_SERIES_DROPPED,
		[WQ_C_PENDING_CANCELLED] = WQMON_C_PENDING_CANCELLED,
		[WQ_C_PENDING_STALE] = WQMON_C_PENDING_STALE,
		[WQ_C_WORKER_REAPED] = WQMON_C_WORKER_REAPED,
		[WQ_C_UNPAIRED] = WQMON_C_UNPAIRED,
		[WQ_C_END_LOST] = WQMON_C_END_LOST,
		[WQ_C_STARTED_UNSEEN] = -1,
		[WQ_C_PROBE_MISSED] = -1,
		[WQ_C_SERIES_RECLAIMED] = -1,
		[WQ_C_REJECTED] = -1,
	};
	int fd = bpf_map__fd(c->skel->maps.counters);
	uint64_t vals[c->ncpus];

	for (int i = 0; i < WQ_C_NR; i++) {
		uint32_t key = map[i];

		s->counters[i] = 0;
		if (map[i] < 0 || bpf_map_lookup_elem(fd, &key, vals))
			continue;
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			s->counters[i] += vals[cpu];
	}
	for (size_t i = 0; i < s->nr_series; i++)
		s->counters[WQ_C_STARTED_UNSEEN] += s->series[i].unseen;
	s->counters[WQ_C_SERIES_RECLAIMED] = c->reclaimed;
	read_probes(c, s);
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
	now = wq_clock_ns(CLOCK_MONOTONIC);
	s->mono_ns = now;
	s->real_ns = wq_clock_ns(CLOCK_REALTIME);
	s->interval_ns = 0;
	s->ncpus = (uint32_t)c->online;
	s->sample_every = c->opts.sample_every > 1 ? c->opts.sample_every : 1;
	/* Queuers before series: the probes count an item's series first,
	 * so the rows never add up to more than the series' totals. */
	err = read_queuers(c, s, now);
	if (!err)
		err = read_series(c, s, now);
	if (!err)
		err = read_pools(c, s, now);
	if (!err)
		err = read_inflight(c, s, now);
	if (err)
		return err;
	read_counters(c, s);
	wq_snapshot__sanitize(s);
	wq_snapshot__sort(s);
	return 0;
}

int wq_collector__stack(struct wq_collector *c, int32_t tid, char *out,
			size_t len)
{
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info info = { .task.tid = (__u32)tid };
	uint64_t ips[WQMON_STACK_DEPTH];
	char text[WQMON_STACK_DEPTH * 160];
	struct bpf_link *link;
	size_t got = 0, used = 0;
	ssize_t n;
	int fd, err = 0;

	if (len)
		out[0] = '\0';
	if (tid <= 0)
		return -EINVAL;
	opts.link_info = &info;
	opts.link_info_len = sizeof(info);
	link = bpf_program__attach_iter(c->skel->progs.worker_stack, &opts);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0)
		err = -errno;
	while (fd >= 0 && got < sizeof(ips)) {
		n = read(fd, (char *)ips + got, sizeof(ips) - got);
		if (n < 0)
			err = -errno;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	if (err)
		return err;
	if (!got)
		return -ENOENT;	/* the iterator found no such task */
	/* As /proc/TID/stack prints it, so that one formatter reads both. */
	text[0] = '\0';
	for (size_t i = 0; i < got / sizeof(ips[0]) && used < sizeof(text); i++) {
		char sym[160];

		wq_ksyms__snprint(c->ksyms, ips[i], sym, sizeof(sym));
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "[<0>] %s\n", sym);
	}
	return wq_kstack__format(text, out, len);
}

int wq_collector__cpu_work(struct wq_collector *c, const struct wq_cpuset *cpus,
			   struct wq_cpu_work **out, size_t *nr)
{
	int fd = bpf_map__fd(c->skel->maps.series_stats);
	uint32_t every = c->opts.sample_every > 1 ? c->opts.sample_every : 1;
	struct wq_cpu_work *rows = NULL, *r;
	size_t n = 0, cap = 0;

	*out = NULL;
	*nr = 0;
	for (uint32_t slot = 1; slot < c->nr_series; slot++) {
		const struct wqmon_series_key *k = &c->keys[slot];
		uint32_t state = key_state(k);
		struct wq_cpu_work row = { .slot = slot, .pool_cpu = -1 };
		struct wq_series names = { 0 };

		if (state != WQMON_SK_PUBLISHED && state != WQMON_SK_RETIRED)
			continue;
		if (bpf_map_lookup_elem(fd, &slot, c->percpu)) {
			free(rows);
			return -errno;
		}
		for (int cpu = 0; cpu < c->ncpus; cpu++) {
			const struct wqmon_series_stats *st = &c->percpu[cpu];

			if (!wq_cpuset__has(cpus, cpu))
				continue;
			row.completed += st->completed;
			row.run_ns += st->sum_ns[WQMON_H_RUN] * every;
			row.cpu_ns += st->sum_ns[WQMON_H_CPU] * every;
		}
		if (!row.completed)
			continue;
		slot_key_names(c, slot, &names);
		row.func = k->func;
		row.wq = k->wq;
		row.pool_id = k->pool_id;
		memcpy(row.workqueue, names.workqueue, sizeof(row.workqueue));
		memcpy(row.function, names.function, sizeof(row.function));
		if (k->pool_id >= 0 && (uint32_t)k->pool_id < c->nr_pools &&
		    c->pools[k->pool_id].seen) {
			row.pool_cpu = c->pools[k->pool_id].cpu;
			row.unbound = c->pools[k->pool_id].flags &
				      WQMON_POOL_UNBOUND;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			r = realloc(rows, cap * sizeof(*r));
			if (!r) {
				free(rows);
				return -ENOMEM;
			}
			rows = r;
		}
		rows[n++] = row;
	}
	*out = rows;
	*nr = n;
	return 0;
}

void wq_cpu_work__delta(struct wq_cpu_work *cur, size_t nr_cur,
			const struct wq_cpu_work *prev, size_t nr_prev)
{
	size_t j = 0;

	/* Both in slot order. */
	for (size_t i = 0; i < nr_cur; i++) {
		struct wq_cpu_work *r = &cur[i];

		while (j < nr_prev && prev[j].slot < r->slot)
			j++;
		if (j == nr_prev || prev[j].slot != r->slot ||
		    prev[j].func != r->func || prev[j].wq != r->wq ||
		    prev[j].pool_id != r->pool_id)
			continue;
		/* Counts that went down: the slot was reclaimed and its key
		 * came back to it, so all of it is new. */
		if (r->completed < prev[j].completed ||
		    r->run_ns < prev[j].run_ns || r->cpu_ns < prev[j].cpu_ns)
			continue;
		r->completed -= prev[j].completed;
		r->run_ns -= prev[j].run_ns;
		r->cpu_ns -= prev[j].cpu_ns;
	}
}

int wq_collector__parse_sample(const char *text, uint32_t *every, char *err,
			       size_t errlen)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (errno || end == text || *end || n < 1 || n > WQ_SAMPLE_EVERY_MAX) {
		snprintf(err, errlen, "bad --sample '%s': give N from 1 to %d "
			 "(1 in N items measured), e.g. --sample 16", text,
			 WQ_SAMPLE_EVERY_MAX);
		return -EINVAL;
	}
	*every = (uint32_t)n;
	return 0;
}

/* ---- slow records ---- */

/* Who queued a slow item: its queuer slot's key, read as the record
 * arrives (a slot is freed only after a minute idle, so it is still the
 * item's). */
static void slow_queuer(struct wq_collector *c, uint32_t slot,
			struct wq_slow *r)
{
	const struct wqmon_queuer_key *k;

	if (!c->opts.track_queuers || slot == WQMON_QUEUER_NONE ||
	    slot >= WQMON_MAX_QUEUERS)
		return;
	k = &c->qkeys[slot];
	if (__atomic_load_n(&k->state, __ATOMIC_ACQUIRE) == WQMON_SK_FREE)
		return;
	r->queuer = slot;
	r->ctx = qctx_of(k->ctx);
	r->tgid = (int32_t)k->tgid;
	r->cgroup_id = k->cgroup;
	snprintf(r->comm, sizeof(r->comm), "%.15s", k->comm);
	if (k->cgroup && !c->qpath[slot][0])
		wq_cgroups__path(c->cgroups, k->cgroup,
				 wq_clock_ns(CLOCK_MONOTONIC), c->qpath[slot],
				 sizeof(c->qpath[slot]));
	memcpy(r->cgroup, c->qpath[slot], sizeof(r->cgroup));
}

static int slow_record(void *ctx, void *data, size_t size)
{
	struct wq_collector *c = ctx;
	const struct wqmon_slow_record *k = data;
	struct wq_slow r;

	if (size < sizeof(*k) || !c->slow_fn)
		return 0;
	memset(&r, 0, sizeof(r));
	r.pool_id = k->pool_id;
	r.cpu = (int32_t)k->cpu;
	r.worker_tid = (int32_t)k->tid;
	r.bh = k->flags & WQMON_SR_BH;
	snprintf(r.workqueue, sizeof(r.workqueue), "%.*s",
		 (int)sizeof(k->wq_name), k->wq_name[0] ? k->wq_name : "?");
	if (k->func)
		symbolize(c, k->func, r.function, sizeof(r.function));
	else
		snprintf(r.function, sizeof(r.function), "?");
	slow_queuer(c, k->queuer, &r);
	r.queued_ns = k->t_queue;
	r.started_ns = k->t_start;
	r.ended_ns = k->t_end;
	r.cpu_ns = k->cpu_ns;
	r.real_offset_ns = c->slow_offset;
	return c->slow_fn(&r, c->slow_ctx);
}

int wq_collector__slow_poll(struct wq_collector *c, int timeout_ms,
			    wq_slow_fn fn, void *ctx)
{
	int n;

	if (!c->slow)
		return -ENOENT;
	c->slow_fn = fn;
	c->slow_ctx = ctx;
	c->slow_offset = wq_clock_ns(CLOCK_REALTIME) -
			 wq_clock_ns(CLOCK_MONOTONIC);
	n = ring_buffer__poll(c->slow, timeout_ms);
	c->slow_fn = NULL;
	return n;
}

int wq_collector__slow_fd(struct wq_collector *c)
{
	return c->slow ? ring_buffer__epoll_fd(c->slow) : -1;
}

uint64_t wq_collector__slow_dropped(struct wq_collector *c)
{
	uint32_t key = WQMON_C_SLOW_DROPPED;
	uint64_t vals[c->ncpus], sum = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.counters), &key,
				vals))
		return 0;
	for (int cpu = 0; cpu < c->ncpus; cpu++)
		sum += vals[cpu];
	return sum;
}
