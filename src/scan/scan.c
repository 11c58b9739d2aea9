/* The scan loop: choosing the daemons and the plan, then each target in
 * turn, walked here and sent file by file to one driver.
 *
 * This file holds the plan and the driver chosen, each target walked and
 * sent, and scan_run; scan_args.c goes through the command line's targets,
 * scan_daemons.c finds which daemons answer (scan_int.h: what they
 * share). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/target.h"
#include "driver/driver.h"
#include "output/progress.h"
#include "scan/plan.h"
#include "scan/results.h"
#include "scan/scan.h"
#include "scan/scan_int.h"
#include "scan/walk.h"
#include "util/interrupt.h"

/* Requests in flight without -m: one being scanned and the next already
 * queued in the daemon, so it never waits for us between files (a round
 * trip per file costs a quarter of the time); outcomes stay in order. */
#define PIPELINE_WINDOW 2

/* The most threads a local -m scan starts. */
#define LOCAL_MAX_THREADS 256

/* Makes every outcome so far final before a line of the loop's own is
 * printed: without -m the output keeps the walk's order. */
void settle(struct scan_ctx *ctx)
{
	if (ctx->plan.ordered && ctx->driver != NULL)
		ctx->ops->drain(ctx->driver);
}

/* Hands it, a file of target group g, to the driver. */
void submit(struct scan_ctx *ctx, struct target_group *g, struct scan_item *it)
{
	results_group_add(ctx->results, g, it);
	progress_current(ctx->rep->progress, it->shown);
	ctx->ops->submit(ctx->driver, it);
}

/* A file that could not be sent: its ERROR line, counted; g gets no OK. */
static void file_error(struct scan_ctx *ctx, struct target_group *g, const char *shown,
		       const char *what, int err)
{
	settle(ctx);
	report_error_result(ctx->rep, shown, what);
	if (err != 0)
		report_verbose(ctx->rep, "%s: %s", shown, strerror(err));
	ctx->tally->errors++;
	results_group_taint(g);
}

/* What a walk event other than a file means. Path mode stands in for
 * clamd's own walk, whose passing over links, special files and deep
 * directories no client ever saw; the per-file modes keep clamdscan's own
 * walk's warnings. */
static void on_walk_event(struct scan_ctx *ctx, struct target_group *g, const struct walk_event *ev)
{
	bool daemon_walk = ctx->plan.daemon_walk;
	char msg[300];

	switch (ev->kind) {
	case WALK_ITEM:
		break;
	case WALK_EXCLUDED:
		report_verbose(ctx->rep, "%s: Excluded", ev->shown);
		break;
	case WALK_OTHER_SHARD:
		report_verbose(ctx->rep, "%s: left to another shard", ev->shown);
		break;
	case WALK_OTHER_FS:
		report_verbose(ctx->rep, "%s: Excluded (another filesystem)", ev->shown);
		break;
	case WALK_SKIPPED:
		report_verbose(ctx->rep, "%s: %s of this run, not scanned", ev->shown,
			       ev->what != NULL ? ev->what : "a file");
		break;
	case WALK_CYCLE:
		report_verbose(ctx->rep, "%s: directory cycle, not entered again", ev->shown);
		break;
	case WALK_TOO_DEEP:
		if (daemon_walk) {
			report_verbose(ctx->rep, "%s: Directory recursion limit reached, not entered",
				       ev->shown);
		} else {
			settle(ctx);
			report_warning(ctx->rep, "Directory recursion limit reached");
		}
		break;
	case WALK_SPECIAL:
		if (daemon_walk) {
			report_verbose(ctx->rep, "%s: Not supported file type, passed over", ev->shown);
		} else {
			settle(ctx);
			report_warning(ctx->rep, "%s: Not supported file type", ev->shown);
			ctx->tally->errors++;
			results_group_taint(g);
		}
		break;
	case WALK_UNREADABLE:
		if (daemon_walk) {
			/* what clamd says of what it cannot look at */
			snprintf(msg, sizeof(msg), "File path check failure: %s.", strerror(ev->err));
			file_error(ctx, g, ev->shown, msg, 0);
		} else {
			/* clamdscan's own walk says it on stderr */
			settle(ctx);
			report_error(ctx->rep, "Can't access file %s", ev->shown);
			report_verbose(ctx->rep, "%s: %s", ev->shown, strerror(ev->err));
			ctx->tally->errors++;
			results_group_taint(g);
		}
		break;
	case WALK_OPEN_FAILED:
		file_error(ctx, g, ev->shown, "Failed to open file.", ev->err);
		break;
	case WALK_CHANGED:
		file_error(ctx, g, ev->shown, "Changed while being scanned: not scanned.", 0);
		break;
	case WALK_NOMEM:
	default:
		file_error(ctx, g, ev->shown, "Out of memory.", ENOMEM);
		break;
	}
}

/* Walks the directory t, sending each file. */
void walk_target(struct scan_ctx *ctx, struct target_group *g, const struct target *t)
{
	struct walk *w = walk_open(&ctx->walk, t);
	struct walk_event ev;
	bool drained = false;
	int rc = 0;

	if (w == NULL) {
		settle(ctx);
		report_error(ctx->rep, "Can't access file %s: %s", t->shown, strerror(errno));
		ctx->tally->errors++;
		results_group_taint(g);
		return;
	}
	while (interrupt_signal() == 0 && (rc = walk_next(w, &ev)) > 0) {
		if (ev.kind == WALK_NEED_FDS) {
			/* files in flight hold descriptors: end them, then try again;
			 * if that freed none, the walk says the file cannot be opened */
			if (!drained)
				ctx->ops->drain(ctx->driver);
			else
				walk_fds_exhausted(w);
			drained = !drained;
			continue;
		}
		drained = false;
		if (ev.kind == WALK_ITEM)
			submit(ctx, g, ev.item);
		else
			on_walk_event(ctx, g, &ev);
	}
	if (rc < 0) {
		settle(ctx);
		report_error(ctx->rep, "%s: walk failed: %s", t->shown, strerror(errno));
		ctx->tally->errors++;
		results_group_taint(g);
	}
	walk_close(w);
}

/* The file t, named on the command line. */
void file_target(struct scan_ctx *ctx, struct target_group *g, const struct target *t)
{
	struct scan_item *it = walk_target_file(&ctx->walk, t);

	if (it == NULL) {
		file_error(ctx, g, t->shown,
			   errno == ESTALE ? "Changed while being scanned: not scanned."
					   : "Failed to open file.",
			   errno == ESTALE ? 0 : errno);
		return;
	}
	it->is_target = true;
	submit(ctx, g, it);
}

/* Threads for a local -m scan: --max-inflight, or one per CPU. */
static unsigned local_threads(const struct scan_settings *s)
{
	long n;

	if (s->max_inflight_given)
		return s->max_inflight;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > LOCAL_MAX_THREADS ? LOCAL_MAX_THREADS : (unsigned)n;
}

/* Chooses local scanning or the daemons. Returns true for local (said
 * why on stderr when it is a fallback). */
static bool choose_local(struct scan_ctx *ctx)
{
	const struct scan_settings *s = ctx->set;
	char why[1024];

	if (s->local) {
		if (s->stream || s->fdpass)
			report_warning(ctx->rep, "%s is for a daemon and has no effect with --local: files are "
				       "opened here and scanned by descriptor",
				       s->stream ? "--stream" : "--fdpass");
		return true;
	}
	if (s->no_daemon != NULL) {
		report_warning(ctx->rep, "clamd unreachable: %s; scanning locally with libclamav",
			       s->no_daemon);
		return true;
	}
	if (!choose_daemons(ctx, why, sizeof(why))) {
		if (s->local_fallback) {
			report_warning(ctx->rep, "clamd unreachable %s; scanning locally with libclamav",
				       why[0] != '\0' ? why : "(no daemon configured)");
			ctx->unreachable = false;
			return true;
		}
		/* each file's error names one daemon: say once what became of all */
		if (ctx->endpoints->n_daemons > 1)
			report_error(ctx->rep, "clamd unreachable %s", why);
	}
	return false;
}

/* Chooses the scanner and the plan, and opens the driver. Returns 0, or
 * -1 when nothing can be scanned (reported). */
static int open_driver(struct scan_ctx *ctx)
{
	const struct scan_settings *s = ctx->set;
	struct plan_input in = { 0 };
	struct driver_env env = { 0 };
	struct stat st;

	in.local = choose_local(ctx);
	in.daemon_local = true;
	for (size_t i = 0; !in.local && i < ctx->n_daemons; i++) {
		/* with several daemons: descriptors when any can take them, paths
		 * only when every one is on this host */
		in.unix_socket = in.unix_socket || ctx->daemons[i]->kind == ENDPOINT_UNIX;
		in.daemon_local = in.daemon_local && ctx->daemons[i]->local;
	}
	/* as asked, whether or not they all answer: a scan does not change its
	 * transport (nor its -z) with the health of the daemons */
	in.several = ctx->endpoints->n_daemons > 1 || ctx->endpoints->n_pools > 0;
	/* a pool's members come and go under the scan, and an address says
	 * nothing of which files a daemon sees: their contents are sent */
	if (ctx->endpoints->n_pools > 0) {
		in.daemon_local = in.unix_socket = false;
		if (s->fdpass && !s->stream)
			report_warning(ctx->rep, "--fdpass: files are streamed to a --pool's daemons");
	}
	in.stream = s->stream;
	in.fdpass = s->fdpass;
	in.multiscan = s->multiscan;
	in.allmatch = s->allmatch;
	in.action = s->action != ACTION_NONE;
	in.stdin_target = stdin_only(s);
	in.stdin_regular = fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode);
	ctx->plan = plan_choose(&in);
	if (ctx->plan.note != NULL)
		report_warning(ctx->rep, "%s", ctx->plan.note);
	for (size_t i = 0; !in.local && in.several && s->fdpass && !s->stream && in.unix_socket &&
			   i < ctx->n_daemons;
	     i++)
		if (ctx->daemons[i]->kind != ENDPOINT_UNIX)
			report_warning(ctx->rep, "--fdpass: clamd at %s is on TCP; files sent to it are streamed",
				       ctx->daemons[i]->name);

	ctx->walk.conf = ctx->conf;
	ctx->walk.filters = s->filters;
	ctx->walk.shard = s->shard;
	ctx->walk.open_files = ctx->plan.open_files;
	ctx->walk.want_path = ctx->plan.want_path;
	ctx->walk.hold_dirs = s->action != ACTION_NONE;
	/* clamd's walk keeps to the target's filesystem (CrossFilesystems no)
	 * and off /proc; clamdscan's own walk does so only before an action */
	ctx->walk.same_fs = !ctx->conf->cross_filesystems && (ctx->plan.daemon_walk || in.action);
	ctx->walk.skip_proc = ctx->plan.daemon_walk || in.action;
	ctx->walk.names = ctx->plan.daemon_walk   ? WALK_NAMES_DAEMON
			  : ctx->plan.names_given ? WALK_NAMES_GIVEN
						  : WALK_NAMES_REAL;
	if (ctx->plan.daemon_walk)
		walk_identity_of(&ctx->walk.daemon, ctx->conf->user);
	if (ctx->q != NULL && ctx->q->dirfd >= 0 && fstat(ctx->q->dirfd, &st) == 0)
		ctx->walk.skip[ctx->walk.n_skip++] =
			(struct file_id){ st.st_dev, st.st_ino, "the quarantine directory" };
	for (size_t i = 0; i < s->n_own && ctx->walk.n_skip < WALK_MAX_SKIP; i++)
		ctx->walk.skip[ctx->walk.n_skip++] = s->own[i];

	env.conf = ctx->conf;
	env.daemons = ctx->daemons;
	env.n_daemons = in.local ? 0 : ctx->n_daemons;
	env.timeout = s->timeout;
	env.pools = ctx->endpoints->pools;
	env.n_pools = in.local ? 0 : ctx->endpoints->n_pools;
	env.pool_refresh = s->pool_refresh;
	env.ordered = ctx->plan.ordered;
	env.window = in.local ? local_threads(s) : ctx->plan.ordered ? PIPELINE_WINDOW : s->max_inflight;
	env.request = ctx->plan.request;
	env.fds_per_item = (ctx->walk.open_files ? 1 : 0) + (ctx->walk.hold_dirs ? 1 : 0);
	env.allmatch = ctx->plan.allmatch;
	env.error_tail = !ctx->plan.daemon_walk;
	env.database = s->database;
	env.max_db_age = s->max_db_age;
	env.sink = results_sink(ctx->results);
	env.msg = ctx->rep;
	ctx->ops = driver_for(ctx->plan.driver);
	ctx->driver = ctx->ops->open(&env);
	return ctx->driver != NULL ? 0 : -1;
}

/* The daemon's size limit a clean answer may hide: the smaller of
 * MaxFileSize (bigger files are not scanned at all) and MaxScanSize
 * (scanning stops there), unless AlertExceedsMax makes clamd say so. */
static void set_limit(struct scan_ctx *ctx)
{
	const struct ng_conf *c = ctx->conf;
	uint64_t file = c->max_file_size, scan = c->max_scan_size;

	if (c->alert_exceeds_max)
		return;
	if (file <= scan && file != CONF_UNLIMITED)
		results_limit(ctx->results, "MaxFileSize", file, ctx->set->fail_on_limits);
	else if (scan != CONF_UNLIMITED)
		results_limit(ctx->results, "MaxScanSize", scan, ctx->set->fail_on_limits);
}

int scan_run(const struct scan_settings *s, const struct ng_conf *conf,
	     const struct endpoint_list *eps, struct report *rep, const struct quarantine *q)
{
	struct scan_ctx ctx = { .set = s, .conf = conf, .endpoints = eps, .rep = rep, .q = q };
	struct timeval start, end;
	bool balanced;
	struct tally t;
	int status;

	gettimeofday(&start, NULL);
	ctx.results = results_new(rep, q);
	if (ctx.results == NULL) {
		report_error(rep, "out of memory");
		return 2;
	}
	ctx.tally = results_tally(ctx.results);
	set_limit(&ctx);
	if (open_driver(&ctx) != 0) {
		results_free(ctx.results);
		return 2;
	}
	/* an allocation failure only costs the line */
	if (progress_wanted(s->progress, s->quiet))
		rep->progress = progress_new(stderr, STDERR_FILENO, isatty(STDOUT_FILENO));
	progress_begin(rep->progress);
	for (size_t i = 0; ctx.plan.driver != DRIVER_LOCAL && i < ctx.n_daemons; i++)
		report_daemon(rep, ctx.daemons[i]->name);
	rep->local = ctx.plan.driver == DRIVER_LOCAL;

	scan_targets(&ctx);
	ctx.ops->close(ctx.driver);
	progress_free(rep->progress); /* erased before the summary */
	rep->progress = NULL;

	gettimeofday(&end, NULL);
	t = *ctx.tally;
	results_free(ctx.results);
	if (interrupt_signal() != 0) {
		/* the files not started are not in any count: say the scan is partial */
		report_error(rep, "Scan interrupted by %s: what was not reported was not scanned",
			     interrupt_name());
		t.errors++;
	}
	balanced = tally_balanced(&t);
	if (!balanced) {
		/* every request must end as exactly one verdict: anything else is our bug */
		report_error(rep,
			     "internal error: %lu requests sent but %lu clean + %lu infected + %lu failed "
			     "+ %lu excluded; please report this bug",
			     t.submitted, t.clean, t.infected, t.failed, t.excluded);
		t.errors++;
	}
	if (!s->no_summary)
		report_summary(rep, &t, &start, &end);
	status = !balanced ? 2 : t.infected_files > 0 ? 1 : t.errors > 0 ? 2 : 0;
	/* a report that could not be written is a failed run */
	if (report_finish(rep, &t, &start, &end, status) != 0 && status == 0)
		status = 2;
	return status;
}
