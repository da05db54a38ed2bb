// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "alert.h"
#include "log.h"

#define T0 1763922970123456789ULL /* 2025-11-23T18:36:10.123Z */

static struct wq_stall stall(uint64_t id, enum wq_stall_state state)
{
	struct wq_stall s = {
		.id = id,
		.kind = WQ_STALL_PENDING,
		.state = state,
		.source = "kernel",
		.pool_id = 4,
		.cpu = 2,
		.workqueue = "events",
		.function = "vmstat_update",
		.worker_tid = 1234,
		.threshold_ns = 5000000000ULL,
		.age_ns = 12500000000ULL,
		.start_real_ns = T0,
		.evidence = "pending: 3 (vmstat_update, \"lru_add_drain\")",
	};

	if (state == WQ_STALL_RESOLVED)
		s.end_real_ns = T0 + 20000000000ULL;
	return s;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static void rfc3339(void **state)
{
	char b[40];

	(void)state;
	assert_int_equal(wq_alert__rfc3339(T0, b, sizeof(b)), 0);
	assert_string_equal(b, "2025-11-23T18:36:10.123Z");
	assert_int_equal(wq_alert__rfc3339(0, b, sizeof(b)), 0);
	assert_string_equal(b, "1970-01-01T00:00:00.000Z");
	assert_int_equal(wq_alert__rfc3339(T0, b, 10), -ENOSPC);
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		return NULL;
	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static struct json_object *parse_alert(const char *body)
{
	struct json_object *arr = json_tokener_parse(body);

	assert_non_null(arr);
	assert_true(json_object_is_type(arr, json_type_array));
	assert_int_equal(json_object_array_length(arr), 1);
	return arr;
}

static char *labels_of(const char *body)
{
	struct json_object *arr = parse_alert(body), *lab;
	char *s;

	assert_true(json_object_object_get_ex(json_object_array_get_idx(arr, 0),
					      "labels", &lab));
	s = strdup(json_object_to_json_string_ext(lab, JSON_C_TO_STRING_PLAIN));
	json_object_put(arr);
	return s;
}

static void payload_firing(void **state)
{
	struct wq_alert_opts o = {.name = "box1",
				  .generator_url = "http://box1:9464/"};
	struct wq_stall s = stall(7, WQ_STALL_FIRING);
	struct json_object *arr, *al, *lab, *ann;
	char *body;

	(void)state;
	body = wq_alert__payload(&s, &o, T0 + 12500000000ULL);
	assert_non_null(body);
	arr = parse_alert(body);
	al = json_object_array_get_idx(arr, 0);
	assert_true(json_object_object_get_ex(al, "labels", &lab));
	assert_string_equal(jstr(lab, "alertname"), "WorkqueueStall");
	assert_string_equal(jstr(lab, "kind"), "pending");
	assert_string_equal(jstr(lab, "severity"), "critical");
	assert_string_equal(jstr(lab, "source"), "kernel");
	assert_string_equal(jstr(lab, "pool"), "4");
	assert_string_equal(jstr(lab, "cpu"), "2");
	assert_string_equal(jstr(lab, "workqueue"), "events");
	assert_string_equal(jstr(lab, "function"), "vmstat_update");
	assert_string_equal(jstr(lab, "instance"), "box1");
	assert_string_equal(jstr(lab, "stall_id"), "7");
	/* Nothing that changes while the stall lasts. */
	assert_int_equal(json_object_object_length(lab), 10);
	assert_true(json_object_object_get_ex(al, "annotations", &ann));
	assert_non_null(strstr(jstr(ann, "summary"), "12.5s > 5s"));
	assert_non_null(strstr(jstr(ann, "description"), "tid 1234"));
	assert_string_equal(jstr(ann, "evidence"), s.evidence);
	assert_string_equal(jstr(ann, "age_seconds"), "12.5");
	assert_string_equal(jstr(al, "startsAt"), "2025-11-23T18:36:10.123Z");
	assert_null(jstr(al, "endsAt"));
	assert_string_equal(jstr(al, "generatorURL"), "http://box1:9464/");
	json_object_put(arr);
	free(body);

	/* With a TTL, endsAt lies that far after now. */
	o.firing_ttl_s = 300;
	body = wq_alert__payload(&s, &o, T0);
	arr = parse_alert(body);
	assert_string_equal(jstr(json_object_array_get_idx(arr, 0), "endsAt"),
			    "2025-11-23T18:41:10.123Z");
	json_object_put(arr);
	free(body);
}

static void payload_unknown_fields(void **state)
{
	struct wq_alert_opts o = {0};
	struct wq_stall s = stall(8, WQ_STALL_FIRING);
	struct json_object *arr, *al, *lab;
	char *body;

	(void)state;
	s.kind = WQ_STALL_RUNNING;
	s.pool_id = -1;
	s.cpu = -1;
	s.workqueue[0] = '\0';
	body = wq_alert__payload(&s, &o, T0);
	arr = parse_alert(body);
	al = json_object_array_get_idx(arr, 0);
	assert_true(json_object_object_get_ex(al, "labels", &lab));
	assert_string_equal(jstr(lab, "severity"), "warning");
	assert_null(jstr(lab, "pool"));
	assert_null(jstr(lab, "cpu"));
	assert_null(jstr(lab, "workqueue"));
	assert_null(jstr(lab, "instance"));
	assert_null(jstr(al, "generatorURL"));
	json_object_put(arr);
	free(body);
}

static void payload_resolved_same_labels(void **state)
{
	struct wq_alert_opts o = {.name = "box1"};
	struct wq_stall s = stall(7, WQ_STALL_FIRING);
	struct json_object *arr;
	char *b1, *b2, *b3, *l1, *l2, *l3;

	(void)state;
	b1 = wq_alert__payload(&s, &o, T0);
	s.age_ns *= 3; /* an update */
	s.worker_tid = 99;
	strcpy(s.evidence, "other");
	b2 = wq_alert__payload(&s, &o, T0 + 1);
	s = stall(7, WQ_STALL_RESOLVED);
	b3 = wq_alert__payload(&s, &o, T0 + 30000000000ULL);
	l1 = labels_of(b1);
	l2 = labels_of(b2);
	l3 = labels_of(b3);
	assert_string_equal(l1, l2);
	assert_string_equal(l1, l3);
	arr = parse_alert(b3);
	assert_string_equal(jstr(json_object_array_get_idx(arr, 0), "endsAt"),
			    "2025-11-23T18:36:30.123Z");
	json_object_put(arr);
	/* Resolved without an end time: now. */
	s.end_real_ns = 0;
	free(b3);
	b3 = wq_alert__payload(&s, &o, T0 + 40000000000ULL);
	arr = parse_alert(b3);
	assert_string_equal(jstr(json_object_array_get_idx(arr, 0), "endsAt"),
			    "2025-11-23T18:36:50.123Z");
	json_object_put(arr);
	free(b1);
	free(b2);
	free(b3);
	free(l1);
	free(l2);
	free(l3);
}

static const char *getenv_in(char **env, const char *k)
{
	size_t n = strlen(k);
	const char *v = NULL;

	for (; *env; env++) {
		if (!strncmp(*env, k, n) && (*env)[n] == '=') {
			assert_null(v); /* once only */
			v = *env + n + 1;
		}
	}
	return v;
}

static void env(void **state)
{
	char *const base[] = {"PATH=/usr/bin:/bin", "WQMON_STALL_ID=stale",
			      "HOME=/root", NULL};
	struct wq_stall s = stall(42, WQ_STALL_RESOLVED);
	char **e;

	(void)state;
	e = wq_alert__env(&s, base);
	assert_non_null(e);
	assert_string_equal(getenv_in(e, "PATH"), "/usr/bin:/bin");
	assert_string_equal(getenv_in(e, "HOME"), "/root");
	assert_string_equal(getenv_in(e, "WQMON_STALL_ID"), "42");
	assert_string_equal(getenv_in(e, "WQMON_STALL_KIND"), "pending");
	assert_string_equal(getenv_in(e, "WQMON_STALL_STATE"), "resolved");
	assert_string_equal(getenv_in(e, "WQMON_SOURCE"), "kernel");
	assert_string_equal(getenv_in(e, "WQMON_POOL"), "4");
	assert_string_equal(getenv_in(e, "WQMON_CPU"), "2");
	assert_string_equal(getenv_in(e, "WQMON_WORKQUEUE"), "events");
	assert_string_equal(getenv_in(e, "WQMON_FUNCTION"), "vmstat_update");
	assert_string_equal(getenv_in(e, "WQMON_WORKER_TID"), "1234");
	assert_string_equal(getenv_in(e, "WQMON_AGE_SECONDS"), "12.5");
	assert_string_equal(getenv_in(e, "WQMON_THRESHOLD_SECONDS"), "5");
	assert_string_equal(getenv_in(e, "WQMON_STARTED_AT"),
			    "2025-11-23T18:36:10.123Z");
	assert_string_equal(getenv_in(e, "WQMON_ENDED_AT"),
			    "2025-11-23T18:36:30.123Z");
	assert_string_equal(getenv_in(e, "WQMON_EVIDENCE"), s.evidence);
	assert_string_equal(getenv_in(e, "WQMON_SEVERITY"), "critical");
	wq_alert__env_free(e);

	/* Unknowns are empty; firing has no end. */
	s = stall(1, WQ_STALL_FIRING);
	s.pool_id = -1;
	s.cpu = -1;
	s.worker_tid = 0;
	s.age_ns = 1500000;
	e = wq_alert__env(&s, NULL);
	assert_string_equal(getenv_in(e, "WQMON_STALL_STATE"), "firing");
	assert_string_equal(getenv_in(e, "WQMON_POOL"), "");
	assert_string_equal(getenv_in(e, "WQMON_CPU"), "");
	assert_string_equal(getenv_in(e, "WQMON_WORKER_TID"), "");
	assert_string_equal(getenv_in(e, "WQMON_ENDED_AT"), "");
	assert_string_equal(getenv_in(e, "WQMON_AGE_SECONDS"), "0.0015");
	assert_null(getenv_in(e, "PATH"));
	wq_alert__env_free(e);
}

static void backoff(void **state)
{
	struct wq_alert_retry r = {.initial_ms = 100,
				   .max_ms = 1000,
				   .max_attempts = 5,
				   .max_age_ms = 60000};

	(void)state;
	assert_int_equal(wq_alert__backoff_ms(&r, 1), 0);
	assert_int_equal(wq_alert__backoff_ms(&r, 2), 100);
	assert_int_equal(wq_alert__backoff_ms(&r, 3), 200);
	assert_int_equal(wq_alert__backoff_ms(&r, 4), 400);
	assert_int_equal(wq_alert__backoff_ms(&r, 5), 800);
	assert_int_equal(wq_alert__backoff_ms(&r, 6), 1000);
	assert_int_equal(wq_alert__backoff_ms(&r, 1000), 1000);
	assert_false(wq_alert__give_up(&r, 4, 59999));
	assert_true(wq_alert__give_up(&r, 5, 0));
	assert_true(wq_alert__give_up(&r, 1, 60000));
	r.max_attempts = 0;
	assert_false(wq_alert__give_up(&r, 1000000, 1));
	r.max_age_ms = 0;
	assert_false(wq_alert__give_up(&r, 1000000, 1000000));
}

static uint64_t ids(struct wq_alert_queue *q, unsigned int i)
{
	struct wq_alert_item *it = &q->q[(q->head + i) % q->cap];

	return it->s.id * 10 + (it->s.state == WQ_STALL_RESOLVED);
}

static void queue_policy(void **state)
{
	struct wq_alert_queue q;
	struct wq_alert_item it;
	struct wq_stall s;

	(void)state;
	assert_int_equal(wq_alert_queue__init(&q, 3), 0);
	s = stall(1, WQ_STALL_FIRING);
	assert_int_equal(wq_alert_queue__push(&q, &s, false, 1), 0);
	s = stall(2, WQ_STALL_FIRING);
	assert_int_equal(wq_alert_queue__push(&q, &s, true, 2), 0);
	s = stall(3, WQ_STALL_FIRING);
	assert_int_equal(wq_alert_queue__push(&q, &s, false, 3), 0);
	/* Full: the update (2) goes, not the older start (1). */
	s = stall(4, WQ_STALL_FIRING);
	assert_int_equal(wq_alert_queue__push(&q, &s, false, 4), 0);
	assert_int_equal(q.n, 3);
	assert_int_equal(q.dropped, 1);
	assert_int_equal(ids(&q, 0), 10);
	assert_int_equal(ids(&q, 1), 30);
	assert_int_equal(ids(&q, 2), 40);
	/* Only starts queued: an incoming update is the one dropped. */
	s = stall(5, WQ_STALL_FIRING);
	assert_int_equal(wq_alert_queue__push(&q, &s, true, 5), -ENOSPC);
	assert_int_equal(q.dropped, 2);
	/* A newer firing record of a queued stall replaces it in place,
	 * keeps its place, its start flag and its age. */
	s = stall(3, WQ_STALL_FIRING);
	s.age_ns = 99;
	assert_int_equal(wq_alert_queue__push(&q, &s, true, 6), 0);
	assert_int_equal(q.coalesced, 1);
	assert_int_equal(q.q[(q.head + 1) % q.cap].s.age_ns, 99);
	assert_false(q.q[(q.head + 1) % q.cap].update);
	assert_int_equal(q.q[(q.head + 1) % q.cap].enq_ns, 3);
	/* A resolve when nothing else can go: the oldest record goes. */
	s = stall(1, WQ_STALL_RESOLVED);
	assert_int_equal(wq_alert_queue__push(&q, &s, false, 7), 0);
	assert_int_equal(q.dropped, 3);
	assert_int_equal(ids(&q, 0), 30);
	assert_int_equal(ids(&q, 2), 11);
	/* A resolve is never merged into the firing record. */
	s = stall(3, WQ_STALL_RESOLVED);
	assert_true(wq_alert_queue__has(&q, 3));
	assert_true(wq_alert_queue__pop(&q, &it));
	assert_int_equal(it.s.id, 3);
	assert_int_equal(wq_alert_queue__push(&q, &s, false, 8), 0);
	assert_int_equal(ids(&q, 2), 31);
	assert_true(wq_alert_queue__pop(&q, &it));
	assert_true(wq_alert_queue__pop(&q, &it));
	assert_true(wq_alert_queue__pop(&q, &it));
	assert_false(wq_alert_queue__pop(&q, &it));
	assert_false(wq_alert_queue__has(&q, 3));
	wq_alert_queue__fini(&q);
}

static void bad_opts(void **state)
{
	char *const rel[] = {"hook.sh", NULL};
	struct wq_alert_opts o = {.webhook_url = "https://am/"};

	(void)state;
	errno = 0;
	assert_null(wq_alerter__new(&o));
	assert_int_equal(errno, EINVAL);
	o.webhook_url = NULL;
	o.exec_argv = rel;
	assert_null(wq_alerter__new(&o));
	assert_int_equal(errno, EINVAL);
}

/* A webhook that accepts connections and never answers: post() must not
 * notice, the queue stays bounded, and stop() keeps its deadline. */
static void post_never_blocks(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	struct wq_alert_opts o = {
		.webhook_timeout_ms = 10000,
		.queue_len = 8,
		.retry = {.initial_ms = 10000, .max_attempts = 3}};
	struct wq_alert_stats st;
	struct wq_alerter *a;
	uint64_t t, worst = 0;
	char url[64];
	int fd, i;

	(void)state;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 64), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/v2/alerts",
		 ntohs(sa.sin_port));
	o.webhook_url = url;
	a = wq_alerter__new(&o);
	assert_non_null(a);
	for (i = 0; i < 200; i++) {
		struct wq_stall s = stall(i, WQ_STALL_FIRING);

		t = mono_ms();
		wq_alerter__post(a, &s);
		t = mono_ms() - t;
		worst = t > worst ? t : worst;
	}
	print_message("# slowest post(): %llu ms\n", (unsigned long long)worst);
	assert_true(worst < 50);
	usleep(100000);
	wq_alerter__stats(a, &st);
	assert_false(st.sink[WQ_ALERT_EXEC].enabled);
	assert_true(st.sink[WQ_ALERT_WEBHOOK].enabled);
	assert_int_equal(st.sink[WQ_ALERT_WEBHOOK].sent, 0);
	/* The queue's 8, and 1 in delivery unless the thread took it only
	 * after the last post. */
	assert_in_range(st.sink[WQ_ALERT_WEBHOOK].queued, 8, 9);
	assert_int_equal(st.sink[WQ_ALERT_WEBHOOK].queued +
				 st.sink[WQ_ALERT_WEBHOOK].dropped,
			 200);
	assert_int_equal(wq_alerter__flush(a, 50), -ETIMEDOUT);
	t = mono_ms();
	assert_int_equal(wq_alerter__stop(a, 200), -ETIMEDOUT);
	t = mono_ms() - t;
	print_message("# stop(200 ms) took %llu ms\n", (unsigned long long)t);
	assert_true(t < 1000);
	wq_alerter__stats(a, &st);
	assert_int_equal(st.sink[WQ_ALERT_WEBHOOK].queued, 0);
	assert_int_equal(st.sink[WQ_ALERT_WEBHOOK].failed, 1);
	assert_int_equal(st.sink[WQ_ALERT_WEBHOOK].dropped, 199);
	assert_int_equal(wq_alerter__post(a, &(struct wq_stall){0}),
			 -ESHUTDOWN);
	wq_alerter__free(a);
	close(fd);
}

/* Issue 14: a hook that prints 20 MB a call leaves a bounded log: its
 * first lines, then the number of bytes dropped. */
static void hook_output_bounded(void **state)
{
	char dir[] = "/tmp/wqmon-hook-XXXXXX", hook[64], logf[64], buf[8192];
	char *argv[] = { hook, NULL };
	struct wq_alert_opts o = { .exec_timeout_ms = 20000, .queue_len = 4 };
	struct wq_alert_stats st;
	struct wq_alerter *a;
	struct wq_stall s = stall(1, WQ_STALL_FIRING);
	struct stat sb;
	FILE *f;
	int fd, saved;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(hook, sizeof(hook), "%s/hook", dir);
	snprintf(logf, sizeof(logf), "%s/log", dir);
	f = fopen(hook, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nhead -c 20000000 /dev/zero | tr '\\0' 'x' | "
	      "fold -w 100\necho done-on-stderr >&2\n", f);
	fclose(f);
	chmod(hook, 0755);
	o.exec_argv = argv;

	fflush(stderr);
	saved = dup(2);
	fd = open(logf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	close(fd);
	wq_log__set_level(WQ_LOG_INFO);
	a = wq_alerter__new(&o);
	assert_non_null(a);
	assert_int_equal(wq_alerter__post(a, &s), 0);
	assert_int_equal(wq_alerter__flush(a, 30000), 0);
	wq_alerter__stats(a, &st);
	wq_alerter__stop(a, 1000);
	wq_alerter__free(a);
	wq_log__set_level(WQ_LOG_ERR);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);

	assert_int_equal(st.sink[WQ_ALERT_EXEC].sent, 1);
	assert_int_equal(stat(logf, &sb), 0);
	print_message("# log after a 20 MB hook: %lld bytes\n",
		      (long long)sb.st_size);
	assert_true(sb.st_size < 4 * WQ_HOOK_OUT_BYTES);
	f = fopen(logf, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "xxxxxxxxxx"));
	/* 20000000 + 200000 newlines + the stderr line - 10 kept lines */
	assert_non_null(strstr(buf, "more bytes of output dropped"));
	assert_non_null(strstr(buf, "exit 0"));

	/* A hook that prints forever is still killed at its timeout. */
	f = fopen(hook, "w");
	fputs("#!/bin/sh\nexec yes\n", f);
	fclose(f);
	o.exec_timeout_ms = 300;
	a = wq_alerter__new(&o);
	assert_non_null(a);
	assert_int_equal(wq_alerter__post(a, &s), 0);
	assert_int_equal(wq_alerter__flush(a, 5000), 0);
	wq_alerter__stats(a, &st);
	assert_int_equal(st.sink[WQ_ALERT_EXEC].failed, 1);
	wq_alerter__stop(a, 1000);
	wq_alerter__free(a);
	unlink(hook);
	unlink(logf);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc3339),
		cmocka_unit_test(payload_firing),
		cmocka_unit_test(payload_unknown_fields),
		cmocka_unit_test(payload_resolved_same_labels),
		cmocka_unit_test(env),
		cmocka_unit_test(backoff),
		cmocka_unit_test(queue_policy),
		cmocka_unit_test(bad_opts),
		cmocka_unit_test(post_never_blocks),
		cmocka_unit_test(hook_output_bounded),
	};

	wq_log__set_level(WQ_LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
