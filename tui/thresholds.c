// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's colour thresholds: the defaults and -T NAME=WARN[:CRIT].  They
 * colour cells only; what a stall is, the core's detector decides.
 * (The table layer's files are listed in table.h.)
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "wqtime.h"

void wqtop_thresholds__default(struct wqtop_thresholds *t)
{
	t->lat_ns[0] = 1e6;	/* 1 ms: an interactive item waits visibly */
	t->lat_ns[1] = 10e6;
	t->run_ns[0] = 10e6;	/* the kernel's CPU-intensive threshold */
	t->run_ns[1] = 100e6;
	/* refwq's watchdog default is 1 s; the kernel's 30 s is far too late
	 * for a live view. */
	t->pending_ns[0] = 100e6;
	t->pending_ns[1] = 1e9;
	t->cpu_pct[0] = 50;
	t->cpu_pct[1] = 90;
}

/* A time in the one grammar of lib/core/wqtime.h (a bare number is refused:
 * ambiguous), or a percentage ("90" or "90%"). */
static int parse_value(const char *s, bool time, double *out)
{
	uint64_t ns;
	char *end;
	double v;

	if (time) {
		if (wq_duration__parse(s, &ns))
			return -EINVAL;
		*out = (double)ns;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || isnan(v) || isinf(v))
		return -EINVAL;
	if (*end == '%')
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int wqtop_thresholds__parse(struct wqtop_thresholds *t, const char *spec)
{
	char buf[96], *eq, *colon;
	double *dst, w, c;
	bool time = true;

	if (strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec);
	eq = strchr(buf, '=');
	if (!eq)
		return -EINVAL;
	*eq++ = '\0';
	if (!strcmp(buf, "lat"))
		dst = t->lat_ns;
	else if (!strcmp(buf, "run"))
		dst = t->run_ns;
	else if (!strcmp(buf, "pending") || !strcmp(buf, "stall"))
		dst = t->pending_ns;
	else if (!strcmp(buf, "cpu")) {
		dst = t->cpu_pct;
		time = false;
	} else
		return -EINVAL;
	colon = strchr(eq, ':');
	if (colon)
		*colon++ = '\0';
	if (parse_value(eq, time, &w))
		return -EINVAL;
	c = w;
	if (colon && parse_value(colon, time, &c))
		return -EINVAL;
	if (c < w)
		return -EINVAL;
	/* "stall=2s" alone sets the stall (crit) line, keeping warn below. */
	if (!colon && !strcmp(buf, "stall")) {
		dst[1] = w;
		if (dst[0] > w)
			dst[0] = w;
		return 0;
	}
	dst[0] = w;
	dst[1] = c;
	return 0;
}
