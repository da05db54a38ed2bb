/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bridge from a live refwq instance to wqmon's snapshot model (lib/core/model.h):
 * the instance shows up as source "refwq:<name>".  Kept out of the core (it
 * uses libc and lib/), so the core stays freestanding.
 */
#ifndef REFWQ_EXPORT_H
#define REFWQ_EXPORT_H

#include <stdio.h>

#include "model.h"

/*
 * Fill @s (reset first) from the running instance: pools, and one series per
 * (pool, workqueue, function) with cumulative counters and histograms.
 * Functions are named through the dynamic symbol table (dladdr), else
 * "0x<address>"; the per-pwq overflow series is "(other)".
 * Return: 0, -ENODEV when refwq is not initialised, or -ENOMEM.
 */
int refwq_export_snapshot(struct wq_snapshot *s);

/* Write the instance's /proc/workqueues-style text view (lib/core/text.h) to @f.
 * Return: 0, or -errno. */
int refwq_export_text(FILE *f);

#endif /* REFWQ_EXPORT_H */
