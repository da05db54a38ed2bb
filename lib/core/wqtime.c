// SPDX-License-Identifier: GPL-2.0
/* One grammar for durations (wqtime.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wqtime.h"

#define MAX_S 1e7	/* 115 days: beyond that, a typo */

/* A plain decimal number at @text: digits with at most one point, no
 * sign, blank, exponent or hex (all of which strtod would take).  Return
 * its length, 0 if there is none, with its value in *@v. */
static size_t decimal(const char *text, double *v)
{
	size_t n = strspn(text, "0123456789.");
	const char *dot = memchr(text, '.', n);

	if (!n || text[0] == '.' || (dot && memchr(dot + 1, '.',
						   n - (dot - text) - 1)))
		return 0;
	*v = strtod(text, NULL);
	return n;
}

int wq_duration__parse(const char *text, uint64_t *ns)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 },
		      { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
	size_t n;
	const char *end;
	double v;

	n = decimal(text, &v);
	if (!n || !isfinite(v))
		return -EINVAL;
	end = text + n;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			if (v * units[i].mult > MAX_S * 1e9)
				return -EINVAL;
			*ns = (uint64_t)(v * units[i].mult + 0.5);
			return 0;
		}
	}
	return -EINVAL;
}

int wq_seconds__parse(const char *text, double min_s, double max_s,
		      uint64_t *ns)
{
	uint64_t v;
	size_t n;
	double s;

	n = decimal(text, &s);
	if (n && !text[n] && s <= MAX_S)
		v = (uint64_t)(s * 1e9 + 0.5);
	else if (wq_duration__parse(text, &v))
		return -EINVAL;
	if (v < min_s * 1e9 - 0.5 || v > max_s * 1e9 + 0.5)
		return -EINVAL;
	*ns = v;
	return 0;
}
