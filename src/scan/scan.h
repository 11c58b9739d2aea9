/* A scan: every target of the command line (or -f list, or standard input,
 * or the current directory) walked and handed, file by file, to one driver. */
#ifndef NG_SCAN_H
#define NG_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "action/quarantine.h"
#include "core/patterns.h"
#include "core/shard.h"
#include "clamd/endpoint.h"
#include "core/conf.h"
#include "core/result.h"
#include "output/report.h"

/* What the user asked of the scan (filled by main from the options). */
struct scan_settings {
	char **targets;          /* as given; none: the current directory */
	size_t n_targets;
	const char *file_list;   /* -f, or NULL */
	bool multiscan;
	bool allmatch;
	bool stream;
	bool fdpass;
	enum ng_action action;
	unsigned timeout;
	unsigned pool_refresh;   /* --pool-refresh seconds */
	unsigned max_inflight;
	bool max_inflight_given;
	bool local;              /* --local */
	bool local_fallback;     /* --local-fallback */
	const char *no_daemon;   /* with --local-fallback: why no daemon can be tried, or NULL */
	const char *database;    /* --database, or NULL */
	long long max_db_age;    /* --max-db-age in seconds (a local scan checks it), or 0 */
	bool fail_on_limits;     /* a file over the daemon's size limits is an error */
	const struct shard *shard; /* --shard, or NULL */
	int progress;            /* --progress 1, --no-progress 0, -1: on a terminal */
	bool quiet;
	bool no_summary;
	const struct path_filters *filters; /* --exclude and the like, or NULL */
	const struct file_id *own; /* the run's own files: never scanned nor acted on */
	size_t n_own;
};

/* Scans and returns the exit status: 0 clean, 1 found, 2 error. q is the
 * quarantine (NULL without an action). */
int scan_run(const struct scan_settings *s, const struct ng_conf *conf,
	     const struct endpoint_list *eps, struct report *rep, const struct quarantine *q);

#endif
