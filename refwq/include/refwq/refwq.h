/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refwq core API: the reference workqueue under its own prefixed names.
 *
 * This header is what every front end uses: the Linux API (<refwq/workqueue.h>),
 * the NuttX API (<refwq/wqueue.h>) and a future kernel-module port.  It needs
 * only the freestanding C headers, and every object a caller embeds (work
 * items, delayed work, completions) is defined here with no platform type in
 * it, so the same structures work over any port.
 *
 * Errors are returned as negative Linux errno values (-EINVAL == -22 ...).
 */
#ifndef REFWQ_REFWQ_H
#define REFWQ_REFWQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Intrusive doubly linked list, circular with a head node. */
struct refwq_list {
	struct refwq_list *next, *prev;
};

struct refwq_work;
struct refwq_wq;

typedef void (*refwq_work_func_t)(struct refwq_work *work);
typedef void (*refwq_arg_func_t)(void *arg);

/*
 * A work item, embedded in the caller's structure.  All fields are private
 * to the core; initialise with refwq_init_work() or refwq_init_work_arg().
 */
struct refwq_work {
	unsigned long data; /* atomic: state bits and owner */
	struct refwq_list entry; /* on a pool's list while queued */
	union {
		refwq_work_func_t func; /* REFWQ_WORK_PLAIN */
		refwq_arg_func_t afunc; /* REFWQ_WORK_ARG */
	};
	void *arg; /* passed to afunc */
	unsigned int kind; /* REFWQ_WORK_* */
	unsigned int seq; /* bumped at each queueing */
	uint64_t queued_ns; /* instrumentation of the queued instance */
	uint64_t activated_ns;
	void *series;
};

enum {
	REFWQ_WORK_PLAIN, /* func(work) */
	REFWQ_WORK_ARG, /* afunc(arg) */
};

/* One-shot timer of the core's timer service, embedded in delayed work. */
struct refwq_timer {
	struct refwq_list entry;
	uint64_t expires_ns;
	void (*fn)(struct refwq_timer *timer);
	unsigned int state;
};

struct refwq_delayed_work {
	struct refwq_work work;
	struct refwq_timer timer;
	struct refwq_wq *wq; /* target while the timer is armed */
	int cpu;
};

/*
 * Completion: a counted event a thread can wait for.  Waiting through it
 * (like every blocking call of this API) tells the pool the worker sleeps,
 * so the pool can start another worker (concurrency management).
 */
struct refwq_completion {
	unsigned int done;
};

/* Workqueue flags: the values of Linux's WQ_* flags. */
#define REFWQ_UNBOUND (1u << 1)
#define REFWQ_FREEZABLE (1u << 2)
#define REFWQ_MEM_RECLAIM (1u << 3)
#define REFWQ_HIGHPRI (1u << 4)
#define REFWQ_CPU_INTENSIVE (1u << 5)
#define REFWQ_SYSFS (1u << 6)
#define REFWQ_POWER_EFFICIENT (1u << 7)
#define REFWQ_ORDERED (1u << 17) /* Linux's __WQ_ORDERED */

#define REFWQ_MAX_ACTIVE 512
#define REFWQ_DFL_ACTIVE 256
#define REFWQ_CPU_ANY (-1) /* "the current CPU" for queue_work_on */
#define REFWQ_NAME_LEN 32

struct refwq_stall_info {
	int pool_id;
	int cpu;
	uint64_t stalled_ns; /* how long the oldest pending item waited */
};

struct refwq_config {
	const char *name; /* instance name: source "refwq:<name>" */
	int nr_cpus; /* virtual CPUs; 0: the machine's */
	unsigned int max_workers; /* per pool; 0: 256 */
	unsigned int watchdog_thresh_ms; /* 0: 10000; pool stall threshold */
	unsigned int cpu_intensive_thresh_us; /* 0: 10000 */
	unsigned int idle_timeout_ms; /* reap extra idle workers; 0: 5000 */
	bool no_cpu_time; /* skip per-item thread CPU clocks */
	void (*stall_fn)(const struct refwq_stall_info *info);
	/* NuttX front end: HPWORK/LPWORK concurrency and priorities. */
	int hp_nthreads; /* 0: 1 */
	int lp_nthreads; /* 0: 1 */
	int hp_priority; /* 0: 224 */
	int lp_priority; /* 0: 100 */
};

/* Library lifetime. */
int refwq_init(const struct refwq_config *cfg);
void refwq_exit(void);
int refwq_nr_cpus(void);
const char *refwq_instance_name(void);

/* Work items. */
void refwq_init_work(struct refwq_work *work, refwq_work_func_t func);
void refwq_init_work_arg(struct refwq_work *work, refwq_arg_func_t afunc,
			 void *arg);
void refwq_init_delayed_work(struct refwq_delayed_work *dwork,
			     refwq_work_func_t func);
void refwq_init_delayed_work_arg(struct refwq_delayed_work *dwork,
				 refwq_arg_func_t afunc, void *arg);
bool refwq_work_pending(const struct refwq_work *work);
bool refwq_delayed_work_pending(const struct refwq_delayed_work *dwork);
struct refwq_work *refwq_current_work(void);
/* Is an instance of @work running now?  (A snapshot: it may change.) */
bool refwq_work_running(struct refwq_work *work);
/* Is @work disabled (refwq_disable_work() or a sync cancel under way)? */
bool refwq_work_disabled(const struct refwq_work *work);

/* Workqueues. */
struct refwq_wq *refwq_alloc_workqueue(const char *name, unsigned int flags,
				       int max_active);
void refwq_destroy_workqueue(struct refwq_wq *wq);
int refwq_set_max_active(struct refwq_wq *wq, int max_active);
bool refwq_workqueue_congested(int cpu, struct refwq_wq *wq);
const char *refwq_workqueue_name(const struct refwq_wq *wq);

extern struct refwq_wq *refwq_system_wq;
extern struct refwq_wq *refwq_system_highpri_wq;
extern struct refwq_wq *refwq_system_long_wq;
extern struct refwq_wq *refwq_system_unbound_wq;
/* The NuttX front end's queues (HPWORK, LPWORK). */
extern struct refwq_wq *refwq_hpwork_wq;
extern struct refwq_wq *refwq_lpwork_wq;

/* Queueing: "queue if idle" (Linux semantics). */
bool refwq_queue_work_on(int cpu, struct refwq_wq *wq, struct refwq_work *work);
bool refwq_queue_work(struct refwq_wq *wq, struct refwq_work *work);
bool refwq_queue_delayed_work_on(int cpu, struct refwq_wq *wq,
				 struct refwq_delayed_work *dwork,
				 uint64_t delay_ns);
bool refwq_queue_delayed_work(struct refwq_wq *wq,
			      struct refwq_delayed_work *dwork,
			      uint64_t delay_ns);
bool refwq_mod_delayed_work_on(int cpu, struct refwq_wq *wq,
			       struct refwq_delayed_work *dwork,
			       uint64_t delay_ns);
/* "Replace and re-queue" (NuttX semantics); returns whether it was pending. */
bool refwq_requeue_delayed_work_arg(struct refwq_wq *wq,
				    struct refwq_delayed_work *dwork,
				    refwq_arg_func_t afunc, void *arg,
				    uint64_t delay_ns);

/* Flush and drain. */
bool refwq_flush_work(struct refwq_work *work);
bool refwq_flush_delayed_work(struct refwq_delayed_work *dwork);
int refwq_flush_workqueue(struct refwq_wq *wq);
int refwq_drain_workqueue(struct refwq_wq *wq);

/* Cancel, disable, enable. */
bool refwq_cancel_work(struct refwq_work *work);
bool refwq_cancel_work_sync(struct refwq_work *work);
bool refwq_cancel_delayed_work(struct refwq_delayed_work *dwork);
bool refwq_cancel_delayed_work_sync(struct refwq_delayed_work *dwork);
bool refwq_disable_work(struct refwq_work *work);
bool refwq_disable_work_sync(struct refwq_work *work);
bool refwq_enable_work(struct refwq_work *work);
bool refwq_disable_delayed_work(struct refwq_delayed_work *dwork);
bool refwq_disable_delayed_work_sync(struct refwq_delayed_work *dwork);
bool refwq_enable_delayed_work(struct refwq_delayed_work *dwork);

/* Blocking primitives that keep concurrency management informed. */
void refwq_init_completion(struct refwq_completion *c);
void refwq_reinit_completion(struct refwq_completion *c);
void refwq_complete(struct refwq_completion *c);
void refwq_complete_all(struct refwq_completion *c);
void refwq_wait_for_completion(struct refwq_completion *c);
/* Return: true when completed, false on timeout. */
bool refwq_wait_for_completion_timeout(struct refwq_completion *c,
				       uint64_t timeout_ns);
bool refwq_completion_done(struct refwq_completion *c);
void refwq_sleep_ns(uint64_t ns);
/* Bracket any other blocking call made from a work item. */
void refwq_block_begin(void);
void refwq_block_end(void);
uint64_t refwq_now_ns(void);

/* ---- instrumentation ---- */
#define REFWQ_HIST_SLOTS 36 /* slot i: [2^i, 2^(i+1)) ns; 0 in slot 0 */

enum refwq_hkind {
	REFWQ_H_Q2A, /* queued -> activated */
	REFWQ_H_A2S, /* activated -> started */
	REFWQ_H_LAT, /* queued -> started */
	REFWQ_H_RUN, /* started -> completed, wall clock */
	REFWQ_H_CPU, /* worker thread CPU time during the run */
	REFWQ_H_NR,
};

#define REFWQ_POOL_UNBOUND (1u << 0)
#define REFWQ_POOL_HIGHPRI (1u << 2)

struct refwq_pool_info {
	int id;
	int cpu; /* -1: unbound */
	int nice;
	unsigned int flags; /* REFWQ_POOL_* */
	int workers;
	int idle;
	int running; /* workers executing an item (blocked or not) */
	int nr_running; /* of which counted by concurrency management */
	uint64_t pending; /* queued, not started (includes inactive) */
	uint64_t oldest_pending_ns;
	uint64_t cpu_ns; /* CPU time of the pool's workers, dead ones too */
	uint64_t cm_wakeups; /* workers woken because a running one blocked */
	uint64_t cpu_intensive; /* items flagged as hogs */
	uint64_t workers_created;
	uint64_t create_failed;
	uint64_t maydays;
	uint64_t rescued; /* items run by a rescuer */
	uint64_t stalls; /* watchdog reports */
	bool stalled;
};

struct refwq_wq_info {
	char name[REFWQ_NAME_LEN];
	unsigned int flags;
	int max_active;
	uint64_t refused; /* queue attempts refused (drain/destroy) */
	uint64_t saturated; /* items that had to wait for max_active */
	uint64_t deadlocks; /* flushes from own work, reported */
};

struct refwq_series_info {
	int pool_id;
	char wq_name[REFWQ_NAME_LEN];
	const void *func; /* the function the caller gave */
	uint64_t queued;
	uint64_t activated;
	uint64_t started;
	uint64_t completed;
	uint64_t cancelled;
	uint64_t sum_ns[REFWQ_H_NR];
	uint64_t max_ns[REFWQ_H_NR];
	uint64_t hist[REFWQ_H_NR][REFWQ_HIST_SLOTS];
};

/* Each walker copies one row under its lock and calls @fn without it;
 * a non-zero return from @fn stops the walk and is returned. */
int refwq_for_each_pool(int (*fn)(const struct refwq_pool_info *, void *),
			void *ctx);
int refwq_for_each_workqueue(int (*fn)(const struct refwq_wq_info *, void *),
			     void *ctx);
int refwq_for_each_series(int (*fn)(const struct refwq_series_info *, void *),
			  void *ctx);
unsigned int refwq_hist_slot(uint64_t ns);
/* Warnings the core printed (WARN_ON_ONCE and reports): for tests. */
uint64_t refwq_warnings(void);

/* ---- test hooks ---- */
/* Make creating new workers fail, as under memory pressure. */
void refwq_debug_fail_worker_create(bool fail);
/* Wait until no worker creation is outstanding. */
void refwq_debug_settle(void);

#ifdef __cplusplus
}
#endif

#endif /* REFWQ_REFWQ_H */
