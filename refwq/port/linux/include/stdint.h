/* SPDX-License-Identifier: GPL-2.0 */
/* The core's freestanding <stdint.h>, in a kernel build (-nostdinc). */
#ifndef REFWQ_KSHIM_STDINT_H
#define REFWQ_KSHIM_STDINT_H
#include <linux/types.h>
#include <linux/limits.h>
#endif
