// SPDX-License-Identifier: GPL-2.0
/* Signals, as every wqmon program handles them (prog.h). */
#include <signal.h>
#include <stdbool.h>

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
