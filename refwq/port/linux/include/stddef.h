/* SPDX-License-Identifier: GPL-2.0 */
/* The core's freestanding <stddef.h>, in a kernel build (-nostdinc). */
#ifndef REFWQ_KSHIM_STDDEF_H
#define REFWQ_KSHIM_STDDEF_H
#include <linux/types.h>
#include <linux/stddef.h>
#endif
