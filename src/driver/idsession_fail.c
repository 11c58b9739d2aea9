/* The IDSESSION driver's sessions failing: a session that broke or could
 * not start has its unanswered files sent again (to the other daemons, or
 * to its own on a new session), its daemon left alone for a while and
 * given up after MAX_RESTARTS failures in a row. And told to stop, every
 * file not yet ended ends as not scanned. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "clamd/daemon.h"
#include "driver/idsession_int.h"
#include "util/interrupt.h"
#include "util/monotonic.h"

/* Failed sessions a request may be charged for before it is an error: a
 * session that answered nothing, or broke the protocol, charges each
 * request it left unanswered; one that made progress charges nobody. */
#define CHARGES_PER_REQUEST 2

/* Consecutive session failures without one good reply before giving up. */
#define MAX_RESTARTS 4

/* Seconds a connect or a command outside the session may take while other
 * daemons are there to scan. */
#define RECONNECT_TIMEOUT 5

/* ---- sessions failing --------------------------------------------------------- */

/* True when some daemon other than d is still worth sending to. */
static bool others_alive(const struct driver *e, const struct daemon_state *d)
{
	for (size_t i = 0; i < e->n; i++)
		if (&e->d[i] != d && usable(&e->d[i]))
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
	if (d->pool != 0)
		e->resolve_due = true; /* the pool's name may say where it went */
	if (d->restarts > MAX_RESTARTS && !d->dead) {
		d->dead = true;
		d->dead_at = monotonic_ms();
	}
	if (d->dead)
		snprintf(e->last_why, sizeof(e->last_why), "%s", d->s->short_why);
	else
		d->retry_at = monotonic_ms() + back_off_ms(d->restarts);
}

struct requeue {
	struct driver *e;
	struct daemon_state *d;
	bool charge;
	unsigned requeued;
	unsigned failed;
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
		q->failed++;
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
void ended_with_held(struct driver *e, struct daemon_state *d)
{
	unsigned n = drop_held(e, d);

	if (n > 0)
		report_warning(e->env.msg, "clamd at %s: gone right after answering: a daemon being "
			       "stopped cuts scans short and still answers OK; sending %u file%s again",
			       d->s->ep->name, n, n == 1 ? "" : "s");
}

/* The session is unusable: what it owes is queued again (see above); a
 * protocol violation counts as an error even when the resends succeed. */
void session_broken(struct driver *e, struct session *s)
{
	struct daemon_state *d = state_of(s);
	struct requeue q = { .e = e, .d = d };
	bool several = e->n > 1 || e->env.n_pools > 0;
	bool violated = s->violated;

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
	/* Requests sent again lose nothing: a warning, unless the daemon broke
	 * the protocol or some could not be sent again; a resend that fails is
	 * an error of its own later. */
	violated = violated || q.failed > 0;
	if (q.requeued > 0 && several)
		(violated ? report_error : report_warning)(
			e->env.msg, "%s; sending %u unanswered request%s to %s", s->why, q.requeued,
			q.requeued == 1 ? "" : "s",
			d->dead ? "the other daemons" : "whichever daemon is free first");
	else if (q.requeued > 0)
		(violated ? report_error : report_warning)(
			e->env.msg, "%s; sending %u unanswered request%s again on a new session", s->why,
			q.requeued, q.requeued == 1 ? "" : "s");
	else
		report_error(e->env.msg, "%s", s->why);
}

void on_broken(void *arg, struct session *s)
{
	session_broken(arg, s);
}

/* A session could not be started: said once, and when giving up. */
void start_failed(struct driver *e, struct daemon_state *d)
{
	struct session *s = d->s;

	count_failure(e, d);
	/* an error only when files are lost by it: no one else to take them */
	if (d->restarts == 1 && d->dead && others_alive(e, d))
		report_warning(e->env.msg, "%s; its files go to the other daemons", s->why);
	else if (d->restarts == 1)
		(d->dead ? report_error : report_warning)(e->env.msg, "%s", s->why);
	else if (d->dead)
		(others_alive(e, d) ? report_warning : report_error)(
			e->env.msg, "%s; giving up after %u attempts%s", s->why, d->restarts,
			others_alive(e, d) ? "; its files go to the other daemons" : "");
}

/* Checks the daemon's commands once, then opens a session. */
int start(struct driver *e, struct daemon_state *d)
{
	unsigned limit = wait_limit(e, d);

	if (!d->caps_checked) {
		const char *cmds[] = { "IDSESSION", request_command(e->env.request) };
		int rc = session_check_commands(d->s, cmds, 2, limit);

		if (rc == -2)
			d->dead = d->incapable = true;
		if (rc != 0)
			return -1;
		d->caps_checked = true;
	}
	d->answered = 0;
	coalesce_reset(&d->pace);
	return session_start(d->s, limit, e->env.timeout);
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
void abandon(struct driver *e)
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
