// SPDX-License-Identifier: GPL-2.0
/* OpenMetrics exemplars from slow records (lib/core/metrics.c, docs/SLOW.md):
 * the newest record of a bucket's series and range, on a bucket that
 * counted something, of the records' source only, never in 0.0.4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "metrics.h"

#define MS 1000000ULL

static char *render(const struct wq_metrics_source *src, size_t n,
		    const struct wq_metrics_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(wq_metrics__render(f, src, n, o), 0);
	fclose(f);
	return buf;
}

static struct wq_slow rec(uint64_t seq, const char *fn, uint64_t run_ms)
{
	struct wq_slow r = { .seq = seq, .pool_id = 2 };

	strcpy(r.workqueue, "events");
	snprintf(r.function, sizeof(r.function), "%s", fn);
	r.queued_ns = 1000 * MS;
	r.started_ns = r.queued_ns + 2 * MS;
	r.ended_ns = r.started_ns + run_ms * MS;
	r.real_offset_ns = 1700000000ULL * 1000 * MS;
	return r;
}

/* The line of @out that starts with @prefix, or NULL. */
static char *line_of(char *out, const char *prefix)
{
	for (char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 :
							  NULL)
		if (!strncmp(l, prefix, strlen(prefix)))
			return l;
	return NULL;
}

static void test_exemplars(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	struct wq_series *x = wq_snapshot__add_series(s);
	struct wq_metrics_source src = { "kernel", true, 0, s };
	struct wq_slow recs[] = {
		rec(1, "aio_fsync_work", 300),	/* older, same bucket */
		rec(3, "aio_fsync_work", 310),	/* the newest there */
		rec(2, "aio_fsync_work", 20),	/* bucket 2^25 ns: empty */
		rec(4, "other_fn", 300),	/* another series */
	};
	struct wq_metrics_opts o = { .openmetrics = true, .version = "1",
				     .slow_source = "kernel", .slow = recs,
				     .nr_slow = 4 };
	const char *run = "wqmon_work_runtime_seconds_bucket{source=\"kernel\","
			  "workqueue=\"events\",function=\"aio_fsync_work\",";
	char *out, want[256];

	(void)state;
	x->pool_id = 2;
	strcpy(x->workqueue, "events");
	strcpy(x->function, "aio_fsync_work");
	x->started = x->completed = 10;
	x->hist[WQ_H_RUN].slot[28] = 2;	/* [0.268, 0.537) s */
	x->hist[WQ_H_RUN].slot[10] = 8;
	x->hist[WQ_H_LAT].slot[20] = 10;
	out = render(&src, 1, &o);
	snprintf(want, sizeof(want), "%sle=\"0.536870912\"} 10 # {work=\"3\"} "
		 "0.31 1700000001.312\n", run);
	assert_non_null(line_of(out, want));
	/* The bucket of the 20 ms record counted nothing: no exemplar. */
	snprintf(want, sizeof(want), "%sle=\"0.033554432\"} 8\n", run);
	assert_non_null(line_of(out, want));
	/* Latency: 2 ms is in the 2^21 ns bucket, whose count is 10. */
	assert_non_null(strstr(out, "wqmon_work_latency_seconds_bucket{source="
				    "\"kernel\",workqueue=\"events\",function="
				    "\"aio_fsync_work\",le=\"0.002097152\"} 10 "
				    "# {work=\"3\"} 0.002 "));
	free(out);

	/* Not in the 0.0.4 format; not for another source. */
	o.openmetrics = false;
	out = render(&src, 1, &o);
	assert_null(strstr(out, " # {"));
	free(out);
	o.openmetrics = true;
	o.slow_source = "refwq:demo";
	out = render(&src, 1, &o);
	assert_null(strstr(out, " # {"));
	free(out);
	wq_snapshot__free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exemplars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
