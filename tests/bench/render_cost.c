// SPDX-License-Identifier: GPL-2.0
/*
 * render_cost: how long the daemon's renderers take on a large snapshot.
 * A realistic shape: many workqueues, many functions each on several
 * pools, filled histograms.  Prints one markdown table row per case.
 *
 *   render_cost [SERIES] [ROUNDS]     (defaults 5000, 20)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "metrics.h"
#include "model.h"
#include "text.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct wq_snapshot *make(size_t nr_series)
{
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	uint64_t x = 42;

	for (int p = 0; p < 8; p++) {
		struct wq_pool *pool = wq_snapshot__add_pool(s);

		pool->id = p;
		pool->cpu = p < 6 ? p / 2 : -1;
		pool->nice = p % 2 ? -20 : 0;
		pool->workers = 4;
		pool->cpu_ns = 123456789ULL * (p + 1);
	}
	for (size_t i = 0; i < nr_series; i++) {
		struct wq_series *r = wq_snapshot__add_series(s);

		r->pool_id = (int32_t)(i % 8);
		snprintf(r->workqueue, sizeof(r->workqueue), "wq_%zu", i / 40);
		snprintf(r->function, sizeof(r->function), "work_fn_%zu", i / 8);
		for (int k = 0; k < WQ_H_NR; k++) {
			for (int b = 8; b < 24; b++) {
				x = x * 6364136223846793005ULL + 1;
				r->hist[k].slot[b] = x >> 50;
				r->sum_ns[k] += r->hist[k].slot[b] << b;
			}
			r->max_ns[k] = 1ULL << 24;
		}
		r->queued = r->activated = r->started = r->completed =
			r->sum_ns[WQ_H_LAT] >> 10;
	}
	wq_snapshot__sort(s);
	return s;
}

/* Render @rounds times into memory; ms per render and bytes. */
static void row(const char *what, size_t nr, int rounds,
		int (*fn)(const struct wq_snapshot *, FILE *, void *),
		const struct wq_snapshot *s, void *arg)
{
	double best = 1e9;
	size_t len = 0;

	for (int i = 0; i < rounds; i++) {
		char *buf = NULL;
		FILE *f = open_memstream(&buf, &len);
		double t0 = now_ms();

		if (!f || fn(s, f, arg)) {
			fprintf(stderr, "render_cost: %s failed\n", what);
			exit(1);
		}
		fclose(f);
		if (now_ms() - t0 < best)
			best = now_ms() - t0;
		free(buf);
	}
	printf("| %s | %zu | %.2f | %zu |\n", what, nr, best, len);
}

static int do_metrics(const struct wq_snapshot *s, FILE *f, void *arg)
{
	struct wq_metrics_source src = { "kernel", true, 1000, s };

	return wq_metrics__render(f, &src, 1, arg);
}

static int do_text(const struct wq_snapshot *s, FILE *f, void *arg)
{
	return wq_text__render(s, f, arg);
}

static int do_json(const struct wq_snapshot *s, FILE *f, void *arg)
{
	char *j = wq_json__render(s, *(int *)arg);

	(void)arg;
	if (!j)
		return -1;
	fputs(j, f);
	free(j);
	return 0;
}

int main(int argc, char **argv)
{
	size_t nr = argc > 1 ? strtoul(argv[1], NULL, 10) : 5000;
	int rounds = argc > 2 ? atoi(argv[2]) : 20;
	struct wq_snapshot *s = make(nr);
	struct wq_metrics_opts top50 = { .top_functions = 50, .version = "b" };
	struct wq_metrics_opts all = { .top_functions = nr, .version = "b" };
	struct wq_text_opts text = { .sort = WQ_SORT_COMPLETED };
	int full = 0, lat = WQ_JSON_LAT_SLOTS;

	printf("| render | series | ms (best of %d) | bytes |\n", rounds);
	printf("|---|---:|---:|---:|\n");
	row("/metrics, top 50 functions", nr, rounds, do_metrics, s, &top50);
	row("/metrics, every function", nr, rounds, do_metrics, s, &all);
	row("text view", nr, rounds, do_text, s, &text);
	row("JSON snapshot", nr, rounds, do_json, s, &full);
	row("JSON history view (lat slots)", nr, rounds, do_json, s, &lat);
	wq_snapshot__free(s);
	return 0;
}
