// SPDX-License-Identifier: GPL-2.0
/* A running wqmond as a source (daemon_client.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "daemon_client.h"
#include "http_client.h"
#include "json.h"

struct wq_daemon {
	struct wq_http_url url;
	unsigned int timeout_ms;
	char error[512];
};

int wq_daemon__open(struct wq_daemon **out, const char *url,
		    unsigned int timeout_ms)
{
	struct wq_daemon *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return -ENOMEM;
	if (!strcmp(url, "daemon"))
		url = "unix:" WQ_DAEMON_SOCKET;
	if (wq_http_url__parse(url, &d->url)) {
		free(d);
		return -EINVAL;
	}
	d->timeout_ms = timeout_ms ? timeout_ms : 3000;
	*out = d;
	return 0;
}

void wq_daemon__close(struct wq_daemon *d)
{
	free(d);
}

const char *wq_daemon__name(const struct wq_daemon *d)
{
	return d->url.name;
}

const char *wq_daemon__error(const struct wq_daemon *d)
{
	return d->error;
}

int wq_daemon__get(struct wq_daemon *d, const char *api, int *status,
		   char **body)
{
	struct wq_http_req req = { .method = "GET",
				   .timeout_ms = d->timeout_ms };
	char path[sizeof(d->url.path) + 64];
	size_t len = strlen(d->url.path);
	int err;

	/* Under the URL's path: a wqmond behind a reverse proxy. */
	while (len && d->url.path[len - 1] == '/')
		len--;
	snprintf(path, sizeof(path), "%.*s%s", (int)len, d->url.path, api);
	req.path = path;
	*body = NULL;
	err = wq_http__request(&d->url, &req, status, body, &len);
	if (err)
		snprintf(d->error, sizeof(d->error), "%s: %s", d->url.name,
			 strerror(-err));
	return err;
}

static int parse(struct wq_daemon *d, const char *body, wq_daemon_snap_fn fn,
		 void *ctx)
{
	struct json_object *root = json_tokener_parse(body), *arr;
	struct wq_snapshot *snap;
	char msg[160];
	size_t i, n;
	int err = 0;

	if (!root || !json_object_object_get_ex(root, "snapshots", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		snprintf(d->error, sizeof(d->error),
			 "%s: not a wqmon-snapshot document", d->url.name);
		json_object_put(root);
		return -EPROTO;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n && !err; i++) {
		const char *doc = json_object_to_json_string_ext(
			json_object_array_get_idx(arr, i),
			JSON_C_TO_STRING_PLAIN);

		snap = wq_snapshot__new("");
		if (!snap) {
			err = -ENOMEM;
			break;
		}
		err = wq_json__parse_msg(snap, doc, msg, sizeof(msg));
		if (err) {
			snprintf(d->error, sizeof(d->error),
				 "%s: snapshot %zu: %s", d->url.name, i, msg);
			wq_snapshot__free(snap);
			break;
		}
		err = fn(ctx, snap);
	}
	json_object_put(root);
	return err;
}

int wq_daemon__snapshots(struct wq_daemon *d, wq_daemon_snap_fn fn,
			 void *ctx)
{
	char *body = NULL;
	int status, err;

	d->error[0] = '\0';
	err = wq_daemon__get(d, "/api/v1/snapshot", &status, &body);
	if (err)
		return err;
	if (status == 401 || status == 403) {
		/* wqmond(8), TLS AND AUTHENTICATION */
		snprintf(d->error, sizeof(d->error), "%s: HTTP %d: wqmond asks "
			 "for credentials (its web config), which this client "
			 "does not send", d->url.name, status);
		err = -EACCES;
	} else if (status != 200) {
		snprintf(d->error, sizeof(d->error), "%s: HTTP %d: %.120s",
			 d->url.name, status, body ? body : "");
		err = -EPROTO;
	} else {
		err = parse(d, body, fn, ctx);
	}
	free(body);
	return err;
}
