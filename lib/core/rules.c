// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include "rules.h"

int wq_rule__split(const char *spec, char kind[16],
		   char pattern[WQ_RULE_PATTERN_LEN], char dur[32],
		   const char *example, char *err, size_t errlen)
{
	char extra[2];

	if (sscanf(spec, "%15s %127s %31s %1s", kind, pattern, dur, extra) !=
	    3) {
		snprintf(err, errlen, "rule '%s': give KIND WORKQUEUE/FUNCTION "
			 "DURATION, e.g. %s", spec, example);
		return -EINVAL;
	}
	if (!strchr(pattern, '/')) {
		snprintf(err, errlen, "rule '%s': the pattern is "
			 "WORKQUEUE/FUNCTION, e.g. events/* or */flush_to_ldisc",
			 spec);
		return -EINVAL;
	}
	return 0;
}

int wq_rules__append(struct wq_rule *rule, size_t *nr, size_t max,
		     const char *what, int kind, const char *pattern,
		     uint64_t ns, char *err, size_t errlen)
{
	if (*nr == max) {
		snprintf(err, errlen, "more than %zu %s rules", max, what);
		return -E2BIG;
	}
	rule[*nr].kind = kind;
	snprintf(rule[*nr].pattern, sizeof(rule[0].pattern), "%s", pattern);
	rule[*nr].threshold_ns = ns;
	(*nr)++;
	return 0;
}

uint64_t wq_rules__threshold(const struct wq_rule *rule, size_t nr, int kind,
			     const char *wq, const char *fn, uint64_t dflt)
{
	char name[WQ_RULE_PATTERN_LEN + 2];

	snprintf(name, sizeof(name), "%s/%s", wq ? wq : "", fn ? fn : "");
	for (size_t i = 0; i < nr; i++)
		if (rule[i].kind == kind && !fnmatch(rule[i].pattern, name, 0))
			dflt = rule[i].threshold_ns;
	return dflt;
}
