/* The command line's targets, as clamdscan goes through them: each
 * argument made absolute, resolved and checked before it is walked or
 * sent; a -f list read line by line; standard input; or, with none, the
 * current directory. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/target.h"
#include "scan/results.h"
#include "scan/scan.h"
#include "scan/scan_int.h"
#include "util/interrupt.h"

/* How standard input is named until the daemon names it ("stream" or
 * "fd[N]", which clamdscan echoes); a local scan keeps this. */
#define STDIN_LABEL "stream"

/* Longest line accepted in a -f file list. */
#define FILE_LIST_MAX_LINE 65536

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

/* The last component of path. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* True when clamd.conf's ExcludePath excludes the target, by the name the
 * user gave or by the path clamd would be sent, or when it is a file the
 * command line's --exclude or --include passes over (a directory named on
 * the command line is walked whatever --exclude-dir says, as clamscan
 * does: those apply to the directories met inside). */
static bool target_excluded(const struct scan_ctx *ctx, const struct target *t)
{
	if (!t->is_dir && filters_skip_file(ctx->set->filters, t->shown))
		return true;
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
	} else if (!t.is_dir && ctx->set->shard != NULL && !shard_mine(ctx->set->shard, base_name(t.shown))) {
		/* another shard's: nothing said of it here, not even OK */
		report_verbose(ctx->rep, "%s: left to another shard", t.shown);
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

/* True when the scan is of standard input alone. */
bool stdin_only(const struct scan_settings *s)
{
	return s->file_list == NULL && s->n_targets == 1 && strcmp(s->targets[0], "-") == 0;
}

/* Scans every target. */
void scan_targets(struct scan_ctx *ctx)
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
