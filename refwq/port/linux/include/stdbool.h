/* SPDX-License-Identifier: GPL-2.0 */
/* The core's freestanding <stdbool.h>: bool, true, false (linux/types.h,
 * linux/stddef.h) in a kernel build (-nostdinc). */
#ifndef REFWQ_KSHIM_STDBOOL_H
#define REFWQ_KSHIM_STDBOOL_H
#include <linux/types.h>
#include <linux/stddef.h>
#endif
