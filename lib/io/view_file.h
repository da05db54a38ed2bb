/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A saved view read back: a file holding one snapshot as the text view
 * (docs/FORMAT.md; also what the refwq module's /proc/workqueues serves)
 * or as JSON (docs/API.md).  Used by `wqctl cat`, the kmod and file
 * sources (lib/io/source.h) and wqmond's kmod source.
 */
#ifndef WQMON_VIEW_FILE_H
#define WQMON_VIEW_FILE_H

#include <stddef.h>
#include "model.h"

/*
 * Read @path ("-": stdin) into @out, whichever of the two forms it holds.
 * Return: 0, or -errno with one line in @err naming the file and what to
 * do.
 */
int wq_view_file__read(const char *path, struct wq_snapshot *out, char *err,
		       size_t errlen);

struct wq_config;

/* The same, and a text view's config section into @cfg (empty when it
 * has none, or for JSON), so that a v3 view prints back whole. */
int wq_view_file__read_config(const char *path, struct wq_snapshot *out,
			      struct wq_config *cfg, char *err, size_t errlen);

#endif /* WQMON_VIEW_FILE_H */
