/* The scan loop: choosing the daemons and the plan, then each target in
 * turn, walked here and sent file by file to one driver. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "clamd/conn.h"
#include "clamd/daemon.h"
#include "core/target.h"
#include "driver/driver.h"
#include "output/progress.h"
#include "scan/plan.h"
#include "scan/results.h"
#include "scan/scan.h"
#include "scan/walk.h"
#include "util/interrupt.h"

/* How standard input is named until the daemon names it ("stream" or
 * "fd[N]", which clamdscan echoes); a local scan keeps this. */
#define STDIN_LABEL "stream"

/* Longest line accepted in a -f file list. */
#define FILE_LIST_MAX_LINE 65536

/* Requests in flight without -m: one being scanned and the next already
 * queued in the daemon, so it never waits for us between files (a round
 * trip per file costs a quarter of the time); outcomes stay in order. */
#define PIPELINE_WINDOW 2

/* The most threads a local -m scan starts. */
#define LOCAL_MAX_THREADS 256

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

/* Makes every outcome so far final before a line of the loop's own is
 * printed: without -m the output keeps the walk's order. */
static void settle(struct scan_ctx *ctx)
{
	if (ctx->plan.ordered && ctx->driver != NULL)
		ctx->ops->drain(ctx->driver);
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
		settle(ctx);
		report_error(ctx->rep, "%s: %s", arg, strerror(errno));
		return -1;
	}
	if (lstat(t->shown, &lst) != 0 || stat(t->shown, &st) != 0 ||
	    (t->real = realpath(t->shown, NULL)) == NULL) {
		settle(ctx);
		report_error(ctx->rep, "Can't access file %s", t->shown);
		return -1;
	}
	t->is_link = S_ISLNK(lst.st_mode);
	t->is_dir = S_ISDIR(st.st_mode);
	t->is_regular = S_ISREG(st.st_mode);
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	return 0;
}

static void target_free(struct target *t)
{
	free(t->shown);
	free(t->real);
}

/* Hands it, a file of target group g, to the driver. */
static void submit(struct scan_ctx *ctx, struct target_group *g, struct scan_item *it)
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
static void walk_target(struct scan_ctx *ctx, struct target_group *g, const struct target *t)
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
static void file_target(struct scan_ctx *ctx, struct target_group *g, const struct target *t)
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

/* No daemon answered: tries again, cheaply, before each target (the daemon
 * may have come up meanwhile). */
static bool reachable_again(struct scan_ctx *ctx)
{
	struct conn c;

	for (size_t i = 0; i < ctx->endpoints->n; i++) {
		if (conn_open(&c, &ctx->endpoints->ep[i], ctx->set->timeout) == 0) {
			conn_close(&c);
			ctx->unreachable = false;
			return true;
		}
	}
	return false;
}

/* Says on stderr why each address of the daemons cannot be reached, as
 * clamdscan does for each thing it fails to send. */
static void say_unreachable(struct scan_ctx *ctx)
{
	settle(ctx);
	for (size_t i = 0; i < ctx->endpoints->n; i++) {
		char msg[512];
		struct conn c;

		if (conn_open(&c, &ctx->endpoints->ep[i], ctx->set->timeout) == 0) {
			conn_close(&c);
			continue;
		}
		daemon_describe_connect_failure(&ctx->endpoints->ep[i], ctx->set->timeout, errno, msg,
						sizeof(msg));
		report_error(ctx->rep, "%s", msg);
	}
}

/* A target while no daemon answers, as clamdscan goes through it: one
 * error (its walk stops at the first file it cannot send). */
static void unreachable_target(struct scan_ctx *ctx)
{
	say_unreachable(ctx);
	ctx->tally->errors++;
}

/* True when clamd.conf's ExcludePath excludes the target, by the name the
 * user gave or by the path clamd would be sent. */
static bool target_excluded(const struct scan_ctx *ctx, const struct target *t)
{
	return conf_excluded(ctx->conf, t->shown) || conf_excluded(ctx->conf, t->real);
}

/* Why t is not to be scanned: it is one of the run's own files, or inside
 * the quarantine (what is there was put there by a run like this one).
 * NULL when it may be. */
static const char *own_target(const struct scan_ctx *ctx, const struct target *t)
{
	const char *qdir = ctx->q != NULL ? ctx->q->dir : NULL;
	size_t qlen = qdir != NULL ? strlen(qdir) : 0;

	for (size_t i = 0; i < ctx->walk.n_skip; i++)
		if (t->dev == ctx->walk.skip[i].dev && t->ino == ctx->walk.skip[i].ino)
			return ctx->walk.skip[i].what;
	if (qlen > 0 && strncmp(t->real, qdir, qlen) == 0 && (t->real[qlen] == '/' || qlen == 1))
		return "inside the quarantine directory";
	return NULL;
}

/* Scans one command-line argument. */
static void scan_arg(struct scan_ctx *ctx, const char *arg)
{
	struct target t;
	struct target_group *g;
	const char *own;

	if (interrupt_signal() != 0)
		return; /* told to stop: what is left is not started */
	if (target_resolve(ctx, arg, &t) != 0) {
		ctx->tally->errors++;
		target_free(&t);
		return;
	}
	if ((own = own_target(ctx, &t)) != NULL) {
		char msg[200];

		/* never OK for what was not scanned */
		settle(ctx);
		snprintf(msg, sizeof(msg), "Not scanned: %s of this run.", own);
		report_error_result(ctx->rep, t.shown, msg);
		ctx->tally->errors++;
	} else if (target_excluded(ctx, &t)) {
		/* not scanned, so never OK: said in clamd's word */
		settle(ctx);
		report_excluded(ctx->rep, t.shown);
	} else if (!t.is_dir && !t.is_regular) {
		/* a FIFO could block forever and a device never end */
		settle(ctx);
		report_warning(ctx->rep, "%s: Not supported file type", t.shown);
		ctx->tally->errors++;
	} else if (ctx->unreachable && !reachable_again(ctx)) {
		unreachable_target(ctx);
	} else if ((g = results_group_new(ctx->results, t.shown)) == NULL) {
		settle(ctx);
		report_error(ctx->rep, "%s: out of memory", t.shown);
		ctx->tally->errors++;
	} else {
		if (t.is_dir)
			walk_target(ctx, g, &t);
		else
			file_target(ctx, g, &t);
		/* a target with nothing outstanding prints its line now: after
		 * the earlier targets' lines */
		if (results_group_idle(g))
			settle(ctx);
		results_group_walked(ctx->results, g);
	}
	target_free(&t);
}

/* Standard input, "-": its descriptor on a local Unix socket when it is a
 * regular file, its contents otherwise. Always labelled STDIN_LABEL. */
static void scan_stdin(struct scan_ctx *ctx)
{
	struct target_group *g;
	struct scan_item *it;
	struct stat st;

	if (ctx->unreachable && !reachable_again(ctx)) {
		say_unreachable(ctx);
		ctx->tally->errors++;
		return;
	}
	g = results_group_new(ctx->results, STDIN_LABEL);
	it = scan_item_new(STDIN_LABEL);
	if (g == NULL || it == NULL || fstat(STDIN_FILENO, &st) != 0 ||
	    (it->fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)) < 0) {
		report_error(ctx->rep, "Can't read standard input: %s", strerror(errno));
		ctx->tally->errors++;
		scan_item_free(it);
		if (g != NULL) {
			results_group_taint(g);
			results_group_walked(ctx->results, g);
		}
		return;
	}
	it->size = S_ISREG(st.st_mode) ? st.st_size : 0;
	it->is_stdin = true; /* never acted on */
	it->is_target = true;
	submit(ctx, g, it);
	results_group_walked(ctx->results, g);
}

/* Reads one line of a -f list into buf (without its end of line), in
 * bounded memory: a longer line is read to its end and *too_long set.
 * Returns 1, or 0 at the end, or -1 when reading failed (errno). */
static int read_list_line(FILE *f, char *buf, size_t cap, bool *too_long)
{
	size_t n = 0;
	int c;

	*too_long = false;
	errno = 0;
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (n + 1 < cap)
			buf[n++] = (char)c;
		else
			*too_long = true;
	}
	if (c == EOF && ferror(f))
		return -1;
	if (c == EOF && n == 0 && !*too_long)
		return 0;
	while (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 1;
}

/* Scans each line of the -f file; returns -1 if it cannot be read (said,
 * naming the list and the line; the lines before it were scanned). */
static int scan_file_list(struct scan_ctx *ctx, const char *list)
{
	FILE *f = fopen(list, "re");
	char *line = malloc(FILE_LIST_MAX_LINE + 1);
	unsigned long lineno = 0;
	bool too_long;
	int rc = 0, got;

	if (f == NULL || line == NULL) {
		report_error(ctx->rep, "--file-list: Can't open file %s: %s", list, strerror(errno));
		if (f != NULL)
			fclose(f);
		free(line);
		return -1;
	}
	while (interrupt_signal() == 0 &&
	       (got = read_list_line(f, line, FILE_LIST_MAX_LINE + 1, &too_long)) != 0) {
		if (got < 0) {
			settle(ctx);
			report_error(ctx->rep, "--file-list: Can't read file %s at line %lu: %s", list,
				     lineno + 1, strerror(errno != 0 ? errno : EIO));
			rc = -1;
			break;
		}
		lineno++;
		if (too_long) {
			settle(ctx);
			report_error(ctx->rep, "--file-list: %s:%lu: line longer than %d bytes skipped", list,
				     lineno, FILE_LIST_MAX_LINE);
			ctx->tally->errors++;
			continue;
		}
		if (line[0] == '\0')
			continue;
		scan_arg(ctx, line);
	}
	free(line);
	fclose(f);
	return rc;
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
			 ep->name, ctx->set->timeout);
	else
		snprintf(why + used, len - used, "%sat %s: %s", used > 0 ? ", " : "", ep->name,
			 strerror(err));
}

/* The first address of daemon d that accepts a connection, or NULL with
 * the failures appended to why. */
static const struct endpoint *reach_daemon(struct scan_ctx *ctx, unsigned d, char *why, size_t len)
{
	const struct endpoint_list *l = ctx->endpoints;
	const struct endpoint *first = NULL;
	struct conn c;

	for (size_t i = 0; i < l->n; i++) {
		const struct endpoint *ep = &l->ep[i];

		if (ep->daemon != d)
			continue;
		if (conn_open(&c, ep, ctx->set->timeout) == 0) {
			conn_close(&c);
			if (first != NULL)
				report_warning(ctx->rep, "clamd at %s did not answer; using %s", first->name,
					       ep->name);
			return ep;
		}
		if (first == NULL)
			first = ep;
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
 * out. When nothing does, the first address is kept (each file or target
 * then says so), and false is returned with every failure in why. */
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
	ctx->rep->n_unreachable = n - (unsigned)ctx->n_daemons;
	if (ctx->n_daemons == 0) {
		ctx->daemons[ctx->n_daemons++] = &ctx->endpoints->ep[0];
		ctx->unreachable = true;
		return false;
	}
	/* only now is "without it" true: another daemon answered */
	for (unsigned d = 0; d < n && d < ENDPOINT_MAX; d++)
		if (each[d][0] != '\0' && !daemon_reached(ctx, d))
			report_warning(ctx->rep, "clamd unreachable %s; scanning without it", each[d]);
	return true;
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

/* True when the scan is of standard input alone. */
static bool stdin_only(const struct scan_settings *s)
{
	return s->file_list == NULL && s->n_targets == 1 && strcmp(s->targets[0], "-") == 0;
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
	in.several = ctx->endpoints->n_daemons > 1;
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
	env.ordered = ctx->plan.ordered;
	env.window = in.local ? local_threads(s) : ctx->plan.ordered ? PIPELINE_WINDOW : s->max_inflight;
	env.request = ctx->plan.request;
	env.fds_per_item = (ctx->walk.open_files ? 1 : 0) + (ctx->walk.hold_dirs ? 1 : 0);
	env.allmatch = ctx->plan.allmatch;
	env.error_tail = !ctx->plan.daemon_walk;
	env.database = s->database;
	env.sink = results_sink(ctx->results);
	env.msg = ctx->rep;
	ctx->ops = driver_for(ctx->plan.driver);
	ctx->driver = ctx->ops->open(&env);
	return ctx->driver != NULL ? 0 : -1;
}

/* Scans every target. */
static void scan_targets(struct scan_ctx *ctx)
{
	const struct scan_settings *s = ctx->set;

	if (s->file_list != NULL) {
		if (s->n_targets > 0)
			report_warning(ctx->rep,
				       "Only scanning files from --file-list (files passed at cmdline are ignored)");
		if (scan_file_list(ctx, s->file_list) != 0)
			ctx->tally->errors++;
	} else if (stdin_only(s)) {
		scan_stdin(ctx);
	} else if (s->n_targets == 0) {
		/* as clamdscan: no target means the current directory, shown absolute */
		char *cwd = getcwd(NULL, 0);

		if (cwd == NULL) {
			report_error(ctx->rep, "Can't get the current directory: %s", strerror(errno));
			ctx->tally->errors++;
		} else {
			scan_arg(ctx, cwd);
			free(cwd);
		}
	} else {
		for (size_t i = 0; i < s->n_targets; i++) {
			if (strcmp(s->targets[i], "-") == 0) {
				/* as clamdscan: said, skipped, not counted */
				settle(ctx);
				report_error(ctx->rep,
					     "Scanning from standard input requires \"-\" to be the only file argument");
				continue;
			}
			scan_arg(ctx, s->targets[i]);
		}
	}
}

int scan_run(const struct scan_settings *s, const struct ng_conf *conf,
	     const struct endpoint_list *eps, struct report *rep, const struct quarantine *q)
{
	struct scan_ctx ctx = { .set = s, .conf = conf, .endpoints = eps, .rep = rep, .q = q };
	struct timeval start, end;
	const char *names[ENDPOINT_MAX]; /* the daemons scanned with, for the report */
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
	if (open_driver(&ctx) != 0) {
		results_free(ctx.results);
		return 2;
	}
	/* an allocation failure only costs the line */
	if (progress_wanted(s->progress, s->quiet))
		rep->progress = progress_new(stderr, STDERR_FILENO, isatty(STDOUT_FILENO));
	progress_begin(rep->progress);
	for (size_t i = 0; ctx.plan.driver != DRIVER_LOCAL && i < ctx.n_daemons; i++)
		names[i] = ctx.daemons[i]->name;
	rep->daemons = names;
	rep->n_daemons = ctx.plan.driver != DRIVER_LOCAL ? ctx.n_daemons : 0;
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
