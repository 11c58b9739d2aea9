/* Lookups in the background (see lookup.h). */
#include "config.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>

#include "clamd/lookup.h"

struct lookup {
	struct gaicb cb; /* first: what glibc's thread writes to */
	struct addrinfo hints;
	char host[sizeof(((struct pool_name *)0)->host)]; /* its own: an abandoned one outlives the scan */
	char port[16];
	const struct pool_name *pool;
};

struct lookup *lookup_start(const struct pool_name *p, char *err, size_t errlen)
{
	struct lookup *l = calloc(1, sizeof(*l));
	struct gaicb *list[1];
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
	rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
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
	int e = gai_error(&l->cb);

	if (e == EAI_INPROGRESS)
		return 0;
	*rc = endpoint_pool_answer(l->pool, pool_id, e, l->cb.ar_result, out, max, n, err, errlen);
	if (l->cb.ar_result != NULL)
		freeaddrinfo(l->cb.ar_result);
	free(l);
	return 1;
}

void lookup_abandon(struct lookup *l)
{
	if (l == NULL)
		return;
	if (gai_cancel(&l->cb) == EAI_NOTCANCELED)
		return; /* glibc's thread still writes to it */
	if (gai_error(&l->cb) == 0 && l->cb.ar_result != NULL)
		freeaddrinfo(l->cb.ar_result);
	free(l);
}
