/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The port interface: everything platform-specific the core needs.
 *
 * The core calls nothing else (no libc), so a port is this file's functions
 * plus a port_impl.h that defines the three opaque object types the core
 * embeds in its private structures:
 *
 *   struct refwq_port_lock    a sleeping mutual-exclusion lock
 *   struct refwq_port_cond    a wait/wake object used with one lock
 *   struct refwq_port_thread  a thread handle
 *
 * Timers are built by the core on top of refwq_port_cond_wait_until(), so a
 * port needs no timer facility of its own.  Memory is requested only when
 * workqueues, pools and workers are created, never to queue or run work.
 */
#ifndef REFWQ_PORT_H
#define REFWQ_PORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port_impl.h"

/* Start and stop the port (called by refwq_init()/refwq_exit()). */
int refwq_port_init(void);
void refwq_port_exit(void);

/* Zeroed memory aligned to at least @align (a power of two <= 4096). */
void *refwq_port_zalloc(size_t size, size_t align);
void refwq_port_free(void *p);

void refwq_port_lock_init(struct refwq_port_lock *l);
void refwq_port_lock_destroy(struct refwq_port_lock *l);
void refwq_port_lock(struct refwq_port_lock *l);
bool refwq_port_trylock(struct refwq_port_lock *l);
void refwq_port_unlock(struct refwq_port_lock *l);
/* Debug: does the calling thread hold @l? */
bool refwq_port_lock_held(struct refwq_port_lock *l);

void refwq_port_cond_init(struct refwq_port_cond *c);
void refwq_port_cond_destroy(struct refwq_port_cond *c);
/* Atomically release @l and wait; @l is held again on return.  Spurious
 * wake-ups are allowed: callers re-check their condition. */
void refwq_port_cond_wait(struct refwq_port_cond *c, struct refwq_port_lock *l);
/* As above, until refwq_port_now_ns() >= @deadline_ns.
 * Return: 0 when woken, -ETIMEDOUT (-110) at the deadline. */
int refwq_port_cond_wait_until(struct refwq_port_cond *c,
			       struct refwq_port_lock *l, uint64_t deadline_ns);
void refwq_port_cond_signal(struct refwq_port_cond *c);
void refwq_port_cond_broadcast(struct refwq_port_cond *c);

/* Start @fn(@arg) in a new thread named @name.  Return: 0 or -errno. */
int refwq_port_thread_create(struct refwq_port_thread *t, void (*fn)(void *),
			     void *arg, const char *name);
void refwq_port_thread_join(struct refwq_port_thread *t);
/* Set the calling thread's nice level.  Return: 0 or -errno. */
int refwq_port_thread_set_nice(int nice);
/* CPU time @t has consumed; @t NULL: the calling thread. */
uint64_t refwq_port_thread_cpu_ns(struct refwq_port_thread *t);
/* Thread id of the calling thread, for reports. */
long refwq_port_thread_id(void);
/* One pointer of per-thread storage: the core's "current worker". */
void refwq_port_set_current(void *p);
void *refwq_port_get_current(void);
void refwq_port_yield(void);
void refwq_port_sleep_ns(uint64_t ns);

/* Monotonic clock in nanoseconds. */
uint64_t refwq_port_now_ns(void);
int refwq_port_nr_cpus(void);
/* The CPU the calling (non-worker) thread runs on, 0..nr_cpus-1 of the
 * machine; the core folds it onto its virtual CPUs. */
int refwq_port_current_cpu(void);

enum refwq_log_level { REFWQ_LOG_ERR, REFWQ_LOG_WARN, REFWQ_LOG_INFO };
void refwq_port_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int refwq_port_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif /* REFWQ_PORT_H */
