/* Path mode: one CONTSCAN / MULTISCAN / ALLMATCHSCAN per target; the daemon
 * opens the files. A target is called clean only on its own "path: OK".
 *
 * clamd being stopped cuts a scan short and still answers "path: OK" (or
 * ends after the FOUND lines it had), then closes. So a reply is believed
 * whole only once the daemon shows it is still there afterwards: by
 * answering the next target's command, or a PING. Until then the target's
 * ending (its OK line, its count) waits, and so does any other line: the
 * report asks for it to be settled first. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clamd/conn.h"
#include "clamd/daemon.h"
#include "clamd/reply.h"
#include "scan/scan.h"

/* What one target's replies amounted to. */
struct path_outcome {
	bool any_record;
	bool found;
	bool error;
	bool ok_for_target;
	char last_found[REPLY_MAX_RECORD / 4]; /* -z: count a file once however many matches */
};

/* A target whose reply ended well, waiting for the daemon to vouch for it. */
struct unvouched {
	char *shown;
	const char *cmd;
	bool found; /* it had FOUND lines: infected whatever happens */
	bool ok;    /* it had its own OK line */
	bool print_ok; /* and that line is to be printed */
};

/* Ends the waiting target: as its reply said when vouched is true, else as
 * an error (its FOUND lines stand). */
static void settle(struct scan_ctx *ctx, bool vouched)
{
	struct unvouched *u = ctx->unvouched;

	if (u == NULL)
		return;
	ctx->unvouched = NULL;
	ctx->rep->before_output = NULL;
	if (!vouched) {
		report_error(ctx->rep,
			     "clamd at %s: gone right after answering %s %s: a daemon being stopped "
			     "cuts scans short and still answers OK, so the reply is not trusted",
			     ctx->ep->name, u->cmd, u->shown);
		ctx->tally.errors++;
	}
	if (u->found) {
		ctx->tally.infected++;
	} else if (!vouched || !u->ok) {
		ctx->tally.failed++;
	} else {
		ctx->tally.clean++;
		if (u->print_ok)
			report_ok(ctx->rep, u->shown);
	}
	free(u->shown);
	free(u);
}

void path_vouch_flush(struct scan_ctx *ctx)
{
	if (ctx->unvouched != NULL)
		settle(ctx, daemon_vouches(ctx->ep, ctx->opts->timeout));
}

/* The report's hook: a line is about to be written. */
static void flush_before_output(void *ctx)
{
	path_vouch_flush(ctx);
}

/* Handles one reply record; returns -1 when it is a protocol violation. */
static int on_record(struct scan_ctx *ctx, const struct target *t, const char *cmd, char *rec,
		     struct path_outcome *out)
{
	struct reply r;
	char shown[8192];

	char quoted[200];

	/* the daemon read this command after answering the last one */
	if (!out->any_record)
		settle(ctx, true);
	out->any_record = true;
	snprintf(quoted, sizeof(quoted), "%s", rec); /* reply_parse cuts rec up */
	reply_parse(rec, false, t->real, &r);
	if (r.status == REPLY_OTHER || (r.path != NULL && !target_covers(t, r.path))) {
		report_error(ctx->rep, "clamd at %s: unexpected reply to %s %s: \"%s\"", ctx->ep->name,
			     cmd, t->shown, quoted);
		ctx->tally.errors++;
		out->error = true;
		return -1;
	}
	switch (r.status) {
	case REPLY_FOUND:
		report_found(ctx->rep, target_display(t, r.path, shown, sizeof(shown)), r.detail);
		if (!out->found || strcmp(out->last_found, r.path) != 0)
			ctx->tally.infected_files++;
		snprintf(out->last_found, sizeof(out->last_found), "%s", r.path);
		out->found = true;
		break;
	case REPLY_ERROR:
		report_error_result(ctx->rep,
				    r.path ? target_display(t, r.path, shown, sizeof(shown)) : NULL,
				    r.detail);
		ctx->tally.errors++;
		out->error = true;
		break;
	case REPLY_OK:
		if (strcmp(r.path, t->real) == 0)
			out->ok_for_target = true;
		break;
	case REPLY_OTHER:
		break;
	}
	return 0;
}

/* Reads replies until the daemon closes; reports a fault in one line. */
static void read_replies(struct scan_ctx *ctx, struct conn *c, const struct target *t,
			 const char *cmd, struct path_outcome *out)
{
	struct reply_splitter sp;
	char *rec, *dst, doing[64];
	size_t len;
	int got;

	if (splitter_init(&sp, '\0', REPLY_MAX_RECORD) != 0) {
		report_error(ctx->rep, "%s: out of memory", t->shown);
		ctx->tally.errors++;
		out->error = true;
		return;
	}
	snprintf(doing, sizeof(doing), "while scanning %s", t->shown);
	for (;;) {
		ssize_t n;
		size_t room;

		while ((got = splitter_next(&sp, &rec, &len)) == 1)
			if (on_record(ctx, t, cmd, rec, out) != 0)
				goto out;
		if (got < 0) {
			report_error(ctx->rep, "clamd at %s: sent a reply line longer than %d bytes %s",
				     ctx->ep->name, REPLY_MAX_RECORD, doing);
			ctx->tally.errors++;
			out->error = true;
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
		/* a directory scan sends nothing until it ends: there silence alone is
		 * no fault while the daemon answers PING (one file is bounded by
		 * clamd's own MaxScanTime, so it gets no such grace) */
		if (n < 0 && errno == ETIMEDOUT && t->is_dir && daemon_alive(ctx->ep, ctx->opts->timeout))
			continue;
		{
			char msg[512];

			if (n == 0)
				snprintf(msg, sizeof(msg),
					 "clamd at %s: closed the connection in the middle of a reply %s",
					 ctx->ep->name, doing);
			else
				daemon_describe_failure(c, errno, doing, msg, sizeof(msg));
			report_error(ctx->rep, "%s", msg);
		}
		ctx->tally.errors++;
		out->error = true;
		goto out;
	}
out:
	splitter_free(&sp);
}

void path_scan_target(struct scan_ctx *ctx, const struct target *t)
{
	const char *cmd = plan_path_command_name(ctx->plan.path_cmd);
	struct path_outcome *out;
	struct conn c;
	char *frame = NULL;
	size_t flen;

	/* a directory's first reply may be long coming: ask now */
	if (t->is_dir)
		path_vouch_flush(ctx);
	ctx->tally.submitted++;
	out = calloc(1, sizeof(*out));
	if (out == NULL) {
		report_error(ctx->rep, "%s: out of memory", t->shown);
		ctx->tally.errors++;
		ctx->tally.failed++;
		return;
	}
	if (conn_open(&c, ctx->ep, ctx->opts->timeout) != 0) {
		char msg[512];

		daemon_describe_connect_failure(ctx->ep, ctx->opts->timeout, errno, msg, sizeof(msg));
		report_error(ctx->rep, "%s", msg);
		ctx->tally.errors++;
		ctx->tally.failed++;
		free(out);
		return;
	}
	flen = strlen(cmd) + strlen(t->real) + 3;
	frame = malloc(flen);
	if (frame == NULL) {
		report_error(ctx->rep, "%s: out of memory", t->shown);
		out->error = true;
		ctx->tally.errors++;
		goto done;
	}
	snprintf(frame, flen, "z%s %s", cmd, t->real);
	if (conn_send_all(&c, frame, flen) != 0) {
		char msg[512], doing[64];

		snprintf(doing, sizeof(doing), "while sending %s", cmd);
		daemon_describe_failure(&c, errno, doing, msg, sizeof(msg));
		report_error(ctx->rep, "%s", msg);
		out->error = true;
		ctx->tally.errors++;
		goto done;
	}
	read_replies(ctx, &c, t, cmd, out);
	if (!out->any_record && !out->error) {
		report_error(ctx->rep, "clamd at %s: closed the connection without a reply to %s %s",
			     ctx->ep->name, cmd, t->shown);
		out->error = true;
		ctx->tally.errors++;
	}
done:
	conn_close(&c);
	if (!out->error && (out->found || out->ok_for_target)) {
		struct unvouched *u = calloc(1, sizeof(*u));

		if (u != NULL && (u->shown = strdup(t->shown)) != NULL) {
			u->cmd = cmd;
			u->found = out->found;
			u->ok = out->ok_for_target;
			u->print_ok = !t->no_ok_line;
			ctx->unvouched = u;
			ctx->rep->before_output = flush_before_output;
			ctx->rep->before_output_arg = ctx;
		} else {
			free(u);
			report_error(ctx->rep, "%s: out of memory", t->shown);
			ctx->tally.errors++;
			if (out->found)
				ctx->tally.infected++;
			else
				ctx->tally.failed++;
		}
	} else if (out->found) {
		ctx->tally.infected++;
	} else if (out->error) {
		ctx->tally.failed++;
	} else {
		/* replies came, none of them a verdict on this target */
		report_error(ctx->rep, "clamd at %s: no result for %s in its reply to %s", ctx->ep->name,
			     t->shown, cmd);
		ctx->tally.errors++;
		ctx->tally.failed++;
	}
	free(frame);
	free(out);
}
