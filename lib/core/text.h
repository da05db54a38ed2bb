/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The /proc/workqueues-style text view of a snapshot (docs/FORMAT.md):
 * aligned tables for people, whitespace-separated fields for programs, no
 * floating point (a kernel module prints the same file with seq_printf),
 * and a histograms section from which the parser restores the snapshot.
 */
#ifndef WQMON_TEXT_H
#define WQMON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "model.h"
#include "textfmt.h"
#include "wqconfig.h"

#define WQ_TEXT_FORMAT "wqmon-workqueues"
/* v2: what every producer writes (refwq's module included); v3: v2 with
 * an optional queuers or config section, written only when one of them is
 * (docs/FORMAT.md, "Text view").  The parser reads both. */
#define WQ_TEXT_VERSION WQ_TEXTFMT_VERSION
#define WQ_TEXT_VERSION_V3 3

/* Sections, for wq_text_opts.sections. */
#define WQ_TEXT_COUNTERS (1u << 0)
#define WQ_TEXT_POOLS (1u << 1)
#define WQ_TEXT_WORKQUEUES (1u << 2)
#define WQ_TEXT_FUNCTIONS (1u << 3)
#define WQ_TEXT_HISTOGRAMS (1u << 4)
#define WQ_TEXT_QUEUERS (1u << 5) /* v3: when the snapshot has rows */
#define WQ_TEXT_CONFIG (1u << 6) /* v3: when opts.config is given */
#define WQ_TEXT_ALL ((1u << 7) - 1)

/* Row order of the workqueues and functions sections. */
enum wq_sort_key {
	WQ_SORT_NAME, /* by name, ascending; the others descending */
	WQ_SORT_QUEUED,
	WQ_SORT_STARTED,
	WQ_SORT_COMPLETED,
	WQ_SORT_CANCELLED,
	WQ_SORT_RATE,
	WQ_SORT_LAT_P50,
	WQ_SORT_LAT_P99,
	WQ_SORT_LAT_MAX,
	WQ_SORT_RUN_P50,
	WQ_SORT_RUN_P99,
	WQ_SORT_RUN_MAX,
	WQ_SORT_CPU,
	WQ_SORT_NR,
};

struct wq_text_opts {
	enum wq_sort_key sort;
	bool reverse; /* flip the order of @sort */
	size_t top; /* at most this many function rows; 0: all */
	unsigned int sections; /* WQ_TEXT_* mask; 0: all */
	/* The workqueue configuration for the config section; NULL: none. */
	const struct wq_config *config;
};

/*
 * Write @s to @f.  @o may be NULL: all sections, by name, every row.
 * Return: 0, -ENOMEM, or -EIO when @f reports an error.
 */
int wq_text__render(const struct wq_snapshot *s, FILE *f,
		    const struct wq_text_opts *o);

/*
 * Replace the contents of @s (source included) with the text in
 * @buf[0..@len).  Series come from the histograms section (all their fields
 * but func_addr); the workqueues and functions sections are derived views
 * and only checked.  On error @s is left empty and @err (if not NULL) gets
 * "line N: what is wrong".
 * Return: 0, -EINVAL for malformed input, or -ENOMEM.
 */
int wq_text__parse(struct wq_snapshot *s, const char *buf, size_t len,
		   char *err, size_t errlen);

/*
 * The same, and the config section into @cfg (freed first with
 * wq_config__free; left empty, nr_cpus 0, when the view has none).
 * Return: as wq_text__parse; on error @cfg is empty too.
 */
int wq_text__parse_config(struct wq_snapshot *s, struct wq_config *cfg,
			  const char *buf, size_t len, char *err,
			  size_t errlen);

/* "lat_p99" -> WQ_SORT_LAT_P99.  Return: the key, or -EINVAL. */
/* Read all of @f (a /proc file has no size): malloc'd, *@len bytes.
 * Return: the buffer, or NULL with errno set. */
char *wq_text__read(FILE *f, size_t *len);

int wq_text__sort_key_from_name(const char *name);
/* The inverse; NULL for an invalid key. */
const char *wq_text__sort_key_name(enum wq_sort_key key);
/* "pools,functions" -> mask of WQ_TEXT_*; "all" for all.
 * Return: the mask, or -EINVAL for an unknown or empty name. */
int wq_text__sections_from_names(const char *names);

#endif /* WQMON_TEXT_H */
