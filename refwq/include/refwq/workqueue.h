/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux workqueue API (include/linux/workqueue.h) for user-space
 * callers, over the refwq core.  Names, argument orders and return values
 * are Linux's; delays are in jiffies of REFWQ_HZ (1000 unless defined before
 * including this header).  Call refwq_init() first and refwq_exit() last.
 */
#ifndef REFWQ_WORKQUEUE_H
#define REFWQ_WORKQUEUE_H

#include <refwq/refwq.h>

#ifdef __cplusplus
extern "C" {
#endif

#define work_struct refwq_work
#define delayed_work refwq_delayed_work
#define workqueue_struct refwq_wq
#define completion refwq_completion

typedef refwq_work_func_t work_func_t;

#ifndef REFWQ_HZ
#define REFWQ_HZ 1000
#endif
#ifndef HZ
#define HZ REFWQ_HZ
#endif

#define WQ_UNBOUND REFWQ_UNBOUND
#define WQ_FREEZABLE REFWQ_FREEZABLE
#define WQ_MEM_RECLAIM REFWQ_MEM_RECLAIM
#define WQ_HIGHPRI REFWQ_HIGHPRI
#define WQ_CPU_INTENSIVE REFWQ_CPU_INTENSIVE
#define WQ_SYSFS REFWQ_SYSFS
#define WQ_POWER_EFFICIENT REFWQ_POWER_EFFICIENT
#define __WQ_ORDERED REFWQ_ORDERED
#define WQ_MAX_ACTIVE REFWQ_MAX_ACTIVE
#define WQ_DFL_ACTIVE REFWQ_DFL_ACTIVE
#define WORK_CPU_UNBOUND REFWQ_CPU_ANY

#define system_wq refwq_system_wq
#define system_highpri_wq refwq_system_highpri_wq
#define system_long_wq refwq_system_long_wq
#define system_unbound_wq refwq_system_unbound_wq

#ifndef container_of
#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr) - __builtin_offsetof(type, member)))
#endif

static inline unsigned long msecs_to_jiffies(unsigned int ms)
{
	return ((unsigned long)ms * HZ + 999) / 1000;
}

static inline unsigned long usecs_to_jiffies(unsigned int us)
{
	return ((unsigned long)us * HZ + 999999) / 1000000;
}

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (unsigned int)(j * 1000 / HZ);
}

static inline uint64_t refwq_jiffies_to_ns(unsigned long j)
{
	return (uint64_t)j * (1000000000ull / HZ);
}

#define INIT_WORK(_work, _func) refwq_init_work((_work), (_func))
#define INIT_DELAYED_WORK(_work, _func)                                        \
	refwq_init_delayed_work((_work), (_func))
#define to_delayed_work(_work) container_of(_work, struct delayed_work, work)
#define work_pending(_work) refwq_work_pending(_work)
#define delayed_work_pending(_dw) refwq_delayed_work_pending(_dw)
#define current_work() refwq_current_work()

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
	__attribute__((format(printf, 1, 4)));

#define alloc_ordered_workqueue(fmt, flags, ...)                               \
	alloc_workqueue(fmt, REFWQ_ORDERED | REFWQ_UNBOUND | (flags), 1,       \
			##__VA_ARGS__)

static inline void destroy_workqueue(struct workqueue_struct *wq)
{
	refwq_destroy_workqueue(wq);
}

static inline void workqueue_set_max_active(struct workqueue_struct *wq,
					    int max_active)
{
	refwq_set_max_active(wq, max_active);
}

static inline bool workqueue_congested(int cpu, struct workqueue_struct *wq)
{
	return refwq_workqueue_congested(cpu, wq);
}

static inline bool queue_work_on(int cpu, struct workqueue_struct *wq,
				 struct work_struct *work)
{
	return refwq_queue_work_on(cpu, wq, work);
}

static inline bool queue_work(struct workqueue_struct *wq,
			      struct work_struct *work)
{
	return refwq_queue_work(wq, work);
}

static inline bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq,
					 struct delayed_work *dwork,
					 unsigned long delay)
{
	return refwq_queue_delayed_work_on(cpu, wq, dwork,
					   refwq_jiffies_to_ns(delay));
}

static inline bool queue_delayed_work(struct workqueue_struct *wq,
				      struct delayed_work *dwork,
				      unsigned long delay)
{
	return queue_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay);
}

static inline bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq,
				       struct delayed_work *dwork,
				       unsigned long delay)
{
	return refwq_mod_delayed_work_on(cpu, wq, dwork,
					 refwq_jiffies_to_ns(delay));
}

static inline bool mod_delayed_work(struct workqueue_struct *wq,
				    struct delayed_work *dwork,
				    unsigned long delay)
{
	return mod_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay);
}

static inline bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}

static inline bool schedule_work_on(int cpu, struct work_struct *work)
{
	return queue_work_on(cpu, system_wq, work);
}

static inline bool schedule_delayed_work(struct delayed_work *dwork,
					 unsigned long delay)
{
	return queue_delayed_work(system_wq, dwork, delay);
}

static inline bool flush_work(struct work_struct *work)
{
	return refwq_flush_work(work);
}

static inline bool flush_delayed_work(struct delayed_work *dwork)
{
	return refwq_flush_delayed_work(dwork);
}

static inline void flush_workqueue(struct workqueue_struct *wq)
{
	refwq_flush_workqueue(wq);
}

static inline void drain_workqueue(struct workqueue_struct *wq)
{
	refwq_drain_workqueue(wq);
}

static inline bool cancel_work(struct work_struct *work)
{
	return refwq_cancel_work(work);
}

static inline bool cancel_work_sync(struct work_struct *work)
{
	return refwq_cancel_work_sync(work);
}

static inline bool cancel_delayed_work(struct delayed_work *dwork)
{
	return refwq_cancel_delayed_work(dwork);
}

static inline bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return refwq_cancel_delayed_work_sync(dwork);
}

static inline bool disable_work(struct work_struct *work)
{
	return refwq_disable_work(work);
}

static inline bool disable_work_sync(struct work_struct *work)
{
	return refwq_disable_work_sync(work);
}

static inline bool enable_work(struct work_struct *work)
{
	return refwq_enable_work(work);
}

static inline bool disable_delayed_work(struct delayed_work *dwork)
{
	return refwq_disable_delayed_work(dwork);
}

static inline bool disable_delayed_work_sync(struct delayed_work *dwork)
{
	return refwq_disable_delayed_work_sync(dwork);
}

static inline bool enable_delayed_work(struct delayed_work *dwork)
{
	return refwq_enable_delayed_work(dwork);
}

/* <linux/completion.h> and msleep(), which tell the pool a worker blocks. */
static inline void init_completion(struct completion *c)
{
	refwq_init_completion(c);
}

static inline void reinit_completion(struct completion *c)
{
	refwq_reinit_completion(c);
}

static inline void complete(struct completion *c)
{
	refwq_complete(c);
}

static inline void complete_all(struct completion *c)
{
	refwq_complete_all(c);
}

static inline void wait_for_completion(struct completion *c)
{
	refwq_wait_for_completion(c);
}

/* Return: 0 on timeout, else at least 1 (Linux: jiffies left). */
static inline unsigned long wait_for_completion_timeout(struct completion *c,
							unsigned long timeout)
{
	return refwq_wait_for_completion_timeout(c,
						 refwq_jiffies_to_ns(timeout))
		       ? (timeout ? timeout : 1)
		       : 0;
}

static inline bool completion_done(struct completion *c)
{
	return refwq_completion_done(c);
}

static inline void msleep(unsigned int ms)
{
	refwq_sleep_ns((uint64_t)ms * 1000000ull);
}

#ifdef __cplusplus
}
#endif

#endif /* REFWQ_WORKQUEUE_H */
