/* SPDX-License-Identifier: GPL-2.0 */
/* Query string values of the HTTP API (docs/API.md), parsed purely. */
#ifndef WQMOND_QUERY_H
#define WQMOND_QUERY_H

#include <stdint.h>

/* ?since=MONO_NS: decimal digits only (no blank, sign or base prefix),
 * within 64 bits.  Return: 0 with *@ns set, or -EINVAL. */
int wqd_query__since(const char *s, uint64_t *ns);

#endif
