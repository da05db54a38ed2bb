// SPDX-License-Identifier: GPL-2.0
/*
 * Linux kernel port of refwq: the core's threads are kthreads, its locks
 * mutexes (the core sleeps while holding W, and holds L across wait/wake,
 * so they must be sleeping locks; a mutex spins optimistically while the
 * owner runs, as the hosted port's adaptive mutex does), its condition
 * variables wait queues with a sequence number, its clock CLOCK_MONOTONIC.
 *
 * Every wait is TASK_IDLE: idle workers and the timer thread sleep for
 * minutes without counting in the load average or tripping the hung-task
 * detector, and a kthread takes no signals anyway.
 */
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "../port.h"

struct port_lock {
	struct mutex mutex;
	struct task_struct *owner; /* valid while held */
};

struct port_cond {
	wait_queue_head_t wq;
	unsigned int seq; /* bumped by every signal and broadcast */
};

struct port_thread {
	struct task_struct *task;
	void (*fn)(void *);
	void *arg;
	void *current_ptr; /* X: refwq_port_set_current() */
	struct completion started;
};

static_assert(sizeof(struct port_lock) <= sizeof(struct refwq_port_lock));
static_assert(__alignof__(struct port_lock) <=
	      __alignof__(struct refwq_port_lock));
static_assert(sizeof(struct port_cond) <= sizeof(struct refwq_port_cond));
static_assert(__alignof__(struct port_cond) <=
	      __alignof__(struct refwq_port_cond));
static_assert(sizeof(struct port_thread) <= sizeof(struct refwq_port_thread));
static_assert(__alignof__(struct port_thread) <=
	      __alignof__(struct refwq_port_thread));

#define LOCK(l) ((struct port_lock *)(l)->opaque)
#define COND(c) ((struct port_cond *)(c)->opaque)
#define THREAD(t) ((struct port_thread *)(t)->opaque)

int refwq_port_init(void)
{
	return 0;
}

void refwq_port_exit(void)
{
}

/*
 * kmalloc aligns power-of-two sizes naturally, so a request with an
 * alignment is rounded up to one; vmalloc (page aligned) takes what the
 * slab caches cannot.
 */
void *refwq_port_zalloc(size_t size, size_t align)
{
	size_t n = size;

	if (WARN_ON_ONCE(align > PAGE_SIZE || !size))
		return NULL;
	if (align > sizeof(unsigned long long))
		n = roundup_pow_of_two(max(size, align));
	if (n <= KMALLOC_MAX_CACHE_SIZE)
		return kzalloc(n, GFP_KERNEL);
	return vzalloc(size);
}

void refwq_port_free(void *p)
{
	kvfree(p);
}

void refwq_port_lock_init(struct refwq_port_lock *l)
{
	mutex_init(&LOCK(l)->mutex);
	/* The core's locks share one init site, hence one lockdep class; its
	 * order (G -> W -> L) nests that class, which lockdep would call
	 * recursion.  The core documents and checks its own order. */
	lockdep_set_novalidate_class(&LOCK(l)->mutex);
	LOCK(l)->owner = NULL;
}

void refwq_port_lock_destroy(struct refwq_port_lock *l)
{
	mutex_destroy(&LOCK(l)->mutex);
}

void refwq_port_lock(struct refwq_port_lock *l)
{
	mutex_lock(&LOCK(l)->mutex);
	WRITE_ONCE(LOCK(l)->owner, current);
}

bool refwq_port_trylock(struct refwq_port_lock *l)
{
	if (!mutex_trylock(&LOCK(l)->mutex))
		return false;
	WRITE_ONCE(LOCK(l)->owner, current);
	return true;
}

void refwq_port_unlock(struct refwq_port_lock *l)
{
	WRITE_ONCE(LOCK(l)->owner, NULL);
	mutex_unlock(&LOCK(l)->mutex);
}

bool refwq_port_lock_held(struct refwq_port_lock *l)
{
	return READ_ONCE(LOCK(l)->owner) == current;
}

void refwq_port_cond_init(struct refwq_port_cond *c)
{
	init_waitqueue_head(&COND(c)->wq);
	COND(c)->seq = 0;
}

void refwq_port_cond_destroy(struct refwq_port_cond *c)
{
	WARN_ON_ONCE(waitqueue_active(&COND(c)->wq));
}

/*
 * Wait for the next signal after the call (the sequence number moves), or
 * until @deadline_ns (0: none).  Queued before @l is dropped, so a signal
 * given by whoever takes @l next cannot be missed.  Exclusive: a signal
 * wakes one waiter, a broadcast all of them.
 */
static int cond_wait(struct port_cond *c, struct refwq_port_lock *l,
		     u64 deadline_ns)
{
	unsigned int seq = READ_ONCE(c->seq);
	DEFINE_WAIT(wait);
	int ret = 0;

	prepare_to_wait_exclusive(&c->wq, &wait, TASK_IDLE);
	refwq_port_unlock(l);
	for (;;) {
		if (READ_ONCE(c->seq) != seq)
			break;
		if (deadline_ns) {
			ktime_t exp = ns_to_ktime(deadline_ns);

			if (ktime_get_ns() >= deadline_ns) {
				ret = -ETIMEDOUT;
				break;
			}
			schedule_hrtimeout(&exp, HRTIMER_MODE_ABS);
		} else {
			schedule();
		}
		prepare_to_wait_exclusive(&c->wq, &wait, TASK_IDLE);
	}
	finish_wait(&c->wq, &wait);
	/* A signal that chose this waiter as it timed out is not lost: the
	 * caller sees a wake-up and re-checks its condition. */
	if (ret && READ_ONCE(c->seq) != seq)
		ret = 0;
	refwq_port_lock(l);
	return ret;
}

void refwq_port_cond_wait(struct refwq_port_cond *c, struct refwq_port_lock *l)
{
	cond_wait(COND(c), l, 0);
}

int refwq_port_cond_wait_until(struct refwq_port_cond *c,
			       struct refwq_port_lock *l, uint64_t deadline_ns)
{
	return cond_wait(COND(c), l, deadline_ns ? deadline_ns : 1);
}

void refwq_port_cond_signal(struct refwq_port_cond *c)
{
	/* wake_up()'s wait-queue lock orders the increment before the
	 * waiter's re-check. */
	WRITE_ONCE(COND(c)->seq, COND(c)->seq + 1);
	wake_up(&COND(c)->wq);
}

void refwq_port_cond_broadcast(struct refwq_port_cond *c)
{
	WRITE_ONCE(COND(c)->seq, COND(c)->seq + 1);
	wake_up_all(&COND(c)->wq);
}

static int thread_main(void *p)
{
	struct port_thread *t = p;

	complete(&t->started);
	t->fn(t->arg);
	return 0;
}

int refwq_port_thread_create(struct refwq_port_thread *pt, void (*fn)(void *),
			     void *arg, const char *name)
{
	struct port_thread *t = THREAD(pt);
	struct task_struct *task;

	t->fn = fn;
	t->arg = arg;
	t->current_ptr = NULL;
	init_completion(&t->started);
	task = kthread_create(thread_main, t, "%s", name);
	if (IS_ERR(task))
		return PTR_ERR(task);
	/* Held until join: the thread may end before kthread_stop(). */
	get_task_struct(task);
	t->task = task;
	wake_up_process(task);
	return 0;
}

/*
 * pthread_join(): the core has told the thread to end.  Waiting for
 * "started" first makes kthread_stop() unable to cancel a thread that
 * has not run yet; kthread_stop() then waits for it to exit, so no code of
 * this module runs after the join (rmmod is safe).
 */
void refwq_port_thread_join(struct refwq_port_thread *pt)
{
	struct port_thread *t = THREAD(pt);

	wait_for_completion(&t->started);
	kthread_stop(t->task);
	put_task_struct(t->task);
	t->task = NULL;
}

int refwq_port_thread_set_nice(int nice)
{
	set_user_nice(current, nice);
	return 0;
}

uint64_t refwq_port_thread_cpu_ns(struct refwq_port_thread *pt)
{
	struct task_struct *task = pt ? THREAD(pt)->task : current;

	return task ? READ_ONCE(task->se.sum_exec_runtime) : 0;
}

long refwq_port_thread_id(void)
{
	return task_pid_nr(current);
}

/* The port thread behind current, or NULL for any other task. */
static struct port_thread *current_port_thread(void)
{
	if (!(current->flags & PF_KTHREAD) ||
	    kthread_func(current) != thread_main)
		return NULL;
	return kthread_data(current);
}

void refwq_port_set_current(void *p)
{
	struct port_thread *t = current_port_thread();

	if (!WARN_ON_ONCE(!t && p))
		if (t)
			t->current_ptr = p;
}

void *refwq_port_get_current(void)
{
	struct port_thread *t = current_port_thread();

	return t ? t->current_ptr : NULL;
}

void refwq_port_yield(void)
{
	yield();
}

void refwq_port_sleep_ns(uint64_t ns)
{
	ktime_t exp = ktime_add_ns(ktime_get(), ns);

	do {
		set_current_state(TASK_IDLE);
	} while (schedule_hrtimeout(&exp, HRTIMER_MODE_ABS));
}

uint64_t refwq_port_now_ns(void)
{
	return ktime_get_ns();
}

int refwq_port_nr_cpus(void)
{
	return num_online_cpus();
}

int refwq_port_current_cpu(void)
{
	return raw_smp_processor_id();
}

void refwq_port_log(int level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list ap;

	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	switch (level) {
	case REFWQ_LOG_ERR:
		pr_err("refwq: %pV", &vaf);
		break;
	case REFWQ_LOG_WARN:
		pr_warn("refwq: %pV", &vaf);
		break;
	default:
		pr_info("refwq: %pV", &vaf);
		break;
	}
	va_end(ap);
}

int refwq_port_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}
