// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ksyms.h"

#define NO_NAME ((size_t)-1)

/* One line of the file.  Non-text symbols are kept, without a name, as the
 * end of the function before them. */
struct entry {
	uint64_t addr;
	size_t name; /* offset in the string arena, NO_NAME: not text */
	size_t module; /* offset, or NO_NAME */
	unsigned int rank; /* lower wins among equal addresses */
	size_t line; /* then the first in the file */
};

struct wq_ksyms {
	struct entry *ent;
	size_t nr, cap;
	char *str; /* string arena: names and module names */
	size_t str_len, str_cap;
	struct wq_ksym *syms; /* resolved view of ent[], same index */
	size_t nr_text, skipped, lines_zero, lines_nonzero;
};

static int rank_of(char type)
{
	switch (type) {
	case 'T':
		return 0;
	case 't':
		return 1;
	case 'W':
		return 2;
	case 'w':
		return 3;
	default:
		return 4;
	}
}

/* Append @n bytes and a NUL to the arena; the offset or NO_NAME. */
static size_t str_add(struct wq_ksyms *ks, const char *s, size_t n)
{
	size_t off = ks->str_len;

	if (ks->str_len + n + 1 > ks->str_cap) {
		size_t cap = ks->str_cap ? ks->str_cap : 1 << 20;
		char *p;

		while (cap < ks->str_len + n + 1)
			cap *= 2;
		p = realloc(ks->str, cap);
		if (!p)
			return NO_NAME;
		ks->str = p;
		ks->str_cap = cap;
	}
	memcpy(ks->str + off, s, n);
	ks->str[off + n] = '\0';
	ks->str_len += n + 1;
	return off;
}

/* The last module name added: kallsyms lists a module's symbols together,
 * so one comparison interns almost every module name. */
static size_t module_add(struct wq_ksyms *ks, const char *s, size_t n,
			 size_t *last)
{
	if (*last != NO_NAME && strlen(ks->str + *last) == n &&
	    !memcmp(ks->str + *last, s, n))
		return *last;
	*last = str_add(ks, s, n);
	return *last;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * "<hex> <type> <name>[\t[<module>]]".
 * Return: 1 for a symbol line (fields set), 0 for anything else.
 */
static int parse_line(const char *l, size_t len, uint64_t *addr, char *type,
		      const char **name, size_t *name_len, const char **mod,
		      size_t *mod_len)
{
	const char *p = l, *end = l + len;
	int digits = 0, d;

	*addr = 0;
	while (p < end && (d = hexval(*p)) >= 0) {
		if (++digits > 16)
			return 0;
		*addr = *addr << 4 | (uint64_t)d;
		p++;
	}
	if (!digits || end - p < 4 || p[0] != ' ' || p[2] != ' ' ||
	    p[1] <= ' ' || p[1] > '~')
		return 0;
	*type = p[1];
	p += 3;
	*name = p;
	while (p < end && *p != '\t' && *p != ' ')
		p++;
	*name_len = p - *name;
	if (!*name_len)
		return 0;
	*mod = NULL;
	*mod_len = 0;
	if (p == end)
		return 1;
	if (*p != '\t' || end - p < 4 || p[1] != '[' || end[-1] != ']')
		return 0;
	*mod = p + 2;
	*mod_len = end - p - 3;
	return memchr(*mod, ']', *mod_len) || memchr(*mod, ' ', *mod_len) ? 0
									  : 1;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int add_entry(struct wq_ksyms *ks, const struct entry *e)
{
	if (ks->nr == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;
		struct entry *p = realloc(ks->ent, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ks->ent = p;
		ks->cap = cap;
	}
	ks->ent[ks->nr++] = *e;
	return 0;
}

/* Sort, keep the best entry per address, and resolve the offsets into
 * pointers now that the arena no longer moves. */
static int finish(struct wq_ksyms *ks)
{
	size_t i, n = 0;

	if (ks->nr)
		qsort(ks->ent, ks->nr, sizeof(*ks->ent), cmp_entry);
	for (i = 0; i < ks->nr; i++)
		if (!n || ks->ent[n - 1].addr != ks->ent[i].addr)
			ks->ent[n++] = ks->ent[i];
	ks->nr = n;
	ks->syms = calloc(n + 1, sizeof(*ks->syms));
	if (!ks->syms)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct entry *e = &ks->ent[i];

		ks->syms[i].addr = e->addr;
		ks->syms[i].name =
			e->name == NO_NAME ? NULL : ks->str + e->name;
		ks->syms[i].module =
			e->module == NO_NAME ? NULL : ks->str + e->module;
		if (e->name != NO_NAME)
			ks->nr_text++;
	}
	return 0;
}

static int load_file(struct wq_ksyms *ks, FILE *f)
{
	size_t last_mod = NO_NAME, line_no = 0, cap = 0;
	char *line = NULL;
	ssize_t len;
	int err = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *name, *mod;
		size_t name_len, mod_len;
		struct entry e = {0};
		char type;

		if (len && line[len - 1] == '\n')
			len--;
		line_no++;
		if (!parse_line(line, len, &e.addr, &type, &name, &name_len,
				&mod, &mod_len)) {
			ks->skipped++;
			continue;
		}
		/* Hidden addresses are all zero; symbols cannot live at 0. */
		if (!e.addr) {
			ks->lines_zero++;
			continue;
		}
		ks->lines_nonzero++;
		e.rank = rank_of(type);
		e.line = line_no;
		e.name = e.module = NO_NAME;
		if (e.rank < 4) {
			e.name = str_add(ks, name, name_len);
			if (e.name == NO_NAME)
				goto err_nomem;
			if (mod) {
				e.module =
					module_add(ks, mod, mod_len, &last_mod);
				if (e.module == NO_NAME)
					goto err_nomem;
			}
		}
		err = add_entry(ks, &e);
		if (err)
			goto out;
	}
	if (ferror(f))
		err = -EIO;
	else
		err = finish(ks);
out:
	free(line);
	return err;
err_nomem:
	err = -ENOMEM;
	goto out;
}

int wq_ksyms__load(const char *path, struct wq_ksyms **ksp)
{
	struct wq_ksyms *ks;
	FILE *f;
	int err;

	*ksp = NULL;
	f = fopen(path ? path : "/proc/kallsyms", "re");
	if (!f)
		return -errno;
	ks = calloc(1, sizeof(*ks));
	if (!ks) {
		fclose(f);
		return -ENOMEM;
	}
	err = load_file(ks, f);
	fclose(f);
	if (err) {
		wq_ksyms__free(ks);
		return err;
	}
	*ksp = ks;
	return 0;
}

void wq_ksyms__free(struct wq_ksyms *ks)
{
	if (!ks)
		return;
	free(ks->ent);
	free(ks->str);
	free(ks->syms);
	free(ks);
}

size_t wq_ksyms__count(const struct wq_ksyms *ks)
{
	return ks->nr_text;
}

size_t wq_ksyms__skipped(const struct wq_ksyms *ks)
{
	return ks->skipped;
}

bool wq_ksyms__restricted(const struct wq_ksyms *ks)
{
	return ks->lines_zero && !ks->lines_nonzero;
}

const struct wq_ksym *wq_ksyms__lookup(const struct wq_ksyms *ks, uint64_t addr,
				       uint64_t *offset)
{
	size_t lo = 0, hi = ks->nr;
	const struct wq_ksym *s;

	/* The last entry at or below @addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &ks->syms[lo - 1];
	if (!s->name)
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	return s;
}

const char *wq_ksyms__name(const struct wq_ksyms *ks, uint64_t addr,
			   uint64_t *offset)
{
	const struct wq_ksym *s = wq_ksyms__lookup(ks, addr, offset);

	return s ? s->name : NULL;
}

int wq_ksyms__snprint(const struct wq_ksyms *ks, uint64_t addr, char *buf,
		      size_t size)
{
	uint64_t off = 0;
	const struct wq_ksym *s = ks ? wq_ksyms__lookup(ks, addr, &off) : NULL;
	char offs[24] = "";

	if (!s)
		return snprintf(buf, size, "0x%llx", (unsigned long long)addr);
	if (off)
		snprintf(offs, sizeof(offs), "+0x%llx",
			 (unsigned long long)off);
	return snprintf(buf, size, "%s%s%s%s%s", s->name, offs,
			s->module ? " [" : "", s->module ? s->module : "",
			s->module ? "]" : "");
}
