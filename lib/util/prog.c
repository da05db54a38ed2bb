// SPDX-License-Identifier: GPL-2.0
/* Signals, as every wqmon program handles them (prog.h). */
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "prog.h"

volatile sig_atomic_t wq_prog_stop;
volatile sig_atomic_t wq_prog_reload;
static volatile sig_atomic_t hup_reloads;

static void on_signal(int sig)
{
	if (sig == SIGHUP && hup_reloads)
		wq_prog_reload = 1;
	else
		wq_prog_stop = 1;
}

void wq_prog__signals(bool reload)
{
	struct sigaction sa = { .sa_handler = on_signal };

	hup_reloads = reload;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Levenshtein distance of two short strings, capped at @cap + 1. */
static size_t edits(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), row[64], i, j;

	if (la >= 64 || lb >= 64)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t v = diag + (a[i - 1] != b[j - 1]);

			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			if (up + 1 < v)
				v = up + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

const char *wq_prog__suggest(const char *given, const char *const *names)
{
	const char *best = NULL, *prefixed = NULL;
	size_t d, best_d = 3, n = 0;

	if (!given || !*given)
		return NULL;
	for (; *names; names++) {
		if (!strncmp(*names, given, strlen(given)) && n++ == 0)
			prefixed = *names;
		d = edits(given, *names, 2);
		if (d < best_d) {
			best_d = d;
			best = *names;
		}
	}
	return best ? best : n == 1 ? prefixed : NULL;
}
