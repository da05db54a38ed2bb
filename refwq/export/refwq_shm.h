/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live export of a refwq instance to wqmond through shared memory: the
 * publisher.  The segment layout and the reader are in lib/io/refwq_reader.h.
 */
#ifndef REFWQ_SHM_H
#define REFWQ_SHM_H

#include "refwq_reader.h"

/*
 * Start publishing every @period_ms (0: 1000) with room for @max_series
 * series (0: 1024).  Return: 0, -EALREADY, -ENODEV (refwq not running) or
 * -errno from the segment or thread creation.
 */
int refwq_shm_start(unsigned int period_ms, unsigned int max_series);
/* Publish now, synchronously (tests; before a planned exit). */
int refwq_shm_publish(void);
/* Stop publishing and remove the segment. */
void refwq_shm_stop(void);
/* The segment's name under REFWQ_SHM_DIR, "" when not publishing. */
const char *refwq_shm_name(void);

#endif
