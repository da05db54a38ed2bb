// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX threads port of refwq: pthread mutexes and condition variables on
 * CLOCK_MONOTONIC, per-thread CPU clocks, thread-local "current worker".
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../port.h"

static __thread void *port_current;

static uint64_t ts_to_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

int refwq_port_init(void)
{
	return 0;
}

void refwq_port_exit(void)
{
}

void *refwq_port_zalloc(size_t size, size_t align)
{
	void *p;

	if (align < sizeof(void *))
		align = sizeof(void *);
	if (posix_memalign(&p, align, size))
		return NULL;
	memset(p, 0, size);
	return p;
}

void refwq_port_free(void *p)
{
	free(p);
}

void refwq_port_lock_init(struct refwq_port_lock *l)
{
	pthread_mutex_init(&l->mutex, NULL);
	l->held = 0;
}

void refwq_port_lock_destroy(struct refwq_port_lock *l)
{
	pthread_mutex_destroy(&l->mutex);
}

static void lock_acquired(struct refwq_port_lock *l)
{
	l->owner = pthread_self();
	__atomic_store_n(&l->held, 1, __ATOMIC_RELAXED);
}

static void lock_releasing(struct refwq_port_lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELAXED);
}

void refwq_port_lock(struct refwq_port_lock *l)
{
	pthread_mutex_lock(&l->mutex);
	lock_acquired(l);
}

bool refwq_port_trylock(struct refwq_port_lock *l)
{
	if (pthread_mutex_trylock(&l->mutex))
		return false;
	lock_acquired(l);
	return true;
}

void refwq_port_unlock(struct refwq_port_lock *l)
{
	lock_releasing(l);
	pthread_mutex_unlock(&l->mutex);
}

bool refwq_port_lock_held(struct refwq_port_lock *l)
{
	/* Only the owner can see held set with owner == self. */
	return __atomic_load_n(&l->held, __ATOMIC_RELAXED) &&
	       pthread_equal(l->owner, pthread_self());
}

void refwq_port_cond_init(struct refwq_port_cond *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
}

void refwq_port_cond_destroy(struct refwq_port_cond *c)
{
	pthread_cond_destroy(&c->cond);
}

void refwq_port_cond_wait(struct refwq_port_cond *c, struct refwq_port_lock *l)
{
	lock_releasing(l);
	pthread_cond_wait(&c->cond, &l->mutex);
	lock_acquired(l);
}

int refwq_port_cond_wait_until(struct refwq_port_cond *c,
			       struct refwq_port_lock *l, uint64_t deadline_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ns / 1000000000ull),
		.tv_nsec = (long)(deadline_ns % 1000000000ull),
	};
	int ret;

	lock_releasing(l);
	ret = pthread_cond_timedwait(&c->cond, &l->mutex, &ts);
	lock_acquired(l);
	return ret == ETIMEDOUT ? -ETIMEDOUT : 0;
}

void refwq_port_cond_signal(struct refwq_port_cond *c)
{
	pthread_cond_signal(&c->cond);
}

void refwq_port_cond_broadcast(struct refwq_port_cond *c)
{
	pthread_cond_broadcast(&c->cond);
}

static void *thread_trampoline(void *p)
{
	struct refwq_port_thread *t = p;

	pthread_setname_np(pthread_self(), t->name);
	t->fn(t->arg);
	return NULL;
}

int refwq_port_thread_create(struct refwq_port_thread *t, void (*fn)(void *),
			     void *arg, const char *name)
{
	int ret;

	t->fn = fn;
	t->arg = arg;
	snprintf(t->name, sizeof(t->name), "%s", name);
	ret = pthread_create(&t->thread, NULL, thread_trampoline, t);
	return ret ? -ret : 0;
}

void refwq_port_thread_join(struct refwq_port_thread *t)
{
	pthread_join(t->thread, NULL);
}

int refwq_port_thread_set_nice(int nice)
{
	/* Linux: nice is per thread when addressed by tid. */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice))
		return -errno;
	return 0;
}

uint64_t refwq_port_thread_cpu_ns(struct refwq_port_thread *t)
{
	struct timespec ts;
	clockid_t cid = CLOCK_THREAD_CPUTIME_ID;

	if (t && pthread_getcpuclockid(t->thread, &cid))
		return 0;
	if (clock_gettime(cid, &ts))
		return 0;
	return ts_to_ns(&ts);
}

long refwq_port_thread_id(void)
{
	return (long)syscall(SYS_gettid);
}

void refwq_port_set_current(void *p)
{
	port_current = p;
}

void *refwq_port_get_current(void)
{
	return port_current;
}

void refwq_port_yield(void)
{
	sched_yield();
}

void refwq_port_sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

uint64_t refwq_port_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_to_ns(&ts);
}

int refwq_port_nr_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

int refwq_port_current_cpu(void)
{
	int cpu = sched_getcpu();

	return cpu >= 0 ? cpu : 0;
}

void refwq_port_log(int level, const char *fmt, ...)
{
	static const char *const tag[] = {"error", "warning", "info"};
	va_list ap;

	if (level < REFWQ_LOG_ERR || level > REFWQ_LOG_INFO)
		level = REFWQ_LOG_INFO;
	fprintf(stderr, "refwq: %s: ", tag[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int refwq_port_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}
