// SPDX-License-Identifier: GPL-2.0
/*
 * Stalls in the daemon: the detector's events become the active list, the
 * recent ring, the per-kind totals and one log line each; the kernel's own
 * reports in /dev/kmsg are ingested as one-shot stalls of kind "kernel".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "kmsg.h"
#include "kstack.h"
#include "source.h"
#include "log.h"
#include "stalls.h"
#include "wqtime.h"

/* Alertmanager drops a firing alert it has not heard of for its
 * resolve_timeout (5 min by default): repeat live stalls this often. */
#define REPOST_NS (60ULL * 1000000000ULL)

static int start_alerter(struct wqd_state *st)
{
	const struct wqd_config *c = &st->cfg;
	char exec[sizeof(c->alert_exec)], *argv[32], *save = NULL, *tok;
	int n = 0;
	struct wq_alert_opts o = {
		.exec_timeout_ms = c->alert_exec_timeout_ms,
		.webhook_url = c->alert_webhook[0] ? c->alert_webhook : NULL,
		.webhook_timeout_ms = c->alert_webhook_timeout_ms,
		.retry = { .max_age_ms = c->alert_retry_max_age_ms },
		.queue_len = c->alert_queue_len,
		.name = c->alert_name[0] ? c->alert_name : NULL,
	};

	if (!c->alert_exec[0] && !c->alert_webhook[0])
		return 0;
	snprintf(exec, sizeof(exec), "%s", c->alert_exec);
	for (tok = strtok_r(exec, " \t", &save); tok && n < 31;
	     tok = strtok_r(NULL, " \t", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	o.exec_argv = n ? argv : NULL;
	st->alerter = wq_alerter__new(&o);
	if (!st->alerter) {
		pr_err("cannot start the alert sinks: %s; check [alerts]\n",
		       strerror(errno));
		return -errno;
	}
	pr_info("alerts: %s%s%s\n", n ? "exec " : "", n ? argv[0] : "",
		c->alert_webhook[0] ? " webhook" : "");
	return 0;
}

int wqd_stalls__init(struct wqd_state *st)
{
	int err;

	st->kmsg_fd = -1;
	st->detector = wq_stall_detector__new();
	if (!st->detector)
		return -ENOMEM;
	err = start_alerter(st);
	if (err)
		return err;
	if (!st->cfg.kmsg)
		return 0;
	st->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (st->kmsg_fd < 0) {
		pr_warn("cannot read /dev/kmsg (%s): the kernel's own lockup "
			"reports will not be ingested; run as root or set "
			"[stalls] kmsg = no\n", strerror(errno));
		return 0;
	}
	/* Only what the kernel says from now on. */
	lseek(st->kmsg_fd, 0, SEEK_END);
	return 0;
}

void wqd_stalls__exit(struct wqd_state *st)
{
	if (st->alerter && wq_alerter__stop(st->alerter, 2000))
		pr_warn("alerts still undelivered at exit were dropped\n");
	wq_alerter__free(st->alerter);
	if (st->kmsg_fd >= 0)
		close(st->kmsg_fd);
	wq_stall_detector__free(st->detector);
	free(st->active);
}

static void count_start(struct wqd_state *st, const struct wq_stall *s)
{
	size_t i;

	for (i = 0; i < st->nr_totals; i++)
		if (st->totals[i].kind == s->kind &&
		    !strcmp(st->totals[i].source, s->source))
			break;
	if (i == st->nr_totals) {
		if (i == WQD_MAX_STALL_TOTALS)
			return;
		snprintf(st->totals[i].source, sizeof(st->totals[i].source),
			 "%s", s->source);
		st->totals[i].kind = s->kind;
		st->totals[i].count = 0;
		st->nr_totals++;
	}
	st->totals[i].count++;
}

static void push_recent(struct wqd_state *st, const struct wq_stall *s)
{
	st->recent[st->recent_next] = *s;
	st->recent_next = (st->recent_next + 1) % WQD_RECENT_STALLS;
	if (st->nr_recent < WQD_RECENT_STALLS)
		st->nr_recent++;
}

static void log_stall(const struct wq_stall *s, enum wq_stall_event ev)
{
	const char *what = ev == WQ_STALL_START ? "started" : "resolved";

	wq_log(ev == WQ_STALL_START ? WQ_LOG_WARN : WQ_LOG_INFO,
	       "stall %s: #%llu %s source=%s pool=%d cpu=%d workqueue=%s "
	       "function=%s tid=%d age=%.3fs threshold=%.3fs: %s%s%s\n",
	       what, (unsigned long long)s->id, wq_stall_kind__name(s->kind),
	       s->source, s->pool_id, s->cpu, s->workqueue[0] ? s->workqueue : "-",
	       s->function[0] ? s->function : "-", s->worker_tid,
	       s->age_ns / 1e9, s->threshold_ns / 1e9, s->evidence,
	       s->stack[0] ? "; stack " : "", s->stack);
}

/* The kernel source's probes, if they run: they read any task's stack
 * with CAP_BPF alone. */
static struct wq_collector *kernel_probes(struct wqd_state *st)
{
	for (size_t i = 0; i < st->nr_src; i++)
		if (st->src[i].ops == &wqd_kernel_source &&
		    st->src[i].state == WQD_SRC_UP && st->src[i].priv)
			return st->src[i].priv;
	return NULL;
}

/* Append "tid N: <stack>" for @tid to @s->stack; false once it is full.
 * Without the probes, /proc/TID/stack (it needs CAP_SYS_ADMIN). */
static bool add_stack(struct wqd_state *st, struct wq_stall *s, int32_t tid)
{
	struct wq_collector *c = kernel_probes(st);
	size_t used = strlen(s->stack);
	char frames[sizeof(s->stack)];
	int n = c ? wq_collector__stack(c, tid, frames, sizeof(frames)) :
		    wq_kstack__read(NULL, tid, frames, sizeof(frames));

	if (n == -EACCES || n == -EPERM) {
		snprintf(s->stack, sizeof(s->stack), "not readable: "
			 "/proc/TID/stack needs CAP_SYS_ADMIN, or the kernel "
			 "source enabled ([kernel] enabled = yes)");
		return false;
	}
	if (n <= 0)
		return true;	/* gone, or on a CPU right now: nothing */
	snprintf(s->stack + used, sizeof(s->stack) - used, "%stid %d: %s",
		 used ? "; " : "", tid, frames);
	return strlen(s->stack) + 1 < sizeof(s->stack);
}

/*
 * What the workers of a starting stall are doing, read once, now: the
 * worker it names (running, cpu_hog), or for a pool whose queue does not
 * move (pending, starved) the workers busy in it.  Only where tids are the
 * host's kernel threads: the kernel's probes and the refwq module.
 */
#define STACKS_PER_STALL 3

static void capture_stacks(struct wqd_state *st, struct wq_stall *s,
			   const struct wq_snapshot *cur)
{
	int n = 0;

	s->stack[0] = '\0';
	if (!cur || (strcmp(s->source, "kernel") && strncmp(s->source, "kmod", 4)))
		return;
	if (s->worker_tid > 0) {
		add_stack(st, s, s->worker_tid);
		return;
	}
	if (s->pool_id < 0)
		return;
	for (size_t i = 0; i < cur->nr_inflight && n < STACKS_PER_STALL; i++) {
		const struct wq_inflight *f = &cur->inflight[i];

		if (f->kind != WQ_INFLIGHT_RUNNING || f->pool_id != s->pool_id ||
		    f->tid <= 0)
			continue;
		n++;
		if (!add_stack(st, s, f->tid))
			break;
	}
}

/* The detector's callback; the state lock is held.  The detector's
 * records carry no stack: the one captured at the start is kept. */
static void on_event(const struct wq_stall *det, enum wq_stall_event ev,
		     void *ctx)
{
	struct wqd_state *st = ctx;
	struct wq_stall rec = *det, *s = &rec;
	size_t i;

	for (i = 0; i < st->nr_active; i++)
		if (st->active[i].id == s->id)
			break;
	if (ev == WQ_STALL_START)
		capture_stacks(st, s, st->stall_cur);
	else if (i < st->nr_active)
		memcpy(s->stack, st->active[i].stack, sizeof(s->stack));
	switch (ev) {
	case WQ_STALL_START:
		if (st->nr_active == st->cap_active) {
			size_t cap = st->cap_active ? 2 * st->cap_active : 16;
			struct wq_stall *n =
				realloc(st->active, cap * sizeof(*n));

			if (!n) {
				pr_err("out of memory: stall #%llu not listed\n",
				       (unsigned long long)s->id);
				break;
			}
			st->active = n;
			st->cap_active = cap;
		}
		st->active[st->nr_active++] = *s;
		count_start(st, s);
		log_stall(s, ev);
		break;
	case WQ_STALL_UPDATE:
		/* Once a minute of age: keep the alert alive downstream. */
		if (st->alerter && i < st->nr_active &&
		    s->age_ns / REPOST_NS != st->active[i].age_ns / REPOST_NS)
			wq_alerter__post(st->alerter, s);
		if (i < st->nr_active)
			st->active[i] = *s;
		return;
	case WQ_STALL_RESOLVE:
		if (i < st->nr_active)
			st->active[i] = st->active[--st->nr_active];
		push_recent(st, s);
		log_stall(s, ev);
		break;
	}
	/* Never blocks: the sinks deliver on their own threads. */
	if (st->alerter && wq_alerter__post(st->alerter, s) == -ENOSPC)
		pr_warn("alert queue full: stall #%llu not sent\n",
			(unsigned long long)s->id);
}

/* Once: a source that sends garbage would send it every interval. */
static void log_refused(const struct wq_stall *s, const char *what)
{
	pr_warn("stall not raised: %s %s source=%s pool=%d workqueue=%s "
		"function=%s: %s; further ones are counted, not logged\n",
		what, wq_stall_kind__name(s->kind), s->source, s->pool_id,
		s->workqueue[0] ? s->workqueue : "-",
		s->function[0] ? s->function : "-", s->evidence);
}

void wqd_stalls__check(struct wqd_state *st, const struct wqd_source *s,
		       const struct wq_snapshot *view)
{
	uint64_t refused = wq_stall_detector__refused(st->detector, NULL);
	const struct wq_stall *first;

	st->stall_cur = s->stream.cur;
	if (wq_stall_detector__update(st->detector, &st->cfg.stalls, s->stream.cur,
				      view, wq_clock_ns(CLOCK_REALTIME), on_event, st))
		pr_warn("stall detection skipped an interval: out of memory\n");
	st->stall_cur = NULL;
	if (!refused && wq_stall_detector__refused(st->detector, &first))
		log_refused(first, "impossible value in a");
}

void wqd_stalls__forget(struct wqd_state *st, const char *source)
{
	wq_stall_detector__forget(st->detector, source, wq_clock_ns(CLOCK_REALTIME), on_event,
				  st);
}

void wqd_stalls__read_kmsg(struct wqd_state *st)
{
	static uint64_t next_id = 1ULL << 62;	/* apart from the detector's */
	static struct wq_kmsg_joiner joiner;	/* one /dev/kmsg reader */
	static uint64_t refused;
	char rec[WQ_KMSG_RECORD_MAX];
	struct wq_kmsg_record r;
	struct wq_kmsg_report k;
	struct wq_stall s;
	const char *msg;
	uint64_t seen;
	ssize_t n;

	if (st->kmsg_fd < 0)
		return;
	for (;;) {
		n = read(st->kmsg_fd, rec, sizeof(rec));
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten before we read it */
		if (n <= 0)
			return;
		/* The kernel's own only: what a process writes to /dev/kmsg
		 * never has facility 0. */
		if (wq_kmsg_record__parse(rec, (size_t)n, &r) || r.facility)
			continue;
		msg = wq_kmsg_joiner__feed(&joiner, &r);
		if (!msg || !wq_kmsg__parse(msg, &k))
			continue;
		wq_stall__from_kmsg(&s, &k);
		/* Nothing was stuck for longer than the kernel has run (its
		 * jiffies and the record's clock both count from boot; 1 s
		 * for the rounding between them). */
		seen = r.ts_us < (UINT64_MAX - 1000000000ULL) / 1000 ?
			       r.ts_us * 1000 + 1000000000ULL : 0;
		if (!wq_stall__possible(s.age_ns, seen)) {
			if (!refused++)
				log_refused(&s, "impossible age in a kernel "
					    "report,");
			continue;
		}
		s.id = next_id++;
		s.start_real_ns = wq_clock_ns(CLOCK_REALTIME);
		pthread_mutex_lock(&st->lock);
		/* A report is an event: it starts and ends at once. */
		s.state = WQ_STALL_FIRING;
		on_event(&s, WQ_STALL_START, st);
		s.state = WQ_STALL_RESOLVED;
		s.end_real_ns = s.start_real_ns;
		on_event(&s, WQ_STALL_RESOLVE, st);
		pthread_mutex_unlock(&st->lock);
	}
}
