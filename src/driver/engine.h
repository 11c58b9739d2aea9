/* The per-file engine: SCAN, INSTREAM or FILDES requests pipelined over
 * IDSESSION, with a bounded window, replies matched by id, and sessions
 * restarted when the daemon drops them. With several daemons, one session
 * each: a request goes to the daemon with the fewest outstanding, and a
 * daemon's unanswered requests go to the others when it fails. Used with
 * one request in flight too, so files go over one connection instead of
 * one connection each. */
#ifndef NG_ENGINE_H
#define NG_ENGINE_H

#include "scan/scan.h"
#include "scan/walk.h"

/* Request ids used in one session before a new one is started: ids are
 * finite, and the lookup table is sized by this. */
#define ENGINE_SESSION_IDS 8192

struct engine;

/* A new engine sending files to ctx's daemons (ctx->daemons, else ctx->ep)
 * by transport, with at most window requests in flight per daemon (and
 * window in all without ctx->plan.parallel). A daemon that cannot take the
 * transport gets descriptors on a Unix socket, else contents. Returns NULL
 * on allocation failure (reported). */
struct engine *engine_new(struct scan_ctx *ctx, enum transport transport, unsigned window);

/* Sends f, first waiting for replies while the window is full. The engine
 * owns f from here: it ends as exactly one of clean, infected, error. */
void engine_submit(struct engine *e, struct scan_file *f);

/* Waits until every request sent so far has its answer (or its error). */
void engine_drain(struct engine *e);

/* Waits for every outstanding reply, ends the session and frees e. */
void engine_finish(struct engine *e);

#endif
