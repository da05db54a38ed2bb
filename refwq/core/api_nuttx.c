// SPDX-License-Identifier: GPL-2.0
/* The NuttX work queue front end (see <refwq/wqueue.h>). */
#include <refwq/wqueue.h>

#include "internal.h"

#define NX_NSEC_PER_TICK (REFWQ_USEC_PER_TICK * NSEC_PER_USEC)
#define NX_PRIO_LEVELS 256

/* Boost requests per priority (G): LP runs at the highest one present. */
static int nx_boost[NX_PRIO_LEVELS];

static struct refwq_wq *nx_wq(int qid)
{
	switch (qid) {
	case HPWORK:
		return refwq_hpwork_wq;
	case LPWORK:
		return refwq_lpwork_wq;
	default:
		return NULL;
	}
}

static int nx_queue_at(int qid, struct work_s *work, worker_t worker, void *arg,
		       uint64_t due_ns)
{
	struct refwq_wq *wq = nx_wq(qid);
	uint64_t now = refwq_port_now_ns();

	if (!wq || !work || !worker)
		return -REFWQ_EINVAL;
	if (!work->dw.timer.fn)
		refwq_init_delayed_work_arg(&work->dw, worker, arg);
	work->qid = qid;
	work->expected_ns = due_ns;
	refwq_requeue_delayed_work_arg(wq, &work->dw, worker, arg,
				       due_ns > now ? due_ns - now : 0);
	return 0;
}

static bool nx_delay_ok(clock_t delay)
{
	return delay >= 0 && delay <= WQUEUE_MAX_DELAY;
}

/**
 * work_queue() - queue @worker(@arg) on queue @qid after @delay ticks
 * @qid: HPWORK, LPWORK or USRWORK
 * @work: the item (zeroed before first use); a pending one is replaced
 * @worker: the function
 * @arg: its argument
 * @delay: ticks of USEC_PER_TICK; 0 queues at once
 *
 * Return: 0, or -EINVAL for a bad @qid, NULL arguments, or a delay below 0
 * or above WQUEUE_MAX_DELAY.
 * Context: any thread, including work items.
 */
int work_queue(int qid, struct work_s *work, worker_t worker, void *arg,
	       clock_t delay)
{
	if (!nx_delay_ok(delay))
		return -REFWQ_EINVAL;
	return nx_queue_at(qid, work, worker, arg,
			   refwq_port_now_ns() +
				   (uint64_t)delay * NX_NSEC_PER_TICK);
}

int work_queue_next(int qid, struct work_s *work, worker_t worker, void *arg,
		    clock_t delay)
{
	uint64_t base;

	if (!nx_delay_ok(delay))
		return -REFWQ_EINVAL;
	base = work && work->dw.timer.fn ? work->expected_ns : 0;
	if (!base)
		base = refwq_port_now_ns();
	return nx_queue_at(qid, work, worker, arg,
			   base + (uint64_t)delay * NX_NSEC_PER_TICK);
}

int work_cancel(int qid, struct work_s *work)
{
	if (!nx_wq(qid) || !work)
		return -REFWQ_EINVAL;
	if (!work->dw.timer.fn)
		return -REFWQ_ENOENT;
	return refwq_cancel_delayed_work(&work->dw) ? 0 : -REFWQ_ENOENT;
}

/**
 * work_cancel_sync() - cancel @work and wait for a running instance
 * @qid: the queue it was queued on
 * @work: the item
 *
 * Return: 0 when a pending item was cancelled, 1 when it was running and
 * has finished, -ENOENT when it was neither, -EINVAL for a bad @qid.
 * Context: may sleep.
 */
int work_cancel_sync(int qid, struct work_s *work)
{
	bool running;

	if (!nx_wq(qid) || !work)
		return -REFWQ_EINVAL;
	if (!work->dw.timer.fn)
		return -REFWQ_ENOENT;
	running = refwq_work_running(&work->dw.work);
	if (refwq_cancel_delayed_work_sync(&work->dw))
		return 0;
	return running ? 1 : -REFWQ_ENOENT;
}

bool work_available(struct work_s *work)
{
	return !work->dw.timer.fn || !refwq_delayed_work_pending(&work->dw);
}

void lpwork_boostpriority(uint8_t reqprio)
{
	refwq_port_lock(&refwq.wq_mutex);
	nx_boost[reqprio]++;
	refwq_port_unlock(&refwq.wq_mutex);
}

void lpwork_restorepriority(uint8_t reqprio)
{
	refwq_port_lock(&refwq.wq_mutex);
	if (!WARN_ON_ONCE(!nx_boost[reqprio]))
		nx_boost[reqprio]--;
	refwq_port_unlock(&refwq.wq_mutex);
}

int lpwork_priority(void)
{
	int prio = refwq.cfg.lp_priority, i;

	refwq_port_lock(&refwq.wq_mutex);
	for (i = NX_PRIO_LEVELS - 1; i > prio; i--)
		if (nx_boost[i]) {
			prio = i;
			break;
		}
	refwq_port_unlock(&refwq.wq_mutex);
	return prio;
}
