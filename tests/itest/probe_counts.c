// SPDX-License-Identifier: GPL-2.0
/*
 * probe_counts: attach wqmon's probes to the real kernel, run a load
 * generator that makes a known number of work items, and check what wqmon
 * counted for that work function against the generator's own arithmetic.
 *
 *   probe_counts [--raw-tp] [--no-cpu] [--sample N] FUNCTION EXPECTED --
 *                GENERATOR ARGS...
 *
 * With --sample N (sampled mode), counts must still be exact, and the
 * histograms must hold the samples of 1 item in N, scaled by N: the same
 * items in every histogram, and a share of 1/N within 5 standard
 * deviations of the binomial count.
 *
 * Prints TAP, and "# key=value" lines (means in ns) that the calling script
 * compares with perf kwork measuring the same items.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector.h"
#include "hist.h"
#include "log.h"
#include "model.h"

static int tap_n;
static int tap_failed;

static void check(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	tap_failed |= !ok;
}

static int run_generator(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "probe_counts: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Every item measured: a sample per start and per completion. */
static void check_every(const struct wq_series *tot, bool no_cpu)
{
	check(wq_hist__count(&tot->hist[WQ_H_LAT]) == tot->started,
	      "latency histogram holds every start (%llu)",
	      (unsigned long long)wq_hist__count(&tot->hist[WQ_H_LAT]));
	check(wq_hist__count(&tot->hist[WQ_H_RUN]) == tot->completed,
	      "run-time histogram holds every completion (%llu)",
	      (unsigned long long)wq_hist__count(&tot->hist[WQ_H_RUN]));
	check(wq_hist__count(&tot->hist[WQ_H_A2S]) == tot->started,
	      "activate->start histogram holds every start");
	if (!no_cpu)
		check(wq_hist__count(&tot->hist[WQ_H_CPU]) == tot->completed,
		      "on-CPU histogram holds every completion");
}

/* Sampled mode: 1 in @every, the same items in every histogram. */
static void check_samples(const struct wq_snapshot *d,
			  const struct wq_series *tot, uint32_t every,
			  bool no_cpu)
{
	uint64_t lat = wq_hist__count(&tot->hist[WQ_H_LAT]);
	double n = (double)tot->started, p = 1.0 / every;
	double want = n * p, sd = sqrt(n * p * (1 - p));
	double got = (double)(lat / every);

	check(wq_snapshot__sample_every(d) == every,
	      "the snapshot says 1 in %u (%u)", every,
	      wq_snapshot__sample_every(d));
	check(lat % every == 0, "latency count %llu is samples scaled by %u",
	      (unsigned long long)lat, every);
	check(fabs(got - want) <= 5 * sd,
	      "latency samples %.0f of %.0f starts: 1 in %u expects %.0f +- "
	      "%.0f (5 sd)", got, n, every, want, 5 * sd);
	check(wq_hist__count(&tot->hist[WQ_H_RUN]) == lat &&
		      wq_hist__count(&tot->hist[WQ_H_A2S]) == lat &&
		      wq_hist__count(&tot->hist[WQ_H_Q2A]) == lat &&
		      (no_cpu || wq_hist__count(&tot->hist[WQ_H_CPU]) == lat),
	      "the same items in every histogram (run %llu, a2s %llu, q2a "
	      "%llu, cpu %llu, lat %llu)",
	      (unsigned long long)wq_hist__count(&tot->hist[WQ_H_RUN]),
	      (unsigned long long)wq_hist__count(&tot->hist[WQ_H_A2S]),
	      (unsigned long long)wq_hist__count(&tot->hist[WQ_H_Q2A]),
	      (unsigned long long)wq_hist__count(&tot->hist[WQ_H_CPU]),
	      (unsigned long long)lat);
	printf("# samples=%.0f\n", got);
}

int main(int argc, char **argv)
{
	struct wq_collector_opts opts = { 0 };
	struct wq_snapshot *a = wq_snapshot__new("kernel");
	struct wq_snapshot *b = wq_snapshot__new("kernel");
	struct wq_snapshot *d = wq_snapshot__new("kernel");
	struct wq_series tot = { 0 };
	struct wq_collector *c = NULL;
	const char *func;
	long long expected;
	int i = 1, err, rows = 0;

	for (; i < argc && !strncmp(argv[i], "--", 2) && argv[i][2]; i++) {
		if (!strcmp(argv[i], "--raw-tp"))
			opts.mode = WQ_ATTACH_RAW_TP;
		else if (!strcmp(argv[i], "--no-cpu"))
			opts.no_cpu_time = true;
		else if (!strcmp(argv[i], "--sample") && i + 1 < argc)
			opts.sample_every = (uint32_t)atoi(argv[++i]);
	}
	if (argc - i < 4 || strcmp(argv[i + 2], "--") || !a || !b || !d) {
		fprintf(stderr, "usage: probe_counts [--raw-tp] [--no-cpu] "
				"[--sample N] FUNCTION EXPECTED -- GENERATOR "
				"ARGS...\n");
		return 2;
	}
	func = argv[i];
	expected = atoll(argv[i + 1]);

	err = wq_collector__open(&c, &opts);
	check(!err, "probes attached (%s)", err ? strerror(-err) :
						  wq_collector__mode(c));
	if (err)
		return 1;
	err = wq_collector__snapshot(c, a);
	check(!err, "first snapshot");
	{
		/* The task iterator stalls use: kthreadd (pid 2) sleeps in
		 * its own loop. */
		char st[512];
		int n = wq_collector__stack(c, 2, st, sizeof(st));

		check(n > 0 && strstr(st, "kthreadd"),
		      "the task iterator reads kthreadd's kernel stack (%d "
		      "frames: %s)", n, st);
	}
	err = run_generator(&argv[i + 3]);
	check(err == 0, "generator %s exited with 0 (got %d)", argv[i + 3],
	      err);
	/* An item completes (its io_event is reaped) a moment before
	 * execute_end fires: let the last execute_end land. */
	usleep(100 * 1000);
	err = wq_collector__snapshot(c, b) ?: wq_snapshot__delta(d, b, a);
	check(!err, "second snapshot and delta");
	if (err)
		return 1;

	for (size_t k = 0; k < d->nr_series; k++) {
		if (strcmp(d->series[k].function, func))
			continue;
		wq_series__add(&tot, &d->series[k]);
		rows++;
	}
	check(rows > 0, "found series of %s (%d pools)", func, rows);
	check(tot.queued == (uint64_t)expected, "queued %llu == %lld",
	      (unsigned long long)tot.queued, expected);
	check(tot.activated == (uint64_t)expected, "activated %llu == %lld",
	      (unsigned long long)tot.activated, expected);
	check(tot.started == (uint64_t)expected, "started %llu == %lld",
	      (unsigned long long)tot.started, expected);
	check(tot.completed == (uint64_t)expected, "completed %llu == %lld",
	      (unsigned long long)tot.completed, expected);
	if (opts.sample_every > 1)
		check_samples(d, &tot, opts.sample_every, opts.no_cpu_time);
	else
		check_every(&tot, opts.no_cpu_time);
	if (!opts.no_cpu_time) {
		check(tot.sum_ns[WQ_H_CPU] <= tot.sum_ns[WQ_H_RUN] &&
			      tot.sum_ns[WQ_H_CPU] > 0,
		      "on-CPU time %llu ns is positive and <= run time %llu ns",
		      (unsigned long long)tot.sum_ns[WQ_H_CPU],
		      (unsigned long long)tot.sum_ns[WQ_H_RUN]);
	}
	check(tot.sum_ns[WQ_H_LAT] >= tot.sum_ns[WQ_H_A2S],
	      "queue->start >= activate->start (sums)");
	check(d->counters[WQ_C_PENDING_DROPPED] == 0 &&
		      d->counters[WQ_C_WORKER_DROPPED] == 0,
	      "no pending/worker entries dropped");
	if (tot.started && tot.completed) {
		printf("# mean_a2s_ns=%llu\n",
		       (unsigned long long)(tot.sum_ns[WQ_H_A2S] / tot.started));
		printf("# mean_lat_ns=%llu\n",
		       (unsigned long long)(tot.sum_ns[WQ_H_LAT] / tot.started));
		printf("# mean_run_ns=%llu\n",
		       (unsigned long long)(tot.sum_ns[WQ_H_RUN] /
					    tot.completed));
		printf("# p99_lat_ns=%llu\n",
		       (unsigned long long)wq_hist__percentile(
			       &tot.hist[WQ_H_LAT], 0.99, tot.max_ns[WQ_H_LAT]));
	}
	wq_collector__close(c);
	wq_snapshot__free(a);
	wq_snapshot__free(b);
	wq_snapshot__free(d);
	printf("1..%d\n", tap_n);
	return tap_failed;
}
