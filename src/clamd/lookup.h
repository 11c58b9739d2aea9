/* A --pool name looked up again while a scan runs, without stopping it:
 * getaddrinfo_a(3) runs the lookup on a thread of glibc's, and the scan
 * asks now and then whether it is done. A resolver that hangs (a DNS
 * server that never answers, an NSS source that blocks) then costs the
 * scan nothing but the new addresses, and a signal still ends the run at
 * once. */
#ifndef NG_LOOKUP_H
#define NG_LOOKUP_H

#include <stddef.h>

#include "clamd/endpoint.h"

struct lookup;

/* Starts looking p up. NULL with a message in err when it cannot start. */
struct lookup *lookup_start(const struct pool_name *p, char *err, size_t errlen);

/* Whether it is done: 0 while it runs; 1 once done, with *rc and its
 * endpoints as endpoint_pool_answer() gives them (pool_id marked). l is
 * not to be used again once done (it is freed, or left to glibc). */
int lookup_poll(struct lookup *l, unsigned pool_id, struct endpoint *out, size_t max, size_t *n,
		int *rc, char *err, size_t errlen);

/* Gives up on it: cancelled, and freed unless glibc may still touch it
 * (then left to the process's exit). */
void lookup_abandon(struct lookup *l);

#endif
