/* SPDX-License-Identifier: GPL-2.0 */
/* wqctl audit-isolation: which work ran on the isolated CPUs (audit.c). */
#ifndef WQCTL_AUDIT_H
#define WQCTL_AUDIT_H

/* argv[0] is "audit-isolation".  Return: the exit status (0 no work ran on
 * those CPUs, 1 some did or the probes failed, 2 a usage error). */
int wqctl_audit(int argc, char **argv);

#endif
