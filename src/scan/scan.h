/* A scan: the context every driver works in, and the target loop. */
#ifndef NG_SCAN_H
#define NG_SCAN_H

#include <stdbool.h>

#include "core/conf.h"
#include "clamd/endpoint.h"
#include "cli/options.h"
#include "scan/plan.h"
#include "output/report.h"

struct engine;
struct local;
struct quarantine;
struct unvouched;

struct scan_ctx {
	const struct ng_options *opts;
	const struct ng_conf *conf;
	const struct endpoint_list *endpoints;
	const struct endpoint *ep; /* the daemon chosen for this scan; NULL when local */
	const struct endpoint *daemons[ENDPOINT_MAX]; /* with several daemons: one */
	size_t n_daemons;                              /* address each, that answered */
	struct report *rep;
	struct plan plan;
	struct tally tally;
	struct engine *engine; /* per-file requests, when the plan walks */
	struct local *local;   /* or libclamav in this process (--local, fallback) */
	const char *no_daemon; /* with --local-fallback: why no daemon can be tried */
	const struct quarantine *quarantine; /* --move/--copy/--remove, or NULL */
	unsigned long distrust; /* protocol violations so far: a target open
				 * during one gets no OK line */
	struct unvouched *unvouched; /* path mode: a reply not yet believed whole */
};

/* A target as the user named it and as the daemon will be asked about it. */
struct target {
	char *shown;  /* absolute, as clamdscan prints it (cwd + "/" + arg) */
	char *real;   /* canonical path, what path commands send */
	bool is_link; /* the argument itself is a symlink: replies are shown under it */
	bool is_dir;
	bool is_regular;
	bool no_ok_line; /* a file of a directory walked here: the directory gets the OK */
};

/* Scans every target of the command line (or -f list, or the current
 * directory) and returns the exit status: 0 clean, 1 found, 2 error. */
int scan_run(struct scan_ctx *ctx);

/* Path mode: the daemon opens and walks target->real itself. The target's
 * OK line (when the daemon answered OK for the target itself) is printed
 * once the daemon shows it was not being stopped: by answering the next
 * path command, or at path_vouch_flush. */
void path_scan_target(struct scan_ctx *ctx, const struct target *t);

/* Settles the last path command's reply now, asking the daemon for a PONG.
 * The report does so itself before it writes any line; call it where the
 * counts must be final (and at the end of the scan). */
void path_vouch_flush(struct scan_ctx *ctx);

/* The path to print for a reply naming `reply`, a path at or under t->real:
 * re-rooted under t->shown when the user named a symlink. Writes into buf. */
const char *target_display(const struct target *t, const char *reply, char *buf, size_t len);

/* True when reply names t->real or something below it. */
bool target_covers(const struct target *t, const char *reply);

#endif
