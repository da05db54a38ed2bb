/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqmond configuration: an INI file (libinih) with flags that override it.
 * Every key is documented in wqmond.conf(5) and in the embedded default,
 * which `wqmond --print-config` shows.
 */
#ifndef WQMOND_CONFIG_H
#define WQMOND_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slow.h"
#include "stall.h"

struct wqd_config {
	/* [daemon] */
	uint64_t interval_ns;		/* snapshot period */
	char listen[128];		/* "127.0.0.1:9464", "[::1]:9464", "none" */
	char socket_path[108];		/* local API socket; "" or "none": off */
	size_t history_bytes;		/* budget of the history ring */
	size_t top_functions;		/* per source in /metrics */
	size_t max_connections;
	char web_root[256];		/* "" : the dashboard built into the binary */
	/* TLS and basic auth (web_config.h) of the TCP listener and of the
	 * socket; "": plain HTTP, no password. */
	char web_config[256];
	char socket_web_config[256];
	int log_level;			/* enum wq_log_level */
	char user[64];			/* run as, once the probes load; "": stay */
	/* [kernel] */
	bool kernel;
	bool kernel_queuers;
	bool kernel_raw_tp;
	bool kernel_cpu_time;
	uint32_t kernel_sample_every;	/* 1 in N items' durations; 1: all */
	char kernel_isolated[256];	/* "auto", "none" or a CPU list */
	uint64_t kernel_config_ns;	/* the workqueue configuration's
					 * refresh; 0: not read */
	/* [refwq] */
	bool refwq;			/* discover refwq instances */
	/* [kmod] */
	int kmod;			/* 0 no, 1 yes, 2 auto: if the file exists */
	char kmod_path[256];
	/* [stalls] */
	struct wq_stall_rules stalls;	/* thresholds and rules */
	bool kmsg;			/* read the kernel's reports */
	/* [slow] (docs/SLOW.md) */
	struct wq_slow_rules slow;	/* thresholds, rules, rate bound */
	size_t slow_keep;		/* recent records kept */
	/* [alerts] */
	char alert_exec[512];		/* argv, split on blanks; "": off */
	unsigned int alert_exec_timeout_ms;
	char alert_webhook[256];	/* http://host:port/path; "": off */
	unsigned int alert_webhook_timeout_ms;
	unsigned int alert_retry_max_age_ms;
	unsigned int alert_queue_len;
	char alert_name[64];		/* the "instance" label; "": hostname */
	/* [metrics] */
	size_t queuer_series;		/* queuer label sets in /metrics;
					 * 0: no wqmon_queuer_* */
};

/* The configuration `wqmond` runs with when no file is given. */
extern const char wqd_config_default_text[];

void wqd_config__defaults(struct wqd_config *c);

/*
 * Apply one setting.  @where prefixes messages ("wqmond.conf:12").
 * Return: 0, or -EINVAL with a one-line reason in @err.
 */
int wqd_config__set(struct wqd_config *c, const char *section,
		    const char *key, const char *value, char *err,
		    size_t errlen);

/* Parse INI text / a file over @c.  Return: 0, or -EINVAL/-errno with
 * "FILE:LINE: reason" in @err. */
int wqd_config__load_string(struct wqd_config *c, const char *text,
			    const char *name, char *err, size_t errlen);
int wqd_config__load_file(struct wqd_config *c, const char *path, char *err,
			  size_t errlen);

/* Split "host:port" / "[v6]:port" / ":port".  Return: 0 or -EINVAL. */
/* A configuration file larger than this is refused (the wrong file). */
#define WQD_CONFIG_MAX_BYTES (1 << 20)

/* 0 if url is http://host[:port][/path] with a valid host and port. */
int wqd_config__check_url(const char *url);

/* true for 127.0.0.0/8, ::1, localhost and "none". */
bool wqd_config__listen_is_loopback(const char *listen);

int wqd_config__split_listen(const char *listen, char *host, size_t hostlen,
			     char *port, size_t portlen);

#endif
