/* One file's verdict, reported the same way whichever driver produced it:
 * the IDSESSION engine (a daemon's reply) or the local libclamav scanner. */
#ifndef NG_VERDICT_H
#define NG_VERDICT_H

#include "reply.h"
#include "scan.h"
#include "walk.h"

/* Ends f as exactly one of clean, infected or error: prints its line
 * ("path: SIG FOUND", "path: message ERROR"; clean files print nothing, the
 * caller prints OK per target), counts it, acts on it when infected (on the
 * descriptor and directory held since the scan) and frees f. detail is the
 * signature or the error message. REPLY_OTHER counts as an error. */
void verdict_report(struct scan_ctx *ctx, struct scan_file *f, enum reply_status st,
		    const char *detail);

#endif
