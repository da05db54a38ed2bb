// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's workqueue reports in /dev/kmsg.  The formats come from
 * kernel/workqueue.c, 5.10 to 6.18 (docs/STALLS.md):
 *
 *   wq_watchdog_timer_fn():   "BUG: workqueue lockup - pool" +
 *   pr_cont_pool_info():      " cpus=%*pbl" [" node=%d"] " flags=0x%x"
 *                             then " nice=%d" (all), or " bh" / " bh-hi"
 *                             instead on BH pools (6.9+)
 *                             + " stuck for %us!"
 *   wq_cpu_intensive_report() (6.5+, CONFIG_WQ_CPU_INTENSIVE_REPORT):
 *     "workqueue: %ps hogged CPU for >%luus %llu times, consider switching
 *     to WQ_UNBOUND", %ps being "fn" or "fn [module]"
 *   panic_on_wq_watchdog() (workqueue.panic_on_stall, 6.12+): BUG_ON(),
 *     "kernel BUG at kernel/workqueue.c:N!"
 *
 * Parsing is strict: a report is recognised whole or not at all, so a line
 * cut short or garbled is refused rather than half-read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kmsg.h"

/* A cursor over [p, end). */
struct cur {
	const char *p, *end;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool at_end(const struct cur *c)
{
	return c->p == c->end;
}

/* Consume @s if the text continues with it. */
static bool lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

/* A decimal number of at most @max, no sign. */
static bool num(struct cur *c, uint64_t max, uint64_t *v)
{
	const char *s = c->p;
	uint64_t n = 0;

	if (s == c->end || !is_digit(*s))
		return false;
	for (; s < c->end && is_digit(*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (n > (max - d) / 10)
			return false;
		n = n * 10 + d;
	}
	c->p = s;
	*v = n;
	return true;
}

static bool hex32(struct cur *c, uint32_t *v)
{
	const char *s = c->p;
	uint32_t n = 0;
	int digits = 0;

	for (; s < c->end; s++, digits++) {
		char ch = *s;
		unsigned int d;

		if (is_digit(ch))
			d = (unsigned int)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else
			break;
		if (digits == 8)
			return false;
		n = n << 4 | d;
	}
	if (!digits)
		return false;
	c->p = s;
	*v = n;
	return true;
}

/* Copy [from, c->p) to @buf of @size; false when it does not fit. */
static bool take(const char *from, const struct cur *c, char *buf,
		 size_t size)
{
	size_t n = (size_t)(c->p - from);

	if (!n || n >= size)
		return false;
	memcpy(buf, from, n);
	buf[n] = '\0';
	return true;
}

int wq_kmsg_record__parse(const char *rec, size_t len,
			  struct wq_kmsg_record *r)
{
	const char *semi = memchr(rec, ';', len), *nl;
	struct cur c = { rec, semi };
	uint64_t prio, seq, ts;
	char flag;

	if (!semi)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	if (!num(&c, UINT32_MAX, &prio) || !lit(&c, ",") ||
	    !num(&c, UINT64_MAX, &seq) || !lit(&c, ",") ||
	    !num(&c, UINT64_MAX, &ts) || !lit(&c, ",") || at_end(&c))
		return -EINVAL;
	flag = *c.p++;
	if (flag != '-' && flag != 'c' && flag != '+')
		return -EINVAL;
	/* Later kernels may add ",KEY=VALUE" fields before the ';'. */
	while (!at_end(&c)) {
		const char *f, *fe;

		if (!lit(&c, ","))
			return -EINVAL;
		f = c.p;
		fe = memchr(f, ',', (size_t)(c.end - f));
		c.p = fe ? fe : c.end;
		if (lit(&(struct cur){ f, c.p }, "caller=") &&
		    !take(f + 7, &c, r->caller, sizeof(r->caller)))
			return -EINVAL;
	}
	r->level = (unsigned int)(prio & 7);
	r->facility = (unsigned int)(prio >> 3);
	r->seq = seq;
	r->ts_us = ts;
	r->cont = flag != '-';
	r->text = semi + 1;
	nl = memchr(r->text, '\n', (size_t)(rec + len - r->text));
	r->text_len = (size_t)((nl ? nl : rec + len) - r->text);
	return 0;
}

/* dmesg's "[  157.401342]" or "[Sun Sep 10 07:19:00 2023]" (-T) and, with
 * CONFIG_PRINTK_CALLER, "[    C0]". */
static const char *skip_dmesg_stamps(const char *s)
{
	const char *from = s;

	for (int i = 0; i < 2 && *s == '['; i++) {
		size_t n = strcspn(s + 1, "]\n");

		if (s[1 + n] != ']' || n > 40)
			break;
		s += n + 2;
	}
	return s != from && *s == ' ' ? s + 1 : s;
}

static bool parse_cpus(struct cur *c, struct wq_kmsg_report *out)
{
	const char *from = c->p;
	uint64_t a, b, first = UINT64_MAX, n = 0;

	do {
		if (!num(c, 65535, &a))
			return false;
		b = a;
		if (lit(c, "-") && (!num(c, 65535, &b) || b < a))
			return false;
		n += b - a + 1;
		if (a < first)
			first = a;
	} while (lit(c, ","));
	if (!take(from, c, out->cpus, sizeof(out->cpus)) || n > 65536)
		return false;
	out->nr_cpus = (uint32_t)n;
	out->cpu = n == 1 ? (int32_t)first : -1;
	return true;
}

/* After "BUG: workqueue lockup - pool". */
static bool parse_lockup(struct cur *c, struct wq_kmsg_report *out)
{
	uint64_t v;

	out->kind = WQ_KMSG_LOCKUP;
	if (!lit(c, " cpus=") || !parse_cpus(c, out))
		return false;
	if (lit(c, " node=")) {
		if (!num(c, 65535, &v))
			return false;
		out->node = (int32_t)v;
	}
	if (!lit(c, " flags=0x") || !hex32(c, &out->pool_flags))
		return false;
	if (lit(c, " bh-hi")) {
		out->bh = out->highpri = true;
	} else if (lit(c, " bh")) {
		out->bh = true;
	} else if (lit(c, " nice=")) {
		bool neg = lit(c, "-");

		if (!num(c, neg ? 20 : 19, &v))
			return false;
		out->has_nice = true;
		out->nice = neg ? -(int32_t)v : (int32_t)v;
		out->highpri = out->nice < 0;
	} else {
		return false;
	}
	/* jiffies_to_msecs() / 1000: an unsigned int. */
	if (!lit(c, " stuck for ") || !num(c, UINT32_MAX, &out->stuck_s) ||
	    !lit(c, "s!"))
		return false;
	return at_end(c);
}

/* After "workqueue: ". */
static bool parse_hog(struct cur *c, struct wq_kmsg_report *out)
{
	const char *from = c->p;

	out->kind = WQ_KMSG_CPU_HOG;
	/* %ps: a symbol ("fn", "fn.cold"), or "0x..." when there is none. */
	while (!at_end(c) && (is_alnum(*c->p) || *c->p == '_' || *c->p == '.'))
		c->p++;
	/* Symbols run to KSYM_NAME_LEN (512): cut as the collector cuts. */
	if (c->p == from)
		return false;
	snprintf(out->function, sizeof(out->function), "%.*s",
		 (int)(c->p - from), from);
	if (lit(c, " [")) {
		from = c->p;
		while (!at_end(c) &&
		       (is_alnum(*c->p) || *c->p == '_' || *c->p == '-'))
			c->p++;
		if (!take(from, c, out->module, sizeof(out->module)) ||
		    !lit(c, "]"))
			return false;
	}
	/* In ns it must fit in 64 bits. */
	if (!lit(c, " hogged CPU for >") ||
	    !num(c, UINT64_MAX / 1000, &out->thresh_us) || !lit(c, "us"))
		return false;
	if (lit(c, " ") && (!num(c, UINT64_MAX, &out->times) || !out->times ||
			    !lit(c, " times")))
		return false;
	if (at_end(c))
		return true;
	return lit(c, ", consider switching to WQ_UNBOUND") && at_end(c);
}

bool wq_kmsg__parse(const char *line, struct wq_kmsg_report *out)
{
	size_t len = strnlen(line, WQ_KMSG_RECORD_MAX + 1), n;
	struct wq_kmsg_record r;
	const char *msg;
	struct cur c;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	out->cpu = -1;
	out->node = -1;
	if (len > WQ_KMSG_RECORD_MAX)
		return false;
	if (!wq_kmsg_record__parse(line, len, &r)) {
		msg = r.text;
		n = r.text_len;
	} else {
		msg = skip_dmesg_stamps(line);
		n = strcspn(msg, "\n");
	}
	while (n && (msg[n - 1] == ' ' || msg[n - 1] == '\r'))
		n--;
	if (n >= sizeof(out->text))
		return false;
	memcpy(out->text, msg, n);
	out->text[n] = '\0';
	c = (struct cur){ out->text, out->text + n };
	if (lit(&c, "BUG: workqueue lockup - pool"))
		return parse_lockup(&c, out);
	if (lit(&c, "workqueue: "))
		return parse_hog(&c, out);
	out->kind = WQ_KMSG_PANIC;
	if (lit(&c, "kernel BUG at kernel/workqueue.c:"))
		return num(&c, 1000000, &v) && lit(&c, "!") && at_end(&c);
	/* The text of a workqueue panic() is not fixed across versions. */
	return lit(&c, "Kernel panic - not syncing: workqueue");
}

/* A lockup report's head, still waiting for its pr_cont() pieces. */
static bool report_open(const char *text, size_t n)
{
	static const char head[] = "BUG: workqueue lockup - pool";

	return n >= sizeof(head) - 1 && !memcmp(text, head, sizeof(head) - 1) &&
	       text[n - 1] != '!';
}

/* How many other printers' records an open report waits through. */
#define JOIN_WAIT 16

const char *wq_kmsg_joiner__feed(struct wq_kmsg_joiner *j,
				 const struct wq_kmsg_record *r)
{
	size_t n;

	/* Pieces of one report come from one caller, when it is known. */
	if (r->cont && j->open && !strcmp(j->caller, r->caller)) {
		if (j->head_len + r->text_len >= sizeof(j->head)) {
			j->open = false;
			j->dropped++;
			return NULL;
		}
		memcpy(j->head + j->head_len, r->text, r->text_len);
		j->head_len += r->text_len;
		j->head[j->head_len] = '\0';
		if (report_open(j->head, j->head_len))
			return NULL;
		j->open = false;
		memcpy(j->out, j->head, j->head_len + 1);
		return j->out;
	}
	n = r->text_len < sizeof(j->out) - 1 ? r->text_len : sizeof(j->out) - 1;
	memcpy(j->out, r->text, n);
	j->out[n] = '\0';
	if (r->cont)
		return j->out;
	/* A new message from the report's own printer ends it; other CPUs'
	 * messages may come between its pieces, a few of them. */
	if (j->open && ((j->caller[0] && !strcmp(j->caller, r->caller)) ||
			++j->waited > JOIN_WAIT || report_open(j->out, n))) {
		j->open = false;
		j->dropped++;
	}
	if (report_open(j->out, n)) {
		memcpy(j->head, j->out, n + 1);
		j->head_len = n;
		snprintf(j->caller, sizeof(j->caller), "%s", r->caller);
		j->waited = 0;
		j->open = true;
		return NULL;
	}
	return j->out;
}
