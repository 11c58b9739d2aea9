/* Lookups in the background (see lookup.h). */
#include "config.h"

#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "clamd/lookup.h"
#include "util/monotonic.h"

/* A lookup whose answer glibc reports but whose notification never came
 * (glibc could not start the thread for it) is taken after this long. */
#define UNNOTIFIED_MS 1000

struct lookup {
	struct gaicb cb; /* what glibc's thread writes to */
	struct addrinfo hints;
	char host[sizeof(((struct pool_name *)0)->host)]; /* its own: an abandoned one outlives the scan */
	char port[16];
	const struct pool_name *pool;
	int notified;         /* set, with release, by glibc's notification thread */
	int64_t unnotified_at; /* ms: when gai_error first said done without it; 0: not yet */
};

/* Runs on a thread glibc starts once the answer is stored: reading
 * ar_result after this flag (acquire) is ordered after glibc's writes,
 * which gai_error() alone does not promise on weakly ordered CPUs. */
static void on_done(union sigval v)
{
	struct lookup *l = v.sival_ptr;

	__atomic_store_n(&l->notified, 1, __ATOMIC_RELEASE);
}

/* Whether l's answer may be read now. */
static bool answered(struct lookup *l)
{
	int64_t now;

	if (__atomic_load_n(&l->notified, __ATOMIC_ACQUIRE))
		return true;
	if (gai_error(&l->cb) == EAI_INPROGRESS)
		return false;
	now = monotonic_ms();
	if (l->unnotified_at == 0)
		l->unnotified_at = now;
	return now - l->unnotified_at >= UNNOTIFIED_MS;
}

struct lookup *lookup_start(const struct pool_name *p, char *err, size_t errlen)
{
	struct lookup *l = calloc(1, sizeof(*l));
	struct gaicb *list[1];
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD };
	int rc;

	if (l == NULL) {
		snprintf(err, errlen, "--pool=%s: out of memory", p->arg);
		return NULL;
	}
	l->pool = p;
	endpoint_lookup_hints(&l->hints);
	snprintf(l->host, sizeof(l->host), "%s", p->host);
	snprintf(l->port, sizeof(l->port), "%u", p->port);
	l->cb.ar_name = l->host;
	l->cb.ar_service = l->port;
	l->cb.ar_request = &l->hints;
	list[0] = &l->cb;
	sev.sigev_notify_function = on_done;
	sev.sigev_value.sival_ptr = l;
	rc = getaddrinfo_a(GAI_NOWAIT, list, 1, &sev);
	if (rc != 0) {
		snprintf(err, errlen, "--pool=%s: cannot start a lookup: %s", p->arg, gai_strerror(rc));
		/* glibc may have queued it before failing (EAI_AGAIN, EAI_MEMORY):
		 * freed only if it cannot be running */
		lookup_abandon(l);
		return NULL;
	}
	return l;
}

int lookup_poll(struct lookup *l, unsigned pool_id, struct endpoint *out, size_t max, size_t *n,
		int *rc, char *err, size_t errlen)
{
	if (!answered(l))
		return 0;
	*rc = endpoint_pool_answer(l->pool, pool_id, gai_error(&l->cb), l->cb.ar_result, out, max,
				   n, err, errlen);
	if (l->cb.ar_result != NULL)
		freeaddrinfo(l->cb.ar_result);
	/* taken without its notification: should that come late after all, it
	 * must find l still there */
	if (__atomic_load_n(&l->notified, __ATOMIC_ACQUIRE))
		free(l);
	return 1;
}

void lookup_abandon(struct lookup *l)
{
	if (l == NULL)
		return;
	(void)gai_cancel(&l->cb);
	/* freed only once its notification came: until then glibc may still
	 * write to it or notify it (a cancelled request is notified too) */
	if (!__atomic_load_n(&l->notified, __ATOMIC_ACQUIRE))
		return;
	if (gai_error(&l->cb) == 0 && l->cb.ar_result != NULL)
		freeaddrinfo(l->cb.ar_result);
	free(l);
}
