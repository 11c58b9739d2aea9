/* The scan: choosing the daemon and transport, then each target in turn. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clamd/conn.h"
#include "clamd/daemon.h"
#include "driver/engine.h"
#include "driver/local.h"
#include "output/progress.h"
#include "scan/verdict.h"
#include "scan/scan.h"
#include "scan/walk.h"

/* How standard input is named in result lines, whatever the transport. */
#define STDIN_LABEL "stdin"

/* Longest line accepted in a -f file list. */
#define FILE_LIST_MAX_LINE 65536

bool target_covers(const struct target *t, const char *reply)
{
	size_t n = strlen(t->real);

	if (strncmp(reply, t->real, n) != 0)
		return false;
	return reply[n] == '\0' || reply[n] == '/' || (n == 1 && t->real[0] == '/');
}

const char *target_display(const struct target *t, const char *reply, char *buf, size_t len)
{
	if (!t->is_link)
		return reply;
	snprintf(buf, len, "%s%s", t->shown, reply + strlen(t->real));
	return buf;
}

/* clamdscan's absolute form of a command-line path: cwd + "/" + arg, with
 * trailing slashes removed. Returns malloc'd memory (caller frees) or NULL. */
static char *make_shown(const char *arg)
{
	char *out;
	size_t len;

	if (arg[0] == '/') {
		out = strdup(arg);
	} else {
		char *cwd = getcwd(NULL, 0);

		if (cwd == NULL)
			return NULL;
		len = strlen(cwd) + strlen(arg) + 2;
		out = malloc(len);
		if (out != NULL)
			snprintf(out, len, "%s/%s", cwd, arg);
		free(cwd);
	}
	if (out == NULL)
		return NULL;
	len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	return out;
}

/* Resolves arg into t; reports and returns -1 when it cannot be scanned. */
static int target_resolve(struct scan_ctx *ctx, const char *arg, struct target *t)
{
	struct stat lst, st;

	memset(t, 0, sizeof(*t));
	t->shown = make_shown(arg);
	if (t->shown == NULL) {
		report_error(ctx->rep, "%s: %s", arg, strerror(errno));
		return -1;
	}
	if (lstat(t->shown, &lst) != 0 || stat(t->shown, &st) != 0 ||
	    (t->real = realpath(t->shown, NULL)) == NULL) {
		report_error(ctx->rep, "Can't access file %s", t->shown);
		return -1;
	}
	t->is_link = S_ISLNK(lst.st_mode);
	t->is_dir = S_ISDIR(st.st_mode);
	t->is_regular = S_ISREG(st.st_mode);
	return 0;
}

static void target_free(struct target *t)
{
	free(t->shown);
	free(t->real);
}

/* True when nothing went wrong and nothing was found since `before`. */
static bool all_clean_since(const struct tally *before, const struct tally *now)
{
	return now->infected_files == before->infected_files && now->errors == before->errors &&
	       now->failed == before->failed;
}

/* Hands f to this scan's per-file driver: libclamav here, or the daemon. */
static void submit_file(struct scan_ctx *ctx, struct scan_file *f)
{
	progress_current(ctx->rep->progress, f->shown);
	if (ctx->local != NULL)
		local_submit(ctx->local, f);
	else
		engine_submit(ctx->engine, f);
}

/* Waits until every file submitted has its verdict reported. */
static void drain_files(struct scan_ctx *ctx)
{
	if (ctx->local != NULL)
		local_drain(ctx->local);
	else
		engine_drain(ctx->engine);
}

/* The walk's next file; an error it reports on the way (a file it could
 * not open) taints g. Verdicts never arrive inside walk_next. */
static struct scan_file *next_file(struct scan_ctx *ctx, struct walk *w, struct target_group *g)
{
	unsigned long errors = ctx->tally.errors;
	struct scan_file *f = walk_next(w);

	if (ctx->tally.errors != errors)
		verdict_group_taint(g);
	return f;
}

/* Per-file mode: we walk and open, the daemon gets contents or descriptors
 * (or libclamav scans the descriptors here). As clamdscan, one "target: OK"
 * when every file of it was answered OK; the target's group prints it when
 * its last file ends, while the next target's files are already going. */
static void perfile_scan_target(struct scan_ctx *ctx, const struct target *t)
{
	struct target_group *g = verdict_group_new(ctx, t->shown);
	struct scan_file *f;

	if (g == NULL) {
		report_error(ctx->rep, "%s: out of memory", t->shown);
		ctx->tally.errors++;
		return;
	}
	if (t->is_dir) {
		struct walk *w = walk_open(ctx, t, true);

		if (w == NULL)
			verdict_group_taint(g);
		while (w != NULL && (f = next_file(ctx, w, g)) != NULL) {
			verdict_group_add(g, f);
			submit_file(ctx, f);
		}
		if (w != NULL)
			walk_close(w);
	} else if ((f = walk_open_file(ctx, t->real, t->shown, false)) != NULL) {
		if (ctx->opts->action != ACTION_NONE)
			walk_hold_parent(f, t->real);
		verdict_group_add(g, f);
		submit_file(ctx, f);
	} else {
		verdict_group_taint(g); /* reported: a target not scanned is never OK */
	}
	verdict_group_walked(ctx, g);
}

/* Whether "z<COMMAND> <path>\0" fits clamd's command buffer of PATH_MAX + 8
 * bytes; a longer one gets the connection reset without a reply. */
static bool path_command_fits(const struct scan_ctx *ctx, const struct target *t)
{
	size_t frame = 1 + strlen(plan_path_command_name(ctx->plan.path_cmd)) + 1 + strlen(t->real) + 1;

	return frame <= PATH_MAX + 8;
}

/* A target whose path is too long for a path command: its files go by
 * descriptor (or contents over TCP) instead, under their real names. */
static void long_path_scan(struct scan_ctx *ctx, const struct target *t)
{
	if (ctx->engine == NULL) {
		enum transport tr =
			ctx->ep->kind == ENDPOINT_UNIX ? TRANSPORT_FILDES : TRANSPORT_INSTREAM;

		ctx->engine = engine_new(ctx, tr, 1);
		if (ctx->engine == NULL) {
			ctx->tally.errors++;
			return;
		}
	}
	report_verbose(ctx->rep, "%s: path too long for a path command; sending its files instead",
		       t->shown);
	perfile_scan_target(ctx, t);
	drain_files(ctx); /* the path commands that follow print in order */
}

/* -z on a directory: clamd's ALLMATCHSCAN stops a directory at its first
 * infected file, so (as clamdscan) we walk and send one per file. */
static void allmatch_walk(struct scan_ctx *ctx, const struct target *t)
{
	struct tally before;
	struct walk *w;
	struct scan_file *f;

	path_vouch_flush(ctx);
	before = ctx->tally;
	w = walk_open(ctx, t, false);
	if (w == NULL)
		return;
	while ((f = walk_next(w)) != NULL) {
		struct target ft = { .shown = f->shown, .real = f->path, .is_regular = true,
				     .no_ok_line = true };

		path_scan_target(ctx, &ft);
		scan_file_free(f);
	}
	walk_close(w);
	path_vouch_flush(ctx); /* the directory's OK needs its last file settled */
	if (all_clean_since(&before, &ctx->tally))
		report_ok(ctx->rep, t->shown);
}

/* Scans one command-line argument. */
static void scan_arg(struct scan_ctx *ctx, const char *arg)
{
	struct target t;

	if (target_resolve(ctx, arg, &t) != 0) {
		ctx->tally.errors++;
		target_free(&t);
		progress_target_done(ctx->rep->progress, ctx->tally.infected_files);
		return;
	}
	/* path mode: the daemon walks, so arguments are all there is to count */
	if (!ctx->plan.client_walk)
		progress_current(ctx->rep->progress, t.shown);
	if (!ctx->plan.client_walk && t.is_dir && ctx->plan.path_cmd == PATH_ALLMATCHSCAN) {
		allmatch_walk(ctx, &t);
	} else if (!ctx->plan.client_walk && !path_command_fits(ctx, &t)) {
		long_path_scan(ctx, &t);
	} else if (!ctx->plan.client_walk) {
		path_scan_target(ctx, &t);
	} else if (!t.is_dir && !t.is_regular) {
		/* a FIFO could block forever and a device never end */
		report_warning(ctx->rep, "%s: Not supported file type", t.shown);
		ctx->tally.errors++;
	} else {
		perfile_scan_target(ctx, &t);
	}
	progress_target_done(ctx->rep->progress, ctx->tally.infected_files);
	target_free(&t);
}

/* Standard input, "-": its descriptor on a local Unix socket when it is a
 * regular file, its contents otherwise. Always labelled "stdin". */
static void scan_stdin(struct scan_ctx *ctx)
{
	bool fildes = ctx->ep != NULL && ctx->ep->kind == ENDPOINT_UNIX && !ctx->opts->stream;
	struct stat st;
	struct scan_file *f;
	struct engine *e;
	struct tally before = ctx->tally;

	if (fstat(STDIN_FILENO, &st) != 0) {
		report_error(ctx->rep, "Can't access standard input: %s", strerror(errno));
		ctx->tally.errors++;
		return;
	}
	fildes = fildes && S_ISREG(st.st_mode);
	f = calloc(1, sizeof(*f));
	if (f == NULL || (f->shown = strdup(STDIN_LABEL)) == NULL ||
	    (f->fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)) < 0) {
		report_error(ctx->rep, "Can't read standard input: %s", strerror(errno));
		ctx->tally.errors++;
		if (f != NULL)
			free(f->shown);
		free(f);
		return;
	}
	f->size = S_ISREG(st.st_mode) ? st.st_size : 0;
	f->dirfd = -1;
	f->is_stdin = true; /* never acted on */
	if (ctx->local != NULL) {
		local_submit(ctx->local, f);
		local_drain(ctx->local);
		if (all_clean_since(&before, &ctx->tally))
			report_ok(ctx->rep, STDIN_LABEL);
		return;
	}
	e = engine_new(ctx, fildes ? TRANSPORT_FILDES : TRANSPORT_INSTREAM, 1);
	if (e == NULL) {
		scan_file_free(f);
		ctx->tally.errors++;
		return;
	}
	engine_submit(e, f);
	engine_finish(e);
	if (all_clean_since(&before, &ctx->tally))
		report_ok(ctx->rep, STDIN_LABEL);
}

/* Scans each line of the -f file; returns -1 if it cannot be read. */
static int scan_file_list(struct scan_ctx *ctx, const char *list)
{
	FILE *f = fopen(list, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL) {
		report_error(ctx->rep, "--file-list: Can't open file %s: %s", list, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		if (n > FILE_LIST_MAX_LINE) {
			report_error(ctx->rep, "%s: line longer than %d bytes skipped", list,
				     FILE_LIST_MAX_LINE);
			ctx->tally.errors++;
			continue;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		scan_arg(ctx, line);
	}
	free(line);
	fclose(f);
	return 0;
}

/* Appends "at NAME: why" for a failed connect to ep to the list in why. */
static void note_unreachable(const struct scan_ctx *ctx, const struct endpoint *ep, int err,
			     char *why, size_t len)
{
	size_t used = strlen(why);

	if (used >= len)
		return;
	if (err == ETIMEDOUT)
		snprintf(why + used, len - used, "%sat %s: timed out after %u s", used > 0 ? ", " : "",
			 ep->name, ctx->opts->timeout);
	else
		snprintf(why + used, len - used, "%sat %s: %s", used > 0 ? ", " : "", ep->name,
			 strerror(err));
}

/* The first address of daemon d that accepts a connection, or NULL with
 * the failures appended to why. */
static const struct endpoint *reach_daemon(const struct scan_ctx *ctx, unsigned d, char *why,
					   size_t len)
{
	const struct endpoint_list *l = ctx->endpoints;
	const struct endpoint *first = NULL;
	struct conn c;

	for (size_t i = 0; i < l->n; i++) {
		const struct endpoint *ep = &l->ep[i];

		if (ep->daemon != d)
			continue;
		if (first == NULL)
			first = ep;
		if (conn_open(&c, ep, ctx->opts->timeout) == 0) {
			conn_close(&c);
			if (ep != first)
				report_warning(ctx->rep, "clamd at %s did not answer; using %s", first->name,
					       ep->name);
			return ep;
		}
		note_unreachable(ctx, ep, errno, why, len);
	}
	return NULL;
}

/* True when daemon d is among those chosen. */
static bool daemon_reached(const struct scan_ctx *ctx, unsigned d)
{
	for (size_t i = 0; i < ctx->n_daemons; i++)
		if (ctx->daemons[i]->daemon == d)
			return true;
	return false;
}

/* Picks, for each daemon, the first of its addresses that accepts a
 * connection; a daemon none of whose addresses does is reported and left
 * out. The plan depends on what answered. When nothing does, the first
 * address is kept so each target reports the failure, and false is
 * returned with every failure in why. */
static bool choose_daemons(struct scan_ctx *ctx, char *why, size_t len)
{
	unsigned n = ctx->endpoints->n_daemons;
	char each[ENDPOINT_MAX][300]; /* why each daemon could not be reached */

	why[0] = '\0';
	ctx->n_daemons = 0;
	for (unsigned d = 0; d < n && d < ENDPOINT_MAX; d++) {
		const struct endpoint *ep;

		each[d][0] = '\0';
		ep = reach_daemon(ctx, d, each[d], sizeof(each[d]));
		if (ep != NULL)
			ctx->daemons[ctx->n_daemons++] = ep;
		else if (strlen(why) + 2 < len)
			snprintf(why + strlen(why), len - strlen(why), "%s%s", why[0] != '\0' ? ", " : "",
				 each[d]);
	}
	if (ctx->n_daemons == 0) {
		ctx->ep = &ctx->endpoints->ep[0];
		ctx->daemons[ctx->n_daemons++] = ctx->ep;
		return false;
	}
	/* only now is "without it" true: another daemon answered */
	for (unsigned d = 0; d < n && d < ENDPOINT_MAX; d++)
		if (each[d][0] != '\0' && !daemon_reached(ctx, d))
			report_warning(ctx->rep, "clamd unreachable %s; scanning without it", each[d]);
	ctx->ep = ctx->daemons[0];
	return true;
}

/* The number of threads for a local scan: none without -m (files are
 * scanned in turn), else --max-inflight or one per CPU. */
static unsigned local_threads(const struct ng_options *o)
{
	long n;

	if (!o->multiscan)
		return 0;
	if (o->max_inflight_given)
		return o->max_inflight;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > OPTIONS_MAX_INFLIGHT ? OPTIONS_MAX_INFLIGHT : (unsigned)n;
}

/* Sets the scan up with libclamav in this process. Returns 0, or -1 after
 * reporting why it cannot scan. */
static int start_local(struct scan_ctx *ctx)
{
	ctx->ep = NULL;
	memset(&ctx->plan, 0, sizeof(ctx->plan));
	ctx->plan.client_walk = true; /* the walk, exclusions and symlink rules of --fdpass */
	ctx->plan.parallel = ctx->opts->multiscan;
	ctx->local = local_new(ctx, local_threads(ctx->opts));
	return ctx->local != NULL ? 0 : -1;
}

/* Chooses the daemon and the plan, or local scanning when asked or allowed.
 * Returns 0, or -1 when nothing can be scanned (reported). */
static int choose_scanner(struct scan_ctx *ctx)
{
	struct plan_input in;
	char why[1024];

	if (ctx->opts->local) {
		if (ctx->opts->stream || ctx->opts->fdpass)
			report_warning(ctx->rep, "%s is for a daemon and has no effect with --local: files are "
				       "opened here and scanned by descriptor",
				       ctx->opts->stream ? "--stream" : "--fdpass");
		return start_local(ctx);
	}
	if (ctx->no_daemon != NULL) {
		report_warning(ctx->rep, "clamd unreachable: %s; scanning locally with libclamav",
			       ctx->no_daemon);
		return start_local(ctx);
	}
	if (!choose_daemons(ctx, why, sizeof(why))) {
		if (ctx->opts->local_fallback) {
			report_warning(ctx->rep, "clamd unreachable %s; scanning locally with libclamav",
				       why[0] != '\0' ? why : "(no daemon configured)");
			return start_local(ctx);
		}
		/* each file's error names one daemon: say once what became of all */
		if (ctx->endpoints->n_daemons > 1)
			report_error(ctx->rep, "clamd unreachable %s", why);
	}
	memset(&in, 0, sizeof(in));
	/* with several daemons: descriptors when any can take them, paths only
	 * when every one is on this host */
	in.daemon_local = true;
	for (size_t i = 0; i < ctx->n_daemons; i++) {
		in.unix_socket = in.unix_socket || ctx->daemons[i]->kind == ENDPOINT_UNIX;
		in.daemon_local = in.daemon_local && ctx->daemons[i]->local;
	}
	/* as asked, whether or not they all answer: a scan does not change its
	 * transport (nor its -z) with the health of the daemons */
	in.several = ctx->endpoints->n_daemons > 1;
	in.stream = ctx->opts->stream;
	in.fdpass = ctx->opts->fdpass;
	in.multiscan = ctx->opts->multiscan;
	in.allmatch = ctx->opts->allmatch;
	in.action = ctx->opts->action != ACTION_NONE;
	ctx->plan = plan_choose(&in);
	if (ctx->plan.note != NULL)
		report_warning(ctx->rep, "%s", ctx->plan.note);
	for (size_t i = 0; in.several && ctx->opts->fdpass && in.unix_socket && i < ctx->n_daemons; i++)
		if (ctx->daemons[i]->kind != ENDPOINT_UNIX)
			report_warning(ctx->rep, "--fdpass: clamd at %s is on TCP; files sent to it are streamed",
				       ctx->daemons[i]->name);
	if (ctx->plan.client_walk) {
		ctx->engine = engine_new(ctx, ctx->plan.transport,
					 ctx->plan.parallel ? ctx->opts->max_inflight : 1);
		if (ctx->engine == NULL)
			return -1;
	}
	return 0;
}

int scan_run(struct scan_ctx *ctx)
{
	struct timeval start, end;
	bool balanced, reported;
	const char *names[ENDPOINT_MAX]; /* the daemons scanned with, for the report */

	gettimeofday(&start, NULL);
	if (choose_scanner(ctx) != 0)
		return 2;
	/* an allocation failure only costs the line */
	if (progress_wanted(ctx->opts))
		ctx->rep->progress = progress_new(stderr, STDERR_FILENO, isatty(STDOUT_FILENO));
	progress_begin(ctx->rep->progress, !ctx->plan.client_walk,
		       ctx->opts->file_list != NULL ? 0 : ctx->opts->n_targets);
	for (size_t i = 0; ctx->ep != NULL && i < ctx->n_daemons; i++)
		names[i] = ctx->daemons[i]->name;
	ctx->rep->daemons = names;
	ctx->rep->n_daemons = ctx->ep != NULL ? ctx->n_daemons : 0;
	ctx->rep->local = ctx->local != NULL;

	if (ctx->opts->file_list != NULL) {
		if (ctx->opts->n_targets > 0)
			report_warning(ctx->rep,
				       "Only scanning files from --file-list (files passed at cmdline are ignored)");
		if (scan_file_list(ctx, ctx->opts->file_list) != 0)
			ctx->tally.errors++;
	} else if (ctx->opts->n_targets == 1 && strcmp(ctx->opts->targets[0], "-") == 0) {
		scan_stdin(ctx);
	} else if (ctx->opts->n_targets == 0) {
		/* as clamdscan: no target means the current directory, shown absolute */
		char *cwd = getcwd(NULL, 0);

		if (cwd == NULL) {
			report_error(ctx->rep, "Can't get the current directory: %s", strerror(errno));
			ctx->tally.errors++;
		} else {
			scan_arg(ctx, cwd);
			free(cwd);
		}
	} else {
		for (size_t i = 0; i < ctx->opts->n_targets; i++) {
			if (strcmp(ctx->opts->targets[i], "-") == 0) {
				report_error(ctx->rep,
					     "Scanning from standard input requires \"-\" to be the only file argument");
				ctx->tally.errors++;
				continue;
			}
			scan_arg(ctx, ctx->opts->targets[i]);
		}
	}
	path_vouch_flush(ctx);
	engine_finish(ctx->engine);
	ctx->engine = NULL;
	local_finish(ctx->local);
	ctx->local = NULL;
	progress_free(ctx->rep->progress); /* erased before the summary */
	ctx->rep->progress = NULL;

	gettimeofday(&end, NULL);
	balanced = tally_balanced(&ctx->tally);
	if (!balanced) {
		/* every request must end as exactly one of the three: anything else is our bug */
		report_error(ctx->rep,
			     "internal error: %lu requests sent but %lu clean + %lu infected + %lu failed; "
			     "please report this bug",
			     ctx->tally.submitted, ctx->tally.clean, ctx->tally.infected, ctx->tally.failed);
		ctx->tally.errors++;
	}
	if (!ctx->opts->no_summary)
		report_summary(ctx->rep, &ctx->tally, &start, &end);
	/* a SARIF log that could not be written is a failed report */
	reported = report_finish(ctx->rep, &ctx->tally, &start, &end) == 0;
	if (!balanced)
		return 2;
	if (ctx->tally.infected_files > 0)
		return 1;
	return ctx->tally.errors > 0 || !reported ? 2 : 0;
}
