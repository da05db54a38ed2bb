/* SPDX-License-Identifier: GPL-2.0 */
/* The core's freestanding <stdarg.h>, in a kernel build (-nostdinc). */
#ifndef REFWQ_KSHIM_STDARG_H
#define REFWQ_KSHIM_STDARG_H
#include <linux/stdarg.h>
#endif
