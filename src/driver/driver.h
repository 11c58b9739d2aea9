/* How files reach a scanner: one interface, three drivers.
 *
 *   idsession  per-file requests (SCAN, INSTREAM or FILDES) pipelined over
 *              one IDSESSION per daemon, replies matched by id
 *   path       one ALLMATCHSCAN per file (-z), which clamd takes only
 *              outside a session
 *   local      libclamav in this process (--local, --local-fallback)
 *
 * The scan loop opens one with the environment the plan describes, submits
 * items, and learns every outcome through env->sink, and only there. */
#ifndef NG_DRIVER_H
#define NG_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "clamd/endpoint.h"
#include "core/conf.h"
#include "core/item.h"
#include "core/result.h"
#include "output/report.h"

enum driver_kind { DRIVER_IDSESSION, DRIVER_PATH, DRIVER_LOCAL };

/* The per-file request an IDSESSION carries. */
enum request_kind {
	REQUEST_SCAN,     /* the daemon opens item->path */
	REQUEST_INSTREAM, /* we send the contents of item->fd */
	REQUEST_FILDES,   /* we pass item->fd itself (Unix sockets) */
};

/* All a driver may see: no options, no scan loop state. */
struct driver_env {
	const struct ng_conf *conf;              /* StreamMaxLength, limits, DatabaseDirectory */
	const struct endpoint *const *daemons;   /* one address each; none for local */
	size_t n_daemons;
	unsigned timeout;                        /* --timeout: seconds of silence allowed */
	const struct pool_name *pools;           /* --pool names: resolved again while scanning */
	size_t n_pools;
	unsigned pool_refresh;                   /* at most this often (s); 0: only on failure */
	unsigned window;                         /* requests in flight per daemon (local: threads) */
	unsigned fds_per_item;                   /* descriptors a submitted item holds until it ends */
	bool ordered;                            /* outcomes in submission order (no -m) */
	enum request_kind request;               /* what the plan wants per file */
	bool allmatch;                           /* every signature of a file (-z) */
	bool error_tail;                         /* a daemon's ERROR is told by the words after
						  * its last colon, as clamdscan's per-file modes
						  * tell it; else whole, as its path mode */
	const char *database;                    /* local: --database, or NULL */
	long long max_db_age;                    /* local: --max-db-age in seconds, or 0 */
	struct result_sink sink;
	struct report *msg;                      /* the driver's own errors and warnings */
};

struct driver;

struct driver_ops {
	const char *name;
	/* NULL after saying why on env->msg: nothing can be scanned */
	struct driver *(*open)(const struct driver_env *env);
	/* takes it: it ends through the sink, now or later */
	void (*submit)(struct driver *d, struct scan_item *it);
	/* returns once every item submitted so far has ended */
	void (*drain)(struct driver *d);
	/* drains, ends the sessions, frees; NULL is accepted */
	void (*close)(struct driver *d);
};

extern const struct driver_ops driver_idsession, driver_path, driver_local;

/* The one place a driver is chosen. */
const struct driver_ops *driver_for(enum driver_kind k);

#endif
