/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqtop --prometheus URL: the fleet view.  Hosts (each wqmond a Prometheus
 * scrapes, job "wqmon") with their state, sources, p99 latency, stalls and
 * costliest work function, and the costliest work functions of the whole
 * fleet, read with PromQL from a Prometheus or anything that answers its
 * /api/v1/query (a global Prometheus, VictoriaMetrics).  The queries are
 * the expressions of packaging/prometheus/wqmon-fleet.rules.yml, so the
 * view works where those rules are not loaded, and agrees with them where
 * they are (docs/FLEET.md).
 *
 * The queries, the model and its text are pure (fleet.c: wqtop_fleet__add,
 * __render); only wqtop_fleet__main (fleet_main.c) talks HTTP and drives
 * the terminal.
 */
#ifndef WQTOP_FLEET_H
#define WQTOP_FLEET_H

#include <stdbool.h>
#include <stdio.h>

#define WQTOP_FLEET_NAME 128

struct wqtop_fleet_host {
	char instance[WQTOP_FLEET_NAME];
	bool up;
	double sources; /* sources up; < 0: not known */
	double p99_s; /* < 0: not known (nothing started in 5 min) */
	double stalls; /* active stalls; < 0: not known */
	char top_fn[2 * WQTOP_FLEET_NAME]; /* source workqueue/function */
	double top_cpu; /* its CPUs (on-CPU seconds a second) */
};

struct wqtop_fleet_fn {
	char name[2 * WQTOP_FLEET_NAME]; /* source workqueue/function */
	double cpu;
	double hosts;
};

struct wqtop_fleet {
	struct wqtop_fleet_host *hosts;
	size_t nr_hosts;
	struct wqtop_fleet_fn *fns;
	size_t nr_fns;
};

/* The queries, in the order of enum wqtop_fleet_query. */
enum wqtop_fleet_query {
	FLEET_Q_UP,
	FLEET_Q_SOURCES,
	FLEET_Q_P99,
	FLEET_Q_STALLS,
	FLEET_Q_HOST_TOP,
	FLEET_Q_FN_CPU,
	FLEET_Q_FN_HOSTS,
	FLEET_Q_NR,
};
extern const char *const wqtop_fleet_queries[FLEET_Q_NR];

/*
 * Add the answer @json of query @q (a Prometheus /api/v1/query response
 * body) to @m.  Return: 0, -EPROTO for an answer that is not a successful
 * instant vector (with why in @why), -ENOMEM.
 */
int wqtop_fleet__add(struct wqtop_fleet *m, enum wqtop_fleet_query q,
		     const char *json, char *why, size_t why_len);

/* Order hosts worst first: stalled, then down, then by p99 latency, then
 * by name; functions by CPU, most first. */
void wqtop_fleet__sort(struct wqtop_fleet *m);

/* The view as text lines no wider than @width, under a title naming @url. */
void wqtop_fleet__render(FILE *f, const struct wqtop_fleet *m, const char *url,
			 int width);

void wqtop_fleet__free(struct wqtop_fleet *m);

/* ---- one host: its functions by CPU, with their p99, and its stalls ---- */

struct wqtop_fleet_hostfn {
	char name[2 * WQTOP_FLEET_NAME]; /* source workqueue/function */
	double cpu;
	double p99_s; /* < 0: not known */
};

struct wqtop_fleet_detail {
	struct wqtop_fleet_hostfn *fns;
	size_t nr_fns;
	char (*stalls)[3 * WQTOP_FLEET_NAME]; /* kind source pool wq/fn */
	size_t nr_stalls;
};

/* Ask for the CPU list first: p99s are kept for its functions only. */
enum wqtop_fleet_detail_query {
	FLEET_D_CPU,
	FLEET_D_P99,
	FLEET_D_STALLS,
	FLEET_D_NR
};

/* The PromQL of query @q about host @instance (escaped as a PromQL string)
 * into @buf.  Return: 0, -ENAMETOOLONG. */
int wqtop_fleet__detail_query(char *buf, size_t len,
			      enum wqtop_fleet_detail_query q,
			      const char *instance);
int wqtop_fleet__detail_add(struct wqtop_fleet_detail *d,
			    enum wqtop_fleet_detail_query q, const char *json,
			    char *why, size_t why_len);
/* Functions by CPU, most first; stalls by name. */
void wqtop_fleet__detail_sort(struct wqtop_fleet_detail *d);
/* Host @h of the fleet view, then @d. */
void wqtop_fleet__detail_render(FILE *f, const struct wqtop_fleet_detail *d,
				const struct wqtop_fleet_host *h, int width);
void wqtop_fleet__detail_free(struct wqtop_fleet_detail *d);

/*
 * Run the fleet view of the Prometheus at @url: @batch text frames (or the
 * terminal), @iterations of them (0: until q or a signal), @delay_s apart.
 * @filter (or NULL): only the hosts whose instance contains it, each with
 * its functions and stalls.  In the terminal, Enter opens the selected
 * host, a attaches to its wqmond (wqtop --source http://INSTANCE).
 * Return: the exit status (0, 1 for a failure, 2 for a bad URL).
 */
int wqtop_fleet__main(const char *url, bool batch, long iterations,
		      double delay_s, int width, bool color,
		      const char *filter);

#endif /* WQTOP_FLEET_H */
