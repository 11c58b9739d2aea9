/* --pool: every address a name resolves to is a daemon of the scan, as a
 * Kubernetes headless Service or Consul's DNS lists a fleet. The names are
 * resolved again when one of their daemons fails and every --pool-refresh
 * seconds: a new address becomes a new daemon (in the slot of one retired
 * and done with, when the 32 are taken); a vanished one is retired: sent
 * nothing new, told END, its answers still read, so no file is lost or
 * sent twice; one that comes back, or is still listed a while after it was
 * given up on, is tried again. A lookup that fails keeps the daemons the
 * pool had, and when every daemon is gone the names are asked again for
 * POOL_GRACE_MS before the files left are failed: DNS lags behind a fleet.
 * Lookups run in the background (clamd/lookup.h), one per name at a time:
 * a resolver that hangs never stops the scan. */
#include "config.h"

#include <poll.h>
#include <string.h>

#include "driver/idsession_int.h"
#include "util/interrupt.h"
#include "util/monotonic.h"

/* Resolutions caused by failures come at most this often. */
#define RESOLVE_MIN_GAP_MS 1000
/* A daemon given up on that the name still lists is tried again after this. */
#define REVIVE_AFTER_MS 5000
/* How long a scan whose every daemon is gone waits for the names to list others. */
#define POOL_GRACE_MS 30000
/* How often a lookup under way is asked whether it is done, when nothing
 * else wakes the scan: often in its first second, then seldom. */
#define LOOKUP_POLL_MS 20
#define LOOKUP_SLOW_POLL_AFTER_MS 1000
#define LOOKUP_SLOW_POLL_MS 250
/* A lookup under way for this long is said to be slow (and still waited for). */
#define LOOKUP_SLOW_MS 10000

void pool_start(struct driver *e)
{
	int64_t now = monotonic_ms();

	for (size_t i = 0; i < e->n; i++)
		e->d[i].pool = e->d[i].s->ep->pool;
	e->last_resolve = now;
	e->next_resolve = now + (int64_t)e->env.pool_refresh * 1000;
	e->all_dead_since = -1;
}

void pool_stop(struct driver *e)
{
	for (size_t p = 0; p < e->env.n_pools; p++) {
		lookup_abandon(e->pool[p].lookup);
		e->pool[p].lookup = NULL;
	}
}

/* Says nothing new to d and lets it finish what it has. */
static void retire(struct driver *e, struct daemon_state *d)
{
	struct session *s = d->s;

	d->retired = true;
	report_verbose(e->env.msg, "clamd pool %s: %s is gone from it; finishing what it has",
		       e->env.pools[d->pool - 1].arg, s->ep->name);
	if (!s->open || s->ended)
		return;
	if (s->tr->inflight == 0 && !s->tr->ping_out && d->held == 0)
		session_end(s);
	else if (session_send_end(s) != 0)
		session_broken(e, s);
}

/* A slot a new daemon may take: a free one, or one retired whose session
 * is closed and owes nothing. ENDPOINT_MAX when none. */
static size_t free_slot(const struct driver *e)
{
	if (e->n < ENDPOINT_MAX)
		return e->n;
	for (size_t i = 0; i < e->n; i++) {
		const struct daemon_state *d = &e->d[i];

		if (d->retired && !d->s->open && d->held == 0 && d->s->tr->inflight == 0)
			return i;
	}
	return ENDPOINT_MAX;
}

/* A new address of pool p: a new daemon, used from the next request on. */
static void join(struct driver *e, const struct endpoint *ep)
{
	size_t i = free_slot(e);
	struct endpoint saved;
	struct daemon_state *d;
	struct session *s;

	if (i == ENDPOINT_MAX) {
		if (!e->pool_full_said)
			report_warning(e->env.msg, "clamd pool %s: more addresses than the %d daemons one "
				       "scan can use at once; %s is left out for now",
				       e->env.pools[ep->pool - 1].arg, ENDPOINT_MAX, ep->name);
		e->pool_full_said = true;
		return;
	}
	e->pool_full_said = false;
	saved = e->slot_ep[i];
	e->slot_ep[i] = *ep;
	s = session_new(&e->set, &e->slot_ep[i]);
	if (s == NULL) {
		e->slot_ep[i] = saved;
		report_warning(e->env.msg, "clamd pool %s: out of memory for %s; scanning without it",
			       e->env.pools[ep->pool - 1].arg, ep->name);
		return;
	}
	if (i < e->n)
		session_free(e->d[i].s); /* retired and done with: its slot is reused */
	d = &e->d[i];
	memset(d, 0, sizeof(*d));
	d->s = s;
	d->pool = ep->pool;
	d->s->owner = d;
	e->set.s[i] = d->s;
	if (i == e->n) {
		e->set.n++;
		e->n++;
		/* with -m each daemon brings its own window, within the descriptors' budget */
		if (!e->env.ordered && e->total_window + e->window <= e->max_outstanding)
			e->total_window += e->window;
	}
	report_verbose(e->env.msg, "clamd pool %s: %s joined", e->env.pools[ep->pool - 1].arg,
		       ep->name);
	report_daemon(e->env.msg, ep->name);
}

/* Compares pool p's daemons with the n addresses its name resolves to now. */
static void apply_pool(struct driver *e, unsigned p, const struct endpoint *got, size_t n,
		       int64_t now)
{
	size_t had = e->n;

	for (size_t i = 0; i < had; i++) {
		struct daemon_state *d = &e->d[i];
		bool listed = false;

		if (d->pool != p)
			continue;
		for (size_t k = 0; k < n && !listed; k++)
			listed = endpoint_same_addr(d->s->ep, &got[k]);
		if (!listed && !d->retired) {
			retire(e, d);
		} else if (listed && (d->retired || (d->dead && !d->incapable &&
							   now - d->dead_at >= REVIVE_AFTER_MS))) {
			/* back in the list, or still in it: worth trying again */
			report_verbose(e->env.msg, "clamd pool %s: %s is %s",
				       e->env.pools[p - 1].arg, d->s->ep->name,
				       d->retired ? "back" : "still listed; trying it again");
			d->retired = d->dead = false;
			d->restarts = 0;
			d->retry_at = 0;
			d->caps_checked = false;
		}
	}
	for (size_t k = 0; k < n; k++) {
		bool known = false;

		for (size_t i = 0; i < e->n && !known; i++)
			known = e->d[i].pool == p && endpoint_same_addr(e->d[i].s->ep, &got[k]);
		if (!known)
			join(e, &got[k]);
	}
}

/* A lookup of pool p's name that failed, or could not start. */
static void lookup_failed(struct driver *e, unsigned p, const char *err)
{
	if (!e->pool[p - 1].failed_said)
		report_warning(e->env.msg, "%s; going on with the daemons it had", err);
	e->pool[p - 1].failed_said = true;
}

/* Takes the answer of pool p's lookup, if it came. */
static void collect(struct driver *e, unsigned p, int64_t now)
{
	struct pool_state *ps = &e->pool[p - 1];
	struct endpoint got[ENDPOINT_MAX];
	char err[400];
	size_t n;
	int rc;

	if (lookup_poll(ps->lookup, p, got, ENDPOINT_MAX, &n, &rc, err, sizeof(err)) == 0) {
		if (!ps->slow_said && now - ps->since >= LOOKUP_SLOW_MS) {
			report_warning(e->env.msg,
				       "--pool=%s: looking the name up again has taken over %d s; "
				       "going on with the daemons it had",
				       e->env.pools[p - 1].arg, LOOKUP_SLOW_MS / 1000);
			ps->slow_said = true;
		}
		return;
	}
	ps->lookup = NULL;
	ps->slow_said = false;
	if (rc != 0) {
		lookup_failed(e, p, err);
		return;
	}
	ps->failed_said = false;
	apply_pool(e, p, got, n, now);
}

/* When a lookup under way is next asked whether it is done: soon while it
 * is young, then less often (a hung resolver must not undo pacing); -1
 * when none is under way. */
static int64_t lookup_wake(const struct driver *e, int64_t now)
{
	int64_t wake = -1;

	for (size_t p = 0; p < e->env.n_pools; p++) {
		int64_t t;

		if (e->pool[p].lookup == NULL)
			continue;
		t = now + (now - e->pool[p].since < LOOKUP_SLOW_POLL_AFTER_MS ? LOOKUP_POLL_MS
										  : LOOKUP_SLOW_POLL_MS);
		if (wake < 0 || t < wake)
			wake = t;
	}
	return wake;
}

/* Takes the answers of the lookups under way; starts new ones when it is
 * time, or when a daemon failed (no more often than RESOLVE_MIN_GAP_MS). */
void pool_tick(struct driver *e)
{
	int64_t now;
	bool periodic, failed;

	if (e->env.n_pools == 0)
		return; /* most runs: no clock read per file */
	now = monotonic_ms();
	periodic = e->env.pool_refresh > 0 && now >= e->next_resolve;
	failed = e->resolve_due && now - e->last_resolve >= RESOLVE_MIN_GAP_MS;
	for (unsigned p = 1; p <= e->env.n_pools; p++)
		if (e->pool[p - 1].lookup != NULL)
			collect(e, p, now);
	if (!(periodic || failed))
		return;
	e->resolve_due = false;
	e->last_resolve = now;
	e->next_resolve = now + (int64_t)e->env.pool_refresh * 1000;
	for (unsigned p = 1; p <= e->env.n_pools; p++) {
		struct pool_state *ps = &e->pool[p - 1];
		char err[400];

		if (ps->lookup != NULL) {
			/* one at a time: a hung resolver gets no pile of them; but a
			 * failure since that one began asks again once it is done */
			e->resolve_due |= failed;
			continue;
		}
		ps->lookup = lookup_start(&e->env.pools[p - 1], err, sizeof(err));
		ps->since = now;
		if (ps->lookup == NULL)
			lookup_failed(e, p, err);
	}
}

/* Every daemon is gone with files left: asks the names again, once a
 * second, for POOL_GRACE_MS, waiting in between (a signal cuts it short).
 * Returns true while it is worth waiting; false: fail the files. */
bool pool_grace(struct driver *e)
{
	int64_t now = monotonic_ms(), next;

	if (e->env.n_pools == 0 || interrupt_signal() != 0)
		return false;
	if (e->all_dead_since < 0)
		e->all_dead_since = now;
	if (now - e->all_dead_since > POOL_GRACE_MS)
		return false;
	e->resolve_due = true;
	pool_tick(e);
	next = lookup_wake(e, now);
	if (next < 0)
		next = e->last_resolve + RESOLVE_MIN_GAP_MS;
	if (next > now) {
		struct pollfd p = { .fd = interrupt_fd(), .events = POLLIN };

		(void)poll(&p, 1, (int)(next - now));
	}
	return true;
}

/* When the drive loop must wake to resolve again; -1: no need. */
int64_t pool_wake(const struct driver *e)
{
	int64_t wake;

	if (e->env.n_pools == 0)
		return -1;
	wake = lookup_wake(e, monotonic_ms());
	if (wake >= 0)
		return wake;
	if (e->resolve_due)
		return e->last_resolve + RESOLVE_MIN_GAP_MS;
	return e->env.pool_refresh > 0 ? e->next_resolve : -1;
}
