// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "log.h"

static enum wq_log_level cur_level = WQ_LOG_INFO;
static const char *prog_name = "wqmon";

void wq_log__set_level(enum wq_log_level level)
{
	cur_level = level;
}

enum wq_log_level wq_log__level(void)
{
	return cur_level;
}

void wq_log__set_prog(const char *prog)
{
	prog_name = prog;
}

static void vlog(enum wq_log_level level, const char *fmt, va_list ap)
{
	static const char *const tag[] = { "error: ", "warning: ", "", "" };

	if (level > cur_level)
		return;
	fprintf(stderr, "%s: %s", prog_name, tag[level]);
	vfprintf(stderr, fmt, ap);
}

void wq_log(enum wq_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

int wq_log__libbpf(int level, const char *fmt, va_list ap)
{
	/* libbpf's warnings are verbose and repeat our own one-line errors;
	 * show them only when asked (-v). */
	(void)level;
	if (cur_level < WQ_LOG_DEBUG)
		return 0;
	fprintf(stderr, "%s: libbpf: ", prog_name);
	return vfprintf(stderr, fmt, ap);
}
