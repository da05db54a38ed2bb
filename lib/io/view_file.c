// SPDX-License-Identifier: GPL-2.0
/* A saved text or JSON view, read back (view_file.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "text.h"
#include "view_file.h"

/* JSON starts with '{' after blanks; the text view with its header line. */
static int is_json(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len && strchr(" \t\r\n", buf[i]))
		i++;
	return i < len && buf[i] == '{';
}

int wq_view_file__read(const char *path, struct wq_snapshot *out, char *err,
		       size_t errlen)
{
	return wq_view_file__read_config(path, out, NULL, err, errlen);
}

int wq_view_file__read_config(const char *path, struct wq_snapshot *out,
			      struct wq_config *cfg, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char why[200] = "";
	size_t len = 0;
	char *buf;
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "cannot open %.160s: %s", path,
			 strerror(-rc));
		return rc;
	}
	buf = wq_text__read(f, &len);
	rc = buf ? 0 : -errno;
	if (f != stdin)
		fclose(f);
	if (!buf) {
		snprintf(err, errlen, "cannot read %.160s: %s", path,
			 strerror(-rc));
		return rc ? rc : -EIO;
	}
	if (is_json(buf, len)) {
		char *z = realloc(buf, len + 1);	/* the parser wants a string */

		if (z) {
			buf = z;
			buf[len] = '\0';
		}
		rc = z ? wq_json__parse_msg(out, buf, why, sizeof(why)) : -ENOMEM;
	} else {
		rc = cfg ? wq_text__parse_config(out, cfg, buf, len, why,
						 sizeof(why)) :
			   wq_text__parse(out, buf, len, why, sizeof(why));
	}
	free(buf);
	if (rc)
		snprintf(err, errlen, "%.80s: %.170s (not a wqmon text or "
			 "JSON view? see docs/FORMAT.md)", path, why);
	return rc;
}
