/* SPDX-License-Identifier: GPL-2.0 */
/* wqctl config: the workqueue configuration (config.c). */
#ifndef WQCTL_CONFIG_H
#define WQCTL_CONFIG_H

/* argv[0] is "config".  Return: the exit status (0, 1 the walk failed,
 * 2 a usage error). */
int wqctl_config(int argc, char **argv);

#endif
