// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop --prometheus URL: fetching the fleet view's answers over lib's HTTP
 * client, and showing them as text frames or on the terminal (fleet.h).
 */
#include <errno.h>
#include <ncurses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crt.h"
#include "fleet.h"
#include "http_client.h"
#include "log.h"
#include "prog.h"

#define FLEET_TIMEOUT_MS 5000

static void urlencode(char *out, size_t len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-_.~", ch)) {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
}

static bool stopping(void *ctx)
{
	(void)ctx;
	return wq_prog_stop;
}

/* Every query into a fresh @m.  Return: 0, or -errno with @why. */
static int fetch(const struct wq_http_url *u, struct wqtop_fleet *m, char *why,
		 size_t why_len)
{
	struct wq_http_req req = {
		.method = "GET",
		.timeout_ms = FLEET_TIMEOUT_MS,
		.cancel = stopping,
	};
	size_t base = strlen(u->path), blen;
	char path[4096], enc[3072], msg[128];
	enum wqtop_fleet_query q;
	int status, err = 0;
	char *body;

	while (base && u->path[base - 1] == '/')
		base--;
	for (q = 0; q < FLEET_Q_NR && !err; q++) {
		urlencode(enc, sizeof(enc), wqtop_fleet_queries[q]);
		snprintf(path, sizeof(path), "%.*s/api/v1/query?query=%s",
			 (int)base, u->path, enc);
		req.path = path;
		body = NULL;
		err = wq_http__request(u, &req, &status, &body, &blen);
		if (err) {
			snprintf(why, why_len, "%s: %s", u->name,
				 strerror(-err));
		} else if (status != 200) {
			snprintf(why, why_len, "%s: HTTP status %d", u->name,
				 status);
			err = -EPROTO;
		} else {
			err = wqtop_fleet__add(m, q, body, msg, sizeof(msg));
			if (err)
				snprintf(why, why_len, "%s: %s", u->name, msg);
		}
		free(body);
	}
	if (!err)
		wqtop_fleet__sort(m);
	return err;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};

	nanosleep(&ts, NULL);
}

/* The terminal: the same text, redrawn each delay; q quits. */
static int run_tui(const struct wq_http_url *u, long iterations, double delay_s,
		   bool color)
{
	struct crt_opts co = {.color = color, .mouse = false};
	struct wqtop_fleet m = {0};
	char why[512] = "", *text = NULL;
	long shown = 0;
	size_t len;
	int ch, y;

	if (crt__init(&co)) {
		pr_err("terminal '%s' cannot be driven: use -b\n",
		       getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	while (!wq_prog_stop) {
		FILE *f = open_memstream(&text, &len);
		char *line, *save = NULL;

		wqtop_fleet__free(&m);
		why[0] = '\0';
		if (!f)
			break;
		if (fetch(u, &m, why, sizeof(why)))
			fprintf(f, "wqtop fleet: %s\n", why);
		else
			wqtop_fleet__render(f, &m, u->name, COLS);
		fclose(f);
		erase();
		y = 0;
		for (line = strtok_r(text, "\n", &save); line && y < LINES - 1;
		     line = strtok_r(NULL, "\n", &save))
			mvaddnstr(y++, 0, line, COLS);
		attron(crt__attr(CRT_FKEY));
		mvaddstr(LINES - 1, 0, "q quit");
		attroff(crt__attr(CRT_FKEY));
		refresh();
		free(text);
		text = NULL;
		if (iterations && ++shown >= iterations)
			break;
		timeout((int)(delay_s * 1000));
		ch = getch();
		if (ch == 'q' || ch == 'Q')
			break;
	}
	wqtop_fleet__free(&m);
	crt__done();
	return 0;
}

int wqtop_fleet__main(const char *url, bool batch, long iterations,
		      double delay_s, int width, bool color)
{
	struct wq_http_url u;
	struct wqtop_fleet m = {0};
	char why[512];
	long shown = 0;
	int rc = 0;

	if (wq_http_url__parse(url, &u) || u.local) {
		pr_err("bad --prometheus '%s': give http://host:port of a "
		       "Prometheus\n",
		       url);
		return WQ_EXIT_USAGE;
	}
	wq_prog__signals(false);
	if (!batch)
		return run_tui(&u, iterations, delay_s, color);
	while (!wq_prog_stop) {
		if (fetch(&u, &m, why, sizeof(why))) {
			pr_err("%s\n", why);
			rc = 1;
			break;
		}
		if (shown)
			printf("\n");
		wqtop_fleet__render(stdout, &m, u.name, width ? width : 160);
		fflush(stdout);
		wqtop_fleet__free(&m);
		if (iterations && ++shown >= iterations)
			break;
		sleep_s(delay_s);
	}
	wqtop_fleet__free(&m);
	return rc;
}
