/* The per-file requests an IDSESSION carries: SCAN (the daemon opens a
 * path), INSTREAM (we send the contents) and FILDES (we pass the very
 * descriptor), behind one small interface, and the choice between them. */
#ifndef NG_REQUEST_H
#define NG_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "clamd/endpoint.h"
#include "core/item.h"
#include "core/result.h"
#include "driver/driver.h"
#include "driver/session.h"

/* One file's request, from submission to its end. */
struct request {
	struct scan_item *item;
	const struct request_ops *ops; /* as last sent */
	unsigned long seq;             /* submission order */
	bool answered;
	bool needs_proof;              /* its answer is an OK to SCAN (confirm.h) */
	enum verdict v;                /* the answer, once there is one */
	char *detail;                  /* its signature or message (owned), or NULL */
	struct session *s;             /* where the answer came from */
	unsigned long index;           /* the answer's place there (confirm.h) */
	unsigned sends;
	unsigned charges;              /* failed sessions charged to it */
	bool truncated;                /* INSTREAM: over StreamMaxLength; the rest unsent */
	int read_errno;                /* INSTREAM: reading failed part way */
	struct request *next;          /* in whichever list holds it */
};

struct request_ops {
	const char *command;  /* "SCAN", "INSTREAM", "FILDES": checked by VERSIONCOMMANDS */
	bool needs_vouching;  /* its OK waits for proof (confirm.h): SCAN only */
	/* whether it can carry it to ep */
	bool (*fits)(const struct endpoint *ep, const struct scan_item *it);
	/* writes the request; -1: the session broke. buf: a scratch buffer of
	 * REQUEST_BUFFER bytes; limit: StreamMaxLength */
	int (*send)(struct session *s, struct request *req, char *buf, uint64_t limit);
	/* whether path is what clamd calls it in a reply */
	bool (*names)(const struct scan_item *it, const char *path);
};

/* The scratch buffer a send needs: the INSTREAM command, a chunk header,
 * the chunk and the end mark; a SCAN command fits too. */
#define REQUEST_CHUNK (64 * 1024)
#define REQUEST_BUFFER (sizeof("zINSTREAM") + 4 + REQUEST_CHUNK + 4)

extern const struct request_ops request_scan, request_instream, request_fildes;

/* want where it fits ep and it; else FILDES on a Unix socket when it is
 * open; else INSTREAM. NULL when nothing can carry it (no descriptor and
 * no path the daemon can open). Pure. */
const struct request_ops *request_for(enum request_kind want, const struct endpoint *ep,
				      const struct scan_item *it);

/* The command of a request kind ("SCAN", ...). */
const char *request_command(enum request_kind k);

#endif
