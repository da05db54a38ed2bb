// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failure: every library call that allocates must fail cleanly
 * (-ENOMEM, NULL) when any one of its allocations fails, and free what it
 * took.  malloc, calloc and realloc are replaced for the whole program (glibc
 * supports this; json-c and stdio allocate through them too): when armed,
 * the Nth allocation fails, for N = 0, 1, 2... until the call succeeds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "json.h"
#include "ksyms.h"
#include "kworkers.h"
#include "text.h"
#include "snapgen.h"
#include "queuergen.h"

#include "failmalloc.h"

/*
 * Run @op with its Nth allocation failing, N = 0, 1...; it must report
 * one of the @ok_errors or succeed, and leak nothing either way.
 * Return: how many allocations the successful run made.
 */
#define FAIL_EACH(op, cleanup, ...)                                            \
	({                                                                     \
		static const int errs_[] = {__VA_ARGS__};                      \
		long n_;                                                       \
		for (n_ = 0;; n_++) {                                          \
			long before_ = live;                                   \
			int ret_, i_, ok_ = 0;                                 \
			countdown = n_;                                        \
			armed = true;                                          \
			ret_ = (op);                                           \
			armed = false;                                         \
			cleanup;                                               \
			if (live != before_)                                   \
				fail_msg("%s: failing allocation %ld: "        \
					 "%ld blocks leaked",                  \
					 #op, n_, live - before_);             \
			if (!ret_)                                             \
				break;                                         \
			for (i_ = 0;                                           \
			     i_ < (int)(sizeof(errs_) / sizeof(errs_[0]));     \
			     i_++)                                             \
				ok_ |= ret_ == errs_[i_];                      \
			if (!ok_)                                              \
				fail_msg("%s: failing allocation %ld: "        \
					 "returned %d",                        \
					 #op, n_, ret_);                       \
		}                                                              \
		n_;                                                            \
	})

static struct wq_snapshot *cur, *prev;
static char *text, *json;
static size_t text_len;

static int setup(void **state)
{
	FILE *f;

	(void)state;
	cur = wq_snapshot__new("k");
	prev = wq_snapshot__new("k");
	gen_seed(5);
	gen_snapshot(prev, 30, 100, 0);
	gen_queuers(prev, 80);
	gen_seed(5);
	gen_snapshot(cur, 30, 150, 0);
	gen_queuers(cur, 120);
	f = open_memstream(&text, &text_len);
	wq_text__render(cur, f, NULL);
	fclose(f);
	json = wq_json__render(cur, 0);
	return !json;
}

static int teardown(void **state)
{
	(void)state;
	wq_snapshot__free(cur);
	wq_snapshot__free(prev);
	free(text);
	free(json);
	return 0;
}

static int new_snapshot(void)
{
	struct wq_snapshot *s = wq_snapshot__new("k");

	wq_snapshot__free(s);
	return s ? 0 : -ENOMEM;
}

static int workqueues(void)
{
	struct wq_series *agg;
	size_t n;
	int ret = wq_snapshot__workqueues(cur, &agg, &n);

	free(agg);
	return ret;
}

/* The operations parsing or computing into a snapshot use a fresh one: a
 * snapshot keeps the rows it grew on failure, for its next use. */
static int delta(void)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	int ret = s ? wq_snapshot__delta(s, cur, prev) : -ENOMEM;

	wq_snapshot__free(s);
	return ret;
}

static int parse_text(void)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	int ret = s ? wq_text__parse(s, text, text_len, NULL, 0) : -ENOMEM;

	/* What finally parsed is the whole snapshot. */
	if (!ret && s->nr_series != cur->nr_series)
		ret = -EPROTO;
	wq_snapshot__free(s);
	return ret;
}

/* A v3 view: the queuers section and the config's arrays. */
static int parse_text_v3(void)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	struct wq_config c = {0};
	size_t len = 0;
	FILE *f = fopen("tests/unit/fixtures/text_v3.txt", "r");
	char *buf = f ? wq_text__read(f, &len) : NULL;
	int ret = s && buf ? wq_text__parse_config(s, &c, buf, len, NULL, 0)
			   : -ENOMEM;

	if (!ret && (s->nr_queuers != 3 || c.nr_wqs != 2 || c.nr_pools != 3))
		ret = -EPROTO;
	if (f)
		fclose(f);
	free(buf);
	wq_config__free(&c);
	wq_snapshot__free(s);
	return ret;
}

static int render_queuers(void)
{
	struct wq_queuer_sel sel = {.order = WQ_QORDER_QUEUED, .top = 5};
	char *j = wq_json__render_queuers(cur, &sel, true, 0);

	free(j);
	return j ? 0 : -ENOMEM;
}

static int parse_json(void)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	int ret = s ? wq_json__parse(s, json) : -ENOMEM;

	if (!ret && s->nr_series != cur->nr_series)
		ret = -EPROTO;
	wq_snapshot__free(s);
	return ret;
}

static int render_text(void)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f)
		return -ENOMEM;
	ret = wq_text__render(cur, f, NULL);
	/* The stream's own buffer failing shows as a write error. */
	if (fclose(f) && !ret)
		ret = -EIO;
	free(buf);
	return ret;
}

static int render_json(void)
{
	char *j = wq_json__render(cur, WQ_JSON_PRETTY);

	free(j);
	return j ? 0 : -errno;
}

static int load_ksyms(void)
{
	struct wq_ksyms *ks;
	int ret = wq_ksyms__load("tests/unit/fixtures/kallsyms", &ks);

	wq_ksyms__free(ks);
	return ret;
}

static int scan_kworkers(void)
{
	struct wq_kworker *w;
	size_t n;
	int ret = wq_kworkers__scan("tests/unit/fixtures/proc", &w, &n);

	free(w);
	return ret;
}

static void test_model(void **state)
{
	(void)state;
	assert_true(FAIL_EACH(new_snapshot(), (void)0, -ENOMEM) > 0);
	assert_true(FAIL_EACH(delta(), (void)0, -ENOMEM) > 0);
	assert_true(FAIL_EACH(workqueues(), (void)0, -ENOMEM) > 0);
}

static void test_text(void **state)
{
	(void)state;
	assert_true(FAIL_EACH(render_text(), (void)0, -ENOMEM, -EIO) > 0);
	assert_true(FAIL_EACH(parse_text(), (void)0, -ENOMEM) > 0);
	assert_true(FAIL_EACH(parse_text_v3(), (void)0, -ENOMEM) > 0);
}

static void test_json(void **state)
{
	(void)state;
	assert_true(FAIL_EACH(render_json(), (void)0, -ENOMEM) > 0);
	assert_true(FAIL_EACH(render_queuers(), (void)0, -ENOMEM) > 0);
	/* json-c reports some of its allocation failures as parse errors. */
	assert_true(FAIL_EACH(parse_json(), (void)0, -ENOMEM, -EINVAL) > 0);
}

static void test_io(void **state)
{
	(void)state;
	assert_true(FAIL_EACH(load_ksyms(), (void)0, -ENOMEM) > 0);
	assert_true(FAIL_EACH(scan_kworkers(), (void)0, -ENOMEM) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_io),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
