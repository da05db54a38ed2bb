// SPDX-License-Identifier: GPL-2.0
/*
 * alert_send: post one stall through wq_alerter (lib/service/alert.h) to a webhook
 * and/or an exec hook, wait for the delivery, print what happened.  The
 * integration tests (tests/integration/alertmanager.sh) drive it.
 *
 *   alert_send [-w URL] [-s firing|resolved|both] [-i ID] [-t HOOK_MS]
 *              [-a ATTEMPTS] [-r RETRY_MS] [-W WAIT_MS] [-- HOOK ARGS...]
 *
 * Prints "post=STATE rc=N post_us=N" per record, then per enabled sink
 * "SINK sent=N failed=N retried=N dropped=N".  Exit 0 when every record
 * reached every sink, 1 otherwise, 2 on bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "log.h"

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: alert_send [-w URL] [-s firing|resolved|both] [-i ID]\n"
		"       [-t HOOK_MS] [-a ATTEMPTS] [-r RETRY_MS] [-W WAIT_MS]\n"
		"       [-- HOOK ARGS...]\n"
		"example: alert_send -w http://127.0.0.1:9093/api/v2/alerts -s "
		"firing\n");
}

int main(int argc, char **argv)
{
	struct wq_alert_opts o = {
		.name = "alert_send",
		.generator_url = "http://127.0.0.1:9464/",
		.retry = {.initial_ms = 200, .max_attempts = 3}};
	static const char *const sink_names[] = {"exec", "webhook"};
	const char *states = "both";
	unsigned int wait_ms = 20000;
	struct wq_alert_stats st;
	struct wq_alerter *a;
	struct wq_stall s = {
		.id = 7,
		.kind = WQ_STALL_PENDING,
		.source = "kernel",
		.pool_id = 4,
		.cpu = 2,
		.workqueue = "events",
		.function = "vmstat_update",
		.worker_tid = 1234,
		.threshold_ns = 5000000000ULL,
		.age_ns = 12500000000ULL,
		.evidence = "pending: 3; oldest vmstat_update 12.5s",
	};
	int c, i, rc = 0, n = 0;

	while ((c = getopt(argc, argv, "w:s:i:t:a:r:W:hv")) != -1) {
		switch (c) {
		case 'w':
			o.webhook_url = optarg;
			break;
		case 's':
			states = optarg;
			break;
		case 'i':
			s.id = strtoull(optarg, NULL, 10);
			break;
		case 't':
			o.exec_timeout_ms = atoi(optarg);
			break;
		case 'a':
			o.retry.max_attempts = atoi(optarg);
			break;
		case 'r':
			o.retry.initial_ms = atoi(optarg);
			break;
		case 'W':
			wait_ms = atoi(optarg);
			break;
		case 'v':
			wq_log__set_level(WQ_LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		o.exec_argv = argv + optind;
	if (strcmp(states, "firing") && strcmp(states, "resolved") &&
	    strcmp(states, "both")) {
		usage(stderr);
		return 2;
	}
	a = wq_alerter__new(&o);
	if (!a) {
		fprintf(stderr, "alert_send: %s\n", strerror(errno));
		return 2;
	}
	s.start_real_ns = now_ns(CLOCK_REALTIME) - s.age_ns;
	for (i = 0; i < 2; i++) {
		uint64_t t;
		int r;

		s.state = i ? WQ_STALL_RESOLVED : WQ_STALL_FIRING;
		if (strcmp(states, "both") &&
		    strcmp(states, i ? "resolved" : "firing"))
			continue;
		if (i)
			s.end_real_ns = now_ns(CLOCK_REALTIME);
		t = now_ns(CLOCK_MONOTONIC);
		r = wq_alerter__post(a, &s);
		t = now_ns(CLOCK_MONOTONIC) - t;
		printf("post=%s rc=%d post_us=%llu\n",
		       i ? "resolved" : "firing", r,
		       (unsigned long long)(t / 1000));
		fflush(stdout);
		n++;
		if (r || wq_alerter__flush(a, wait_ms))
			rc = 1;
	}
	wq_alerter__stop(a, 1000);
	wq_alerter__stats(a, &st);
	for (i = 0; i < WQ_ALERT_NR; i++) {
		struct wq_alert_sink_stats *k = &st.sink[i];

		if (!k->enabled)
			continue;
		printf("%s sent=%llu failed=%llu retried=%llu dropped=%llu\n",
		       sink_names[i], (unsigned long long)k->sent,
		       (unsigned long long)k->failed,
		       (unsigned long long)k->retried,
		       (unsigned long long)k->dropped);
		if (k->sent != (uint64_t)n)
			rc = 1;
	}
	wq_alerter__free(a);
	return rc;
}
