/* A connection to clamd in which no wait is unbounded. */
#ifndef NG_CONN_H
#define NG_CONN_H

#include <stddef.h>
#include <sys/types.h>

#include "clamd/endpoint.h"

struct conn {
	int fd;                     /* non-blocking; -1 when closed */
	const struct endpoint *ep;
	unsigned timeout;           /* seconds without progress; 0 = none */
};

/* Connects within timeout seconds. Returns 0, or -1 with errno set
 * (ETIMEDOUT when the time ran out). */
int conn_open(struct conn *c, const struct endpoint *ep, unsigned timeout);

/* Waits until fd is ready for events (POLLIN/POLLOUT) or the timeout passes.
 * Returns 0, or -1 with errno (ETIMEDOUT). */
int conn_wait(const struct conn *c, short events);

/* Sends all len bytes. Returns 0, or -1 with errno (EPIPE, ECONNRESET,
 * ETIMEDOUT, ...). */
int conn_send_all(struct conn *c, const void *buf, size_t len);

/* One send attempt that never waits: returns the bytes sent or -1 with
 * errno (EAGAIN when the socket is full). With fd >= 0, fd travels with the
 * first byte in SCM_RIGHTS ancillary data (len must be >= 1). */
ssize_t conn_try_send(struct conn *c, const void *buf, size_t len, int fd);

/* Receives up to cap bytes. Returns the count, 0 at end of stream, or -1
 * with errno (ETIMEDOUT after timeout seconds with nothing). */
ssize_t conn_recv(struct conn *c, void *buf, size_t cap);

void conn_close(struct conn *c);

#endif
