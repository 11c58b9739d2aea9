/* The path driver: -z, one ALLMATCHSCAN per file on a connection of its
 * own (clamd takes ALLMATCHSCAN only outside a session, and on a directory
 * it stops at the first infected file, so the loop walks and sends files).
 * Every match is reported; the reply must name the very path sent.
 *
 * An OK is proof of nothing while the daemon may be stopping (confirm.h):
 * a file's clean ending waits until the daemon answers the next file's
 * command, or a PING when there is none. A path too long for clamd's
 * command buffer goes by descriptor (or contents) through an IDSESSION. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clamd/conn.h"
#include "clamd/daemon.h"
#include "clamd/reply.h"
#include "driver/driver.h"
#include "util/interrupt.h"

struct driver {
	struct driver_env env;
	const struct endpoint *ep;
	struct scan_item *unproved; /* answered clean, waiting for proof */
	struct driver *fallback;    /* IDSESSION for paths too long; opened when needed */
	bool fallback_failed;
};

/* What one file's replies amounted to. */
struct outcome {
	bool any_record;
	bool found;
	bool ok;
	bool excluded;
	char reply_error[512]; /* the daemon's ERROR reply for the file */
	char error[1024];      /* what went wrong talking to it */
	bool violated;
};

/* Ends the file waiting for proof: clean when the daemon vouched, else an
 * error (nothing else was said of it). */
static void settle(struct driver *d, bool vouched)
{
	struct scan_item *it = d->unproved;

	if (it == NULL)
		return;
	d->unproved = NULL;
	if (vouched) {
		d->env.sink.end(d->env.sink.arg, it, VERDICT_CLEAN, NULL);
		return;
	}
	if (interrupt_signal() != 0) {
		d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR,
				"Not scanned: interrupted before clamd's OK was confirmed.");
		return;
	}
	report_error(d->env.msg,
		     "clamd at %s: gone right after answering ALLMATCHSCAN %s: a daemon being stopped "
		     "cuts scans short and still answers OK, so the reply is not trusted",
		     d->ep->name, it->shown);
	d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR,
			"Not scanned: clamd stopped right after answering.");
}

/* Handles one reply record for it; false when it breaks the protocol. */
static bool on_record(struct driver *d, struct scan_item *it, char *rec, struct outcome *out)
{
	struct reply r;
	char quoted[200];

	/* the daemon read this command after answering the last one */
	if (!out->any_record)
		settle(d, true);
	out->any_record = true;
	snprintf(quoted, sizeof(quoted), "%s", rec); /* reply_parse cuts rec up */
	reply_parse(rec, false, it->path, &r);
	if (r.status == REPLY_OTHER || (r.path != NULL && strcmp(r.path, it->path) != 0)) {
		snprintf(out->error, sizeof(out->error),
			 "clamd at %s: unexpected reply to ALLMATCHSCAN %s: \"%s\"", d->ep->name,
			 it->shown, quoted);
		out->violated = true;
		return false;
	}
	switch (r.status) {
	case REPLY_FOUND:
		d->env.sink.found(d->env.sink.arg, it, r.detail);
		out->found = true;
		break;
	case REPLY_ERROR:
		if (out->reply_error[0] == '\0')
			snprintf(out->reply_error, sizeof(out->reply_error), "%s",
				 d->env.error_tail ? reply_error_tail(r.detail) : r.detail);
		break;
	case REPLY_EXCLUDED:
		out->excluded = true;
		break;
	case REPLY_OK:
	case REPLY_EMPTY:
	default:
		out->ok = true;
		break;
	}
	return true;
}

/* Reads replies until the daemon closes; a fault goes into out->error. */
static void read_replies(struct driver *d, struct conn *c, struct scan_item *it,
			 struct outcome *out)
{
	struct reply_splitter sp;
	char *rec, *dst, doing[64];
	size_t len;
	int got;

	if (splitter_init(&sp, '\0', REPLY_MAX_RECORD) != 0) {
		snprintf(out->error, sizeof(out->error), "out of memory");
		return;
	}
	snprintf(doing, sizeof(doing), "while scanning a file");
	for (;;) {
		ssize_t n;
		size_t room;

		while ((got = splitter_next(&sp, &rec, &len)) == 1)
			if (!on_record(d, it, rec, out))
				goto out;
		if (got < 0) {
			snprintf(out->error, sizeof(out->error),
				 "clamd at %s: sent a reply line longer than %d bytes", d->ep->name,
				 REPLY_MAX_RECORD);
			out->violated = true;
			goto out;
		}
		room = splitter_space(&sp, &dst);
		n = conn_recv(c, dst, room);
		if (n > 0) {
			splitter_commit(&sp, (size_t)n);
			continue;
		}
		if (n == 0 && splitter_pending(&sp) == 0)
			goto out; /* the normal end of a path command */
		if (n == 0)
			snprintf(out->error, sizeof(out->error),
				 "clamd at %s: closed the connection in the middle of a reply",
				 d->ep->name);
		else
			daemon_describe_failure(c, errno, doing, out->error, sizeof(out->error));
		goto out;
	}
out:
	splitter_free(&sp);
}

/* A path clamd can take: "zALLMATCHSCAN path" within its buffer. */
static bool fits(const struct scan_item *it)
{
	return it->path != NULL && strlen(it->path) + sizeof("zALLMATCHSCAN ") <= PATH_MAX + 8;
}

/* Sends it another way: by descriptor or contents, through an IDSESSION. */
static void submit_fallback(struct driver *d, struct scan_item *it)
{
	if (d->fallback == NULL && !d->fallback_failed) {
		struct driver_env env = d->env;

		env.request = d->ep->kind == ENDPOINT_UNIX ? REQUEST_FILDES : REQUEST_INSTREAM;
		env.window = 1;
		env.ordered = true;
		report_verbose(d->env.msg, "%s: path too long for ALLMATCHSCAN; sending the file instead",
			       it->shown);
		d->fallback = driver_idsession.open(&env);
		d->fallback_failed = d->fallback == NULL;
	}
	if (d->fallback == NULL) {
		d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR, "Not scanned: path too long.");
		return;
	}
	driver_idsession.submit(d->fallback, it);
	driver_idsession.drain(d->fallback); /* in order with the files around it */
}

static void path_submit(struct driver *d, struct scan_item *it)
{
	struct outcome out;
	struct conn c;
	char *frame;
	size_t flen;

	if (interrupt_signal() != 0) {
		/* told to stop: nothing more is sent */
		settle(d, false);
		d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR, interrupt_reason());
		return;
	}
	if (!fits(it)) {
		settle(d, daemon_vouches(d->ep, d->env.timeout));
		submit_fallback(d, it);
		return;
	}
	memset(&out, 0, sizeof(out));
	if (conn_open(&c, d->ep, d->env.timeout) != 0) {
		char msg[512];

		if (interrupt_signal() != 0) {
			settle(d, false);
			d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR, interrupt_reason());
			return;
		}
		daemon_describe_connect_failure(d->ep, d->env.timeout, errno, msg, sizeof(msg));
		settle(d, false);
		report_error(d->env.msg, "%s", msg);
		d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR, "Not scanned: clamd could not be reached.");
		return;
	}
	flen = strlen(it->path) + sizeof("zALLMATCHSCAN ");
	frame = malloc(flen);
	if (frame == NULL) {
		conn_close(&c);
		d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR, "Out of memory.");
		return;
	}
	snprintf(frame, flen, "zALLMATCHSCAN %s", it->path);
	if (conn_send_all(&c, frame, flen) != 0)
		daemon_describe_failure(&c, errno, "while sending ALLMATCHSCAN", out.error,
					sizeof(out.error));
	else
		read_replies(d, &c, it, &out);
	free(frame);
	conn_close(&c);
	if (!out.any_record && out.error[0] == '\0')
		snprintf(out.error, sizeof(out.error),
			 "clamd at %s: closed the connection without a reply to ALLMATCHSCAN %s",
			 d->ep->name, it->shown);
	if (out.violated)
		d->env.sink.distrust(d->env.sink.arg);
	if (out.found) {
		/* a match is a match, whatever came after it */
		d->env.sink.end(d->env.sink.arg, it, VERDICT_INFECTED, NULL);
	} else if (interrupt_signal() != 0) {
		settle(d, false);
		d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR, interrupt_reason());
	} else if (out.error[0] != '\0') {
		settle(d, false);
		report_error(d->env.msg, "%s", out.error);
		d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR, "Not scanned: clamd failed to answer.");
	} else if (out.reply_error[0] != '\0') {
		d->env.sink.end(d->env.sink.arg, it, VERDICT_ERROR, out.reply_error);
	} else if (out.excluded) {
		d->env.sink.end(d->env.sink.arg, it, VERDICT_EXCLUDED, "Excluded");
	} else {
		d->unproved = it; /* the next command's answer, or a PING, proves it */
	}
}

static void path_drain(struct driver *d)
{
	if (d->unproved != NULL)
		settle(d, daemon_vouches(d->ep, d->env.timeout));
	if (d->fallback != NULL)
		driver_idsession.drain(d->fallback);
}

static struct driver *path_open(const struct driver_env *env)
{
	struct driver *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		report_error(env->msg, "out of memory");
		return NULL;
	}
	d->env = *env;
	d->ep = env->daemons[0];
	return d;
}

static void path_close(struct driver *d)
{
	if (d == NULL)
		return;
	path_drain(d);
	driver_idsession.close(d->fallback);
	free(d);
}

const struct driver_ops driver_path = {
	.name = "path",
	.open = path_open,
	.submit = path_submit,
	.drain = path_drain,
	.close = path_close,
};
