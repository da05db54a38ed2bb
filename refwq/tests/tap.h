/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small TAP harness for refwq's tests: each case runs between its own
 * refwq_init() and refwq_exit(), under a per-case time limit, and prints
 * "ok N - name" or "not ok N - name" with the failed checks as comments.
 */
#ifndef REFWQ_TAP_H
#define REFWQ_TAP_H

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <refwq/refwq.h>

static int tap_n;
static int tap_failed_cases;
static int tap_case_failed;
static const char *tap_case_name;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("# %s:%d: failed: %s\n", __FILE__, __LINE__,    \
			       #cond);                                         \
			tap_case_failed = 1;                                   \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long __a = (long long)(a), __b = (long long)(b);          \
		if (__a != __b) {                                              \
			printf("# %s:%d: failed: %s == %s (%lld != %lld)\n",   \
			       __FILE__, __LINE__, #a, #b, __a, __b);          \
			tap_case_failed = 1;                                   \
		}                                                              \
	} while (0)

static inline void tap_note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline void tap_alarm(int sig)
{
	char buf[160];
	int n;

	(void)sig;
	n = snprintf(buf, sizeof(buf), "not ok %d - %s (timed out)\n", tap_n,
		     tap_case_name ? tap_case_name : "?");
	if (write(1, buf, (size_t)n) < 0)
		_exit(2);
	_exit(1);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void sleep_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Poll @cond (a yield between tries) for at most @ms: for states that no
 * API signals, such as "the other thread has reached its wait". */
#define WAIT_UNTIL(cond, ms)                                                   \
	({                                                                     \
		uint64_t __end = now_ns() + (uint64_t)(ms)*1000000ull;         \
		bool __ok;                                                     \
		while (!(__ok = (cond)) && now_ns() < __end)                   \
			sched_yield();                                         \
		__ok;                                                          \
	})

static inline void tap_run(const char *name, void (*fn)(void),
			   const struct refwq_config *cfg, unsigned int limit_s)
{
	struct refwq_config dflt = {.name = "test"};
	uint64_t t0 = now_ns();
	int ret;

	tap_n++;
	tap_case_name = name;
	tap_case_failed = 0;
	signal(SIGALRM, tap_alarm);
	alarm(limit_s ? limit_s : 20);
	ret = refwq_init(cfg ? cfg : &dflt);
	if (ret) {
		printf("# refwq_init: %d\n", ret);
		tap_case_failed = 1;
	} else {
		fn();
		refwq_exit();
	}
	alarm(0);
	if (tap_case_failed)
		tap_failed_cases++;
	printf("%sok %d - %s (%.0f ms)\n", tap_case_failed ? "not " : "", tap_n,
	       name, (double)(now_ns() - t0) / 1e6);
	fflush(stdout);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed_cases ? 1 : 0;
}

/* A counter of runs, safe from any thread. */
static inline void inc(int *p)
{
	__atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

static inline int get(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/* The pool info of pool @id. */
struct pool_find {
	int id;
	struct refwq_pool_info info;
};

static inline int pool_find_cb(const struct refwq_pool_info *pi, void *ctx)
{
	struct pool_find *f = ctx;

	if (pi->id == f->id) {
		f->info = *pi;
		return 1;
	}
	return 0;
}

static inline struct refwq_pool_info pool_info(int id)
{
	struct pool_find f = {.id = id};

	refwq_for_each_pool(pool_find_cb, &f);
	return f.info;
}

struct wq_find {
	const char *name;
	struct refwq_wq_info info;
};

static inline int wq_find_cb(const struct refwq_wq_info *wi, void *ctx)
{
	struct wq_find *f = ctx;

	if (!strcmp(wi->name, f->name)) {
		f->info = *wi;
		return 1;
	}
	return 0;
}

static inline struct refwq_wq_info wq_info(const char *name)
{
	struct wq_find f = {.name = name};

	refwq_for_each_workqueue(wq_find_cb, &f);
	return f.info;
}

struct series_find {
	int pool_id;
	const char *wq;
	const void *func;
	bool found;
	struct refwq_series_info info;
};

static inline int series_find_cb(const struct refwq_series_info *si, void *ctx)
{
	struct series_find *f = ctx;

	if (si->pool_id == f->pool_id && !strcmp(si->wq_name, f->wq) &&
	    si->func == f->func) {
		f->info = *si;
		f->found = true;
		return 1;
	}
	return 0;
}

static inline bool series_info(int pool_id, const char *wq, const void *func,
			       struct refwq_series_info *out)
{
	struct series_find *f = calloc(1, sizeof(*f));
	bool found;

	f->pool_id = pool_id;
	f->wq = wq;
	f->func = func;
	refwq_for_each_series(series_find_cb, f);
	found = f->found;
	if (found)
		*out = f->info;
	free(f);
	return found;
}

static inline uint64_t hist_count(const uint64_t *slots)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < REFWQ_HIST_SLOTS; i++)
		n += slots[i];
	return n;
}

#endif /* REFWQ_TAP_H */
