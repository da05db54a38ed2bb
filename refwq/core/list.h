/* SPDX-License-Identifier: GPL-2.0 */
/* Intrusive circular doubly linked lists over struct refwq_list. */
#ifndef REFWQ_LIST_H
#define REFWQ_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include <refwq/refwq.h>

#ifndef container_of
#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#endif

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member)                                   \
	list_entry((head)->next, type, member)

#define list_for_each_entry(pos, head, member)                                 \
	for (pos = list_entry((head)->next, __typeof__(*pos), member);         \
	     &pos->member != (head);                                           \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, n, head, member)                         \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),         \
	    n = list_entry(pos->member.next, __typeof__(*pos), member);        \
	     &pos->member != (head);                                           \
	     pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

static inline void list_init(struct refwq_list *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct refwq_list *h)
{
	return h->next == h;
}

static inline void list_insert(struct refwq_list *n, struct refwq_list *prev,
			       struct refwq_list *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct refwq_list *n, struct refwq_list *h)
{
	list_insert(n, h, h->next);
}

static inline void list_add_tail(struct refwq_list *n, struct refwq_list *h)
{
	list_insert(n, h->prev, h);
}

static inline void list_del_init(struct refwq_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

static inline void list_move_tail(struct refwq_list *n, struct refwq_list *h)
{
	list_del_init(n);
	list_add_tail(n, h);
}

#endif /* REFWQ_LIST_H */
