/* SPDX-License-Identifier: GPL-2.0 */
/* One leveled logger for every wqmon program; libbpf's messages go through
 * it too (wq_log__libbpf), shown only at WQ_LOG_DEBUG (-v). */
#ifndef WQMON_LOG_H
#define WQMON_LOG_H

#include <stdarg.h>

enum wq_log_level { WQ_LOG_ERR, WQ_LOG_WARN, WQ_LOG_INFO, WQ_LOG_DEBUG };

void wq_log__set_level(enum wq_log_level level);
void wq_log__set_prog(const char *prog);
enum wq_log_level wq_log__level(void);
void wq_log(enum wq_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Signature of libbpf_print_fn_t; level is enum libbpf_print_level. */
int wq_log__libbpf(int level, const char *fmt, va_list ap);

#define pr_err(...)	wq_log(WQ_LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	wq_log(WQ_LOG_WARN, __VA_ARGS__)
#define pr_info(...)	wq_log(WQ_LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	wq_log(WQ_LOG_DEBUG, __VA_ARGS__)

#endif
