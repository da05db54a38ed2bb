/* SPDX-License-Identifier: GPL-2.0 */
/* wqctl record: snapshots of a source into a recording (record.c). */
#ifndef WQCTL_RECORD_H
#define WQCTL_RECORD_H

/* argv[0] is "record".  Return: the exit status (0, 1 a failure, 2 a
 * usage error). */
int wqctl_record(int argc, char **argv);

#endif
