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
#include <unistd.h>

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

/* GET the answer of @promql into *@body (free() it).  Return: 0, or
 * -errno with @why. */
static int query(const struct wq_http_url *u, const char *promql, char **body,
		 char *why, size_t why_len)
{
	struct wq_http_req req = {
		.method = "GET",
		.timeout_ms = FLEET_TIMEOUT_MS,
		.cancel = stopping,
	};
	size_t base = strlen(u->path), blen;
	char path[4096], enc[3072];
	int status, err;

	/* Under the URL's path: a Prometheus behind a reverse proxy. */
	while (base && u->path[base - 1] == '/')
		base--;
	urlencode(enc, sizeof(enc), promql);
	snprintf(path, sizeof(path), "%.*s/api/v1/query?query=%s", (int)base,
		 u->path, enc);
	req.path = path;
	*body = NULL;
	err = wq_http__request(u, &req, &status, body, &blen);
	if (err) {
		snprintf(why, why_len, "%s: %s", u->name, strerror(-err));
	} else if (status != 200) {
		snprintf(why, why_len, "%s: HTTP status %d", u->name, status);
		err = -EPROTO;
	}
	if (err) {
		free(*body);
		*body = NULL;
	}
	return err;
}

/* Every query into a fresh @m.  Return: 0, or -errno with @why. */
static int fetch(const struct wq_http_url *u, struct wqtop_fleet *m, char *why,
		 size_t why_len)
{
	enum wqtop_fleet_query q;
	char msg[128], *body;
	int err = 0;

	for (q = 0; q < FLEET_Q_NR && !err; q++) {
		err = query(u, wqtop_fleet_queries[q], &body, why, why_len);
		if (err)
			break;
		err = wqtop_fleet__add(m, q, body, msg, sizeof(msg));
		if (err)
			snprintf(why, why_len, "%s: %s", u->name, msg);
		free(body);
	}
	if (!err)
		wqtop_fleet__sort(m);
	return err;
}

/* Host @instance's functions and stalls into a fresh @d. */
static int fetch_detail(const struct wq_http_url *u, const char *instance,
			struct wqtop_fleet_detail *d, char *why, size_t why_len)
{
	enum wqtop_fleet_detail_query q;
	char promql[1024], msg[128], *body;
	int err = 0;

	for (q = 0; q < FLEET_D_NR && !err; q++) {
		err = wqtop_fleet__detail_query(promql, sizeof(promql), q,
						instance);
		if (err) {
			snprintf(why, why_len, "instance name too long");
			break;
		}
		err = query(u, promql, &body, why, why_len);
		if (err)
			break;
		err = wqtop_fleet__detail_add(d, q, body, msg, sizeof(msg));
		if (err)
			snprintf(why, why_len, "%s: %s", u->name, msg);
		free(body);
	}
	if (!err)
		wqtop_fleet__detail_sort(d);
	return err;
}

/* Keep the hosts whose instance contains @filter. */
static void keep(struct wqtop_fleet *m, const char *filter)
{
	size_t i, n = 0;

	if (!filter || !*filter)
		return;
	for (i = 0; i < m->nr_hosts; i++)
		if (strstr(m->hosts[i].instance, filter))
			m->hosts[n++] = m->hosts[i];
	m->nr_hosts = n;
}

/* A frame: the fleet, and with @filter each of its hosts in detail. */
static int frame(FILE *f, const struct wq_http_url *u, struct wqtop_fleet *m,
		 const char *filter, int width, char *why, size_t why_len)
{
	struct wqtop_fleet_detail d = {0};
	size_t i;
	int err;

	err = fetch(u, m, why, why_len);
	if (err)
		return err;
	keep(m, filter);
	wqtop_fleet__render(f, m, u->name, width);
	for (i = 0; filter && *filter && i < m->nr_hosts && !err; i++) {
		err = fetch_detail(u, m->hosts[i].instance, &d, why, why_len);
		if (!err) {
			fprintf(f, "\n");
			wqtop_fleet__detail_render(f, &d, &m->hosts[i], width);
		}
		wqtop_fleet__detail_free(&d);
	}
	return err;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};

	nanosleep(&ts, NULL);
}

/* Draw @text from the top, line @hl (-1: none) highlighted, and a key bar. */
static void draw(const char *text, int hl, const char *keys)
{
	const char *line = text;
	int y, len;

	erase();
	/* Line by line, blank ones too: @hl counts them. */
	for (y = 0; *line && y < LINES - 1; y++) {
		len = (int)strcspn(line, "\n");
		if (y == hl)
			attron(crt__attr(CRT_SELECTED));
		mvaddnstr(y, 0, line, len < COLS ? len : COLS);
		if (y == hl)
			attroff(crt__attr(CRT_SELECTED));
		line += len;
		if (*line)
			line++;
	}
	attron(crt__attr(CRT_FKEY));
	mvaddnstr(LINES - 1, 0, keys, COLS);
	attroff(crt__attr(CRT_FKEY));
	refresh();
}

/* The first host row of wqtop_fleet__render's text (title, blank, header). */
#define FIRST_HOST_LINE 3

/*
 * The terminal: the fleet, redrawn each delay; Up/Down select a host, Enter
 * opens it (and back), a attaches wqtop to its wqmond, q quits.  Return:
 * the exit status, or -1 with @attach set to the URL to attach to.
 */
static int run_tui(const struct wq_http_url *u, long iterations, double delay_s,
		   bool color, char *attach, size_t attach_len)
{
	struct crt_opts co = {.color = color, .mouse = false};
	struct wqtop_fleet m = {0};
	struct wqtop_fleet_detail d = {0};
	char why[512], note[200] = "", open_host[WQTOP_FLEET_NAME] = "";
	char *text = NULL;
	long shown = 0;
	int sel = 0, rc = 0, ch;
	size_t len;

	if (crt__init(&co)) {
		pr_err("terminal '%s' cannot be driven: use -b\n",
		       getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	keypad(stdscr, TRUE);
	while (!wq_prog_stop) {
		FILE *f = open_memstream(&text, &len);
		const struct wqtop_fleet_host *h = NULL;
		size_t i;

		if (!f)
			break;
		wqtop_fleet__free(&m);
		wqtop_fleet__detail_free(&d);
		if (fetch(u, &m, why, sizeof(why))) {
			/* No half answer: a host row of one query alone
			 * would look like a host with nothing to show. */
			wqtop_fleet__free(&m);
			fprintf(f, "wqtop fleet: %s\n", why);
		} else {
			if (sel >= (int)m.nr_hosts)
				sel = m.nr_hosts ? (int)m.nr_hosts - 1 : 0;
			for (i = 0; open_host[0] && i < m.nr_hosts; i++)
				if (!strcmp(m.hosts[i].instance, open_host))
					h = &m.hosts[i];
			if (h &&
			    !fetch_detail(u, h->instance, &d, why, sizeof(why)))
				wqtop_fleet__detail_render(f, &d, h, COLS);
			else if (h)
				fprintf(f, "HOST %s: %s\n", h->instance, why);
			else
				wqtop_fleet__render(f, &m, u->name, COLS);
		}
		if (note[0])
			fprintf(f, "\n%s\n", note);
		fclose(f);
		draw(text, h || !m.nr_hosts ? -1 : FIRST_HOST_LINE + sel,
		     h ? "Enter back  a attach to its wqmond  q quit"
		       : "Up/Down select  Enter open  a attach  q quit");
		free(text);
		text = NULL;
		if (iterations && ++shown >= iterations)
			break;
		timeout((int)(delay_s * 1000));
		ch = getch();
		note[0] = '\0';
		if (ch == 'q' || ch == 'Q')
			break;
		if (!h)
			open_host[0] = '\0';
		if ((ch == KEY_UP || ch == 'k') && sel > 0)
			sel--;
		else if ((ch == KEY_DOWN || ch == 'j') &&
			 sel + 1 < (int)m.nr_hosts)
			sel++;
		else if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) &&
			 open_host[0])
			open_host[0] = '\0';
		else if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) &&
			 m.nr_hosts)
			snprintf(open_host, sizeof(open_host), "%s",
				 m.hosts[sel].instance);
		else if (ch == 27 || ch == KEY_BACKSPACE)
			open_host[0] = '\0';
		else if (ch == 'a' && m.nr_hosts) {
			const struct wqtop_fleet_host *t =
				h ? h : &m.hosts[sel];

			if (!t->up) {
				snprintf(note, sizeof(note),
					 "%s is down: nothing to attach to",
					 t->instance);
			} else {
				snprintf(attach, attach_len, "http://%s/",
					 t->instance);
				rc = -1;
				break;
			}
		}
	}
	wqtop_fleet__free(&m);
	wqtop_fleet__detail_free(&d);
	crt__done();
	return rc;
}

int wqtop_fleet__main(const char *url, bool batch, long iterations,
		      double delay_s, int width, bool color, const char *filter)
{
	struct wq_http_url u;
	struct wqtop_fleet m = {0};
	char why[512], attach[WQTOP_FLEET_NAME + 16];
	long shown = 0;
	int rc = 0;

	if (wq_http_url__parse(url, &u) || u.local) {
		pr_err("bad --prometheus '%s': give http://host:port of a "
		       "Prometheus\n",
		       url);
		return WQ_EXIT_USAGE;
	}
	wq_prog__signals(false);
	if (!batch) {
		rc = run_tui(&u, iterations, delay_s, color, attach,
			     sizeof(attach));
		if (rc >= 0)
			return rc;
		/* Attach: the host's wqmond, as wqtop --source URL does. */
		execl("/proc/self/exe", "wqtop", "--source", attach,
		      (char *)NULL);
		pr_err("cannot run wqtop --source %s: %s\n", attach,
		       strerror(errno));
		return 1;
	}
	while (!wq_prog_stop) {
		if (shown)
			printf("\n");
		if (frame(stdout, &u, &m, filter, width ? width : 160, why,
			  sizeof(why))) {
			pr_err("%s\n", why);
			rc = 1;
			break;
		}
		fflush(stdout);
		wqtop_fleet__free(&m);
		if (iterations && ++shown >= iterations)
			break;
		sleep_s(delay_s);
	}
	wqtop_fleet__free(&m);
	return rc;
}
