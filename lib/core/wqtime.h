/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time, once for every program: the clocks, and one grammar for durations
 * in flags and configuration files ("100ns", "250us", "10ms", "1.5s",
 * "2m", "1h"), so that wqmond.conf, wqctl and wqtop read them alike.
 */
#ifndef WQMON_WQTIME_H
#define WQMON_WQTIME_H

#include <stdint.h>
#include <time.h>

/* @id's time in ns (CLOCK_MONOTONIC, CLOCK_REALTIME, ...). */
static inline uint64_t wq_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * A duration with its unit: ns, us, ms, s, m or h, a number that may have
 * decimals, not negative, at most 10^7 s.  A bare number is refused: "5"
 * could mean any unit.  Return: 0 with *@ns set, or -EINVAL.
 */
int wq_duration__parse(const char *text, uint64_t *ns);

/*
 * A period given in seconds: a bare number ("2", "0.5") or a duration
 * with its unit ("500ms"), from @min_s to @max_s.  Return: 0 with *@ns
 * set, or -EINVAL.
 */
int wq_seconds__parse(const char *text, double min_s, double max_s,
		      uint64_t *ns);

#endif /* WQMON_WQTIME_H */
