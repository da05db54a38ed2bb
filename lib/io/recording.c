// SPDX-License-Identifier: GPL-2.0
/* Recordings: text views in a gzip file (recording.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "recording.h"
#include "text.h"

struct wq_recording {
	gzFile gz;
	char *path;
	bool writing;
	size_t views;
	size_t line;		/* lines read so far (reader) */
	char *buf;		/* one view (reader) */
	size_t cap;
};

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

static struct wq_recording *new_rec(const char *path, const char *mode)
{
	struct wq_recording *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->path = strdup(path);
	r->gz = r->path ? gzopen(path, mode) : NULL;
	if (!r->gz) {
		int e = errno ? errno : ENOMEM;

		free(r->path);
		free(r);
		errno = e;
		return NULL;
	}
	return r;
}

int wq_recording__create(struct wq_recording **out, const char *path,
			 char *err, size_t errlen)
{
	struct wq_recording *r;

	*out = NULL;
	r = new_rec(path, "wb6");
	if (!r)
		return fail(err, errlen, -errno, "cannot create %s: %s", path,
			    strerror(errno));
	r->writing = true;
	if (gzprintf(r->gz, "%s v%d\n", WQ_RECORDING_FORMAT,
		     WQ_RECORDING_VERSION) <= 0) {
		wq_recording__close(r, NULL, 0);
		return fail(err, errlen, -EIO, "cannot write %s", path);
	}
	*out = r;
	return 0;
}

int wq_recording__append(struct wq_recording *r, const struct wq_snapshot *s,
			 char *err, size_t errlen)
{
	struct wq_text_opts o = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (!f)
		return fail(err, errlen, -ENOMEM, "out of memory");
	ret = wq_text__render(s, f, &o);
	if (fclose(f) || ret) {
		free(text);
		return fail(err, errlen, ret ? ret : -ENOMEM,
			    "cannot render view %zu", r->views + 1);
	}
	if (gzwrite(r->gz, text, (unsigned int)len) != (int)len) {
		free(text);
		return fail(err, errlen, -EIO, "cannot write %s: disk full?",
			    r->path);
	}
	free(text);
	r->views++;
	return 0;
}

int wq_recording__open(struct wq_recording **out, const char *path, char *err,
		       size_t errlen)
{
	char want[64], line[128];
	struct wq_recording *r;

	*out = NULL;
	r = new_rec(path, "rb");
	if (!r)
		return fail(err, errlen, -errno, "cannot open %s: %s", path,
			    strerror(errno));
	snprintf(want, sizeof(want), "%s v%d\n", WQ_RECORDING_FORMAT,
		 WQ_RECORDING_VERSION);
	if (!gzgets(r->gz, line, sizeof(line)) || strcmp(line, want)) {
		int zerr;

		gzerror(r->gz, &zerr);
		wq_recording__close(r, NULL, 0);
		if (zerr != Z_OK && zerr != Z_STREAM_END)
			return fail(err, errlen, -EIO, "%s: the compressed "
				    "data is corrupt (or cut) before the first "
				    "view", path);
		return fail(err, errlen, -EINVAL, "%s: not a %s v%d file (made "
			    "by wqctl record?)", path, WQ_RECORDING_FORMAT,
			    WQ_RECORDING_VERSION);
	}
	r->line = 1;
	*out = r;
	return 0;
}

/* Append one line of the file to r->buf at *@len; false at its end. */
static int read_line(struct wq_recording *r, size_t *len)
{
	for (;;) {
		if (r->cap - *len < 4096) {
			size_t cap = r->cap ? 2 * r->cap : 1 << 16;
			char *b;

			if (cap > WQ_RECORDING_MAX_VIEW + 4096)
				return -E2BIG;
			b = realloc(r->buf, cap);
			if (!b)
				return -ENOMEM;
			r->buf = b;
			r->cap = cap;
		}
		if (!gzgets(r->gz, r->buf + *len, (int)(r->cap - *len)))
			return 0;
		*len += strlen(r->buf + *len);
		if (*len && r->buf[*len - 1] == '\n') {
			r->line++;
			return 1;
		}
		/* A line longer than the room: read on into more room. */
	}
}

int wq_recording__next(struct wq_recording *r, struct wq_snapshot *s,
		       char *err, size_t errlen)
{
	size_t len = 0, start, first = r->line + 1;
	char perr[256];
	int ret, zerr;

	for (;;) {
		start = len;
		ret = read_line(r, &len);
		if (ret <= 0)
			break;
		if (!strcmp(r->buf + start, "end\n"))
			break;
	}
	if (ret < 0)
		return fail(err, errlen, ret, "%s: view %zu (line %zu): %s; %zu "
			    "views read", r->path, r->views + 1, first,
			    ret == -E2BIG ? "longer than any view" :
					    "out of memory", r->views);
	gzerror(r->gz, &zerr);
	/* zlib's "unexpected end of file": the file was cut. */
	if (zerr == Z_BUF_ERROR)
		return fail(err, errlen, -EIO, "%s: view %zu (line %zu): the "
			    "file ends inside it (truncated); %zu views read",
			    r->path, r->views + 1, first, r->views);
	if (zerr != Z_OK && zerr != Z_STREAM_END)
		return fail(err, errlen, -EIO, "%s: view %zu (line %zu): the "
			    "compressed data is corrupt; %zu views read",
			    r->path, r->views + 1, r->line + 1, r->views);
	if (!ret && !len)
		return 0;	/* the end, between views */
	if (!ret)
		return fail(err, errlen, -EIO, "%s: view %zu (line %zu): the "
			    "file ends inside it (truncated); %zu views read",
			    r->path, r->views + 1, first, r->views);
	ret = wq_text__parse(s, r->buf, len, perr, sizeof(perr));
	if (ret)
		return fail(err, errlen, ret, "%s: view %zu (from line %zu): "
			    "%s; %zu views read", r->path, r->views + 1, first,
			    perr, r->views);
	r->views++;
	return 1;
}

size_t wq_recording__views(const struct wq_recording *r)
{
	return r->views;
}

int wq_recording__close(struct wq_recording *r, char *err, size_t errlen)
{
	int ret = 0;

	if (!r)
		return 0;
	if (gzclose(r->gz) != Z_OK && r->writing)
		ret = err ? fail(err, errlen, -EIO, "cannot finish %s: disk "
				 "full?", r->path) : -EIO;
	free(r->path);
	free(r->buf);
	free(r);
	return ret;
}
