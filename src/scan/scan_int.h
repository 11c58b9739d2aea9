/* What the files of the scan loop share, and only they: the scan's state,
 * and the functions each gives the others (scan.c: the plan and the
 * driver, each target walked and sent; scan_args.c: the command line's
 * targets; scan_daemons.c: which daemons answer). */
#ifndef NG_SCAN_INT_H
#define NG_SCAN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "clamd/endpoint.h"
#include "core/item.h"
#include "core/target.h"
#include "driver/driver.h"
#include "scan/plan.h"
#include "scan/results.h"
#include "scan/walk.h"

/* scan/scan.h (not included: scan.c includes this). */
struct scan_settings;

/* One scan: what it was asked, and how it goes. */
struct scan_ctx {
	const struct scan_settings *set;
	const struct ng_conf *conf;
	const struct endpoint_list *endpoints;
	struct report *rep;
	const struct quarantine *q;
	const struct endpoint *daemons[ENDPOINT_MAX]; /* one address each, that answered */
	size_t n_daemons;
	bool unreachable;       /* no daemon answered: each target says so */
	struct plan plan;
	struct walk_opts walk;
	struct results *results;
	struct tally *tally;
	const struct driver_ops *ops;
	struct driver *driver;
};

/* scan.c: outcomes made final before a line of the loop's own; a file
 * handed to the driver; a directory target walked; a file target sent. */
void settle(struct scan_ctx *ctx);
void submit(struct scan_ctx *ctx, struct target_group *g, struct scan_item *it);
void walk_target(struct scan_ctx *ctx, struct target_group *g, const struct target *t);
void file_target(struct scan_ctx *ctx, struct target_group *g, const struct target *t);

/* scan_args.c: whether the scan is of standard input alone; every target
 * scanned. */
bool stdin_only(const struct scan_settings *s);
void scan_targets(struct scan_ctx *ctx);

/* scan_daemons.c: the daemons tried again, or said to be unreachable, while
 * none answers; each daemon's first address that answers chosen. */
bool reachable_again(struct scan_ctx *ctx);
void say_unreachable(struct scan_ctx *ctx);
void unreachable_target(struct scan_ctx *ctx);
bool choose_daemons(struct scan_ctx *ctx, char *why, size_t len);

#endif
