/* The IDSESSION driver: per-file requests pipelined over one session per
 * daemon, each file sent to the daemon with the fewest outstanding, a
 * bounded window, every file ending exactly once.
 *
 * Outcomes reach the sink in submission order without -m (a file scanned
 * quickly waits for the one before it), in completion order with it. An OK
 * to SCAN is believed only with the proof confirm.h describes. A daemon
 * that fails has its unanswered files sent to the others (or to itself,
 * on a new session); it is retried with back-off and given up after
 * MAX_RESTARTS failures in a row. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clamd/daemon.h"
#include "driver/driver.h"
#include "driver/request.h"
#include "driver/session.h"
#include "util/fdio.h"
#include "util/interrupt.h"

/* Failed sessions a request may be charged for before it is an error: a
 * session that answered nothing, or broke the protocol, charges each
 * request it left unanswered; one that made progress charges nobody. */
#define CHARGES_PER_REQUEST 2

/* Consecutive session failures without one good reply before giving up. */
#define MAX_RESTARTS 4

/* Seconds a connect or a command outside the session may take while other
 * daemons are there to scan. */
#define RECONNECT_TIMEOUT 5

/* Answers of requests that hold no descriptor (SCAN) that may wait, beyond
 * the window, for the file before them or for their proof. */
#define PATH_HOLD_SLACK 64

/* One daemon: its session and how it fares. */
struct daemon_state {
	struct session *s;
	bool caps_checked;
	bool dead;           /* given up on */
	unsigned answered;   /* final answers in the current session */
	unsigned restarts;   /* failures since the last final answer */
	int64_t retry_at;    /* closed after a failure: not reopened before (ms) */
	struct request *held_head, *held_tail; /* answered OKs waiting for proof */
	unsigned held;
};

/* The order list's link lives beside the request: a request is in it from
 * submission to its end, whatever other list holds it meanwhile. */
struct ordered_request {
	struct request req;
	struct ordered_request *order_next;
};

struct driver {
	struct driver_env env;
	struct session_set set;
	struct daemon_state d[ENDPOINT_MAX];
	size_t n;
	size_t next_rr;          /* where the search for a free daemon starts */
	unsigned window;         /* requests in flight per daemon */
	unsigned total_window;   /* and over all daemons */
	unsigned inflight;       /* over all daemons */
	unsigned outstanding;    /* submitted and not ended */
	unsigned max_outstanding;
	struct request *pend_head, *pend_tail; /* to (re)send */
	unsigned pend_count;
	struct ordered_request *order_head, *order_tail; /* ordered: every outstanding request */
	unsigned long next_seq;
	bool draining;           /* no more files will come before the drain */
	struct request *sending; /* the request being written, whose answer must wait */
	char last_why[160];      /* why the last daemon given up on failed */
	char *buf;               /* REQUEST_BUFFER bytes for sends */
};

static struct daemon_state *state_of(const struct session *s)
{
	return s->owner;
}

/* ---- the queue of requests to send -------------------------------------- */

static void push_back(struct driver *e, struct request *req)
{
	req->next = NULL;
	if (e->pend_tail != NULL)
		e->pend_tail->next = req;
	else
		e->pend_head = req;
	e->pend_tail = req;
	e->pend_count++;
}

/* Resends go first. */
static void push_front(struct driver *e, struct request *req)
{
	req->next = e->pend_head;
	e->pend_head = req;
	if (e->pend_tail == NULL)
		e->pend_tail = req;
	e->pend_count++;
}

static struct request *pop_front(struct driver *e)
{
	struct request *req = e->pend_head;

	e->pend_head = req->next;
	if (e->pend_head == NULL)
		e->pend_tail = NULL;
	req->next = NULL;
	e->pend_count--;
	return req;
}

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
static void settled(struct driver *e, struct request *req)
{
	req->s = NULL;
	req->next = NULL;
	if (e->env.ordered)
		release_in_order(e);
	else
		deliver(e, req);
}

/* Ends req as v without an answer from any daemon. */
static void settle_as(struct driver *e, struct request *req, enum verdict v, const char *detail)
{
	free(req->detail);
	req->detail = detail != NULL ? strdup(detail) : NULL;
	req->v = v;
	req->answered = true;
	settled(e, req);
}

/* Fails a request that was never answered, saying why. */
static void fail_unanswered(struct driver *e, struct request *req, const char *short_why)
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

static struct request *unhold(struct daemon_state *d)
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
static void count_final(struct daemon_state *d)
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
static void answered(struct driver *e, struct daemon_state *d, struct request *req)
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
static int on_record(void *arg, struct session *s, char *rec)
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

/* ---- sessions failing --------------------------------------------------------- */

/* True when some daemon other than d is still worth sending to. */
static bool others_alive(const struct driver *e, const struct daemon_state *d)
{
	for (size_t i = 0; i < e->n; i++)
		if (&e->d[i] != d && !e->d[i].dead)
			return true;
	return false;
}

/* Seconds a connect or a command outside the session may take: while
 * other daemons can take the files, a daemon that hangs there must not
 * hold up the whole scan for long (these waits block every session). */
static unsigned wait_limit(const struct driver *e, const struct daemon_state *d)
{
	unsigned timeout = e->env.timeout;

	if (others_alive(e, d) && (timeout == 0 || timeout > RECONNECT_TIMEOUT))
		return RECONNECT_TIMEOUT;
	return timeout;
}

/* How long to leave a daemon alone after failures in a row. */
static int64_t back_off_ms(unsigned restarts)
{
	int64_t ms = 100;

	for (unsigned i = 1; i < restarts && ms < 800; i++)
		ms *= 2;
	return ms;
}

/* d failed once more: given up after too many failures in a row,
 * otherwise left alone for a while. */
static void count_failure(struct driver *e, struct daemon_state *d)
{
	d->restarts++;
	if (d->restarts > MAX_RESTARTS)
		d->dead = true;
	if (d->dead)
		snprintf(e->last_why, sizeof(e->last_why), "%s", d->s->short_why);
	else
		d->retry_at = session_now_ms() + back_off_ms(d->restarts);
}

struct requeue {
	struct driver *e;
	struct daemon_state *d;
	bool charge;
	unsigned requeued;
};

/* A request the broken session never answered: sent again, or failed once
 * charged too often or when no daemon is left. */
static void requeue_unanswered(void *arg, const void *r)
{
	struct requeue *q = arg;
	struct request *req = (struct request *)r;

	q->e->inflight--;
	if (q->charge)
		req->charges++;
	if (req->charges < CHARGES_PER_REQUEST && (!q->d->dead || others_alive(q->e, q->d))) {
		push_front(q->e, req);
		q->requeued++;
	} else {
		fail_unanswered(q->e, req, q->d->s->short_why);
	}
}

/* The session ended before its held OKs were proved: a daemon still there
 * merely ended the session (they stand); otherwise they are sent again,
 * ahead of everything and in their order, uncharged (it did answer). */
static unsigned drop_held(struct driver *e, struct daemon_state *d)
{
	struct request *rev = NULL, *req;
	unsigned n = 0;

	if (d->held > 0 && !d->s->violated && daemon_vouches(d->s->ep, e->env.timeout)) {
		while (d->held_head != NULL) {
			count_final(d);
			settled(e, unhold(d));
		}
		return 0;
	}
	while (d->held_head != NULL) {
		req = unhold(d);
		req->answered = false;
		req->s = NULL;
		free(req->detail);
		req->detail = NULL;
		req->next = rev;
		rev = req;
	}
	for (; rev != NULL; rev = req, n++) {
		req = rev->next;
		push_front(e, rev);
	}
	return n;
}

/* The daemon closed a session it was asked to END with OKs still unproved
 * (their proof was to come from later requests): a PING on a new
 * connection decides, as for a session that broke. */
static void ended_with_held(struct driver *e, struct daemon_state *d)
{
	unsigned n = drop_held(e, d);

	if (n > 0)
		report_error(e->env.msg, "clamd at %s: gone right after answering: a daemon being "
			     "stopped cuts scans short and still answers OK; sending %u file%s again",
			     d->s->ep->name, n, n == 1 ? "" : "s");
}

/* The session is unusable: what it owes is queued again (see above); a
 * protocol violation counts as an error even when the resends succeed. */
static void session_broken(struct driver *e, struct session *s)
{
	struct daemon_state *d = state_of(s);
	struct requeue q = { .e = e, .d = d };
	bool several = e->n > 1;

	session_close(s);
	q.charge = s->violated || d->answered == 0;
	count_failure(e, d);
	/* older than the unanswered: they go in front, so they are queued last */
	tracker_drop(s->tr, requeue_unanswered, &q);
	q.requeued += drop_held(e, d);
	if (s->violated)
		e->env.sink.distrust(e->env.sink.arg);
	s->violated = false;
	if (interrupt_signal() != 0)
		return; /* a wait cut short by the signal: abandon() says the rest */
	if (q.requeued > 0 && several)
		report_error(e->env.msg, "%s; sending %u unanswered request%s to %s", s->why, q.requeued,
			     q.requeued == 1 ? "" : "s",
			     d->dead ? "the other daemons" : "whichever daemon is free first");
	else if (q.requeued > 0)
		report_error(e->env.msg, "%s; sending %u unanswered request%s again on a new session",
			     s->why, q.requeued, q.requeued == 1 ? "" : "s");
	else
		report_error(e->env.msg, "%s", s->why);
}

static void on_broken(void *arg, struct session *s)
{
	session_broken(arg, s);
}

/* A session could not be started: said once, and when giving up. */
static void start_failed(struct driver *e, struct daemon_state *d)
{
	struct session *s = d->s;

	count_failure(e, d);
	if (d->restarts == 1 && d->dead && others_alive(e, d))
		report_error(e->env.msg, "%s; its files go to the other daemons", s->why);
	else if (d->restarts == 1)
		report_error(e->env.msg, "%s", s->why);
	else if (d->dead)
		report_error(e->env.msg, "%s; giving up after %u attempts%s", s->why, d->restarts,
			     others_alive(e, d) ? "; its files go to the other daemons" : "");
}

/* Checks the daemon's commands once, then opens a session. */
static int start(struct driver *e, struct daemon_state *d)
{
	unsigned limit = wait_limit(e, d);

	if (!d->caps_checked) {
		const char *cmds[] = { "IDSESSION", request_command(e->env.request) };
		int rc = session_check_commands(d->s, cmds, 2, limit);

		if (rc == -2)
			d->dead = true;
		if (rc != 0)
			return -1;
		d->caps_checked = true;
	}
	d->answered = 0;
	return session_start(d->s, limit, e->env.timeout);
}

/* ---- sending ------------------------------------------------------------------ */

/* Whether to ask s for a PONG now: answers wait for proof that nothing sent
 * will bring, and no request will follow soon to bring it. */
static bool want_ping(const struct driver *e, const struct daemon_state *d)
{
	const struct session *s = d->s;

	if (!s->open || s->ended || s->tr->ping_out || d->held == 0 ||
	    !confirm_uncovered(&s->tr->confirm))
		return false;
	if (tracker_ids_used_up(s->tr))
		return s->tr->inflight == 0; /* the one id left: for all the rest at once */
	return e->draining || e->outstanding >= e->max_outstanding;
}

static void send_ping(struct driver *e, struct daemon_state *d)
{
	tracker_send(d->s->tr, tracker_ping);
	if (session_send(d->s, "zPING", 6, -1) != 0)
		session_broken(e, d->s);
}

/* The daemon the next request goes to: the one with the fewest requests
 * outstanding that can take one now, ties taken in turn. NULL when none
 * can (all full, resting after a failure, or given up). */
static struct daemon_state *pick(struct driver *e)
{
	struct daemon_state *best = NULL;
	size_t best_i = 0;
	int64_t now = session_now_ms();

	if (e->inflight >= e->total_window)
		return NULL;
	for (size_t k = 0; k < e->n; k++) {
		size_t i = (e->next_rr + k) % e->n;
		struct daemon_state *d = &e->d[i];
		struct session *s = d->s;

		if (d->dead || s->tr->inflight >= e->window || (s->open && s->ended))
			continue;
		if (s->open && tracker_ids_used_up(s->tr)) {
			if (s->tr->inflight > 0 || d->held > 0 || s->tr->ping_out)
				continue;
			session_end(s); /* ids used up: the next request opens a new session */
		}
		if (!s->open && now < d->retry_at)
			continue;
		if (best == NULL || s->tr->inflight < best->s->tr->inflight) {
			best = d;
			best_i = i;
		}
	}
	if (best != NULL)
		e->next_rr = (best_i + 1) % e->n;
	return best;
}

/* Sends the request at the front of the queue to d. */
static void dispatch(struct driver *e, struct daemon_state *d)
{
	struct request *req = pop_front(e);
	struct session *s = d->s;
	int rc;

	if (req->sends > 0 && req->item->fd >= 0 && lseek(req->item->fd, 0, SEEK_SET) < 0) {
		/* a pipe: what the daemon consumed cannot be sent again */
		fail_unanswered(e, req, "clamd dropped it and standard input cannot be read twice");
		return;
	}
	req->ops = request_for(e->env.request, s->ep, req->item);
	if (req->ops == NULL) {
		fail_unanswered(e, req, "it could not be opened to be sent");
		return;
	}
	if (req->ops == &request_instream && req->item->size > 0 &&
	    (uint64_t)req->item->size > e->env.conf->stream_max_length) {
		char msg[200];

		/* clamd would scan only the first StreamMaxLength bytes: not a verdict */
		snprintf(msg, sizeof(msg), "Not scanned: %lld bytes is over StreamMaxLength (%llu bytes).",
			 (long long)req->item->size, (unsigned long long)e->env.conf->stream_max_length);
		settle_as(e, req, VERDICT_ERROR, msg);
		return;
	}
	tracker_send(s->tr, req);
	e->inflight++;
	req->sends++;
	req->truncated = false;
	req->read_errno = 0;
	e->sending = req;
	rc = req->ops->send(s, req, e->buf, e->env.conf->stream_max_length);
	e->sending = NULL;
	if (req->answered)
		answered(e, state_of(s), req);
	if (rc != 0)
		session_broken(e, s);
}

/* True when s owes us a reply (a request's or a PING's), or, once ended,
 * the close that tells its held OKs stand or not. */
static bool awaits_answer(const struct session *s)
{
	return s->tr->inflight > 0 || s->tr->ping_out || (s->ended && state_of(s)->held > 0);
}

/* Waits for replies on every open session, or for a resting daemon's time
 * to try again, and handles what came; a session silent with requests out
 * for longer than --timeout is broken. Returns -1 when there is nothing to
 * wait for. */
static int wait_any(struct driver *e)
{
	struct pollfd p[ENDPOINT_MAX + 1];
	struct daemon_state *polled[ENDPOINT_MAX];
	size_t np = 0;
	int64_t wake = -1, now = session_now_ms();
	bool answers_due = false;
	int ms, rc;

	for (size_t i = 0; i < e->n; i++) {
		struct daemon_state *d = &e->d[i];
		struct session *s = d->s;
		int64_t t = -1;

		if (d->dead)
			continue;
		if (s->open) {
			p[np] = (struct pollfd){ .fd = s->conn.fd, .events = POLLIN };
			polled[np++] = d;
			if (awaits_answer(s)) {
				answers_due = true;
				if (s->conn.timeout > 0)
					t = s->deadline;
			}
		} else if (e->pend_count > 0) {
			t = d->retry_at;
		}
		if (t >= 0 && (wake < 0 || t < wake))
			wake = t;
	}
	if (wake < 0 && !answers_due)
		return -1;
	ms = wake < 0 ? -1 : wake <= now ? 0 : (int)(wake - now);
	p[np] = (struct pollfd){ .fd = interrupt_fd(), .events = POLLIN };
	rc = poll(p, np + 1, ms);
	if (rc < 0 || interrupt_signal() != 0)
		return rc < 0 && errno != EINTR ? -1 : 0;
	for (size_t i = 0; i < np; i++) {
		struct daemon_state *d = polled[i];
		struct session *s = d->s;
		/* after END the daemon closes once it has answered everything */
		bool owes = s->tr->inflight > 0 || s->tr->ping_out || (!s->ended && d->held > 0);

		if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)) || !s->open)
			continue;
		if (session_receive(s, !owes) != 0)
			session_broken(e, s);
		else if (!s->open && d->held > 0)
			ended_with_held(e, d);
	}
	now = session_now_ms();
	for (size_t i = 0; i < np; i++) {
		struct session *s = polled[i]->s;

		/* no grace: clamd's MaxScanTime bounds one file's scan (2 min by
		 * default), so a silent request is a fault, whatever PING says */
		if (s->open && awaits_answer(s) && s->conn.timeout > 0 && now >= s->deadline) {
			unsigned n = s->tr->inflight + polled[i]->held;

			session_broke(s, "clamd did not answer in time",
				      "timed out after %u s with %u request%s unanswered", s->conn.timeout,
				      n, n == 1 ? "" : "s");
			session_broken(e, s);
		}
	}
	return 0;
}

/* ---- stopping on a signal --------------------------------------------------- */

static void fail_interrupted(void *arg, const void *r)
{
	struct driver *e = arg;

	e->inflight--;
	settle_as(e, (struct request *)r, VERDICT_ERROR, interrupt_reason());
}

/* Told to stop: nothing more is sent, and every file not yet ended ends
 * as not scanned (an OK still waiting for its proof included). */
static void abandon(struct driver *e)
{
	for (size_t i = 0; i < e->n; i++) {
		struct daemon_state *d = &e->d[i];

		tracker_drop(d->s->tr, fail_interrupted, e);
		while (d->held_head != NULL)
			settle_as(e, unhold(d), VERDICT_ERROR,
				  "Not scanned: interrupted before clamd's OK was confirmed.");
		if (d->s->open)
			session_close(d->s);
		d->dead = true;
	}
	while (e->pend_count > 0)
		settle_as(e, pop_front(e), VERDICT_ERROR, interrupt_reason());
}

/* True when every daemon has been given up on. */
static bool all_dead(const struct driver *e)
{
	for (size_t i = 0; i < e->n; i++)
		if (!e->d[i].dead)
			return false;
	return true;
}

/* Sends queued requests and reads replies until the queue is empty and
 * there is room for another file (with drain: until nothing is owed). */
static void drive(struct driver *e, bool drain)
{
	e->draining = drain;
	while (e->pend_count > 0 || (drain ? e->outstanding > 0 : e->outstanding >= e->max_outstanding)) {
		struct daemon_state *d;

		if (interrupt_signal() != 0) {
			abandon(e);
			break;
		}
		for (size_t i = 0; i < e->n; i++)
			if (want_ping(e, &e->d[i]))
				send_ping(e, &e->d[i]);
		if (all_dead(e)) {
			while (e->pend_count > 0)
				fail_unanswered(e, pop_front(e), e->last_why);
			if (e->outstanding == 0 || e->pend_count == 0)
				break;
			continue;
		}
		if (e->pend_count > 0 && (d = pick(e)) != NULL) {
			if (!d->s->open) {
				if (start(e, d) != 0)
					start_failed(e, d);
				continue;
			}
			dispatch(e, d);
			continue;
		}
		if (wait_any(e) != 0) {
			/* cannot happen while a daemon is alive; never spin on it */
			report_error(e->env.msg, "internal error: nothing to wait for with %u files queued",
				     e->pend_count);
			while (e->pend_count > 0)
				fail_unanswered(e, pop_front(e), "internal error");
			break;
		}
	}
	e->draining = false;
}

/* ---- the driver interface ----------------------------------------------------- */

static void idsession_close(struct driver *e);

/* The number of requests that may be outstanding: bounded by the
 * descriptors each holds (files passed or streamed stay open until their
 * end, and their directories with an action), with room for answers
 * waiting for the one before them. Fewer descriptors make a smaller
 * window, never an error. */
static void size_window(struct driver *e)
{
	unsigned per = e->env.fds_per_item;
	unsigned long room, budget;

	e->window = e->env.window == 0 ? 1 : e->env.window;
	/* without -m the window is shared by every daemon */
	e->total_window = e->env.ordered ? e->window : e->window * (unsigned)e->n;
	e->max_outstanding = 2 * e->total_window + (per == 0 ? PATH_HOLD_SLACK : 0);
	if (per == 0)
		return;
	room = fd_room();
	/* kept free: a socket per daemon, a reconnect, the walk's directories */
	room = room > 2 * e->n + 8 ? room - 2 * e->n - 8 : 0;
	budget = room / per;
	if (budget < 1)
		budget = 1;
	if (e->max_outstanding > budget)
		e->max_outstanding = (unsigned)budget;
	if (e->total_window > e->max_outstanding)
		e->total_window = e->max_outstanding;
}

static struct driver *idsession_open(const struct driver_env *env)
{
	struct driver *e = calloc(1, sizeof(*e));
	size_t n = env->n_daemons;

	if (e == NULL)
		goto nomem;
	e->env = *env;
	e->set.on_record = on_record;
	e->set.on_broken = on_broken;
	e->set.arg = e;
	e->buf = malloc(REQUEST_BUFFER);
	if (e->buf == NULL)
		goto fail;
	for (size_t i = 0; i < n && i < ENDPOINT_MAX; i++) {
		struct session *s = session_new(&e->set, env->daemons[i]);

		if (s == NULL)
			goto fail;
		s->owner = &e->d[i];
		e->d[i].s = s;
		e->set.s[e->set.n++] = s;
		e->n++;
	}
	size_window(e);
	return e;
fail:
	idsession_close(e);
nomem:
	report_error(env->msg, "out of memory");
	return NULL;
}

static void idsession_submit(struct driver *e, struct scan_item *it)
{
	struct ordered_request *o = calloc(1, sizeof(*o));

	if (o == NULL) {
		e->env.sink.end(e->env.sink.arg, it, VERDICT_ERROR, "Out of memory.");
		return;
	}
	o->req.item = it;
	o->req.seq = e->next_seq++;
	e->outstanding++;
	if (e->env.ordered) {
		if (e->order_tail != NULL)
			e->order_tail->order_next = o;
		else
			e->order_head = o;
		e->order_tail = o;
	}
	push_back(e, &o->req);
	drive(e, false);
}

static void idsession_drain(struct driver *e)
{
	drive(e, true);
}

/* Sends END on every open session once nothing is left to send (a daemon
 * may hold replies until END), then reads what is owed. A file sent again
 * after that goes on a new session, which is ended the same way. */
static void finish_all(struct driver *e)
{
	for (;;) {
		drive(e, false);
		if (e->outstanding == 0)
			break;
		if (interrupt_signal() != 0) {
			abandon(e);
			break;
		}
		for (size_t i = 0; i < e->n && e->pend_count == 0; i++) {
			struct session *s = e->d[i].s;

			if (s->open && !s->ended && session_send_end(s) != 0)
				session_broken(e, s);
		}
		if (e->pend_count > 0)
			continue; /* a session broke: its files go again */
		if (wait_any(e) != 0) {
			drive(e, true); /* nothing to wait for: drive says so and fails the rest */
			break;
		}
	}
}

static void idsession_close(struct driver *e)
{
	if (e == NULL)
		return;
	finish_all(e);
	for (size_t i = 0; i < e->n; i++)
		session_free(e->d[i].s);
	free(e->buf);
	free(e);
}

const struct driver_ops driver_idsession = {
	.name = "idsession",
	.open = idsession_open,
	.submit = idsession_submit,
	.drain = idsession_drain,
	.close = idsession_close,
};
