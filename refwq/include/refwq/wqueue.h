/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NuttX work queue API (include/nuttx/wqueue.h) over the refwq core.
 *
 * HPWORK and LPWORK are unbound workqueues ("hpwork", "lpwork") whose
 * concurrency is the configured thread count (refwq_config.hp_nthreads,
 * .lp_nthreads: with 1, items run one at a time in order, as on a single
 * NuttX work thread).  USRWORK is LPWORK, as in a flat build.  Delays are in
 * clock ticks of REFWQ_USEC_PER_TICK microseconds (NuttX's default 10000).
 *
 * Unlike Linux's queue_work(), work_queue() on a pending item replaces it:
 * the old call is dropped and only the new worker/arg runs, at the new delay.
 */
#ifndef REFWQ_WQUEUE_H
#define REFWQ_WQUEUE_H

#include <stdint.h>
#include <time.h>

#include <refwq/refwq.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HPWORK 0
#define LPWORK 1
#define USRWORK LPWORK
#define NWORKERS 2

#ifndef REFWQ_USEC_PER_TICK
#define REFWQ_USEC_PER_TICK 10000
#endif
#ifndef USEC_PER_TICK
#define USEC_PER_TICK REFWQ_USEC_PER_TICK
#endif
#define MSEC2TICK(ms) (((clock_t)(ms)*1000 + USEC_PER_TICK - 1) / USEC_PER_TICK)
#define USEC2TICK(us) (((clock_t)(us) + USEC_PER_TICK - 1) / USEC_PER_TICK)
#define TICK2MSEC(t) ((clock_t)(t)*USEC_PER_TICK / 1000)

/* Longest accepted delay, in ticks (NuttX: WDOG_MAX_DELAY). */
#define WQUEUE_MAX_DELAY ((clock_t)INT32_MAX)

typedef void (*worker_t)(void *arg);

struct work_s {
	struct refwq_delayed_work dw; /* private */
	uint64_t expected_ns; /* private: when the last queueing was due */
	int qid; /* private */
};

/**
 * work_queue() - queue @worker(@arg) on @qid after @delay ticks
 *
 * Return: 0, or -EINVAL (bad qid or delay beyond WQUEUE_MAX_DELAY).
 */
int work_queue(int qid, struct work_s *work, worker_t worker, void *arg,
	       clock_t delay);
/* As work_queue(), due @delay ticks after the previous queueing was due:
 * for periodic work without drift. */
int work_queue_next(int qid, struct work_s *work, worker_t worker, void *arg,
		    clock_t delay);
/* Return: 0 when a pending item was cancelled, -ENOENT when none was. */
int work_cancel(int qid, struct work_s *work);
/* Return: 0 when cancelled while pending, 1 when it was running and has
 * finished, -ENOENT when it was neither. */
int work_cancel_sync(int qid, struct work_s *work);
/* Return: true when @work is not queued. */
bool work_available(struct work_s *work);

/* Priority inheritance for LPWORK (bookkeeping: see docs/REFWQ.md). */
void lpwork_boostpriority(uint8_t reqprio);
void lpwork_restorepriority(uint8_t reqprio);
/* The LPWORK priority now in force (configured or boosted). */
int lpwork_priority(void);

#ifdef __cplusplus
}
#endif

#endif /* REFWQ_WQUEUE_H */
