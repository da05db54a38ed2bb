// SPDX-License-Identifier: GPL-2.0
/*
 * One-shot timers for delayed work, served by one thread.
 *
 * Armed timers sit on a list sorted by expiry (T); the thread sleeps until
 * the first expiry with refwq_port_cond_wait_until() and runs each expired
 * callback without the lock.  A timer's state says where it is:
 * TIMER_IDLE, TIMER_ARMED (on the list) or TIMER_RUNNING (callback called).
 * Only refwq_timer_del() of an armed timer takes it back: that is what makes
 * the caller the owner of a delayed work's PENDING bit again.
 */
#include "internal.h"

enum { TIMER_IDLE, TIMER_ARMED, TIMER_RUNNING };

static struct {
	struct refwq_port_lock lock;
	struct refwq_port_cond cond; /* T: the head changed, or stop */
	struct refwq_list armed; /* T: sorted by expires_ns */
	bool stop; /* T */
	struct refwq_port_thread thread; /* I */
} tsvc;

static void timer_thread(void *unused)
{
	struct refwq_timer *t;
	uint64_t now;

	(void)unused;
	refwq_port_lock(&tsvc.lock);
	while (!tsvc.stop) {
		if (list_empty(&tsvc.armed)) {
			refwq_port_cond_wait(&tsvc.cond, &tsvc.lock);
			continue;
		}
		t = list_first_entry(&tsvc.armed, struct refwq_timer, entry);
		now = refwq_port_now_ns();
		if (now < t->expires_ns) {
			refwq_port_cond_wait_until(&tsvc.cond, &tsvc.lock,
						   t->expires_ns);
			continue;
		}
		list_del_init(&t->entry);
		WRITE_ONCE(t->state, TIMER_RUNNING);
		refwq_port_unlock(&tsvc.lock);
		/* @t may be re-armed or freed by its owner from here on. */
		t->fn(t);
		refwq_port_lock(&tsvc.lock);
	}
	refwq_port_unlock(&tsvc.lock);
}

/**
 * refwq_timer_init() - start the timer service
 *
 * Return: 0, or -errno when the thread cannot be started.
 * Context: refwq_init(), G held.
 */
int refwq_timer_init(void)
{
	int ret;

	refwq_port_lock_init(&tsvc.lock);
	refwq_port_cond_init(&tsvc.cond);
	list_init(&tsvc.armed);
	tsvc.stop = false;
	ret = refwq_port_thread_create(&tsvc.thread, timer_thread, NULL,
				       "rwq/timer");
	if (ret) {
		refwq_port_cond_destroy(&tsvc.cond);
		refwq_port_lock_destroy(&tsvc.lock);
	}
	return ret;
}

/**
 * refwq_timer_exit() - stop the timer service; armed timers are dropped
 *
 * Context: refwq_exit(), after every workqueue is gone.
 */
void refwq_timer_exit(void)
{
	struct refwq_timer *t, *n;

	refwq_port_lock(&tsvc.lock);
	tsvc.stop = true;
	refwq_port_cond_broadcast(&tsvc.cond);
	refwq_port_unlock(&tsvc.lock);
	refwq_port_thread_join(&tsvc.thread);
	list_for_each_entry_safe (t, n, &tsvc.armed, entry) {
		list_del_init(&t->entry);
		WRITE_ONCE(t->state, TIMER_IDLE);
	}
	refwq_port_cond_destroy(&tsvc.cond);
	refwq_port_lock_destroy(&tsvc.lock);
}

void refwq_timer_setup(struct refwq_timer *t, void (*fn)(struct refwq_timer *))
{
	list_init(&t->entry);
	t->expires_ns = 0;
	t->fn = fn;
	WRITE_ONCE(t->state, TIMER_IDLE);
}

/**
 * refwq_timer_arm() - arm an idle timer
 * @t: the timer; must not be armed
 * @expires_ns: monotonic time at which to call t->fn; never earlier
 *
 * Context: any thread; takes T.
 */
void refwq_timer_arm(struct refwq_timer *t, uint64_t expires_ns)
{
	struct refwq_timer *pos;

	refwq_port_lock(&tsvc.lock);
	if (WARN_ON_ONCE(t->state == TIMER_ARMED)) {
		refwq_port_unlock(&tsvc.lock);
		return;
	}
	t->expires_ns = expires_ns;
	WRITE_ONCE(t->state, TIMER_ARMED);
	/* Equal expiries keep arming order: scan from the tail. */
	for (pos = list_entry(tsvc.armed.prev, struct refwq_timer, entry);
	     &pos->entry != &tsvc.armed;
	     pos = list_entry(pos->entry.prev, struct refwq_timer, entry))
		if (pos->expires_ns <= expires_ns)
			break;
	list_add(&t->entry, &pos->entry);
	if (tsvc.armed.next == &t->entry)
		refwq_port_cond_signal(&tsvc.cond);
	refwq_port_unlock(&tsvc.lock);
}

/**
 * refwq_timer_del() - disarm a timer
 * @t: the timer
 *
 * Return: true when @t was armed and now never fires; false when it was idle
 * or its callback has already been started.
 * Context: any thread; takes T.
 */
bool refwq_timer_del(struct refwq_timer *t)
{
	bool ret = false;

	refwq_port_lock(&tsvc.lock);
	if (t->state == TIMER_ARMED) {
		list_del_init(&t->entry);
		WRITE_ONCE(t->state, TIMER_IDLE);
		ret = true;
	}
	refwq_port_unlock(&tsvc.lock);
	return ret;
}

bool refwq_timer_pending(const struct refwq_timer *t)
{
	return READ_ONCE(t->state) == TIMER_ARMED;
}
