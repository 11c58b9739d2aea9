/* One file's verdict, reported the same way whichever driver produced it:
 * the IDSESSION engine (a daemon's reply) or the local libclamav scanner. */
#ifndef NG_VERDICT_H
#define NG_VERDICT_H

#include "clamd/reply.h"
#include "scan/scan.h"
#include "scan/walk.h"

/* Ends f as exactly one of clean, infected or error: prints its line
 * ("path: SIG FOUND", "path: message ERROR"; clean files print nothing:
 * its target group prints OK), counts it, acts on it when infected (on the
 * descriptor and directory held since the scan) and frees f. detail is the
 * signature or the error message. REPLY_OTHER counts as an error. */
void verdict_report(struct scan_ctx *ctx, struct scan_file *f, enum reply_status st,
		    const char *detail);

/* A command-line target whose files are being scanned. As clamdscan, it
 * gets one "target: OK" line when every file of it ended clean; the line is
 * printed when its last file ends, so the next target's files can be sent
 * meanwhile (no wait for the daemon between targets). */
struct target_group;

/* A group for the target shown as shown. NULL when out of memory. */
struct target_group *verdict_group_new(const struct scan_ctx *ctx, const char *shown);

/* Something went wrong for the target outside any file's verdict (the
 * walk could not open a file, say): it gets no OK line. */
void verdict_group_taint(struct target_group *g);

/* f belongs to g: its verdict counts for g. Call before submitting f. */
void verdict_group_add(struct target_group *g, struct scan_file *f);

/* Every file of g has been submitted: g ends (printing OK when it earned
 * it) as soon as none is outstanding, perhaps now. */
void verdict_group_walked(struct scan_ctx *ctx, struct target_group *g);

#endif
