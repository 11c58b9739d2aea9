/* Where the daemon listens: Unix sockets and TCP addresses, in the order
 * they are tried, and whether each is on this host. */
#ifndef NG_ENDPOINT_H
#define NG_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "conf.h"

#define ENDPOINT_MAX 32

enum endpoint_kind { ENDPOINT_UNIX, ENDPOINT_TCP };

struct endpoint {
	enum endpoint_kind kind;
	char name[300];   /* for messages: "/run/clamav/clamd.ctl" or "127.0.0.1:3310" */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool local;       /* paths sent to it mean the same files as ours */
};

struct endpoint_list {
	struct endpoint ep[ENDPOINT_MAX];
	size_t n;
};

/* Builds the list from the configuration: LocalSocket first, then every
 * address of every TCPAddr (localhost when TCPSocket has no TCPAddr).
 * Returns 0, or -1 with a message in err (a name that does not resolve,
 * a socket path too long, no socket configured). */
int endpoints_from_conf(const struct ng_conf *c, struct endpoint_list *out, char *err,
			size_t errlen);

/* Decides whether a TCP address belongs to this host: one we can bind to is
 * ours. Returns true for local. */
bool endpoint_addr_is_local(const struct sockaddr *sa, socklen_t len);

#endif
