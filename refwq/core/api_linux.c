// SPDX-License-Identifier: GPL-2.0
/* The parts of the Linux API front end that cannot be inline. */
#include <refwq/workqueue.h>

#include "internal.h"

/**
 * alloc_workqueue() - create a workqueue named by a printf format
 * @fmt: name format
 * @flags: WQ_* flags
 * @max_active: per-pool limit of running items; 0: WQ_DFL_ACTIVE
 *
 * Return: the workqueue, or NULL.
 * Context: may sleep.
 */
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	char name[REFWQ_NAME_LEN];
	va_list ap;

	va_start(ap, max_active);
	refwq_port_vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return refwq_alloc_workqueue(name, flags, max_active);
}
