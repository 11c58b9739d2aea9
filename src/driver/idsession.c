/* The IDSESSION driver: per-file requests pipelined over one session per
 * daemon, each file sent to the daemon with the fewest outstanding, a
 * bounded window, every file ending exactly once.
 *
 * Outcomes reach the sink in submission order without -m (a file scanned
 * quickly waits for the one before it), in completion order with it. An OK
 * to SCAN is believed only with the proof confirm.h describes. A daemon
 * that fails has its unanswered files sent to the others (or to itself,
 * on a new session); it is retried with back-off and given up after
 * MAX_RESTARTS failures in a row.
 *
 * This file holds the queue, the sending, the drive loop and the driver
 * interface; idsession_end.c how requests end, idsession_fail.c how
 * sessions fail (idsession_int.h: what they share). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "driver/idsession_int.h"
#include "util/fdio.h"
#include "util/interrupt.h"
#include "util/monotonic.h"

/* Answers of requests that hold no descriptor (SCAN) that may wait, beyond
 * the window, for the file before them or for their proof. */
#define PATH_HOLD_SLACK 64

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
void push_front(struct driver *e, struct request *req)
{
	req->next = e->pend_head;
	e->pend_head = req;
	if (e->pend_tail == NULL)
		e->pend_tail = req;
	e->pend_count++;
}

struct request *pop_front(struct driver *e)
{
	struct request *req = e->pend_head;

	e->pend_head = req->next;
	if (e->pend_head == NULL)
		e->pend_tail = NULL;
	req->next = NULL;
	e->pend_count--;
	return req;
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
	int64_t now = monotonic_ms();

	if (e->inflight >= e->total_window)
		return NULL;
	for (size_t k = 0; k < e->n; k++) {
		size_t i = (e->next_rr + k) % e->n;
		struct daemon_state *d = &e->d[i];
		struct session *s = d->s;

		if (usable(d) && s->open && s->ended && !awaits_answer(s))
			session_close(s); /* ended and owing nothing: files queued need a new one */
		if (!usable(d) || s->tr->inflight >= e->window || (s->open && s->ended))
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
	if (s->tr->inflight == 0)
		coalesce_reset(&state_of(s)->pace); /* it sat idle: not a measure of its pace */
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
bool awaits_answer(const struct session *s)
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
	int64_t wake = -1, now = monotonic_ms();
	bool answers_due = false;
	int ms, rc;

	for (size_t i = 0; i < e->n; i++) {
		struct daemon_state *d = &e->d[i];
		struct session *s = d->s;
		int64_t t = -1;

		if (d->dead || (d->retired && !s->open))
			continue;
		if (s->open) {
			p[np] = (struct pollfd){ .fd = s->conn.fd, .events = POLLIN };
			polled[np++] = d;
			if (awaits_answer(s)) {
				answers_due = true;
				if (s->conn.timeout > 0)
					t = s->deadline;
			}
		} else if (e->pend_count > 0 && usable(d)) {
			t = d->retry_at;
		}
		if (t >= 0 && (wake < 0 || t < wake))
			wake = t;
	}
	if (e->pend_count > 0) {
		int64_t t = pool_wake(e); /* a pool may have grown */

		if (t >= 0 && (wake < 0 || t < wake))
			wake = t;
	}
	if (wake < 0 && !answers_due)
		return -1;
	pace_replies(e, polled, np, now);
	now = monotonic_ms();
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
		unsigned before = s->tr->inflight;

		if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)) || !s->open)
			continue;
		if (session_receive(s, !owes) != 0)
			session_broken(e, s);
		else if (!s->open && d->held > 0)
			ended_with_held(e, d);
		else if (s->open && s->tr->inflight < before)
			coalesce_read(&d->pace, monotonic_us(), before - s->tr->inflight,
				      s->tr->inflight, pace_keep(e));
	}
	now = monotonic_ms();
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

/* ---- the drive loop ----------------------------------------------------------- */

/* True when no daemon can take a request, nor owes an answer. */
static bool all_dead(const struct driver *e)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct daemon_state *d = &e->d[i];

		if (usable(d) || (d->retired && d->s->open && awaits_answer(d->s)))
			return false;
	}
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
		pool_tick(e);
		for (size_t i = 0; i < e->n; i++)
			if (want_ping(e, &e->d[i]))
				send_ping(e, &e->d[i]);
		if (!all_dead(e))
			e->all_dead_since = -1;
		else if (e->pend_count > 0 && pool_grace(e))
			continue; /* the names may list others soon */
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
	pool_start(e);
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
	pool_stop(e);
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
