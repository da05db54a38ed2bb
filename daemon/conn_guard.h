/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who may hold the daemon's HTTP connections, and for how long.
 *
 * libmicrohttpd's own timeout restarts on every byte, so a client that
 * sends one header line every few seconds (slowloris) holds a connection
 * for ever, and a few dozen of them hold them all: no scrape is answered.
 * The guard, one per listening socket, sees every connection come and go
 * (MHD_OPTION_NOTIFY_CONNECTION) and every request start and end, and:
 *  - gives a request WQD_REQUEST_DEADLINE_S from its connection's accept
 *    (or its previous answer) to arrive whole, whatever it trickles, and an
 *    answer WQD_ANSWER_DEADLINE_S to be taken: past that it is shut down;
 *  - keeps a slot free for a new client: when the connections would fill
 *    the limit, the oldest one waiting for its request is shut down;
 *  - lets one client address hold half the TCP connections, and one user
 *    (SO_PEERCRED) a quarter of the local socket's (root: no limit); over
 *    that, the client's own oldest waiting connection gives way.
 * Shut down means shutdown(2): libmicrohttpd sees the end of the stream and
 * closes the connection itself, in its own thread.
 */
#ifndef WQMOND_CONN_GUARD_H
#define WQMOND_CONN_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

#define WQD_REQUEST_DEADLINE_S 10
#define WQD_ANSWER_DEADLINE_S 60

struct wqd_guard;

/* Why connections were shut down, for /metrics and the log. */
struct wqd_guard_stats {
	uint64_t deadline;	/* a request or answer past its deadline */
	uint64_t evicted;	/* the oldest waiting one, to free a slot */
	uint64_t per_user;	/* over an address's or a user's share */
};

/* @limit: the daemon's connection limit; @local: the unix socket (users
 * are told apart by their uid). */
struct wqd_guard *wqd_guard__new(size_t limit, bool local);
/* Stops the sweeping thread; after MHD_stop_daemon(). */
void wqd_guard__free(struct wqd_guard *g);
/* Start the thread that enforces the deadlines.  0 or -errno. */
int wqd_guard__start(struct wqd_guard *g);

/* MHD_OPTION_NOTIFY_CONNECTION callback; cls: the guard. */
void wqd_guard__notify(void *cls, struct MHD_Connection *c,
		       void **socket_context,
		       enum MHD_ConnectionNotificationCode toe);
/* A request arrived whole (the access handler), and its answer was taken
 * (MHD_OPTION_NOTIFY_COMPLETED). */
void wqd_guard__request_started(struct MHD_Connection *c);
void wqd_guard__request_done(struct MHD_Connection *c);

void wqd_guard__stats(struct wqd_guard *g, struct wqd_guard_stats *out);

/* The connection limit that fits @nofile descriptors, for @listeners
 * sockets beside the daemon's own needs; @want if it fits. */
size_t wqd_guard__fit_limit(size_t want, uint64_t nofile, int listeners);

#endif
