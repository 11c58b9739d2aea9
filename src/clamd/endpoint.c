/* Turns clamd.conf's LocalSocket/TCPSocket/TCPAddr into connectable addresses. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "clamd/endpoint.h"

bool endpoint_addr_is_local(const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage probe;
	int fd, rc;

	if (len > sizeof(probe))
		return false;
	memcpy(&probe, sa, len);
	/* port 0: we only ask whether the address is one of ours */
	if (probe.ss_family == AF_INET)
		((struct sockaddr_in *)&probe)->sin_port = 0;
	else if (probe.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&probe)->sin6_port = 0;
	else
		return false;
	fd = socket(probe.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	rc = bind(fd, (struct sockaddr *)&probe, len);
	close(fd);
	return rc == 0;
}

/* Appends the Unix socket path; -1 if it cannot fit sun_path. what names
 * the setting in messages ("LocalSocket ", "--socket="). */
static int add_unix(struct endpoint_list *out, const char *path, const char *what, char *err,
		    size_t errlen)
{
	struct endpoint *e = &out->ep[out->n];
	struct sockaddr_un *sun = (struct sockaddr_un *)&e->addr;
	char abs[PATH_MAX + sizeof(sun->sun_path)];

	/* the walk changes directory: a relative path would stop reaching it */
	if (path[0] != '/') {
		char *cwd = getcwd(NULL, 0);

		if (cwd == NULL) {
			snprintf(err, errlen, "%s%s: %s", what, path, strerror(errno));
			return -1;
		}
		snprintf(abs, sizeof(abs), "%s/%s", cwd, path);
		free(cwd);
		path = abs;
	}
	if (out->n >= ENDPOINT_MAX) {
		snprintf(err, errlen, "%s%s: more than %d daemons", what, path, ENDPOINT_MAX);
		return -1;
	}
	if (strlen(path) >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "%s%s: path too long for a Unix socket", what, path);
		return -1;
	}
	memset(e, 0, sizeof(*e));
	e->kind = ENDPOINT_UNIX;
	e->local = true;
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, path);
	e->addrlen = (socklen_t)sizeof(*sun);
	e->daemon = out->n_daemons;
	snprintf(e->name, sizeof(e->name), "%s", sun->sun_path);
	snprintf(e->label, sizeof(e->label), "LocalSocket %s", sun->sun_path);
	out->n++;
	return 0;
}

/* The addresses of res as at most max endpoints at out (the same address
 * given twice kept once); *n says how many. label is how clamdscan names
 * them, NULL for the address itself. */
static void endpoints_of(const struct addrinfo *res, unsigned port, const char *label,
			 struct endpoint *out, size_t max, size_t *n)
{
	char numeric[INET6_ADDRSTRLEN];

	*n = 0;
	for (const struct addrinfo *ai = res; ai != NULL && *n < max; ai = ai->ai_next) {
		struct endpoint *e = &out[*n];
		bool seen = false;

		if (ai->ai_addrlen > sizeof(e->addr))
			continue;
		memset(e, 0, sizeof(*e));
		e->kind = ENDPOINT_TCP;
		memcpy(&e->addr, ai->ai_addr, ai->ai_addrlen);
		e->addrlen = ai->ai_addrlen;
		for (size_t k = 0; k < *n && !seen; k++)
			seen = endpoint_same_addr(&out[k], e);
		if (seen)
			continue;
		e->local = endpoint_addr_is_local(ai->ai_addr, ai->ai_addrlen);
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, numeric, sizeof(numeric), NULL, 0,
				NI_NUMERICHOST) != 0)
			snprintf(numeric, sizeof(numeric), "?");
		if (ai->ai_family == AF_INET6)
			snprintf(e->name, sizeof(e->name), "[%s]:%u", numeric, port);
		else
			snprintf(e->name, sizeof(e->name), "%s:%u", numeric, port);
		snprintf(e->label, sizeof(e->label), "%s", label != NULL ? label : e->name);
		(*n)++;
	}
}

void endpoint_lookup_hints(struct addrinfo *hints)
{
	memset(hints, 0, sizeof(*hints));
	hints->ai_family = AF_UNSPEC;
	hints->ai_socktype = SOCK_STREAM;
}

/* Resolves host (NULL = loopback) into at most max endpoints at out, as
 * endpoints_of() says. what names the setting in messages ("TCPAddr ",
 * "--host="). */
static int resolve_tcp(const char *host, unsigned port, const char *what, const char *label,
		       const char *shown, struct endpoint *out, size_t max, size_t *n, char *err,
		       size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char portstr[16];
	int rc;

	*n = 0;
	endpoint_lookup_hints(&hints);
	snprintf(portstr, sizeof(portstr), "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s%s: cannot resolve: %s", what,
			 shown != NULL ? shown : host != NULL ? host : "localhost", gai_strerror(rc));
		return -1;
	}
	endpoints_of(res, port, label, out, max, n);
	freeaddrinfo(res);
	return 0;
}

/* Resolves host and appends each address, all one daemon. */
static int add_tcp(struct endpoint_list *out, const char *host, unsigned port, const char *what,
		   const char *label, char *err, size_t errlen)
{
	size_t n;

	if (resolve_tcp(host, port, what, label, NULL, &out->ep[out->n], ENDPOINT_MAX - out->n, &n,
			err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		out->ep[out->n + i].daemon = out->n_daemons;
	out->n += n;
	return 0;
}

bool endpoint_same_addr(const struct endpoint *a, const struct endpoint *b)
{
	return a->kind == b->kind && a->addrlen == b->addrlen &&
	       memcmp(&a->addr, &b->addr, a->addrlen) == 0;
}

/* Marks the n endpoints at out as pool_id's; -1 with a message when none. */
static int pool_members(const struct pool_name *p, unsigned pool_id, struct endpoint *out,
			size_t n, char *err, size_t errlen)
{
	if (n == 0) {
		snprintf(err, errlen, "--pool=%s: resolves to no address that can be used", p->arg);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		out[i].pool = pool_id;
	return 0;
}

int endpoint_resolve_pool(const struct pool_name *p, unsigned pool_id, struct endpoint *out,
			  size_t max, size_t *n, char *err, size_t errlen)
{
	if (resolve_tcp(p->host, p->port, "--pool=", NULL, p->arg, out, max, n, err, errlen) != 0)
		return -1;
	return pool_members(p, pool_id, out, *n, err, errlen);
}

int endpoint_pool_answer(const struct pool_name *p, unsigned pool_id, int rc,
			 const struct addrinfo *res, struct endpoint *out, size_t max, size_t *n,
			 char *err, size_t errlen)
{
	*n = 0;
	if (rc != 0) {
		snprintf(err, errlen, "--pool=%s: cannot resolve: %s", p->arg, gai_strerror(rc));
		return -1;
	}
	endpoints_of(res, p->port, NULL, out, max, n);
	return pool_members(p, pool_id, out, *n, err, errlen);
}

int endpoints_from_conf(const struct ng_conf *c, struct endpoint_list *out, char *err,
			size_t errlen)
{
	out->n = 0;
	out->n_pools = 0;
	out->n_daemons = 0; /* every socket of one clamd.conf reaches one daemon */
	if (c->local_socket != NULL && add_unix(out, c->local_socket, "LocalSocket ", err, errlen) != 0)
		return -1;
	if (c->tcp_port != 0) {
		if (c->n_tcp_addr == 0 &&
		    add_tcp(out, NULL, c->tcp_port, "TCPAddr ", "localhost", err, errlen) != 0)
			return -1;
		for (size_t i = 0; i < c->n_tcp_addr; i++) {
			/* clamd's "any" means every interface; loopback reaches it */
			const char *host = strcmp(c->tcp_addr[i], "any") == 0 ? NULL : c->tcp_addr[i];

			if (add_tcp(out, host, c->tcp_port, "TCPAddr ", c->tcp_addr[i], err, errlen) != 0)
				return -1;
		}
	}
	if (out->n == 0) {
		snprintf(err, errlen, "no LocalSocket or TCPSocket in the configuration: nowhere to reach clamd");
		return -1;
	}
	/* clamdscan's isremote(): without a LocalSocket, one TCPAddr that is
	 * not this host's makes the daemon remote, whichever address answers */
	for (size_t i = 0; c->local_socket == NULL && i < out->n; i++) {
		if (!out->ep[i].local) {
			for (size_t k = 0; k < out->n; k++)
				out->ep[k].local = false;
			break;
		}
	}
	out->n_daemons = 1;
	return 0;
}

int endpoint_parse_host(const char *arg, char *host, size_t hostlen, unsigned *port, char *err,
			size_t errlen)
{
	const char *orig = arg, *end, *colon = NULL;
	size_t n;

	*port = ENDPOINT_DEFAULT_PORT;
	if (arg[0] == '[') {
		end = strchr(arg, ']');
		if (end == NULL || strchr(arg + 1, '[') != NULL) {
			snprintf(err, errlen, "unbalanced brackets in '%s': expected [ADDRESS]:PORT", arg);
			return -1;
		}
		if (end[1] != '\0' && end[1] != ':') {
			snprintf(err, errlen, "unexpected text after ']' in '%s': expected [ADDRESS]:PORT",
				 arg);
			return -1;
		}
		if (end[1] == ':')
			colon = end + 1;
		arg++;
		n = (size_t)(end - arg);
	} else {
		if (strchr(arg, '[') != NULL || strchr(arg, ']') != NULL) {
			snprintf(err, errlen, "unbalanced brackets in '%s': expected [ADDRESS]:PORT", arg);
			return -1;
		}
		colon = strchr(arg, ':');
		/* more than one colon: a bare IPv6 address, which cannot carry a port */
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;
		n = colon != NULL ? (size_t)(colon - arg) : strlen(arg);
	}
	if (n == 0) {
		snprintf(err, errlen, "no host name in '%s'", orig);
		return -1;
	}
	if (n >= hostlen) {
		snprintf(err, errlen, "host name too long");
		return -1;
	}
	memcpy(host, arg, n);
	host[n] = '\0';
	if (colon != NULL) {
		const char *p = colon + 1;
		unsigned long v = 0;

		for (; *p >= '0' && *p <= '9' && v <= 65535; p++)
			v = v * 10 + (unsigned long)(*p - '0');
		if (p == colon + 1 || *p != '\0' || v < 1 || v > 65535) {
			snprintf(err, errlen, "bad port '%s': expected 1 to 65535", colon + 1);
			return -1;
		}
		*port = (unsigned)v;
	}
	return 0;
}

int endpoints_from_args(const struct ng_daemon_arg *d, size_t n, struct endpoint_list *out,
			char *err, size_t errlen)
{
	char host[256], why[200];
	unsigned port;

	out->n = 0;
	out->n_daemons = 0;
	out->n_pools = 0;
	for (size_t i = 0; i < n; i++, out->n_daemons++) {
		if (!d[i].tcp) {
			if (add_unix(out, d[i].value, "--socket=", err, errlen) != 0)
				return -1;
			continue;
		}
		if (endpoint_parse_host(d[i].value, host, sizeof(host), &port, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "--host=%s: %s", d[i].value, why);
			return -1;
		}
		if (out->n >= ENDPOINT_MAX) {
			snprintf(err, errlen, "--%s=%s: more than %d daemons", d[i].pool ? "pool" : "host",
				 d[i].value, ENDPOINT_MAX);
			return -1;
		}
		if (d[i].pool) {
			struct pool_name *p = &out->pools[out->n_pools];
			size_t got;

			if (out->n_pools >= POOL_MAX) {
				snprintf(err, errlen, "--pool=%s: more than %d pools", d[i].value, POOL_MAX);
				return -1;
			}
			snprintf(p->host, sizeof(p->host), "%s", host);
			p->port = port;
			p->arg = d[i].value;
			out->n_pools++;
			if (endpoint_resolve_pool(p, (unsigned)out->n_pools, &out->ep[out->n],
						  ENDPOINT_MAX - out->n, &got, err, errlen) != 0)
				return -1;
			/* each address its own daemon; the loop counts the last */
			for (size_t k = 0; k < got; k++)
				out->ep[out->n + k].daemon = out->n_daemons + (unsigned)k;
			out->n += got;
			out->n_daemons += (unsigned)got - 1;
			continue;
		}
		if (add_tcp(out, host, port, "--host=", NULL, err, errlen) != 0)
			return -1;
	}
	return 0;
}
