// SPDX-License-Identifier: GPL-2.0
#include "stall.h"

const char *wq_stall_kind__name(enum wq_stall_kind k)
{
	static const char *const names[WQ_STALL_NR] = {
		[WQ_STALL_PENDING] = "pending",
		[WQ_STALL_RUNNING] = "running",
		[WQ_STALL_CPU_HOG] = "cpu_hog",
		[WQ_STALL_STARVED] = "starved",
		[WQ_STALL_KERNEL] = "kernel",
	};

	return (unsigned int)k < WQ_STALL_NR ? names[k] : "?";
}
