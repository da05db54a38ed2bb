/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refwq core internals, shared by the core's files only.
 *
 * Locking legend (the tag on every field says what protects it):
 *
 *  I:  set before the object is published, read-only afterwards.
 *  G:  refwq.wq_mutex: the list of workqueues, init/exit, the graveyard.
 *  W:  wq->mutex: flushing (held across a whole flush), drain count,
 *      max_active changes.  Sleeping lock.
 *  L:  pool->lock: everything about queued and running items of the pool:
 *      its lists, its pwqs' counters, its workers' state, its statistics.
 *  M:  refwq.mgr_lock: requests to the manager thread.
 *  MD: refwq.mayday_lock: wq->maydays lists and pwq->mayday_node.
 *  T:  the timer service lock (timer.c).
 *  A:  accessed with atomics only.
 *  X:  private to the thread that owns the object.
 *  P:  belongs to whoever owns the work item's PENDING bit.
 *
 * Lock order: G -> W -> L -> {M, MD}.  T and the completion hash locks are
 * leaves.  Two pool locks are never held at once.
 *
 * Work item state lives in one atomic word, work->data:
 *
 *   bit 0 PENDING   owned by whoever set it: queued, being queued, armed
 *                   on a timer, or being cancelled
 *   bit 1 INACTIVE  on its pwq's inactive list (max_active reached)
 *   bit 2 PWQ       the high bits are a struct refwq_pwq pointer (the item is
 *                   on a list of pwq->pool); otherwise "off queue":
 *   bit 3 COLOR     flush colour of the queued instance
 *   off queue: bits 8..23 disable count, bits 24.. last pool id + 1
 *
 * A queued item is on a list of exactly one pool, whose lock protects it.
 * Whoever wants to take an item off a queue must hold both its PENDING bit
 * and that pool lock (try_to_grab_pending()).
 */
#ifndef REFWQ_INTERNAL_H
#define REFWQ_INTERNAL_H

#include <refwq/refwq.h>

#include "../port/port.h"
#include "list.h"

/* Linux errno values; the core has no <errno.h>. */
#define REFWQ_ENOENT 2
#define REFWQ_EAGAIN 11
#define REFWQ_ENOMEM 12
#define REFWQ_EBUSY 16
#define REFWQ_EINVAL 22
#define REFWQ_EDEADLK 35
#define REFWQ_ETIMEDOUT 110
#define REFWQ_ESHUTDOWN 108
#define REFWQ_EALREADY 114

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC 1000000000ull

/* Kernel-style helpers; a port whose build force-includes its own (a kernel
 * build does) keeps them. */
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef READ_ONCE
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#endif

void refwq_warn(const char *file, int line, const char *what);

/* Report a caller's mistake once per site; evaluates to the condition. */
#define WARN_ON_ONCE(cond)                                                     \
	({                                                                     \
		static int __warned;                                           \
		bool __c = !!(cond);                                           \
		if (unlikely(__c) &&                                           \
		    !__atomic_exchange_n(&__warned, 1, __ATOMIC_RELAXED))      \
			refwq_warn(__FILE__, __LINE__, #cond);                 \
		__c;                                                           \
	})

/* Lock assertions (the kernel's lockdep_assert_held()) cost a few ns each
 * on the hot paths: on in debug builds (-DREFWQ_DEBUG: the sanitizer test
 * builds), off otherwise. */
#ifdef REFWQ_DEBUG
#define wq_assert_held(l) WARN_ON_ONCE(!refwq_port_lock_held(l))
#else
#define wq_assert_held(l) ((void)(l))
#endif

/* work->data layout */
#define WORK_PENDING (1ul << 0)
#define WORK_INACTIVE (1ul << 1)
#define WORK_PWQ (1ul << 2)
#define WORK_COLOR_SHIFT 3
#define WORK_COLOR (1ul << WORK_COLOR_SHIFT)
#define WORK_FLAG_BITS 8
#define WORK_FLAG_MASK ((1ul << WORK_FLAG_BITS) - 1)
#define WORK_OFFQ_DISABLE_SHIFT 8
#define WORK_OFFQ_DISABLE_BITS 16
#define WORK_OFFQ_DISABLE_MAX ((1ul << WORK_OFFQ_DISABLE_BITS) - 1)
#define WORK_OFFQ_POOL_SHIFT 24
#define PWQ_ALIGN (1ul << WORK_FLAG_BITS)

/* Build with -DREFWQ_NO_STATS to compile the instrumentation out (for
 * measuring its cost): counters and histograms stay zero, CPU-hog detection
 * falls back to wall time. */
#ifdef REFWQ_NO_STATS
#define REFWQ_STATS 0
#else
#define REFWQ_STATS 1
#endif
#define STAT_INC(x)                                                            \
	do {                                                                   \
		if (REFWQ_STATS)                                               \
			(x)++;                                                 \
	} while (0)

#define NR_COLORS 2
#define PWQ_NR_SERIES 16 /* per pwq; the last one is "other" */

struct wq_series {
	const void *func; /* L: NULL: free (never for the last slot) */
	uint64_t queued; /* L */
	uint64_t activated; /* L */
	uint64_t started; /* L */
	uint64_t completed; /* L */
	uint64_t cancelled; /* L */
	uint64_t sum_ns[REFWQ_H_NR]; /* L */
	uint64_t max_ns[REFWQ_H_NR]; /* L */
	uint64_t hist[REFWQ_H_NR][REFWQ_HIST_SLOTS]; /* L */
};

struct refwq_pool;
struct refwq_worker;

/* A workqueue's presence on one pool. */
struct refwq_pwq {
	struct refwq_pool *pool; /* I */
	struct refwq_wq *wq; /* I */
	int work_color; /* L: colour given to new items */
	int flush_color; /* L: colour being flushed, -1: none */
	int nr_in_flight[NR_COLORS]; /* L: queued or running, per colour */
	int nr_active; /* L: active (on worklist or running) */
	int nr_pending_active; /* L: active and not started */
	int max_active; /* L */
	struct refwq_list inactive; /* L: waiting for max_active */
	struct refwq_list pool_node; /* L: on pool->pwqs */
	struct refwq_list wq_node; /* I: on wq->pwqs */
	struct refwq_list mayday_node; /* MD: on wq->maydays */
	bool on_mayday; /* MD */
	uint64_t saturated; /* L: items made inactive */
	struct wq_series series[PWQ_NR_SERIES]; /* L */
}; /* allocated PWQ_ALIGN-aligned: its address goes into work->data */

struct refwq_pool {
	struct refwq_port_lock lock;
	int id; /* I: index in refwq.pools */
	int cpu; /* I: -1 unbound */
	int nice; /* I */
	unsigned int flags; /* I: REFWQ_POOL_* */
	bool cm; /* I: concurrency managed (per CPU) */
	struct refwq_list worklist; /* L: active items not started */
	struct refwq_list pwqs; /* L */
	struct refwq_list workers; /* L: all workers */
	struct refwq_list idle_list; /* L: idle workers, most recent first */
	struct refwq_list busy; /* L: workers executing an item */
	int nr_workers; /* L */
	int nr_idle; /* L */
	int nr_busy; /* L */
	int nr_running; /* L: busy, awake, not CPU-intensive */
	uint64_t nr_pending; /* L, read with READ_ONCE: queued, not started */
	int next_worker_id; /* L */
	bool create_pending; /* L: the manager owes us a worker */
	uint64_t create_after_ns; /* L: creation cooldown after failure */
	uint64_t watchdog_ts; /* L: last progress */
	bool stalled; /* L */
	int nr_flush_waiters; /* L */
	struct refwq_port_cond done_cond; /* L: item finished/removed */
	uint64_t dead_cpu_ns; /* L: CPU time of exited workers */
	uint64_t cm_wakeups; /* L */
	uint64_t cpu_intensive; /* L */
	uint64_t workers_created; /* L */
	uint64_t create_failed; /* L */
	uint64_t maydays; /* L */
	uint64_t rescued; /* L */
	uint64_t stalls; /* L */
};

struct refwq_worker {
	struct refwq_pool *pool; /* I for workers; X for rescuers */
	struct refwq_wq *rescue_wq; /* I: set for a rescuer */
	struct refwq_port_thread thread; /* I */
	struct refwq_port_cond wake; /* L (M/MD for rescuers) */
	int id; /* I */
	struct refwq_list node; /* L: on pool->workers */
	struct refwq_list idle_node; /* L: on pool->idle_list */
	struct refwq_list busy_node; /* L: on pool->busy */
	struct refwq_list scheduled; /* L: items this worker must run next */
	bool idle; /* L */
	bool counted; /* L: contributes to pool->nr_running */
	bool sleeping; /* L: blocked in a refwq primitive */
	bool hog; /* L: flagged CPU-intensive */
	bool die; /* L */
	bool dead; /* L: thread has left the pool */
	bool thread_ok; /* L: thread handle valid */
	bool working; /* L: in its work loop */
	bool cpu_item; /* L: running a WQ_CPU_INTENSIVE item */
	bool working_before_idle; /* L: may spin once before sleeping */
	uint64_t last_active_ns; /* L: when it went idle */
	struct refwq_work *current_work; /* L */
	const void *current_fn; /* L: function of current_work */
	struct refwq_work current_call; /* L: func/afunc/arg/kind copy */
	struct wq_series *current_series; /* L */
	struct refwq_pwq *current_pwq; /* L */
	unsigned int current_seq; /* L */
	int current_color; /* L */
	uint64_t current_start_ns; /* L */
	uint64_t last_end_ns; /* L: end of the run just finished, or 0 */
	uint64_t cpu_mark_ns; /* A: thread CPU at start or wake-up */
	int sleep_depth; /* X: nesting of blocking calls */
};

struct refwq_wq {
	char name[REFWQ_NAME_LEN]; /* I */
	unsigned int flags; /* A: REFWQ_* plus __WQ_* below */
	int max_active; /* W */
	struct refwq_port_lock mutex;
	struct refwq_list pwqs; /* I */
	struct refwq_pwq **cpu_pwqs; /* I: per virtual CPU, or NULL */
	struct refwq_pwq *unbound_pwq; /* I */
	int nr_drainers; /* W */
	int work_color; /* W: colour of the pwqs' new items */
	struct refwq_completion *flush_done; /* W, read under L */
	int nr_pwqs_to_flush; /* A */
	struct refwq_worker *rescuer; /* I */
	struct refwq_list maydays; /* MD */
	bool rescuer_stop; /* MD */
	struct refwq_list node; /* G: on refwq.wqs or the graveyard */
	uint64_t refused; /* A */
	uint64_t deadlocks; /* A */
};

#define __WQ_DRAINING (1u << 24)
#define __WQ_DESTROYING (1u << 25) /* destroy started: a second is refused */
#define __WQ_DESTROYED (1u << 26) /* every queue attempt is refused */

struct refwq_global {
	bool up; /* G */
	struct refwq_config cfg; /* I */
	char name[REFWQ_NAME_LEN]; /* I */
	int nr_cpus; /* I */
	struct refwq_port_lock wq_mutex;
	struct refwq_list wqs; /* G */
	struct refwq_list graveyard; /* G: destroyed, kept to catch reuse */
	int nr_graveyard; /* G */
	struct refwq_pool **pools; /* I */
	int nr_pools; /* I */
	struct refwq_port_lock mgr_lock;
	struct refwq_port_cond mgr_cond; /* M */
	bool mgr_kick; /* M */
	bool mgr_fast; /* M: hog check wanted */
	bool mgr_stop; /* M */
	bool mgr_busy; /* M: creating workers */
	struct refwq_port_cond mgr_idle_cond; /* M */
	struct refwq_port_thread mgr_thread; /* I */
	struct refwq_port_lock mayday_lock;
	bool fail_create; /* A */
	uint64_t warnings; /* A */
};

extern struct refwq_global refwq;

/* timer.c */
int refwq_timer_init(void);
void refwq_timer_exit(void);
void refwq_timer_setup(struct refwq_timer *t, void (*fn)(struct refwq_timer *));
void refwq_timer_arm(struct refwq_timer *t, uint64_t expires_ns);
bool refwq_timer_del(struct refwq_timer *t);
bool refwq_timer_pending(const struct refwq_timer *t);

/* sync.c */
int refwq_sync_init(void);
void refwq_sync_exit(void);

/* workqueue.c: concurrency management hooks around blocking. */
struct refwq_worker *refwq_current_worker(void);
void refwq_worker_sleeping(void);
void refwq_worker_running(void);

static inline struct refwq_pwq *work_data_pwq(unsigned long data)
{
	if (!(data & WORK_PWQ))
		return NULL;
	return (struct refwq_pwq *)(data & ~WORK_FLAG_MASK);
}

#endif /* REFWQ_INTERNAL_H */
