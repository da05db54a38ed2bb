/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recordings (docs/FORMAT.md, "Recordings"): cumulative snapshots taken
 * one after another, kept in one gzip file to open later (wqctl record;
 * wqctl show and wqtop --replay, through the replay:PATH source).  The
 * file is a header line and then text views (the format of `wqctl show`,
 * each ending with its "end" line), so `zcat` shows it and the text parser
 * reads it back byte for byte.
 */
#ifndef WQMON_RECORDING_H
#define WQMON_RECORDING_H

#include <stddef.h>
#include "model.h"

#define WQ_RECORDING_FORMAT	"wqmon-recording"
#define WQ_RECORDING_VERSION	1
/* A view longer than this is no view of ours: the file is refused. */
#define WQ_RECORDING_MAX_VIEW	(64u << 20)

struct wq_recording;

/*
 * Create @path (replaced if it exists) and write the header.
 * Return: 0, or -errno with one line in @err.
 */
int wq_recording__create(struct wq_recording **out, const char *path,
			 char *err, size_t errlen);
/* Append @s as a cumulative text view.  Return: 0, or -errno (@err). */
int wq_recording__append(struct wq_recording *r, const struct wq_snapshot *s,
			 char *err, size_t errlen);

/* Open @path for reading and check its header.  Return: 0 or -errno (@err). */
int wq_recording__open(struct wq_recording **out, const char *path, char *err,
		       size_t errlen);
/*
 * The next snapshot into @s.  Return: 1, 0 at the end of the recording, or
 * -errno with one line in @err naming the view and line that could not be
 * read (a truncated or corrupt file: the views before it were good).
 */
int wq_recording__next(struct wq_recording *r, struct wq_snapshot *s,
		       char *err, size_t errlen);
/* Views appended or read so far. */
size_t wq_recording__views(const struct wq_recording *r);

/* Close; for a writer, flush: 0, or -errno (@err) when that failed. */
int wq_recording__close(struct wq_recording *r, char *err, size_t errlen);

#endif /* WQMON_RECORDING_H */
