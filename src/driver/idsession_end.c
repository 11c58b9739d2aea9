/* How a request of the IDSESSION driver ends: its answer read, held while
 * an OK waits for the proof confirm.h describes, then handed to the sink,
 * in submission order without -m; or ended without an answer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/idsession_int.h"

/* ---- ending requests ------------------------------------------------------ */

/* Hands req's outcome to the sink and frees it. */
static void deliver(struct driver *e, struct request *req)
{
	enum verdict v = req->v;
	const char *detail = req->detail;
	char msg[256];

	if (v == VERDICT_CLEAN && req->truncated) {
		snprintf(msg, sizeof(msg), "Not scanned whole: larger than StreamMaxLength (%llu bytes).",
			 (unsigned long long)e->env.conf->stream_max_length);
		v = VERDICT_ERROR;
		detail = msg;
	} else if (v == VERDICT_CLEAN && req->read_errno != 0) {
		snprintf(msg, sizeof(msg), "Read error: %s.", strerror(req->read_errno));
		v = VERDICT_ERROR;
		detail = msg;
	}
	if (v == VERDICT_INFECTED)
		e->env.sink.found(e->env.sink.arg, req->item, detail);
	e->env.sink.end(e->env.sink.arg, req->item, v, v == VERDICT_INFECTED ? NULL : detail);
	e->outstanding--;
	free(req->detail);
	free((struct ordered_request *)req);
}

/* Hands over, in submission order, every request at the front that has its
 * final answer. */
static void release_in_order(struct driver *e)
{
	while (e->order_head != NULL && e->order_head->req.answered && e->order_head->req.s == NULL) {
		struct ordered_request *o = e->order_head;

		e->order_head = o->order_next;
		if (e->order_head == NULL)
			e->order_tail = NULL;
		deliver(e, &o->req);
	}
}

/* req has its final answer: to the sink now, or when its turn comes. (A
 * final request is answered and has no session: an answered one with a
 * session still waits for proof.) */
void settled(struct driver *e, struct request *req)
{
	req->s = NULL;
	req->next = NULL;
	if (e->env.ordered)
		release_in_order(e);
	else
		deliver(e, req);
}

/* Ends req as v without an answer from any daemon. */
void settle_as(struct driver *e, struct request *req, enum verdict v, const char *detail)
{
	free(req->detail);
	req->detail = detail != NULL ? strdup(detail) : NULL;
	req->v = v;
	req->answered = true;
	settled(e, req);
}

/* Fails a request that was never answered, saying why. */
void fail_unanswered(struct driver *e, struct request *req, const char *short_why)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "Not scanned: %s.", short_why);
	settle_as(e, req, VERDICT_ERROR, msg);
}

/* ---- proof of OKs ---------------------------------------------------------- */

static void hold(struct daemon_state *d, struct request *req)
{
	req->next = NULL;
	if (d->held_tail != NULL)
		d->held_tail->next = req;
	else
		d->held_head = req;
	d->held_tail = req;
	d->held++;
}

struct request *unhold(struct daemon_state *d)
{
	struct request *req = d->held_head;

	d->held_head = req->next;
	if (d->held_head == NULL)
		d->held_tail = NULL;
	req->next = NULL;
	d->held--;
	return req;
}

/* One answer became final on d: progress. */
void count_final(struct daemon_state *d)
{
	d->answered++;
	d->restarts = 0;
}

/* Settles the held OKs of d that its answers have proved, in arrival order. */
static void release_proved(struct driver *e, struct daemon_state *d)
{
	while (d->held_head != NULL && confirm_believed(&d->s->tr->confirm, d->held_head->index)) {
		count_final(d);
		settled(e, unhold(d));
	}
}

/* ---- answers ---------------------------------------------------------------- */

/* req has its answer: held for proof, or final. */
void answered(struct driver *e, struct daemon_state *d, struct request *req)
{
	if (req->needs_proof) {
		hold(d, req);
	} else {
		count_final(d);
		settled(e, req);
	}
}

/* Gives it a new shown name (kept as it was when out of memory). */
static void rename_item(struct scan_item *it, const char *name)
{
	char *copy = strdup(name);

	if (copy != NULL) {
		free(it->shown);
		it->shown = copy;
	}
}

static bool names(const void *req, const char *path)
{
	const struct request *r = req;

	return r->ops->names(r->item, path);
}

/* One record from s: an answer, a PONG, or a protocol violation. */
int on_record(void *arg, struct session *s, char *rec)
{
	struct driver *e = arg;
	struct daemon_state *d = state_of(s);
	struct tracked t;
	struct request *req;
	char why[300];

	if (tracker_record(s->tr, rec, names, &t, why, sizeof(why)) != 0)
		return session_broke(s, SESSION_INVALID_REPLY, "%s", why);
	if (t.req == NULL)
		return 0; /* clamd's second word on a file already answered */
	if (t.req == tracker_ping) {
		release_proved(e, d);
		return 0;
	}
	req = (struct request *)t.req;
	e->inflight--;
	/* standard input is named as the daemon names it: "stream", "fd[N]" */
	if (req->item->is_stdin && t.r.path != NULL)
		rename_item(req->item, t.r.path);
	req->answered = true;
	req->index = t.index;
	req->s = s;
	switch (t.r.status) {
	case REPLY_OK:
	case REPLY_EMPTY: /* decided before any scan: no stopping daemon invents it */
		req->v = VERDICT_CLEAN;
		break;
	case REPLY_FOUND:
		req->v = VERDICT_INFECTED;
		req->detail = strdup(t.r.detail);
		break;
	case REPLY_ERROR:
		req->v = VERDICT_ERROR;
		/* standard input's reply is shown whole, as clamdscan echoes it */
		req->detail = strdup(e->env.error_tail && !req->item->is_stdin ? reply_error_tail(t.r.detail)
										: t.r.detail);
		break;
	case REPLY_EXCLUDED:
		req->v = VERDICT_EXCLUDED;
		req->detail = strdup(t.r.detail);
		break;
	case REPLY_OTHER:
	default:
		/* e.g. COMMAND UNAVAILABLE: an answer, but no verdict */
		report_error(e->env.msg, "clamd at %s: answered \"%.200s\" instead of a result for %s",
			     s->ep->name, t.r.detail, req->item->shown);
		snprintf(why, sizeof(why), "clamd answered \"%.200s\".", t.r.detail);
		req->v = VERDICT_ERROR;
		req->detail = strdup(why);
		break;
	}
	if (req->v != VERDICT_CLEAN && req->detail == NULL) {
		/* no memory to keep the answer: not a verdict */
		req->v = VERDICT_ERROR;
		req->detail = strdup("Out of memory.");
	}
	req->needs_proof = t.r.status == REPLY_OK && req->ops->needs_vouching;
	/* what this answer proved goes first: it arrived earlier */
	release_proved(e, d);
	/* an answer to the request still being written (clamd refusing a
	 * stream part way) waits until the writing is over: it reads the file */
	if (req != e->sending)
		answered(e, d, req);
	return 0;
}
