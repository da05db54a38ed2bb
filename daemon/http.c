// SPDX-License-Identifier: GPL-2.0
/*
 * wqmond's HTTP API (docs/API.md), served by libmicrohttpd on a TCP address
 * and on the local socket.  We create the listening sockets ourselves so
 * that IPv4, IPv6 and AF_UNIX go through one path.
 *
 * GET and HEAD only; everything else is 405.  libmicrohttpd bounds what a
 * client can make us hold: header size (connection memory limit, answered
 * with 431), connections (limit, further ones refused) and idle time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <json-c/json.h>
#include <limits.h>
#include <linux/openat2.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "assets.h"
#include "conn_guard.h"
#include "http.h"
#include "query.h"
#include "json.h"
#include "jsonout.h"
#include "log.h"
#include "metrics.h"
#include "stall_json.h"
#include "text.h"
#include "web_config.h"
#include "wqtime.h"

/* libmicrohttpd changed the handler's return type in 0.9.71. */
#if MHD_VERSION >= 0x00097002
#define MHD_RESULT enum MHD_Result
#else
#define MHD_RESULT int
#endif

#define CONN_MEMORY_LIMIT (32 * 1024)	/* request line + headers */
#define CONN_TIMEOUT_S 30
/*
 * History answers are as large as the ring (16 MB by default) and live
 * until the client has read them all: at most this many at once, so a crowd
 * of clients that never read cannot multiply the ring in memory.
 */
#define MAX_HISTORY_BODIES 2

/*
 * One libmicrohttpd daemon on a listening socket, with the TLS and
 * passwords it was started with.  A reload that changes them starts a new
 * one on the same socket and retires the old: it takes no new client and
 * is stopped once its own have gone (the guard's deadlines bound that).
 */
struct served {
	struct wqd_state *st;
	struct MHD_Daemon *d;
	struct wqd_web_config *web;	/* NULL: plain HTTP, no password */
	uint64_t retired_ns;		/* 0: serving */
};

#define MAX_RETIRED 8
#define RETIRED_MAX_NS ((WQD_ANSWER_DEADLINE_S + 10) * 1000000000ull)

struct listener {
	struct served *cur;
	struct wqd_guard *guard;
	size_t limit;
	const char *name;		/* "listen" or "socket", for the log */
	const char *web_key;		/* its web config's key */
};

struct wqd_http {
	struct listener tcp, local;
	struct served *retired[MAX_RETIRED];
	char socket_path[108];
	struct stat socket_st;	/* the socket file we made, to remove only it */
};

struct reply {
	unsigned int status;
	const char *type;
	char *body;		/* malloc'd, or NULL with static_body */
	const char *static_body;
	size_t len;
	const char *allow;	/* for 405 */
	bool asset;		/* a dashboard file: cacheable, with a CSP */
	bool history;		/* counts in history_bodies until freed */
	const char *retry_after;	/* for 503 and 429 */
	bool challenge;		/* 401: ask for basic auth */
	struct MHD_Response *stream;	/* made already: a slow stream */
};

static atomic_int history_bodies;	/* history answers alive */

static void history_body_free(void *buf)
{
	free(buf);
	atomic_fetch_sub(&history_bodies, 1);
}

const char *wqd_http__mime(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "application/javascript; charset=utf-8" },
		{ ".mjs", "application/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

int wqd_http__wants_openmetrics(const char *accept)
{
	return accept && strstr(accept, "application/openmetrics-text") != NULL;
}

static void error_reply(struct reply *r, unsigned int status,
			const char *what, const char *hint)
{
	struct json_object *o = json_object_new_object();
	const char *s;

	r->status = status;
	r->type = "application/json";
	if (o) {
		json_object_object_add(o, "error", json_object_new_string(what));
		json_object_object_add(o, "hint", json_object_new_string(hint));
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		r->body = s ? strdup(s) : NULL;
		json_object_put(o);
	}
	if (!r->body) {
		r->static_body = "{\"error\":\"out of memory\"}";
		r->status = 500;
	}
	r->len = r->body ? strlen(r->body) : strlen(r->static_body);
}

/* Bodies are written into a memstream; a failed one becomes a 500. */
struct body {
	FILE *f;
	char *buf;
	size_t len;
};

static int body_open(struct body *b)
{
	b->buf = NULL;
	b->len = 0;
	b->f = open_memstream(&b->buf, &b->len);
	return b->f ? 0 : -ENOMEM;
}

static void body_close(struct body *b, struct reply *r, unsigned int status,
		       const char *type, int err)
{
	if (b->f && fclose(b->f))
		err = err ?: -ENOMEM;
	if (err) {
		free(b->buf);
		error_reply(r, 500, "cannot render the reply",
			    "the daemon is short of memory; see its log");
		return;
	}
	r->status = status;
	r->type = type;
	r->body = b->buf;
	r->len = b->len;
}

static void put_json_snapshot(FILE *f, const struct wq_snapshot *s, int flags,
			      int *err)
{
	char *j = wq_json__render(s, flags);

	if (!j) {
		*err = -ENOMEM;
		return;
	}
	fputs(j, f);
	free(j);
}

static void do_snapshot(struct wqd_state *st, struct reply *r)
{
	struct body b;
	int err = body_open(&b), n = 0;

	if (err)
		return error_reply(r, 500, "out of memory", "see the log");
	fprintf(b.f,
		"{\"format\":\"wqmon-snapshot\",\"version\":1,\"daemon\":{"
		"\"version\":\"%s\",\"started_real_ns\":%llu,"
		"\"interval_ns\":%llu},\"snapshots\":[",
		WQMON_VERSION, (unsigned long long)st->started_real_ns,
		(unsigned long long)st->cfg.interval_ns);
	for (size_t i = 0; i < st->nr_src && !err; i++) {
		if (st->src[i].state != WQD_SRC_UP || !st->src[i].stream.cur)
			continue;
		if (n++)
			fputc(',', b.f);
		put_json_snapshot(b.f, st->src[i].stream.cur, 0, &err);
	}
	fputs("]}", b.f);
	body_close(&b, r, 200, "application/json", err);
}

static void do_history(struct wqd_state *st, struct MHD_Connection *c,
		       struct reply *r)
{
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
							"since");
	uint64_t since_ns = 0;
	struct body b;

	if (since) {
		if (wqd_query__since(since, &since_ns))
			return error_reply(r, 400, "bad 'since'",
					   "give the mono_ns of the last view "
					   "you have, e.g. ?since=0");
	}
	if (atomic_fetch_add(&history_bodies, 1) >= MAX_HISTORY_BODIES) {
		atomic_fetch_sub(&history_bodies, 1);
		r->retry_after = "1";
		return error_reply(r, 503, "busy: too many history answers in "
				   "flight", "retry after a second");
	}
	if (body_open(&b)) {
		atomic_fetch_sub(&history_bodies, 1);
		return error_reply(r, 500, "out of memory", "see the log");
	}
	fprintf(b.f,
		"{\"format\":\"wqmon-history\",\"version\":1,"
		"\"interval_ns\":%llu,\"views\":[",
		(unsigned long long)st->cfg.interval_ns);
	wqd_history__write(st->history, since_ns, b.f);
	fputs("]}", b.f);
	body_close(&b, r, 200, "application/json", 0);
	if (r->status == 200)
		r->history = true;
	else
		atomic_fetch_sub(&history_bodies, 1);
}

static void do_sources(struct wqd_state *st, struct reply *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	const char *s;

	for (size_t i = 0; o && a && i < st->nr_src; i++) {
		const struct wqd_source *x = &st->src[i];
		struct json_object *e = json_object_new_object();

		if (!e)
			break;
		json_object_object_add(e, "name", json_object_new_string(x->name));
		json_object_object_add(e, "kind",
				       json_object_new_string(x->ops->kind));
		json_object_object_add(
			e, "state",
			json_object_new_string(wqd_source__state_name(x->state)));
		json_object_object_add(e, "last_error",
				       json_object_new_string(x->error));
		if (x->ops == &wqd_refwq_source)
			json_object_object_add(
				e, "owner_uid",
				json_object_new_uint64(x->owner_uid));
		json_object_object_add(e, "last_scrape_ns",
				       json_object_new_uint64(x->scrape_ns));
		json_object_object_add(e, "scrapes",
				       json_object_new_uint64(x->scrapes));
		json_object_object_add(e, "failures",
				       json_object_new_uint64(x->failures));
		json_object_array_add(a, e);
	}
	if (o && a) {
		json_object_object_add(o, "format",
				       json_object_new_string("wqmon-sources"));
		json_object_object_add(o, "version", json_object_new_int(1));
		json_object_object_add(o, "sources", a);
		a = NULL;
	}
	s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) :
		NULL;
	r->body = s ? strdup(s) : NULL;
	json_object_put(o);
	json_object_put(a);
	if (!r->body)
		return error_reply(r, 500, "out of memory", "see the log");
	r->status = 200;
	r->type = "application/json";
	r->len = strlen(r->body);
}

/* The workqueue configuration (wqmon-config, FORMAT.md); 503 with the
 * reason while there is none. */
static void do_config(struct wqd_state *st, struct reply *r)
{
	struct json_object *o;
	const char *s;

	if (!st->kconfig.have)
		return error_reply(r, 503, st->kconfig.error,
				   "the configuration is read by the kernel "
				   "source as root ([kernel] config_interval)");
	o = wq_config__to_json(&st->kconfig.cur);
	s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					       JSON_C_TO_STRING_NOSLASHESCAPE) :
		NULL;
	r->body = s ? strdup(s) : NULL;
	json_object_put(o);
	if (!r->body)
		return error_reply(r, 500, "out of memory", "see the log");
	r->status = 200;
	r->type = "application/json";
	r->len = strlen(r->body);
}

/* Delivery counters of the alert sinks ({} when none is configured). */
static struct json_object *sinks_json(struct wqd_state *st)
{
	static const char *const names[WQ_ALERT_NR] = { "exec", "webhook" };
	struct json_object *o = json_object_new_object();
	struct wq_alert_stats as;

	if (!o || !st->alerter)
		return o;
	wq_alerter__stats(st->alerter, &as);
	for (int k = 0; k < WQ_ALERT_NR; k++) {
		const struct wq_alert_sink_stats *x = &as.sink[k];
		struct json_object *e;

		if (!x->enabled || !(e = json_object_new_object()))
			continue;
		json_object_object_add(e, "sent", json_object_new_uint64(x->sent));
		json_object_object_add(e, "failed",
				       json_object_new_uint64(x->failed));
		json_object_object_add(e, "retried",
				       json_object_new_uint64(x->retried));
		json_object_object_add(e, "dropped",
				       json_object_new_uint64(x->dropped));
		json_object_object_add(e, "queued",
				       json_object_new_uint64(x->queued));
		json_object_object_add(o, names[k], e);
	}
	return o;
}

static void do_stalls(struct wqd_state *st, struct reply *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *act = json_object_new_array();
	struct json_object *rec = json_object_new_array();
	/* The rules in force, so that every face says what a stall is. */
	struct json_object *rules,
		*thr = wq_stall_json__rules(&st->cfg.stalls, &rules);
	const char *s;

	for (size_t i = 0; act && i < st->nr_active; i++)
		json_object_array_add(act,
				      wq_stall_json__stall(&st->active[i]));
	/* Newest first. */
	for (size_t i = 0; rec && i < st->nr_recent; i++) {
		size_t k = (st->recent_next + WQD_RECENT_STALLS - 1 - i) %
			   WQD_RECENT_STALLS;

		json_object_array_add(rec,
				      wq_stall_json__stall(&st->recent[k]));
	}
	if (o && act && rec) {
		json_object_object_add(o, "format",
				       json_object_new_string("wqmon-stalls"));
		json_object_object_add(o, "version", json_object_new_int(1));
		json_object_object_add(o, "active", act);
		json_object_object_add(o, "recent", rec);
		json_object_object_add(o, "sinks", sinks_json(st));
		json_object_object_add(o, "thresholds_ns", thr);
		json_object_object_add(o, "rules", rules);
		act = rec = thr = rules = NULL;
	}
	s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) :
		NULL;
	r->body = s ? strdup(s) : NULL;
	json_object_put(o);
	json_object_put(act);
	json_object_put(rec);
	json_object_put(thr);
	json_object_put(rules);
	if (!r->body)
		return error_reply(r, 500, "out of memory", "see the log");
	r->status = 200;
	r->type = "application/json";
	r->len = strlen(r->body);
}

/* ---- slow records (docs/SLOW.md) ---- */

struct slow_args {
	struct wqd_slow_query q;
	bool stream;
	bool failed;
	char err[256];
};

static MHD_RESULT slow_arg(void *cls, enum MHD_ValueKind kind,
			   const char *key, const char *value)
{
	struct slow_args *a = cls;

	(void)kind;
	if (wqd_query__slow(&a->q, a->stream, key, value, a->err,
			    sizeof(a->err))) {
		a->failed = true;
		return MHD_NO;
	}
	return MHD_YES;
}

static int slow_query(struct MHD_Connection *c, bool stream,
		      struct slow_args *a)
{
	memset(a, 0, sizeof(*a));
	a->stream = stream;
	a->q.limit = WQD_SLOW_LIMIT_DEFAULT;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, slow_arg, a);
	return a->failed ? -EINVAL : 0;
}

static const char slow_off_hint[] =
	"the kernel source is off, or every [slow] threshold is off "
	"(wqmond.conf(5), docs/SLOW.md)";

static size_t slow_streams(void);

static void do_slow(struct wqd_state *st, struct MHD_Connection *c,
		    struct reply *r)
{
	struct wq_jout o = { 0 };
	struct json_object *root, *list;
	struct wq_slow *recs;
	struct slow_args a;
	const char *s;
	size_t n;

	if (slow_query(c, false, &a))
		return error_reply(r, 400, a.err, "e.g. /api/v1/slow?limit=20"
				   "&workqueue=events&function=*fsync*");
	if (!st->slow)
		return error_reply(r, 404, "slow records are off",
				   slow_off_hint);
	if (a.q.limit > st->cfg.slow_keep)
		a.q.limit = st->cfg.slow_keep;
	recs = malloc((a.q.limit ?: 1) * sizeof(*recs));
	if (!recs)
		return error_reply(r, 500, "out of memory", "see the log");
	n = wq_slow_ring__recent(st->slow, &a.q.filter, a.q.limit, recs);
	root = wq_jout__chk(&o, json_object_new_object());
	list = wq_jout__chk(&o, json_object_new_array());
	wq_jout__put(&o, root, "format", json_object_new_string("wqmon-slow"));
	wq_jout__put(&o, root, "version", json_object_new_int(1));
	wq_jout__put(&o, root, "keep", json_object_new_uint64(
		st->cfg.slow_keep));
	wq_jout__put(&o, root, "last_seq", json_object_new_uint64(
		wq_slow_ring__last_seq(st->slow)));
	wq_jout__put(&o, root, "dropped", json_object_new_uint64(
		st->slow_dropped));
	wq_jout__put(&o, root, "under_rules", json_object_new_uint64(
		st->slow_under));
	wq_jout__put(&o, root, "streams", json_object_new_uint64(
		slow_streams()));
	wq_jout__put(&o, root, "rules", wq_slow_json__rules(&st->cfg.slow));
	for (size_t i = 0; i < n; i++)
		wq_jout__append(&o, list, wq_slow_json__record(&recs[i]));
	wq_jout__put(&o, root, "records", list);
	free(recs);
	s = o.oom ? NULL : json_object_to_json_string_ext(
				   root, JSON_C_TO_STRING_PLAIN);
	r->body = s ? strdup(s) : NULL;
	json_object_put(root);
	if (!r->body)
		return error_reply(r, 500, "out of memory", "see the log");
	r->status = 200;
	r->type = "application/json";
	r->len = strlen(r->body);
}

/*
 * Live streams (Server-Sent Events): each reads the shared ring from its
 * own seq on, so a stream costs its buffer and no queue of its own; one
 * that falls more than the ring behind is told how many it lost.  With
 * nothing to send, it is suspended until the collection loop wakes the
 * streams (new records, or once a second).  A stream ends after
 * SLOW_STREAM_LIFE_NS, before the connection guard's answer deadline:
 * EventSource clients reconnect by themselves, with Last-Event-ID.
 */
#define SLOW_STREAMS_MAX 8
#define SLOW_STREAM_LIFE_NS (50 * 1000000000ULL)
#define SLOW_KEEPALIVE_NS (15 * 1000000000ULL)
#define SLOW_STREAM_BATCH 8

struct slow_stream {
	struct wqd_state *st;
	struct MHD_Connection *conn;
	struct wq_slow_filter filter;
	uint64_t next;		/* the last seq looked at */
	uint64_t start_ns, wrote_ns;
	bool suspended;		/* streams.lock */
	size_t len, off;
	char buf[SLOW_STREAM_BATCH * 1536 + 256];
};

static struct {
	pthread_mutex_t lock;
	struct slow_stream *s[SLOW_STREAMS_MAX];
	bool stopping;
} streams = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void slow_put(struct slow_stream *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void slow_put(struct slow_stream *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, sizeof(s->buf) - s->len, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(s->buf) - s->len)
		s->len += (size_t)n;
}

/* Take the next records from the ring into the buffer. */
static void slow_fill(struct slow_stream *s, uint64_t now)
{
	struct wq_slow recs[SLOW_STREAM_BATCH];
	char line[1536];
	uint64_t lost;
	size_t n;

	s->len = s->off = 0;
	pthread_mutex_lock(&s->st->lock);
	n = wq_slow_ring__since(s->st->slow, s->next, &s->filter,
				SLOW_STREAM_BATCH, recs, &lost, &s->next);
	pthread_mutex_unlock(&s->st->lock);
	if (lost)
		slow_put(s, "event: lost\ndata: {\"lost\":%llu}\n\n",
			 (unsigned long long)lost);
	for (size_t i = 0; i < n; i++)
		if (wq_slow_json__line(&recs[i], line, sizeof(line)) > 0)
			slow_put(s, "id: %llu\ndata: %s\n\n",
				 (unsigned long long)recs[i].seq, line);
	if (!s->len && now - s->wrote_ns >= SLOW_KEEPALIVE_NS)
		slow_put(s, ": keep-alive\n\n");
	if (s->len)
		s->wrote_ns = now;
}

/* Has the client gone?  A suspended stream with nothing to send writes
 * nothing that would fail, so its slot would be held until the next
 * keep-alive: peek at the socket instead (0: the peer closed it). */
static bool slow_client_gone(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		c, MHD_CONNECTION_INFO_CONNECTION_FD);
	char b;

	return ci && recv(ci->connect_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static ssize_t slow_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct slow_stream *s = cls;
	uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);
	size_t n;

	(void)pos;
	if (s->off == s->len)
		slow_fill(s, now);
	if (s->off < s->len) {
		n = s->len - s->off < max ? s->len - s->off : max;
		memcpy(buf, s->buf + s->off, n);
		s->off += n;
		return (ssize_t)n;
	}
	if (now - s->start_ns >= SLOW_STREAM_LIFE_NS)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (slow_client_gone(s->conn))
		return MHD_CONTENT_READER_END_WITH_ERROR;
	pthread_mutex_lock(&streams.lock);
	if (streams.stopping) {
		pthread_mutex_unlock(&streams.lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	/* Under the lock: a wake cannot come between the two. */
	s->suspended = true;
	MHD_suspend_connection(s->conn);
	pthread_mutex_unlock(&streams.lock);
	return 0;
}

static void slow_free(void *cls)
{
	struct slow_stream *s = cls;

	pthread_mutex_lock(&streams.lock);
	for (size_t i = 0; i < SLOW_STREAMS_MAX; i++)
		if (streams.s[i] == s)
			streams.s[i] = NULL;
	pthread_mutex_unlock(&streams.lock);
	free(s);
}

static size_t slow_streams(void)
{
	size_t n = 0;

	pthread_mutex_lock(&streams.lock);
	for (size_t i = 0; i < SLOW_STREAMS_MAX; i++)
		n += streams.s[i] != NULL;
	pthread_mutex_unlock(&streams.lock);
	return n;
}

void wqd_http__slow_wake(struct wqd_http *h)
{
	(void)h;
	pthread_mutex_lock(&streams.lock);
	for (size_t i = 0; i < SLOW_STREAMS_MAX; i++) {
		struct slow_stream *s = streams.s[i];

		if (s && s->suspended) {
			s->suspended = false;
			MHD_resume_connection(s->conn);
		}
	}
	pthread_mutex_unlock(&streams.lock);
}

static void do_slow_stream(struct wqd_state *st, struct MHD_Connection *c,
			   struct reply *r)
{
	const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						       "Last-Event-ID");
	struct slow_stream *s;
	struct slow_args a;
	size_t slot;

	if (slow_query(c, true, &a))
		return error_reply(r, 400, a.err, "e.g. /api/v1/slow/stream?"
				   "function=*fsync*");
	if (!st->slow)
		return error_reply(r, 404, "slow records are off",
				   slow_off_hint);
	/* A reconnecting EventSource says where it was. */
	if (last && !a.q.have_after)
		a.q.have_after = !wqd_query__since(last, &a.q.after);
	s = calloc(1, sizeof(*s));
	if (!s)
		return error_reply(r, 500, "out of memory", "see the log");
	s->st = st;
	s->conn = c;
	s->filter = a.q.filter;
	s->next = a.q.have_after ? a.q.after : wq_slow_ring__last_seq(st->slow);
	s->start_ns = s->wrote_ns = wq_clock_ns(CLOCK_MONOTONIC);
	/* Sent at once: the client knows it is connected. */
	slow_put(s, "retry: 1000\n: wqmon slow records after seq %llu\n\n",
		 (unsigned long long)s->next);
	pthread_mutex_lock(&streams.lock);
	for (slot = 0; slot < SLOW_STREAMS_MAX && streams.s[slot]; slot++)
		;
	if (slot < SLOW_STREAMS_MAX && !streams.stopping)
		streams.s[slot] = s;
	pthread_mutex_unlock(&streams.lock);
	if (slot == SLOW_STREAMS_MAX) {
		free(s);
		r->retry_after = "5";
		return error_reply(r, 503, "busy: too many slow-record streams",
				   "at most 8 at once; retry later, or read "
				   "/api/v1/slow");
	}
	r->stream = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
						      slow_read, s, slow_free);
	if (!r->stream) {
		slow_free(s);
		return error_reply(r, 500, "out of memory", "see the log");
	}
	r->status = 200;
	r->type = "text/event-stream";
}

/* Is the collection loop stuck (state.h)?  /healthz and /metrics agree. */
static bool loop_stale(struct wqd_state *st)
{
	return wqd_loop__stale(__atomic_load_n(&st->loop_ns, __ATOMIC_RELAXED),
			       wq_clock_ns(CLOCK_MONOTONIC),
			       st->cfg.interval_ns);
}

static void do_metrics(struct wqd_state *st, struct MHD_Connection *c,
		       struct reply *r)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 "Accept");
	struct wq_metrics_source ms[WQD_MAX_SOURCES];
	struct wq_metrics_opts o = {
		.openmetrics = wqd_http__wants_openmetrics(accept),
		.top_functions = st->cfg.top_functions,
		.version = WQMON_VERSION,
		.state = st->metrics,
		.queuers = st->qmetrics,
		.stalls = st->active,
		.nr_stalls = st->nr_active,
	};
	struct wq_metrics_stall_total totals[WQD_MAX_STALL_TOTALS];
	struct wq_metrics_refusal refused[WQD_REF_NR];
	struct wq_metrics_tls tls[2];
	struct wq_slow *slow = NULL;
	struct body b;
	/* A stuck loop scrapes nothing: no source is up, whatever its last
	 * state says (its last snapshot is still shown, so counters do not
	 * reset). */
	bool stale = loop_stale(st);
	int err;

	for (size_t i = 0; i < st->nr_src; i++) {
		const struct wqd_source *x = &st->src[i];

		ms[i] = (struct wq_metrics_source){
			.name = x->name,
			.up = !stale && x->state == WQD_SRC_UP,
			.scrape_ns = x->scrape_ns,
			.snap = x->state == WQD_SRC_UP ? x->stream.cur : NULL,
		};
	}
	for (size_t i = 0; i < st->nr_totals; i++)
		totals[i] = (struct wq_metrics_stall_total){
			st->totals[i].source, st->totals[i].kind,
			st->totals[i].count };
	o.stall_totals = totals;
	o.nr_stall_totals = st->nr_totals;
	for (size_t i = 0; i < WQD_REF_NR; i++)
		refused[i] = (struct wq_metrics_refusal){
			wqd_refusal__name(i), st->refused[i] };
	o.refused = refused;
	o.nr_refused = WQD_REF_NR;
	o.http_auth = st->http_auth;
	o.http_auth_refused = st->http_unauthorized;
	if (st->slow) {
		o.slow_on = true;
		o.slow_kept = wq_slow_ring__last_seq(st->slow);
		o.slow_under = st->slow_under;
		o.slow_dropped = st->slow_dropped;
	}
	for (size_t i = 0; i < 2; i++)
		if (st->tls_not_after[i])
			tls[o.nr_tls++] = (struct wq_metrics_tls){
				i ? "socket" : "listen", st->tls_not_after[i] };
	o.tls = tls;
	if (st->kconfig.have)
		o.config = &st->kconfig.cur;
	if (st->isolation.on) {
		o.isolated_cpus = st->isolation.list;
		o.isolated = st->isolation.rows;
		o.nr_isolated = st->isolation.nr_rows;
	}
	/* Exemplars: the recent slow records of the kernel source. */
	if (o.openmetrics && st->slow && st->cfg.slow_keep) {
		slow = malloc(st->cfg.slow_keep * sizeof(*slow));
		if (slow) {
			o.slow = slow;
			o.slow_source = "kernel";
			o.nr_slow = wq_slow_ring__recent(st->slow, NULL,
							 st->cfg.slow_keep,
							 slow);
		}
	}
	if (body_open(&b)) {
		free(slow);
		return error_reply(r, 500, "out of memory", "see the log");
	}
	err = wq_metrics__render(b.f, ms, st->nr_src, &o);
	free(slow);
	body_close(&b, r, 200,
		   o.openmetrics ?
			   "application/openmetrics-text; version=1.0.0; charset=utf-8" :
			   "text/plain; version=0.0.4; charset=utf-8",
		   err);
}

/* A query value of /api/v1/queuers, NULL when not given. */
static const char *arg(struct MHD_Connection *c, const char *key)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
}

/*
 * Who queued the work (wqmon-queuers, docs/API.md): the top K queuers of
 * one source's latest interval view, ranked and folded as every face does
 * (wq_json__render_queuers).
 */
static void do_queuers(struct wqd_state *st, struct MHD_Connection *c,
		       struct reply *r)
{
	struct wq_queuer_sel sel = {.order = WQ_QORDER_CPU, .top = 10};
	const char *v, *name = arg(c, "source");
	const struct wqd_source *src = NULL;
	const struct wq_snapshot *view;
	bool tracked;

	if ((v = arg(c, "top")) && wqd_query__top(v, &sel.top))
		return error_reply(r, 400, "bad 'top'",
				   "give how many queuers to list, 1 to 1000, "
				   "e.g. ?top=10");
	if ((v = arg(c, "order")) && wqd_query__order(v, &sel.order))
		return error_reply(
			r, 400, "bad 'order'",
			"rank by 'cpu' (kworker CPU time charged) or "
			"'queued' (items queued)");
	if ((v = arg(c, "pool"))) {
		if (wqd_query__pool(v, &sel.pool_id))
			return error_reply(r, 400, "bad 'pool'",
					   "give a pool id, e.g. ?pool=16");
		sel.has_pool = true;
	}
	sel.workqueue = arg(c, "workqueue");
	if (sel.workqueue &&
	    (!*sel.workqueue || strlen(sel.workqueue) >= WQ_NAME_LEN))
		return error_reply(r, 400, "bad 'workqueue'",
				   "give a workqueue name (at most 31 bytes), "
				   "e.g. ?workqueue=events");
	sel.function = arg(c, "function");
	if (sel.function &&
	    (!*sel.function || strlen(sel.function) >= WQ_FUNC_LEN))
		return error_reply(r, 400, "bad 'function'",
				   "give a function name (at most 63 bytes), "
				   "e.g. ?function=vmstat_update");
	/* The named source, or the first one up (the kernel, when on). */
	for (size_t i = 0; i < st->nr_src && !src; i++)
		if (name ? !strcmp(st->src[i].name, name)
			 : st->src[i].state == WQD_SRC_UP)
			src = &st->src[i];
	if (!src)
		return name ? error_reply(r, 404, "no such source",
					  "the names are in /api/v1/sources")
			    : error_reply(r, 503, "no source is up",
					  "see /api/v1/sources");
	view = src->state == WQD_SRC_UP ? wq_stream__view(&src->stream, 0)
					: NULL;
	if (!view) {
		r->retry_after = "1";
		return error_reply(r, 503,
				   "no interval view of this source yet",
				   "a view is made each interval once the "
				   "source is up: retry");
	}
	/* Only the kernel probes see who queues (kernel.queuers); a
	 * source whose snapshots have rows tracks them too. */
	tracked = (src->ops == &wqd_kernel_source && st->cfg.kernel_queuers) ||
		  view->nr_queuers ||
		  (src->stream.cur && src->stream.cur->nr_queuers);
	r->body = wq_json__render_queuers(view, &sel, tracked, 0);
	if (!r->body)
		return error_reply(r, 500, "out of memory", "see the log");
	r->status = 200;
	r->type = "application/json";
	r->len = strlen(r->body);
}

static void do_workqueues(struct wqd_state *st, struct reply *r)
{
	struct wq_text_opts o = { .sort = WQ_SORT_COMPLETED };
	struct body b;
	int err = 0;

	if (body_open(&b))
		return error_reply(r, 500, "out of memory", "see the log");
	for (size_t i = 0; i < st->nr_src && !err; i++) {
		if (st->src[i].state != WQD_SRC_UP || !st->src[i].stream.cur)
			continue;
		err = wq_text__render(st->src[i].stream.cur, b.f, &o);
		fputc('\n', b.f);
	}
	body_close(&b, r, 200, "text/plain; charset=utf-8", err);
}

static void do_healthz(struct wqd_state *st, struct reply *r)
{
	if (loop_stale(st)) {
		r->status = 503;
		r->type = "text/plain; charset=utf-8";
		r->static_body = "the collection loop is stuck: nothing is "
				 "collected or checked; see the log\n";
		r->len = strlen(r->static_body);
		return;
	}
	for (size_t i = 0; i < st->nr_src; i++) {
		if (st->src[i].state == WQD_SRC_UP) {
			r->status = 200;
			r->type = "text/plain; charset=utf-8";
			r->static_body = "ok\n";
			r->len = 3;
			return;
		}
	}
	r->status = 503;
	r->type = "text/plain; charset=utf-8";
	r->static_body = "no source is up: see /api/v1/sources\n";
	r->len = strlen(r->static_body);
}

/* A dashboard file is small: a larger one is not served whole into memory. */
#define WEB_FILE_MAX (16 << 20)

/*
 * @rel opened beneath @root, as the kernel resolves it: no "..", no
 * symlink (a link to /etc/shadow in web_root is not served), no FIFO or
 * device that blocks the HTTP thread (non-blocking; the caller takes only
 * regular files).  Return: an fd, or -1.
 */
static int open_beneath(const char *root, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	int dir, fd;

	dir = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	fd = (int)syscall(SYS_openat2, dir, rel, &how, sizeof(how));
	close(dir);
	return fd;
}

/* The dashboard: built in, or from web_root (no path escapes it). */
static void do_asset(struct wqd_state *st, const char *url, struct reply *r)
{
	const char *path = strcmp(url, "/") ? url : "/index.html";
	/* The page refers to its files as static/NAME. */
	if (!strncmp(path, "/static/", 8))
		path += 7;
	r->asset = true;
	struct stat sb;
	int fd;

	if (strstr(path, "..") || strchr(path, '\\'))
		return error_reply(r, 404, "no such page", "see docs/API.md");
	if (!st->cfg.web_root[0]) {
		for (const struct wqd_asset *a = wqd_assets; a->path; a++) {
			if (strcmp(a->path, path))
				continue;
			r->status = 200;
			r->type = wqd_http__mime(path);
			r->static_body = (const char *)a->data;
			r->len = a->len;
			return;
		}
		return error_reply(r, 404, "no such page",
				   "the API is under /api/v1/, metrics at "
				   "/metrics, the text view at /workqueues");
	}
	fd = open_beneath(st->cfg.web_root, path + 1);
	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode) ||
	    sb.st_size > WEB_FILE_MAX) {
		if (fd >= 0)
			close(fd);
		return error_reply(r, 404, "no such page", "see docs/API.md");
	}
	r->body = malloc(sb.st_size ? sb.st_size : 1);
	while (r->body && r->len < (size_t)sb.st_size) {
		ssize_t n = read(fd, r->body + r->len, sb.st_size - r->len);

		if (n <= 0)
			break;
		r->len += (size_t)n;
	}
	close(fd);
	if (!r->body)
		return error_reply(r, 500, "out of memory", "see the log");
	r->status = 200;
	r->type = wqd_http__mime(path);
}

static void route(struct wqd_state *st, struct MHD_Connection *c,
		  const char *url, struct reply *r)
{
	if (!strcmp(url, "/metrics"))
		do_metrics(st, c, r);
	else if (!strcmp(url, "/api/v1/snapshot"))
		do_snapshot(st, r);
	else if (!strcmp(url, "/api/v1/history"))
		do_history(st, c, r);
	else if (!strcmp(url, "/api/v1/sources"))
		do_sources(st, r);
	else if (!strcmp(url, "/api/v1/stalls"))
		do_stalls(st, r);
	else if (!strcmp(url, "/api/v1/config"))
		do_config(st, r);
	else if (!strcmp(url, "/api/v1/queuers"))
		do_queuers(st, c, r);
	else if (!strcmp(url, "/api/v1/slow"))
		do_slow(st, c, r);
	else if (!strcmp(url, "/api/v1/slow/stream"))
		do_slow_stream(st, c, r);
	else if (!strcmp(url, "/workqueues"))
		do_workqueues(st, r);
	else if (!strcmp(url, "/healthz"))
		do_healthz(st, r);
	else if (!strncmp(url, "/api/", 5))
		error_reply(r, 404, "no such endpoint",
			    "endpoints: /api/v1/snapshot, /api/v1/history, "
			    "/api/v1/sources, /api/v1/stalls, /api/v1/config, "
			    "/api/v1/queuers, /api/v1/slow, "
			    "/api/v1/slow/stream (docs/API.md)");
	else
		do_asset(st, url, r);
}

/* The client's certificate, when the web config asks for one. */
static bool client_cert_ok(const struct wqd_web_config *web,
			   struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	unsigned int status = 0;
	int ret;

	if (!web->tls || web->client_auth == WQD_CLIENT_CERT_NONE)
		return true;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return false;
	/* Checks the chain against client_ca_file, and the dates. */
	ret = gnutls_certificate_verify_peers2(ci->tls_session, &status);
	if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND)
		return web->client_auth == WQD_CLIENT_CERT_VERIFY_IF_GIVEN;
	return ret == 0 && status == 0;
}

/*
 * TLS client certificate and basic auth, before anything is answered.  A
 * refusal says no more than 401 or 403: nothing about which user exists or
 * what was wrong.
 */
static bool authorized(struct served *sv, struct MHD_Connection *c,
		       struct reply *r)
{
	char *user, *pass = NULL;
	enum wqd_auth_result res;

	if (!sv->web)
		return true;
	if (!client_cert_ok(sv->web, c)) {
		r->status = 403;
		r->static_body = "Forbidden\n";
	} else if (!sv->web->nr_users) {
		return true;
	} else {
		user = MHD_basic_auth_get_username_password(c, &pass);
		res = user && pass ?
			wqd_web_config__check(sv->web, user, pass) :
			WQD_AUTH_DENIED;
		if (pass)
			explicit_bzero(pass, strlen(pass));
		MHD_free(user);
		MHD_free(pass);
		if (res == WQD_AUTH_OK)
			return true;
		if (res == WQD_AUTH_BUSY) {
			r->status = 429;
			r->static_body = "Too Many Requests\n";
			r->retry_after = "1";
		} else {
			r->status = 401;
			r->static_body = "Unauthorized\n";
			r->challenge = true;
		}
	}
	r->type = "text/plain; charset=utf-8";
	r->len = strlen(r->static_body);
	pthread_mutex_lock(&sv->st->lock);
	sv->st->http_unauthorized++;
	pthread_mutex_unlock(&sv->st->lock);
	return false;
}

static MHD_RESULT on_request(void *cls, struct MHD_Connection *c,
			     const char *url, const char *method,
			     const char *version, const char *upload_data,
			     size_t *upload_data_size, void **con_cls)
{
	struct served *sv = cls;
	struct wqd_state *st = sv->st;
	struct reply r = { 0 };
	struct MHD_Response *resp;
	MHD_RESULT ret;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;

	wqd_guard__request_started(c);
	if (!authorized(sv, c, &r)) {
		/* answered below, with nothing of the API */
	} else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		error_reply(&r, 405, "method not allowed",
			    "this API is read-only: use GET or HEAD");
		r.allow = "GET, HEAD";
	} else {
		pthread_mutex_lock(&st->lock);
		route(st, c, url, &r);
		pthread_mutex_unlock(&st->lock);
	}
	if (r.stream)
		resp = r.stream;
	else if (r.history)
		resp = MHD_create_response_from_buffer_with_free_callback(
			r.len, r.body, history_body_free);
	else if (r.body)
		resp = MHD_create_response_from_buffer(r.len, r.body,
						       MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(
			r.len, (void *)r.static_body, MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (r.history)
			history_body_free(r.body);
		else
			free(r.body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", r.type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r.asset && r.status == 200) {
		/* Revalidate: a new daemon may serve a new dashboard. */
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
		MHD_add_response_header(
			resp, "Content-Security-Policy",
			"default-src 'self'; img-src 'self' data:; "
			"style-src 'self' 'unsafe-inline'");
	} else {
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	}
	if (r.allow)
		MHD_add_response_header(resp, "Allow", r.allow);
	if (r.retry_after)
		MHD_add_response_header(resp, "Retry-After", r.retry_after);
	if (r.challenge)
		ret = MHD_queue_basic_auth_fail_response(c, "wqmond", resp);
	else
		ret = MHD_queue_response(c, r.status, resp);
	MHD_destroy_response(resp);

	pthread_mutex_lock(&st->lock);
	st->http_requests++;
	if (r.status >= 400)
		st->http_errors++;
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* "listening on http://ADDR/": the address bound, the port the kernel
 * picked for port 0 included, so whoever started us can connect. */
static void log_bound(int fd, bool tls)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN];
	const void *a;
	int port;

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return;
	if (ss.ss_family == AF_INET6) {
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	} else {
		a = &((struct sockaddr_in *)&ss)->sin_addr;
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	if (!inet_ntop(ss.ss_family, a, host, sizeof(host)))
		return;
	pr_info("listening on %s://%s%s%s:%d/ (the dashboard; /metrics)\n",
		tls ? "https" : "http", ss.ss_family == AF_INET6 ? "[" : "", host,
		ss.ss_family == AF_INET6 ? "]" : "", port);
}

static int listen_tcp(const char *listen_addr, bool tls)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai, *p;
	char host[128], port[8];
	int fd = -1, one = 1, err;

	if (wqd_config__split_listen(listen_addr, host, sizeof(host), port,
				     sizeof(port)))
		return -EINVAL;
	err = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (err) {
		pr_err("listen %s: %s\n", listen_addr, gai_strerror(err));
		return -EINVAL;
	}
	for (p = ai; p; p = p->ai_next) {
		fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, p->ai_addr, p->ai_addrlen) == 0 &&
		    listen(fd, 64) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
		errno = err;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		err = errno;
		pr_err("cannot listen on %s: %s%s\n", listen_addr, strerror(err),
		       err == EADDRINUSE ? " (another wqmond? pick another "
					   "port with --listen)" : "");
		return -err;
	}
	log_bound(fd, tls);
	return fd;
}

/* Is a daemon answering on the socket at @sa?  Only a refused connection
 * says no one is: the file is a dead daemon's and can go. */
static bool socket_is_live(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	bool live;

	if (fd < 0)
		return true;
	live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ||
	       errno != ECONNREFUSED;
	close(fd);
	return live;
}

static int listen_unix(const char *path, struct stat *made)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat sb;
	char dir[sizeof(sa.sun_path)], *slash;
	int fd, err;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);	/* /run/wqmon: fine if it exists */
	}
	/* A stale socket from a killed daemon; never remove anything else,
	 * and never a live daemon's socket: it would lose its clients. */
	if (lstat(path, &sb) == 0 && S_ISSOCK(sb.st_mode)) {
		if (socket_is_live(&sa)) {
			pr_err("another wqmond serves %s: stop it first, or set "
			       "socket = another path (or none)\n", path);
			return -EADDRINUSE;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 64)) {
		err = errno;
		close(fd);
		pr_err("cannot listen on %s: %s (set socket = none, or another "
		       "path)\n", path, strerror(err));
		return -err;
	}
	/* Read-only observability data: wqtop and wqctl need no root. */
	chmod(path, 0666);
	if (lstat(path, made))
		memset(made, 0, sizeof(*made));
	return fd;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)con_cls;
	(void)toe;
	wqd_guard__request_done(c);
}

/*
 * A daemon on @fd (which it then owns): @limit connections, watched by @g
 * (conn_guard.h), with @web's TLS and passwords (taken over; NULL: plain).
 */
static struct served *serve(struct wqd_state *st, int fd, size_t limit,
			    struct wqd_guard *g, struct wqd_web_config *web)
{
	struct served *sv = calloc(1, sizeof(*sv));
	struct MHD_OptionItem o[16];
	/* Suspend and resume: the slow-record streams wait without a
	 * thread of their own. */
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC |
			     MHD_ALLOW_SUSPEND_RESUME;
	int n = 0;

	if (!sv) {
		wqd_web_config__free(web);
		return NULL;
	}
	sv->st = st;
	sv->web = web;
#define OPT(opt, val, ptr) (o[n++] = (struct MHD_OptionItem){ opt, val, ptr })
	OPT(MHD_OPTION_LISTEN_SOCKET, fd, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, (intptr_t)limit, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY_LIMIT, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT_S, NULL);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)wqd_guard__notify, g);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL);
	if (web && web->tls) {
		flags |= MHD_USE_TLS;
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, web->cert_pem);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, web->key_pem);
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)web->priorities);
		/* With a trust list, libmicrohttpd asks for a client
		 * certificate; client_cert_ok() decides. */
		if (web->ca_pem)
			OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, web->ca_pem);
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	sv->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, sv,
				 MHD_OPTION_ARRAY, o, MHD_OPTION_END);
	if (!sv->d) {
		wqd_web_config__free(web);
		free(sv);
		return NULL;
	}
	return sv;
}

static void served_free(struct served *sv)
{
	if (!sv)
		return;
	MHD_stop_daemon(sv->d);
	wqd_web_config__free(sv->web);
	free(sv);
}

/* A listener's web config, or NULL for none; -errno with the reason
 * logged. */
static int load_web(const char *path, const char *key,
		    struct wqd_web_config **out)
{
	char err[PATH_MAX + 256];
	int ret;

	*out = NULL;
	if (!path[0])
		return 0;
	ret = wqd_web_config__load(out, path, err, sizeof(err));
	if (ret)
		pr_err("%s: %s\n", key, err);
	return ret;
}

/* Connections per listener: max_connections, or what the descriptor limit
 * leaves (with ulimit -n 40, 60 idle clients once starved the daemon of
 * the fds its own scans need). */
static size_t connection_limit(const struct wqd_state *st, int listeners)
{
	struct rlimit rl;
	size_t n = st->cfg.max_connections;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return n;
	n = wqd_guard__fit_limit(n, rl.rlim_cur, listeners);
	if (n < st->cfg.max_connections)
		pr_warn("max_connections %zu lowered to %zu per listener: the "
			"open file limit is %llu (raise LimitNOFILE= or ulimit "
			"-n)\n", st->cfg.max_connections, n,
			(unsigned long long)rl.rlim_cur);
	return n;
}

/* What /metrics tells of the listeners' web configs. */
static void publish(struct wqd_http *h, struct wqd_state *st)
{
	const struct wqd_web_config *w[2] = {
		h->tcp.cur ? h->tcp.cur->web : NULL,
		h->local.cur ? h->local.cur->web : NULL };

	pthread_mutex_lock(&st->lock);
	st->http_auth = false;
	for (int i = 0; i < 2; i++) {
		st->http_auth |= w[i] && (w[i]->nr_users ||
					  w[i]->client_auth);
		st->tls_not_after[i] = w[i] && w[i]->tls ?
				       (int64_t)w[i]->cert_not_after : 0;
	}
	pthread_mutex_unlock(&st->lock);
}

/* Start @l on @fd with @web, its guard first. */
static int listener_start(struct wqd_state *st, struct listener *l, int fd,
			  bool local, struct wqd_web_config *web)
{
	l->guard = wqd_guard__new(l->limit, local);
	if (!l->guard || wqd_guard__start(l->guard)) {
		close(fd);
		wqd_web_config__free(web);
		return -ENOMEM;
	}
	l->cur = serve(st, fd, l->limit, l->guard, web);
	if (!l->cur) {
		close(fd);
		pr_err("cannot start the HTTP server on %s%s\n", l->name,
		       web && web->tls ? " with TLS (see the web config)" :
		       "");
		return -EIO;
	}
	return 0;
}

int wqd_http__start(struct wqd_http **out, struct wqd_state *st)
{
	struct wqd_http *h = calloc(1, sizeof(*h));
	bool tcp = strcmp(st->cfg.listen, "none"), local = st->cfg.socket_path[0];
	struct wqd_web_config *web = NULL, *sweb = NULL;
	int fd;

	*out = NULL;
	if (!h)
		return -ENOMEM;
	h->tcp = (struct listener){ .name = st->cfg.listen,
				    .web_key = "web_config" };
	h->local = (struct listener){ .name = st->cfg.socket_path,
				      .web_key = "socket_web_config" };
	h->tcp.limit = h->local.limit = connection_limit(st, tcp + local);
	/* Both files first: a bad one stops us before any socket is made. */
	fd = load_web(tcp ? st->cfg.web_config : "", "web_config", &web);
	fd = fd ?: load_web(local ? st->cfg.socket_web_config : "",
			    "socket_web_config", &sweb);
	if (fd)
		goto err;
	if (tcp) {
		fd = listen_tcp(st->cfg.listen, web && web->tls);
		if (fd < 0)
			goto err;
		fd = listener_start(st, &h->tcp, fd, false, web);
		web = NULL;
		if (fd)
			goto err;
	}
	if (local) {
		fd = listen_unix(st->cfg.socket_path, &h->socket_st);
		if (fd < 0)
			goto err;
		snprintf(h->socket_path, sizeof(h->socket_path), "%s",
			 st->cfg.socket_path);
		fd = listener_start(st, &h->local, fd, true, sweb);
		sweb = NULL;
		if (fd)
			goto err;
	}
	publish(h, st);
	*out = h;
	return 0;
err:
	wqd_web_config__free(web);
	wqd_web_config__free(sweb);
	wqd_http__stop(h);
	return fd;
}

int wqd_http__check_web_configs(const char *web_config,
				const char *socket_web_config)
{
	struct wqd_web_config *w;
	int ret;

	ret = load_web(web_config, "web_config", &w);
	wqd_web_config__free(w);
	if (ret)
		return ret;
	ret = load_web(socket_web_config, "socket_web_config", &w);
	wqd_web_config__free(w);
	return ret;
}

/* Serve @l's socket with @web from now on: a new daemon on a duplicate of
 * the socket, then the old one quiesced (it keeps its clients) and
 * retired.  If the new one cannot start, the old one serves on. */
static int listener_swap(struct wqd_http *h, struct wqd_state *st,
			 struct listener *l, struct wqd_web_config *web)
{
	const union MHD_DaemonInfo *di;
	struct served *sv;
	int fd, old;
	size_t i;

	di = MHD_get_daemon_info(l->cur->d, MHD_DAEMON_INFO_LISTEN_FD);
	fd = di ? fcntl(di->listen_fd, F_DUPFD_CLOEXEC, 3) : -1;
	if (fd < 0) {
		wqd_web_config__free(web);
		return -errno ?: -EIO;
	}
	sv = serve(st, fd, l->limit, l->guard, web);
	if (!sv) {
		close(fd);
		pr_err("%s: cannot serve the new TLS settings\n", l->web_key);
		return -EIO;
	}
	for (i = 0; i < MAX_RETIRED && h->retired[i]; i++)
		;
	if (i == MAX_RETIRED) {		/* reloads faster than clients go */
		served_free(h->retired[0]);
		memmove(h->retired, h->retired + 1,
			(MAX_RETIRED - 1) * sizeof(h->retired[0]));
		i = MAX_RETIRED - 1;
	}
	old = MHD_quiesce_daemon(l->cur->d);
	if (old >= 0)
		close(old);
	l->cur->retired_ns = wq_clock_ns(CLOCK_MONOTONIC);
	h->retired[i] = l->cur;
	l->cur = sv;
	return 0;
}

int wqd_http__reload(struct wqd_http *h, struct wqd_state *st,
		     const char *web_config, const char *socket_web_config)
{
	struct wqd_web_config *web = NULL, *sweb = NULL;
	int ret;

	if (!h)
		return 0;
	ret = load_web(h->tcp.cur ? web_config : "", "web_config", &web);
	ret = ret ?: load_web(h->local.cur ? socket_web_config : "",
			      "socket_web_config", &sweb);
	if (ret) {
		wqd_web_config__free(web);
		wqd_web_config__free(sweb);
		return ret;
	}
	if (h->tcp.cur && (web || h->tcp.cur->web)) {
		ret = listener_swap(h, st, &h->tcp, web);
		web = NULL;
	}
	if (h->local.cur && (sweb || h->local.cur->web) && !ret) {
		ret = listener_swap(h, st, &h->local, sweb);
		sweb = NULL;
	}
	wqd_web_config__free(web);
	wqd_web_config__free(sweb);
	publish(h, st);
	return ret;
}

void wqd_http__tick(struct wqd_http *h)
{
	uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);
	size_t i = 0;

	while (h && i < MAX_RETIRED && h->retired[i]) {
		struct served *sv = h->retired[i];
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(
			sv->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

		if ((di && !di->num_connections) ||
		    now - sv->retired_ns > RETIRED_MAX_NS) {
			served_free(sv);
			memmove(h->retired + i, h->retired + i + 1,
				(MAX_RETIRED - i - 1) * sizeof(sv));
			h->retired[MAX_RETIRED - 1] = NULL;
		} else {
			i++;
		}
	}
}

void wqd_http__stop(struct wqd_http *h)
{
	struct stat sb;

	if (!h)
		return;
	/* libmicrohttpd stops no daemon with a suspended connection. */
	pthread_mutex_lock(&streams.lock);
	streams.stopping = true;
	pthread_mutex_unlock(&streams.lock);
	wqd_http__slow_wake(h);
	for (size_t i = 0; i < MAX_RETIRED; i++)
		served_free(h->retired[i]);
	served_free(h->tcp.cur);
	if (h->local.cur) {
		served_free(h->local.cur);
		/* Ours still: not one that replaced it meanwhile. */
		if (!lstat(h->socket_path, &sb) &&
		    sb.st_ino == h->socket_st.st_ino &&
		    sb.st_dev == h->socket_st.st_dev)
			unlink(h->socket_path);
	}
	wqd_guard__free(h->tcp.guard);
	wqd_guard__free(h->local.guard);
	free(h);
}
