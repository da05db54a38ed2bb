/* SPDX-License-Identifier: GPL-2.0 */
/* wqctl check: can the probes run here, and what do they lose (check.c). */
#ifndef WQCTL_CHECK_H
#define WQCTL_CHECK_H

/* argv[0] is "check".  Return: the exit status (0 ok, 1 the probes cannot
 * run or attach, 2 a usage error). */
int wqctl_check(int argc, char **argv);

#endif
