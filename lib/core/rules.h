/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Threshold rules by work function: "KIND WORKQUEUE/FUNCTION DURATION",
 * the one grammar of the stall rules (stall.h) and the slow-item rules
 * (slow.h).  The last rule of a kind whose pattern matches wins.
 */
#ifndef WQMON_RULES_H
#define WQMON_RULES_H

#include <stddef.h>
#include <stdint.h>

#define WQ_RULE_PATTERN_LEN	128

struct wq_rule {
	int kind;			/* the caller's enum */
	char pattern[WQ_RULE_PATTERN_LEN];	/* WORKQUEUE/FUNCTION globs */
	uint64_t threshold_ns;
};

/* @spec's three words into @kind, @pattern (checked: WORKQUEUE/FUNCTION)
 * and @dur.  Return: 0, or -EINVAL with one line in @err that shows
 * @example. */
int wq_rule__split(const char *spec, char kind[16],
		   char pattern[WQ_RULE_PATTERN_LEN], char dur[32],
		   const char *example, char *err, size_t errlen);

/* Append a rule to @rule (@nr of at most @max, "@what rules" in the
 * error).  Return: 0, or -E2BIG with one line in @err. */
int wq_rules__append(struct wq_rule *rule, size_t *nr, size_t max,
		     const char *what, int kind, const char *pattern,
		     uint64_t ns, char *err, size_t errlen);

/* The threshold of @kind for @wq/@fn: the last matching rule's, else
 * @dflt. */
uint64_t wq_rules__threshold(const struct wq_rule *rule, size_t nr, int kind,
			     const char *wq, const char *fn, uint64_t dflt);

#endif /* WQMON_RULES_H */
