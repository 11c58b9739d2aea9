/* What the files of the IDSESSION driver share, and only they: the
 * driver's state, and the functions each gives the others (idsession.c:
 * the queue, sending and the driver interface; idsession_end.c: how
 * requests end; idsession_fail.c: sessions failing). */
#ifndef NG_IDSESSION_INT_H
#define NG_IDSESSION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clamd/endpoint.h"
#include "clamd/lookup.h"
#include "core/result.h"
#include "driver/coalesce.h"
#include "driver/driver.h"
#include "driver/request.h"
#include "driver/session.h"

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
	unsigned pool;       /* the --pool it is an address of, 1-based; 0: none */
	bool retired;        /* its address left the pool: sent nothing new, its
			      * answers still read */
	int64_t dead_at;     /* when it was given up on (ms) */
	bool incapable;      /* it lacks a command the scan needs: never retried */
	struct coalesce pace; /* how fast it answers: how long to sleep for several replies */
};

/* Whether d may be sent new requests (now or after its rest). */
static inline bool usable(const struct daemon_state *d)
{
	return !d->dead && !d->retired;
}

/* A --pool name while the scan runs. */
struct pool_state {
	struct lookup *lookup; /* under way, or NULL */
	int64_t since;         /* when it began (ms) */
	bool slow_said;        /* that it is slow */
	bool failed_said;      /* that the last one failed */
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
	/* --pool: the address of a daemon that joined, by its slot in d[] */
	struct endpoint slot_ep[ENDPOINT_MAX];
	int64_t next_resolve, last_resolve; /* ms */
	int64_t all_dead_since;  /* ms; -1: some daemon can take files */
	bool resolve_due;        /* a pool's daemon failed since the last resolution */
	bool pool_full_said;
	struct pool_state pool[POOL_MAX]; /* each --pool name, by its number - 1 */
};

/* The daemon s belongs to. */
static inline struct daemon_state *state_of(const struct session *s)
{
	return s->owner;
}

/* idsession.c: the queue of requests to send (resends go first), and
 * whether a session owes an answer (a request's, a PING's, or the close
 * that tells its held OKs stand). */
void push_front(struct driver *e, struct request *req);
struct request *pop_front(struct driver *e);
bool awaits_answer(const struct session *s);

/* idsession_pace.c: sleeping so that one wake-up reads several replies. */
unsigned pace_keep(const struct driver *e);
void pace_replies(struct driver *e, struct daemon_state *const *polled, size_t np, int64_t now);

/* idsession_end.c: ending requests. */
void settled(struct driver *e, struct request *req);
void settle_as(struct driver *e, struct request *req, enum verdict v, const char *detail);
void fail_unanswered(struct driver *e, struct request *req, const char *short_why);
struct request *unhold(struct daemon_state *d);
void count_final(struct daemon_state *d);
void answered(struct driver *e, struct daemon_state *d, struct request *req);
int on_record(void *arg, struct session *s, char *rec);

/* idsession_pool.c: --pool's names resolved again while scanning. */
void pool_start(struct driver *e);
void pool_stop(struct driver *e);
void pool_tick(struct driver *e);
int64_t pool_wake(const struct driver *e);
bool pool_grace(struct driver *e);

/* idsession_fail.c: sessions failing, and stopping on a signal. */
void ended_with_held(struct driver *e, struct daemon_state *d);
void session_broken(struct driver *e, struct session *s);
void on_broken(void *arg, struct session *s);
void start_failed(struct driver *e, struct daemon_state *d);
int start(struct driver *e, struct daemon_state *d);
void abandon(struct driver *e);

#endif
