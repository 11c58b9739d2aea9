/* The local driver: files scanned in this process with libclamav, for
 * --local and --local-fallback. Same shape as the IDSESSION engine (new,
 * submit, drain, finish) and the same reporting (verdict.c), so a local
 * scan prints what a daemon scan of the same tree prints. libclamav is
 * loaded with dlopen only when local_new runs: a daemon scan never pays for
 * it. */
#ifndef NG_LOCAL_H
#define NG_LOCAL_H

#include "scan/scan.h"
#include "scan/walk.h"

/* The soname loaded; Debian 12's libclamav12 package (ClamAV 1.x). */
#define LOCAL_LIBCLAMAV "libclamav.so.12"

struct local;

/* Loads libclamav, the signature databases (--database, else
 * DatabaseDirectory, else libclamav's default) and clamd.conf's limits, and
 * compiles the engine once. With threads > 0, that many scanning threads
 * share it; with 0 files are scanned in the calling thread, in order.
 * Returns NULL after reporting why (no libclamav, a missing, empty or bad
 * database directory): nothing can be scanned. The caller frees with
 * local_finish. */
struct local *local_new(struct scan_ctx *ctx, unsigned threads);

/* Scans f, first waiting (and reporting finished files) while the bounded
 * queue is full. The driver owns f from here: it ends as exactly one of
 * clean, infected, error, reported from the calling thread. */
void local_submit(struct local *l, struct scan_file *f);

/* Waits until every file submitted so far is reported. */
void local_drain(struct local *l);

/* Drains, stops the threads and frees l and the engine (l may be NULL). */
void local_finish(struct local *l);

#endif
