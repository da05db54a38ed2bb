// SPDX-License-Identifier: GPL-2.0
/* REFWQ_SPEC 29-31: diagnostics and instrumentation. */
#include <refwq/workqueue.h>

#include "tap.h"

/* 29 */
static struct {
	struct workqueue_struct *wq;
	struct work_struct work;
	int flush_ret, drain_ret;
	bool self_flush;
	struct completion done;
} dl;

static void dl_fn(struct work_struct *work)
{
	dl.flush_ret = refwq_flush_workqueue(dl.wq);
	dl.drain_ret = refwq_drain_workqueue(dl.wq);
	dl.self_flush = flush_work(work);
	complete(&dl.done);
}

static void t_deadlock(void)
{
	uint64_t warn = refwq_warnings();

	memset(&dl, 0, sizeof(dl));
	dl.wq = alloc_workqueue("t29", 0, 0);
	INIT_WORK(&dl.work, dl_fn);
	init_completion(&dl.done);
	queue_work(dl.wq, &dl.work);
	wait_for_completion(&dl.done);
	flush_workqueue(dl.wq);
	CHECK_EQ(dl.flush_ret, -35);
	CHECK_EQ(dl.drain_ret, -35);
	CHECK(!dl.self_flush);
	CHECK_EQ(wq_info("t29").deadlocks, 3);
	CHECK_EQ(refwq_warnings(), warn + 3);
	destroy_workqueue(dl.wq);
}

/* 30 */
static struct {
	int stalls;
	int pool_id;
	uint64_t stalled_ns;
} st;

static void stall_cb(const struct refwq_stall_info *info)
{
	st.pool_id = info->pool_id;
	st.stalled_ns = info->stalled_ns;
	inc(&st.stalls);
}

static void blind_sleep(struct work_struct *work)
{
	(void)work;
	/* Blocks without telling refwq: the pool cannot start the next
	 * item, and the thread uses no CPU, so it is no hog either. */
	sleep_ms(400);
}

static void short_sleep(struct work_struct *work)
{
	(void)work;
	sleep_ms(30);
}

static void nothing(struct work_struct *work)
{
	(void)work;
}

static void t_watchdog(void)
{
	struct work_struct s[5], a, b;
	int i;

	memset(&st, 0, sizeof(st));
	/* Shorter than the threshold, back to back: never a stall. */
	for (i = 0; i < 5; i++) {
		INIT_WORK(&s[i], short_sleep);
		queue_work_on(0, system_wq, &s[i]);
	}
	for (i = 0; i < 5; i++)
		flush_work(&s[i]);
	CHECK_EQ(get(&st.stalls), 0);
	CHECK_EQ(pool_info(0).stalls, 0);

	INIT_WORK(&a, blind_sleep);
	INIT_WORK(&b, nothing);
	queue_work_on(0, system_wq, &a);
	queue_work_on(0, system_wq, &b);
	flush_work(&b);
	flush_work(&a);
	CHECK_EQ(get(&st.stalls), 1);
	CHECK_EQ(st.pool_id, 0);
	CHECK(st.stalled_ns >= 100000000ull);
	CHECK_EQ(pool_info(0).stalls, 1);
	CHECK(!pool_info(0).stalled);
	tap_note("stall reported after %.0f ms (threshold 100)",
		 st.stalled_ns / 1e6);
}

/* 31 */
static struct {
	struct work_struct gate_work;
	struct completion started, release;
	struct work_struct x[3];
	int x_runs;
	struct work_struct burn;
	uint64_t burn_cpu_ns;
	uint64_t gate_run_ns;
} ex;

static void ex_gate(struct work_struct *work)
{
	uint64_t t0 = now_ns();

	(void)work;
	complete(&ex.started);
	wait_for_completion(&ex.release);
	ex.gate_run_ns = now_ns() - t0;
}

static void ex_x(struct work_struct *work)
{
	(void)work;
	inc(&ex.x_runs);
}

static uint64_t thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void ex_burn(struct work_struct *work)
{
	uint64_t c0 = thread_cpu();

	(void)work;
	while (thread_cpu() - c0 < 5000000ull)
		;
	ex.burn_cpu_ns = thread_cpu() - c0;
}

static void check_hists(const struct refwq_series_info *si, uint64_t started,
			uint64_t completed, uint64_t activated)
{
	CHECK_EQ(hist_count(si->hist[REFWQ_H_Q2A]), activated);
	CHECK_EQ(hist_count(si->hist[REFWQ_H_A2S]), started);
	CHECK_EQ(hist_count(si->hist[REFWQ_H_LAT]), started);
	CHECK_EQ(hist_count(si->hist[REFWQ_H_RUN]), completed);
	CHECK_EQ(hist_count(si->hist[REFWQ_H_CPU]), completed);
	CHECK(si->max_ns[REFWQ_H_RUN] <= si->sum_ns[REFWQ_H_RUN]);
	if (completed) {
		int slot = (int)refwq_hist_slot(si->max_ns[REFWQ_H_RUN]);

		CHECK(si->hist[REFWQ_H_RUN][slot] >= 1);
	}
}

static void t_counters(void)
{
	struct workqueue_struct *wq = alloc_workqueue("t31", 0, 1);
	struct refwq_series_info si;
	struct refwq_pool_info pi;
	uint64_t t_queued;
	int i;

	memset(&ex, 0, sizeof(ex));
	init_completion(&ex.started);
	init_completion(&ex.release);
	INIT_WORK(&ex.gate_work, ex_gate);
	INIT_WORK(&ex.burn, ex_burn);
	for (i = 0; i < 3; i++)
		INIT_WORK(&ex.x[i], ex_x);

	/* A gate item holds the queue's only active slot on CPU 0 ... */
	queue_work_on(0, wq, &ex.gate_work);
	wait_for_completion(&ex.started);
	/* ... so three items wait inactive; one is cancelled. */
	t_queued = now_ns();
	for (i = 0; i < 3; i++)
		CHECK(queue_work_on(0, wq, &ex.x[i]));
	CHECK(cancel_work(&ex.x[1]));
	sleep_ms(20);
	pi = pool_info(0);
	CHECK_EQ(pi.pending, 2);
	CHECK_EQ(pi.running, 1);
	CHECK(pi.oldest_pending_ns >= 20000000ull);
	CHECK(pi.oldest_pending_ns <= now_ns() - t_queued);
	CHECK(refwq_workqueue_congested(0, wq));
	complete(&ex.release);
	flush_workqueue(wq);
	queue_work_on(0, wq, &ex.burn);
	flush_workqueue(wq);
	refwq_debug_settle();

	CHECK(series_info(0, "t31", (const void *)ex_gate, &si));
	CHECK_EQ(si.queued, 1);
	CHECK_EQ(si.activated, 1);
	CHECK_EQ(si.started, 1);
	CHECK_EQ(si.completed, 1);
	CHECK_EQ(si.cancelled, 0);
	check_hists(&si, 1, 1, 1);
	/* Run time measured by the core encloses the handler's own. */
	CHECK(si.sum_ns[REFWQ_H_RUN] >= ex.gate_run_ns);
	CHECK(si.sum_ns[REFWQ_H_RUN] < ex.gate_run_ns + 50000000ull);
	CHECK(si.sum_ns[REFWQ_H_Q2A] == 0);

	CHECK(series_info(0, "t31", (const void *)ex_x, &si));
	CHECK_EQ(si.queued, 3);
	CHECK_EQ(si.activated, 2);
	CHECK_EQ(si.started, 2);
	CHECK_EQ(si.completed, 2);
	CHECK_EQ(si.cancelled, 1);
	CHECK_EQ(get(&ex.x_runs), 2);
	check_hists(&si, 2, 2, 2);
	/* They waited for the gate: queue->activate is most of latency. */
	CHECK(si.max_ns[REFWQ_H_Q2A] >= 20000000ull);
	CHECK(si.sum_ns[REFWQ_H_LAT] >= si.sum_ns[REFWQ_H_Q2A]);

	CHECK(series_info(0, "t31", (const void *)ex_burn, &si));
	CHECK_EQ(si.queued, 1);
	CHECK_EQ(si.completed, 1);
	check_hists(&si, 1, 1, 1);
	CHECK(si.sum_ns[REFWQ_H_CPU] >= ex.burn_cpu_ns);
	CHECK(si.sum_ns[REFWQ_H_CPU] < ex.burn_cpu_ns + 5000000ull);
	CHECK(si.sum_ns[REFWQ_H_RUN] >= si.sum_ns[REFWQ_H_CPU]);
	/* Nothing for CPU 1's pool or other queues. */
	CHECK(!series_info(2, "t31", (const void *)ex_x, &si));
	CHECK(!series_info(0, "events", (const void *)ex_x, &si));

	pi = pool_info(0);
	CHECK_EQ(pi.pending, 0);
	CHECK_EQ(pi.running, 0);
	CHECK_EQ(pi.nr_running, 0);
	CHECK_EQ(pi.oldest_pending_ns, 0);
	CHECK_EQ(pi.workers, pi.idle);
	CHECK(pi.workers >= 1);
	CHECK_EQ(pi.workers_created, (uint64_t)pi.workers);
	CHECK(pi.cpu_ns >= ex.burn_cpu_ns);
	CHECK_EQ(pool_info(2).workers, 0);
	CHECK_EQ(pool_info(2).cpu_ns, 0);
	CHECK_EQ(wq_info("t31").saturated, 3);
	tap_note("pool 0: %d workers, cpu %.3f ms", pi.workers,
		 pi.cpu_ns / 1e6);
	destroy_workqueue(wq);
}

/* 32: every duration is a real one.  A producer re-queues items as fast as
 * the workers run them, so stamps set under the pool lock race clock reads
 * a worker took before it (this wrapped latencies to ~2^64 once). */
#define NR_RACE 64
static struct work_struct race_work[NR_RACE];
static uint64_t race_t0, race_span;
static int race_bad;

static void race_fn(struct work_struct *work)
{
	(void)work;
}

static int race_check(const struct refwq_series_info *si, void *ctx)
{
	(void)ctx;
	if (si->func != (const void *)race_fn)
		return 0;
	for (int k = 0; k < REFWQ_H_NR; k++) {
		uint64_t n = hist_count(si->hist[k]);

		if (si->max_ns[k] > race_span || si->sum_ns[k] > n * race_span) {
			tap_note("pool %d kind %d: max %llu ns, sum %llu ns in a "
				 "%llu ns test", si->pool_id, k,
				 (unsigned long long)si->max_ns[k],
				 (unsigned long long)si->sum_ns[k],
				 (unsigned long long)race_span);
			race_bad++;
		}
	}
	return 0;
}

static void t_no_wrap(void)
{
	struct workqueue_struct *wq = alloc_workqueue("t32", WQ_UNBOUND, 0);
	uint64_t queued = 0;
	int i;

	race_bad = 0;
	for (i = 0; i < NR_RACE; i++)
		INIT_WORK(&race_work[i], race_fn);
	race_t0 = now_ns();
	while (now_ns() - race_t0 < 300000000ull)
		for (i = 0; i < NR_RACE; i++)
			queued += queue_work(wq, &race_work[i]);
	flush_workqueue(wq);
	race_span = now_ns() - race_t0;
	refwq_for_each_series(race_check, NULL);
	tap_note("%llu items queued", (unsigned long long)queued);
	CHECK(queued > 1000);
	CHECK_EQ(race_bad, 0);
	destroy_workqueue(wq);
}

int main(void)
{
	struct refwq_config wd = {.name = "test",
				  .nr_cpus = 2,
				  .watchdog_thresh_ms = 100,
				  .stall_fn = stall_cb};
	struct refwq_config two = {.name = "test", .nr_cpus = 2};

	tap_run("29 flushing a queue from its own work is reported as a "
		"deadlock",
		t_deadlock, NULL, 0);
	tap_run("30 watchdog: stalled pool reported; short items never trip it",
		t_watchdog, &wd, 0);
	tap_run("31 every counter agrees exactly with what the test did",
		t_counters, &two, 0);
	tap_run("32 no duration exceeds the test's span under a re-queue race",
		t_no_wrap, &two, 0);
	return tap_done();
}
