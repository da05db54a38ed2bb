// SPDX-License-Identifier: GPL-2.0
/* Connection deadlines and fair shares for wqmond's HTTP (conn_guard.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn_guard.h"
#include "log.h"
#include "wqtime.h"

#define NSEC 1000000000ull
#define SWEEP_MS 250
/* Descriptors the daemon needs besides its connections: probes' maps and
 * programs, the history, /proc and /dev/shm reads, the log, alert sinks. */
#define OWN_FDS 64

struct wqd_guard;

struct conn {
	struct wqd_guard *g;
	bool used;
	bool busy;	/* a request is being answered */
	bool closing;	/* shut down; libmicrohttpd will close it */
	int fd;
	unsigned char peer[16];	/* the client's address, or uid on the socket */
	bool root;		/* uid 0 on the local socket: no share */
	uint64_t since;	/* accept, or the last request's start or end */
};

struct wqd_guard {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stop;
	bool local;
	size_t limit, nr;
	struct conn *conn;
	struct wqd_guard_stats stats;
};

size_t wqd_guard__fit_limit(size_t want, uint64_t nofile, int listeners)
{
	uint64_t room;

	if (listeners < 1)
		listeners = 1;
	room = nofile > OWN_FDS ? (nofile - OWN_FDS) / (uint64_t)listeners : 0;
	if (room < 4)
		room = 4;	/* a daemon that answers at all */
	return want < room ? want : (size_t)room;
}

struct wqd_guard *wqd_guard__new(size_t limit, bool local)
{
	struct wqd_guard *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->conn = calloc(limit, sizeof(*g->conn));
	if (!g->conn) {
		free(g);
		return NULL;
	}
	g->limit = limit;
	g->local = local;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->wake, NULL);
	return g;
}

/* Caller holds the lock; the connection's fd is still open: libmicrohttpd
 * tells us it closed a connection (CLOSED) before it closes the fd, under
 * the same lock. */
static void shut(struct conn *c)
{
	c->closing = true;
	shutdown(c->fd, SHUT_RDWR);
}

static void sweep(struct wqd_guard *g)
{
	uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);

	pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < g->limit; i++) {
		struct conn *c = &g->conn[i];
		uint64_t limit = (c->busy ? WQD_ANSWER_DEADLINE_S :
					    WQD_REQUEST_DEADLINE_S) * NSEC;

		if (c->used && !c->closing && now - c->since > limit) {
			shut(c);
			g->stats.deadline++;
		}
	}
	pthread_mutex_unlock(&g->lock);
}

static void *sweeper(void *arg)
{
	struct wqd_guard *g = arg;
	struct timespec ts;

	pthread_mutex_lock(&g->lock);
	while (!g->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += SWEEP_MS * 1000000L;
		if (ts.tv_nsec >= (long)NSEC) {
			ts.tv_sec++;
			ts.tv_nsec -= NSEC;
		}
		pthread_cond_timedwait(&g->wake, &g->lock, &ts);
		if (g->stop)
			break;
		pthread_mutex_unlock(&g->lock);
		sweep(g);
		pthread_mutex_lock(&g->lock);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

int wqd_guard__start(struct wqd_guard *g)
{
	int err = pthread_create(&g->thread, NULL, sweeper, g);

	if (err)
		return -err;
	g->running = true;
	return 0;
}

void wqd_guard__free(struct wqd_guard *g)
{
	if (!g)
		return;
	if (g->running) {
		pthread_mutex_lock(&g->lock);
		g->stop = true;
		pthread_cond_signal(&g->wake);
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->thread, NULL);
	}
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->wake);
	free(g->conn);
	free(g);
}

/* The oldest connection still waiting for its request, not @except; of
 * @peer's only if not NULL. */
static struct conn *oldest_waiting(struct wqd_guard *g, struct conn *except,
				   const unsigned char *peer)
{
	struct conn *o = NULL;

	for (size_t i = 0; i < g->limit; i++) {
		struct conn *c = &g->conn[i];

		if (c != except && c->used && !c->busy && !c->closing &&
		    (!peer || !memcmp(c->peer, peer, sizeof(c->peer))) &&
		    (!o || c->since < o->since))
			o = c;
	}
	return o;
}

static size_t of_peer(struct wqd_guard *g, const unsigned char *peer)
{
	size_t n = 0;

	for (size_t i = 0; i < g->limit; i++)
		n += g->conn[i].used && !g->conn[i].closing &&
		     !memcmp(g->conn[i].peer, peer, sizeof(g->conn[i].peer));
	return n;
}

/* Who is at the other end: uid on the local socket, address on TCP. */
static void identify(struct wqd_guard *g, struct MHD_Connection *mc,
		     struct conn *c)
{
	const union MHD_ConnectionInfo *ai;
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (g->local) {
		if (!getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
			memcpy(c->peer, &cred.uid, sizeof(cred.uid));
			c->root = cred.uid == 0;
		}
		return;
	}
	ai = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ai || !ai->client_addr)
		return;
	if (ai->client_addr->sa_family == AF_INET6)
		memcpy(c->peer,
		       &((const struct sockaddr_in6 *)ai->client_addr)->sin6_addr,
		       16);
	else if (ai->client_addr->sa_family == AF_INET)
		memcpy(c->peer,
		       &((const struct sockaddr_in *)ai->client_addr)->sin_addr,
		       4);
}

static size_t free_slots(const struct wqd_guard *g)
{
	return g->limit / 8 > 2 ? g->limit / 8 : 2;
}

static void started(struct wqd_guard *g, struct MHD_Connection *mc,
		    void **ctx)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct conn *c = NULL, *old;
	size_t share = g->local ? g->limit / 4 : g->limit / 2;

	if (!ci)
		return;
	for (size_t i = 0; i < g->limit && !c; i++)
		if (!g->conn[i].used)
			c = &g->conn[i];
	if (!c) {	/* cannot happen: the table is the daemon's limit */
		shutdown(ci->connect_fd, SHUT_RDWR);
		return;
	}
	*c = (struct conn){ .g = g, .used = true, .fd = ci->connect_fd,
			    .since = wq_clock_ns(CLOCK_MONOTONIC) };
	g->nr++;
	*ctx = c;
	identify(g, mc, c);
	/* Over its share, a client (an address, a user) displaces its own
	 * oldest waiting connection, never someone else's. */
	if (!c->root && share && of_peer(g, c->peer) > share) {
		old = oldest_waiting(g, c, c->peer);
		shut(old ? old : c);
		g->stats.per_user++;
		if (!old)
			return;
	}
	/* Keep a few slots free for whoever comes next: a scraper is never
	 * turned away by connections that only wait, even while a client
	 * reconnects as fast as it is cut (the cut ones hold their slots
	 * until libmicrohttpd's next round).  Two per arrival at most, so
	 * the free slots come back however fast they come. */
	for (int k = 0; k < 2 && g->nr + free_slots(g) >= g->limit; k++) {
		old = oldest_waiting(g, c, NULL);
		if (!old)
			break;
		shut(old);
		g->stats.evicted++;
	}
}

void wqd_guard__notify(void *cls, struct MHD_Connection *mc,
		       void **socket_context,
		       enum MHD_ConnectionNotificationCode toe)
{
	struct wqd_guard *g = cls;
	struct conn *c = *socket_context;

	pthread_mutex_lock(&g->lock);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		started(g, mc, socket_context);
	} else if (c) {
		c->used = false;
		g->nr--;
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&g->lock);
}

static void mark(struct MHD_Connection *mc, bool busy)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *c;

	if (!ci || !ci->socket_context)
		return;
	c = ci->socket_context;
	pthread_mutex_lock(&c->g->lock);
	c->since = wq_clock_ns(CLOCK_MONOTONIC);
	c->busy = busy;
	pthread_mutex_unlock(&c->g->lock);
}

void wqd_guard__request_started(struct MHD_Connection *mc)
{
	mark(mc, true);
}

void wqd_guard__request_done(struct MHD_Connection *mc)
{
	mark(mc, false);
}

void wqd_guard__stats(struct wqd_guard *g, struct wqd_guard_stats *out)
{
	pthread_mutex_lock(&g->lock);
	*out = g->stats;
	pthread_mutex_unlock(&g->lock);
}
