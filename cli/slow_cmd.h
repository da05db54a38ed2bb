/* SPDX-License-Identifier: GPL-2.0 */
/* wqctl slow: the slow work items, as they end (slow.c). */
#ifndef WQCTL_SLOW_CMD_H
#define WQCTL_SLOW_CMD_H

/* argv[0] is "slow".  Return: the exit status (0, 1 a failure, 2 a usage
 * error). */
int wqctl_slow(int argc, char **argv);

#endif
