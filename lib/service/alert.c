// SPDX-License-Identifier: GPL-2.0
/*
 * Alert sinks (alert.h, docs/ALERTS.md).
 *
 * Locking: one mutex, wq_alerter.lock, guards every queue, the stats, the
 * seen-ids ring and the stop state.  It is never held across I/O: a
 * delivery thread copies the head record out, unlocks, delivers, and locks
 * again to count the result.  So post() waits at most for a queue
 * operation, never for a sink.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "alert_payload.h"
#include "http_client.h"
#include "log.h"
#include "wqtime.h"

#define SEEN_LEN                                                               \
	1024 /* stalls firing at once we tell starts from updates for */
#define KILL_GRACE_MS 1000 /* SIGTERM -> SIGKILL */
#define STOP_SLICE_MS 100 /* how soon a sink notices a stop deadline */

/* ---- the alerter ---- */

struct sink {
	struct wq_alerter *a;
	enum wq_alert_sink kind;
	pthread_t thread; /* joined by stop */
	bool started; /* thread running */
	bool busy; /* lock: a record is in delivery */
	struct wq_alert_queue q; /* lock */
	pthread_cond_t wake; /* lock: queued, or stop */
	struct wq_alert_sink_stats st; /* lock */
};

struct wq_alerter {
	struct wq_alert_opts o; /* strings point into the copies below */
	char **argv;
	char *webhook_url, *name, *generator_url;
	struct wq_http_url url;
	pthread_mutex_t lock;
	pthread_cond_t idle; /* lock: some sink went idle or stopped */
	bool stopping; /* lock */
	bool stopped;
	uint64_t deadline_ns; /* lock: of stop */
	struct sink sink[WQ_ALERT_NR];
	struct {
		uint64_t id;
		bool used;
	} seen[SEEN_LEN]; /* lock: firing stalls already posted */
	unsigned int seen_next; /* lock */
};

static struct timespec abs_ts(uint64_t ns)
{
	return (struct timespec){.tv_sec = ns / 1000000000ULL,
				 .tv_nsec = ns % 1000000000ULL};
}

/* Whether a stopping alerter's time is up: deliveries abort. */
static bool expired(struct wq_alerter *a)
{
	bool r;

	pthread_mutex_lock(&a->lock);
	r = a->stopping && wq_clock_ns(CLOCK_MONOTONIC) >= a->deadline_ns;
	pthread_mutex_unlock(&a->lock);
	return r;
}

static const char *stall_str(const struct wq_stall *s, char *buf, size_t len)
{
	snprintf(buf, len, "stall %llu (%s, %s)", (unsigned long long)s->id,
		 wq_stall_kind__name(s->kind),
		 s->state == WQ_STALL_RESOLVED ? "resolved" : "firing");
	return buf;
}

static bool cancelled(void *ctx)
{
	return expired(ctx);
}

/* POST the body; Return: the HTTP status, or -errno. */
static int http_post(struct wq_alerter *a, const char *body)
{
	struct wq_http_req req = {
		.method = "POST",
		.content_type = "application/json",
		.body = body,
		.body_len = strlen(body),
		.timeout_ms = a->o.webhook_timeout_ms,
		.cancel = cancelled,
		.cancel_ctx = a,
	};
	int status, err;

	err = wq_http__request(&a->url, &req, &status, NULL, NULL);
	return err ? err : status;
}

/* Sleep until until_ns, or a stop's deadline.  Return: false if stopped. */
static bool backoff_wait(struct sink *k, uint64_t until_ns)
{
	struct wq_alerter *a = k->a;
	struct timespec ts;
	bool ok = true;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		uint64_t now = wq_clock_ns(CLOCK_MONOTONIC), end = until_ns;

		if (a->stopping && now >= a->deadline_ns) {
			ok = false;
			break;
		}
		if (now >= until_ns)
			break;
		if (a->stopping && a->deadline_ns < end)
			end = a->deadline_ns;
		ts = abs_ts(end);
		pthread_cond_timedwait(&k->wake, &a->lock, &ts);
	}
	pthread_mutex_unlock(&a->lock);
	return ok;
}

static uint64_t wait_ns(struct wq_alerter *a, unsigned int attempt)
{
	return wq_alert__backoff_ms(&a->o.retry, attempt) * 1000000ULL;
}

static void deliver_webhook(struct sink *k, const struct wq_alert_item *it)
{
	struct wq_alerter *a = k->a;
	unsigned int attempt = 1;
	char sb[80];
	char *body;
	int r;

	body = wq_alert__payload(&it->s, &a->o, wq_clock_ns(CLOCK_REALTIME));
	for (;;) {
		uint64_t age_ms;
		bool newer;

		r = body ? http_post(a, body) : -ENOMEM;
		if (r >= 200 && r < 300) {
			pthread_mutex_lock(&a->lock);
			k->st.sent++;
			pthread_mutex_unlock(&a->lock);
			pr_debug("alert: webhook: %s sent\n",
				 stall_str(&it->s, sb, sizeof(sb)));
			break;
		}
		age_ms = (wq_clock_ns(CLOCK_MONOTONIC) - it->enq_ns) / 1000000;
		pthread_mutex_lock(&a->lock);
		/* A newer record of this stall is queued: it says more. */
		newer = wq_alert_queue__has(&k->q, it->s.id) &&
			it->s.state == WQ_STALL_FIRING;
		if (newer)
			k->st.coalesced++;
		pthread_mutex_unlock(&a->lock);
		if (newer)
			break;
		if (!body || wq_alert__give_up(&a->o.retry, attempt, age_ms) ||
		    !backoff_wait(k, wq_clock_ns(CLOCK_MONOTONIC) + wait_ns(a, attempt + 1))) {
			pthread_mutex_lock(&a->lock);
			k->st.failed++;
			pthread_mutex_unlock(&a->lock);
			if (r < 0)
				pr_warn("alert: webhook %s: %s not delivered "
					"after %u attempts: %s\n",
					a->webhook_url,
					stall_str(&it->s, sb, sizeof(sb)),
					attempt, strerror(-r));
			else
				pr_warn("alert: webhook %s: %s not delivered "
					"after %u attempts: HTTP %d\n",
					a->webhook_url,
					stall_str(&it->s, sb, sizeof(sb)),
					attempt, r);
			break;
		}
		attempt++;
		pthread_mutex_lock(&a->lock);
		k->st.retried++;
		pthread_mutex_unlock(&a->lock);
		if (r < 0)
			pr_debug("alert: webhook: retry %u: %s\n", attempt,
				 strerror(-r));
		else
			pr_debug("alert: webhook: retry %u: HTTP %d\n", attempt,
				 r);
	}
	free(body);
}

static void kill_group(pid_t pid, int sig)
{
	/* The hook leads its own process group: its children go too. */
	if (kill(-pid, sig) && errno == ESRCH)
		kill(pid, sig);
}

/* What a hook prints: the first lines go to the log, the rest is read
 * and dropped (counted), so a hook that prints forever neither fills the
 * log nor blocks on a full pipe. */
struct hook_out {
	char keep[WQ_HOOK_OUT_BYTES + 1];
	size_t len;		/* bytes kept */
	unsigned int lines;	/* newlines kept */
	uint64_t dropped;	/* bytes read past the limits */
};

static void hook_out__add(struct hook_out *h, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (h->lines >= WQ_HOOK_OUT_LINES || h->len >= WQ_HOOK_OUT_BYTES) {
			h->dropped += n - i;
			return;
		}
		h->keep[h->len++] = buf[i];
		if (buf[i] == '\n')
			h->lines++;
	}
}

/* Read what is there now, at most 1 MiB a call (the caller checks its
 * deadline in between).  Return: 0 at end of file, 1 otherwise. */
static int hook_out__read(struct hook_out *h, int fd)
{
	char buf[16384];
	size_t total = 0;

	while (total < (1U << 20)) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n == 0)
			return 0;
		if (n < 0)
			return errno == EINTR || errno == EAGAIN ? 1 : 0;
		hook_out__add(h, buf, n);
		total += n;
	}
	return 1;
}

static void hook_out__log(const struct hook_out *h, const char *hook)
{
	char line[WQ_HOOK_OUT_BYTES + 1];
	size_t i = 0;

	while (i < h->len) {
		size_t j = 0;

		while (i < h->len && h->keep[i] != '\n') {
			unsigned char c = h->keep[i++];

			line[j++] = c >= 0x20 && c != 0x7f ? c : '?';
		}
		i++;	/* the newline */
		line[j] = '\0';
		pr_info("alert: hook %s: %s\n", hook, line);
	}
	if (h->dropped)
		pr_warn("alert: hook %s: %llu more bytes of output dropped (the "
			"log keeps the first %u lines, %u bytes)\n", hook,
			(unsigned long long)h->dropped, WQ_HOOK_OUT_LINES,
			WQ_HOOK_OUT_BYTES);
}

/* Run the hook once, its stdout and stderr into a pipe we read.  Return:
 * its wait status, or -errno (-ETIMEDOUT: killed at its timeout). */
static int run_hook(struct wq_alerter *a, const struct wq_stall *s)
{
	uint64_t deadline = wq_clock_ns(CLOCK_MONOTONIC) + a->o.exec_timeout_ms * 1000000ULL;
	uint64_t kill_at = 0;
	extern char **environ;
	int status, sig = 0, p[2], open_out;
	struct hook_out *out;
	char **env;
	pid_t pid;

	out = calloc(1, sizeof(*out));
	if (!out)
		return -ENOMEM;
	if (pipe2(p, O_CLOEXEC)) {
		int err = -errno;

		free(out);
		return err;
	}
	env = wq_alert__env(s, environ);
	if (!env) {
		close(p[0]);
		close(p[1]);
		free(out);
		return -ENOMEM;
	}
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		wq_alert__env_free(env);
		close(p[0]);
		close(p[1]);
		free(out);
		return err;
	}
	if (!pid) {
		/* Only async-signal-safe calls from here: we are a copy of a
		 * threaded process. */
		int fd = open("/dev/null", O_RDWR);

		setsid();
		if (fd >= 0 && dup2(fd, 0) >= 0 && fd != 0)
			close(fd);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execve(a->argv[0], a->argv, env);
		_exit(127);
	}
	wq_alert__env_free(env);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	open_out = 1;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			/* SIGCHLD ignored: the child is reaped by the kernel. */
			status = -errno;
			goto out;
		}
		if (!sig && (now >= deadline || expired(a))) {
			sig = SIGTERM;
			kill_group(pid, sig);
			kill_at = now + KILL_GRACE_MS * 1000000ULL;
		} else if (sig == SIGTERM && now >= kill_at) {
			sig = SIGKILL;
			kill_group(pid, sig);
		}
		if (open_out) {
			struct pollfd pf = { .fd = p[0], .events = POLLIN };

			if (poll(&pf, 1, 10) > 0)
				open_out = hook_out__read(out, p[0]);
		} else {
			usleep(10000);
		}
	}
	if (sig)
		kill_group(pid, SIGKILL); /* what it left behind */
	/* What is left in the pipe; not waiting for a child it left behind
	 * that still holds the pipe open. */
	if (open_out)
		hook_out__read(out, p[0]);
	status = sig ? -ETIMEDOUT : status;
out:
	close(p[0]);
	hook_out__log(out, a->argv[0]);
	free(out);
	return status;
}

static void deliver_exec(struct sink *k, const struct wq_alert_item *it)
{
	struct wq_alerter *a = k->a;
	uint64_t t0 = wq_clock_ns(CLOCK_MONOTONIC);
	char sb[80];
	int st = run_hook(a, &it->s);
	bool ok = st >= 0 && WIFEXITED(st) && !WEXITSTATUS(st);
	unsigned int ms = (wq_clock_ns(CLOCK_MONOTONIC) - t0) / 1000000;

	stall_str(&it->s, sb, sizeof(sb));
	if (st == -ETIMEDOUT)
		pr_warn("alert: hook %s for %s killed after its timeout (%u "
			"ms)\n",
			a->argv[0], sb, a->o.exec_timeout_ms);
	else if (st < 0)
		pr_warn("alert: hook %s for %s: %s\n", a->argv[0], sb,
			strerror(-st));
	else if (WIFSIGNALED(st))
		pr_warn("alert: hook %s for %s: killed by signal %d\n",
			a->argv[0], sb, WTERMSIG(st));
	else if (WEXITSTATUS(st))
		pr_warn("alert: hook %s for %s: exit status %d%s\n", a->argv[0],
			sb, WEXITSTATUS(st),
			WEXITSTATUS(st) == 127 ? " (cannot execute?)" : "");
	else
		pr_info("alert: hook %s for %s: exit 0 (%u ms)\n", a->argv[0],
			sb, ms);
	pthread_mutex_lock(&a->lock);
	if (ok)
		k->st.sent++;
	else
		k->st.failed++;
	pthread_mutex_unlock(&a->lock);
}

static void *sink_thread(void *arg)
{
	struct sink *k = arg;
	struct wq_alerter *a = k->a;
	struct wq_alert_item it;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (!k->q.n && !a->stopping)
			pthread_cond_wait(&k->wake, &a->lock);
		if (a->stopping && (!k->q.n || wq_clock_ns(CLOCK_MONOTONIC) >= a->deadline_ns))
			break;
		wq_alert_queue__pop(&k->q, &it);
		k->busy = true;
		pthread_mutex_unlock(&a->lock);
		if (k->kind == WQ_ALERT_EXEC)
			deliver_exec(k, &it);
		else
			deliver_webhook(k, &it);
		pthread_mutex_lock(&a->lock);
		k->busy = false;
		pthread_cond_broadcast(&a->idle);
	}
	/* Time is up: what is left is dropped, and counted. */
	k->st.dropped += k->q.n;
	k->q.n = 0;
	pthread_cond_broadcast(&a->idle);
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

static char *dup_opt(const char *s, bool *failed)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*failed = true;
	return d;
}

struct wq_alerter *wq_alerter__new(const struct wq_alert_opts *o)
{
	struct wq_alerter *a = calloc(1, sizeof(*a));
	pthread_condattr_t ca;
	bool failed = false;
	size_t n = 0, i;
	int err = -ENOMEM;

	if (!a)
		return NULL;
	a->o = *o;
	pthread_mutex_init(&a->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->idle, &ca);
	for (i = 0; i < WQ_ALERT_NR; i++) {
		a->sink[i].a = a;
		a->sink[i].kind = i;
		pthread_cond_init(&a->sink[i].wake, &ca);
	}
	pthread_condattr_destroy(&ca);

	if (!a->o.queue_len)
		a->o.queue_len = 256;
	if (!a->o.exec_timeout_ms)
		a->o.exec_timeout_ms = 10000;
	if (!a->o.webhook_timeout_ms)
		a->o.webhook_timeout_ms = 5000;
	if (!a->o.retry.initial_ms)
		a->o.retry.initial_ms = 1000;
	if (a->o.retry.max_ms < a->o.retry.initial_ms)
		a->o.retry.max_ms = a->o.retry.initial_ms > 60000
					    ? a->o.retry.initial_ms
					    : 60000;
	if (!a->o.retry.max_attempts && !a->o.retry.max_age_ms)
		a->o.retry.max_age_ms = 600000;

	if (o->exec_argv && o->exec_argv[0]) {
		if (o->exec_argv[0][0] != '/') {
			pr_err("alert: hook '%s' is not an absolute path\n",
			       o->exec_argv[0]);
			err = -EINVAL;
			goto fail;
		}
		while (o->exec_argv[n])
			n++;
		a->argv = calloc(n + 1, sizeof(*a->argv));
		if (!a->argv)
			goto fail;
		for (i = 0; i < n && !failed; i++)
			a->argv[i] = dup_opt(o->exec_argv[i], &failed);
		a->o.exec_argv = a->argv;
	} else {
		a->o.exec_argv = NULL;
	}
	if (o->webhook_url && o->webhook_url[0]) {
		if (wq_http_url__parse(o->webhook_url, &a->url) ||
		    a->url.local) {
			pr_err("alert: bad webhook URL '%s': want "
			       "http://host[:port]/path\n",
			       o->webhook_url);
			err = -EINVAL;
			goto fail;
		}
		a->webhook_url = dup_opt(o->webhook_url, &failed);
		a->o.webhook_url = a->webhook_url;
	} else {
		a->o.webhook_url = NULL;
	}
	a->name = dup_opt(o->name, &failed);
	a->o.name = a->name;
	a->generator_url = dup_opt(o->generator_url, &failed);
	a->o.generator_url = a->generator_url;
	if (failed)
		goto fail;

	a->sink[WQ_ALERT_EXEC].st.enabled = a->o.exec_argv;
	a->sink[WQ_ALERT_WEBHOOK].st.enabled = a->o.webhook_url;
	for (i = 0; i < WQ_ALERT_NR; i++) {
		struct sink *k = &a->sink[i];

		if (!k->st.enabled)
			continue;
		err = wq_alert_queue__init(&k->q, a->o.queue_len);
		if (err)
			goto fail;
		err = -pthread_create(&k->thread, NULL, sink_thread, k);
		if (err)
			goto fail;
		k->started = true;
	}
	return a;
fail:
	wq_alerter__stop(a, 0);
	wq_alerter__free(a);
	errno = -err;
	return NULL;
}

static bool seen__test_and_set(struct wq_alerter *a, uint64_t id, bool firing)
{
	unsigned int i;

	for (i = 0; i < SEEN_LEN; i++) {
		if (a->seen[i].used && a->seen[i].id == id) {
			if (!firing)
				a->seen[i].used = false;
			return true;
		}
	}
	if (firing) {
		/* Full of stalls that never resolved: the oldest goes; its
		 * updates then count as starts, which only protects them. */
		a->seen[a->seen_next].id = id;
		a->seen[a->seen_next].used = true;
		a->seen_next = (a->seen_next + 1) % SEEN_LEN;
	}
	return false;
}

int wq_alerter__post(struct wq_alerter *a, const struct wq_stall *s)
{
	uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);
	bool update;
	int i, r = 0;

	pthread_mutex_lock(&a->lock);
	if (a->stopping) {
		pthread_mutex_unlock(&a->lock);
		return -ESHUTDOWN;
	}
	update = seen__test_and_set(a, s->id, s->state == WQ_STALL_FIRING) &&
		 s->state == WQ_STALL_FIRING;
	for (i = 0; i < WQ_ALERT_NR; i++) {
		struct sink *k = &a->sink[i];

		if (!k->started)
			continue;
		if (wq_alert_queue__push(&k->q, s, update, now))
			r = -ENOSPC;
		pthread_cond_signal(&k->wake);
	}
	pthread_mutex_unlock(&a->lock);
	return r;
}

static bool idle_locked(struct wq_alerter *a)
{
	int i;

	for (i = 0; i < WQ_ALERT_NR; i++)
		if (a->sink[i].started && (a->sink[i].q.n || a->sink[i].busy))
			return false;
	return true;
}

int wq_alerter__flush(struct wq_alerter *a, unsigned int timeout_ms)
{
	struct timespec ts = abs_ts(wq_clock_ns(CLOCK_MONOTONIC) + timeout_ms * 1000000ULL);
	int r = 0;

	pthread_mutex_lock(&a->lock);
	while (!idle_locked(a) && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&a->idle, &a->lock, &ts);
	r = idle_locked(a) ? 0 : -ETIMEDOUT;
	pthread_mutex_unlock(&a->lock);
	return r;
}

void wq_alerter__stats(struct wq_alerter *a, struct wq_alert_stats *out)
{
	int i;

	pthread_mutex_lock(&a->lock);
	for (i = 0; i < WQ_ALERT_NR; i++) {
		struct sink *k = &a->sink[i];

		out->sink[i] = k->st;
		out->sink[i].dropped += k->q.dropped;
		out->sink[i].coalesced += k->q.coalesced;
		out->sink[i].queued = k->q.n + k->busy;
	}
	pthread_mutex_unlock(&a->lock);
}

static uint64_t dropped_at_stop(struct wq_alerter *a)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < WQ_ALERT_NR; i++)
		n += a->sink[i].st.dropped;
	return n;
}

int wq_alerter__stop(struct wq_alerter *a, unsigned int timeout_ms)
{
	uint64_t before;
	int i;

	if (a->stopped)
		return 0;
	pthread_mutex_lock(&a->lock);
	before = dropped_at_stop(a);
	a->stopping = true;
	a->deadline_ns = wq_clock_ns(CLOCK_MONOTONIC) + timeout_ms * 1000000ULL;
	for (i = 0; i < WQ_ALERT_NR; i++)
		pthread_cond_broadcast(&a->sink[i].wake);
	pthread_mutex_unlock(&a->lock);
	for (i = 0; i < WQ_ALERT_NR; i++) {
		if (a->sink[i].started)
			pthread_join(a->sink[i].thread, NULL);
		a->sink[i].started = false;
	}
	a->stopped = true;
	return dropped_at_stop(a) > before ? -ETIMEDOUT : 0;
}

void wq_alerter__free(struct wq_alerter *a)
{
	char **p;
	int i;

	if (!a)
		return;
	wq_alerter__stop(a, 1000);
	for (i = 0; i < WQ_ALERT_NR; i++) {
		wq_alert_queue__fini(&a->sink[i].q);
		pthread_cond_destroy(&a->sink[i].wake);
	}
	pthread_cond_destroy(&a->idle);
	pthread_mutex_destroy(&a->lock);
	for (p = a->argv; p && *p; p++)
		free(*p);
	free(a->argv);
	free(a->webhook_url);
	free(a->name);
	free(a->generator_url);
	free(a);
}
