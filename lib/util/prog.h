/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every wqmon program does alike, once.  Signals: SIGINT and SIGTERM ask
 * it to stop (its loop checks wq_prog_stop and ends cleanly: the terminal
 * restored, the probes detached, the socket removed); SIGHUP asks the
 * daemon to reload (wq_prog_reload) and the others to stop, as a closed
 * terminal does; SIGPIPE is ignored, so a reader that went away is an
 * EPIPE write (`wqctl show | head`), not a silent death.
 */
#ifndef WQMON_PROG_H
#define WQMON_PROG_H

#include <signal.h>
#include <stdbool.h>

/* Exit status of every program: 2 for a usage error (one line on stderr
 * saying what to give), 1 for a failure at run time. */
#define WQ_EXIT_USAGE 2

extern volatile sig_atomic_t wq_prog_stop;
extern volatile sig_atomic_t wq_prog_reload;

/* @hup_reloads: SIGHUP sets wq_prog_reload instead of wq_prog_stop.
 * Without SA_RESTART: a sleep or a poll returns early to see the flag. */
void wq_prog__signals(bool hup_reloads);

/*
 * The name in @names (NULL-terminated) nearest to @given, for a "did you
 * mean" in a usage error: within two edits, or the only name @given
 * begins.  NULL when none is near enough.
 */
const char *wq_prog__suggest(const char *given, const char *const *names);

#endif /* WQMON_PROG_H */
