/* Where the daemon listens: Unix sockets and TCP addresses, in the order
 * they are tried, and whether each is on this host. */
#ifndef NG_ENDPOINT_H
#define NG_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <netdb.h>
#include <sys/socket.h>

#include "core/conf.h"

#define ENDPOINT_MAX 32

/* A daemon named on the command line: --socket=PATH, --host=HOST[:PORT]
 * or --pool=NAME[:PORT]. */
struct ng_daemon_arg {
	bool tcp;          /* --host or --pool */
	bool pool;         /* --pool: each address NAME resolves to is a daemon */
	const char *value; /* points into argv */
};

/* A --pool: resolved at the start, and again while the scan runs. */
struct pool_name {
	char host[256];
	unsigned port;
	const char *arg; /* as given, for messages */
};
#define POOL_MAX 16
/* clamd's TCP port when --host names none */
#define ENDPOINT_DEFAULT_PORT 3310

enum endpoint_kind { ENDPOINT_UNIX, ENDPOINT_TCP };

struct endpoint {
	enum endpoint_kind kind;
	char name[300];   /* for messages: "/run/clamav/clamd.ctl" or "127.0.0.1:3310" */
	char label[300];  /* as clamdscan names it when it cannot connect: the socket
			   * path, clamd.conf's TCPAddr (no port), or --host's value */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool local;       /* paths sent to it mean the same files as ours */
	unsigned daemon;  /* which daemon: each --socket/--host is one, with all
			   * its addresses; clamd.conf's sockets are all daemon 0;
			   * each address of a --pool is one */
	unsigned pool;    /* the --pool it came from, 1-based; 0: none */
};

struct endpoint_list {
	struct endpoint ep[ENDPOINT_MAX];
	size_t n;
	unsigned n_daemons; /* distinct daemons among ep: more than one spreads a scan */
	struct pool_name pools[POOL_MAX];
	size_t n_pools;
};

/* Builds the list from the configuration: LocalSocket first, then every
 * address of every TCPAddr (localhost when TCPSocket has no TCPAddr).
 * Returns 0, or -1 with a message in err (a name that does not resolve,
 * a socket path too long, no socket configured). */
int endpoints_from_conf(const struct ng_conf *c, struct endpoint_list *out, char *err,
			size_t errlen);

/* Builds the list from --socket and --host, in command-line order; a host
 * adds every address it resolves to. Returns 0, or -1 with a message in
 * err naming the option (a name that does not resolve, a path too long). */
int endpoints_from_args(const struct ng_daemon_arg *d, size_t n, struct endpoint_list *out,
			char *err, size_t errlen);

/* Resolves pool p (A and AAAA) into at most max endpoints at out, each
 * marked with pool_id; *n says how many. Returns 0, or -1 with a message
 * in err (the name does not resolve, or to nothing usable). */
int endpoint_resolve_pool(const struct pool_name *p, unsigned pool_id, struct endpoint *out,
			  size_t max, size_t *n, char *err, size_t errlen);

/* What getaddrinfo is asked for a daemon's name: TCP, IPv4 and IPv6. */
void endpoint_lookup_hints(struct addrinfo *hints);

/* The same as endpoint_resolve_pool() from a lookup made elsewhere
 * (clamd/lookup.h): rc and res are what getaddrinfo gave. */
int endpoint_pool_answer(const struct pool_name *p, unsigned pool_id, int rc,
			 const struct addrinfo *res, struct endpoint *out, size_t max, size_t *n,
			 char *err, size_t errlen);

/* True when a and b are the same address (and port). */
bool endpoint_same_addr(const struct endpoint *a, const struct endpoint *b);

/* Splits --host's HOST[:PORT] ("[v6]:PORT" for IPv6; a bare IPv6 address
 * takes no port) into host (hostlen bytes) and port (3310 when none).
 * Returns 0, or -1 with a message in err. Pure: no name is resolved. */
int endpoint_parse_host(const char *arg, char *host, size_t hostlen, unsigned *port, char *err,
			size_t errlen);

/* Decides whether a TCP address belongs to this host: one we can bind to is
 * ours. Returns true for local. */
bool endpoint_addr_is_local(const struct sockaddr *sa, socklen_t len);

#endif
