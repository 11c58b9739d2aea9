/* Output in clamdscan's format: stdout for results, stderr for messages,
 * and a copy of both in the -l log file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/jsonout.h"
#include "output/progress.h"
#include "output/report.h"
#include "output/sarif.h"
#include "util/interrupt.h"
#include "util/safefile.h"

int report_open(struct report *r, const struct report_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->quiet = o->quiet;
	r->infected_only = o->infected_only;
	r->verbose = o->verbose;
	r->to_stdout = o->to_stdout;
	if (o->log_file != NULL) {
		r->log_path = o->log_file;
		/* never through a link: the CVE-2024-20506 pattern */
		r->log = safefile_append(o->log_file);
		if (r->log == NULL)
			return -1;
	}
	if (o->json) {
		struct jsonout *j = jsonout_new(stdout, o->actions);

		if (j == NULL) {
			int saved = errno;

			if (r->log != NULL)
				fclose(r->log);
			r->log = NULL;
			errno = saved;
			return -1;
		}
		r->json = true;
		report_add_sink(r, (struct output_sink){ &jsonout_ops, j, NULL, -1 });
	}
	if (r->log == NULL)
		return 0;
	/* clamdscan shows the separator on stdout too (not amid JSON) */
	if (r->json)
		fputs("--------------------------------------\n", r->log);
	else
		report_info(r, "--------------------------------------");
	return 0;
}

void report_add_sink(struct report *r, struct output_sink sink)
{
	if (r->n_sinks < REPORT_MAX_SINKS)
		r->sinks[r->n_sinks++] = sink;
	else
		sink.ops->finish(sink.self, NULL); /* cannot happen: as many slots as kinds */
}

/* Calls op(self, ...) on every sink that has it. */
#define EACH_SINK(r, op, ...)                                              \
	do {                                                               \
		for (size_t i_ = 0; i_ < (r)->n_sinks; i_++)                  \
			if ((r)->sinks[i_].ops->op != NULL)                    \
				(r)->sinks[i_].ops->op((r)->sinks[i_].self, __VA_ARGS__); \
		check_term((r), stdout);                                   \
	} while (0)

/* Ends every output with e; says on stderr which could not be written
 * whole. Returns 0, or -1. */
static int finish_sinks(struct report *r, const struct run_end *e)
{
	int rc = 0;

	for (size_t i = 0; i < r->n_sinks; i++) {
		struct output_sink *k = &r->sinks[i];

		if (k->ops->finish(k->self, e) != 0 && k->file != NULL) {
			fprintf(stderr, "ERROR: Can't write the %s %s: %s\n", k->ops->name, k->file,
				strerror(errno));
			rc = -1;
		}
	}
	r->n_sinks = 0;
	return rc;
}

/* Notes the first failed write to the stream the user reads (EPIPE: the
 * reader went away on purpose, as "| head -1" does). */
static void check_term(struct report *r, FILE *term)
{
	if (term == stdout && ferror(stdout) && r->stdout_errno == 0 && errno != EPIPE)
		r->stdout_errno = errno != 0 ? errno : EIO;
	if (term == stdout && ferror(stdout))
		clearerr(stdout); /* later lines may still go through, and are checked */
}

void report_daemon(struct report *r, const char *name)
{
	char **grown, *copy;

	for (size_t i = 0; i < r->n_daemons; i++)
		if (strcmp(r->daemons[i], name) == 0)
			return;
	grown = realloc(r->daemons, (r->n_daemons + 1) * sizeof(*grown));
	if (grown == NULL)
		return;
	r->daemons = grown;
	copy = strdup(name);
	if (copy != NULL)
		r->daemons[r->n_daemons++] = copy;
}

int report_close(struct report *r, int status)
{
	struct run_end e = { .complete = false, .status = status,
			     .sig = r->sig.engine[0] != '\0' ? &r->sig : NULL, .selfcheck = r->selfcheck };
	int rc = 0;

	/* a scan that stopped before its end: the reports say it failed */
	if (r->n_sinks > 0) {
		if (r->finished.t != NULL)
			e = r->finished;
		e.complete = false;
		e.status = status;
		rc = finish_sinks(r, &e);
	}
	errno = 0;
	fflush(stdout);
	check_term(r, stdout);
	if (r->log != NULL && (fflush(r->log) != 0 || ferror(r->log) || fclose(r->log) != 0) &&
	    r->log_errno == 0)
		r->log_errno = errno != 0 ? errno : EIO;
	r->log = NULL;
	if (r->log_errno != 0) {
		fprintf(stderr, "ERROR: Can't write the log file %s: %s\n", r->log_path,
			strerror(r->log_errno));
		rc = -1;
	}
	if (r->stdout_errno != 0) {
		fprintf(stderr, "ERROR: Can't write to standard output: %s\n", strerror(r->stdout_errno));
		rc = -1;
	}
	for (size_t i = 0; i < r->n_daemons; i++)
		free(r->daemons[i]);
	free(r->daemons);
	r->daemons = NULL;
	r->n_daemons = 0;
	return rc;
}

int report_finish(struct report *r, const struct tally *t, const struct timeval *start,
		  const struct timeval *end, int status)
{
	struct run_end e = {
		.t = t,
		.start = start,
		.end = end,
		.daemons = (const char *const *)r->daemons,
		.n_daemons = r->n_daemons,
		.n_unreachable = r->n_unreachable,
		.local = r->local,
		.sig = r->sig.engine[0] != '\0' ? &r->sig : NULL,
		.selfcheck = r->selfcheck,
		.complete = t->errors == 0 && tally_balanced(t) && interrupt_signal() == 0,
		.status = status,
	};

	return finish_sinks(r, &e);
}

/* Adds the file behind fd to ids when it is a regular file not there yet. */
static size_t add_own(struct file_id *ids, size_t n, size_t max, int fd, const char *what)
{
	struct stat st;

	if (n >= max || fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return n;
	for (size_t i = 0; i < n; i++)
		if (ids[i].dev == st.st_dev && ids[i].ino == st.st_ino)
			return n;
	ids[n] = (struct file_id){ st.st_dev, st.st_ino, what };
	return n + 1;
}

size_t report_own_files(const struct report *r, struct file_id *ids, size_t max)
{
	size_t n = 0;

	if (r->log != NULL)
		n = add_own(ids, n, max, fileno(r->log), "the log file");
	for (size_t i = 0; i < r->n_sinks; i++) {
		const struct output_sink *k = &r->sinks[i];
		int fd;

		if (k->file == NULL)
			continue;
		n = add_own(ids, n, max, k->fd, k->ops->name);
		/* the file it replaces at the end */
		fd = open(k->file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		n = add_own(ids, n, max, fd, k->ops->name);
		if (fd >= 0)
			close(fd);
	}
	n = add_own(ids, n, max, STDOUT_FILENO, "standard output");
	n = add_own(ids, n, max, STDERR_FILENO, "standard error");
	return n;
}

/* Writes one formatted line to the terminal stream (unless NULL) and the log. */
static void emit(struct report *r, FILE *term, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void emit(struct report *r, FILE *term, const char *prefix, const char *fmt, va_list ap)
{
	va_list copy;

	/* no line of ours ever shares the terminal line with the progress line */
	progress_before_output(r->progress, term);
	if (r->log != NULL) {
		va_copy(copy, ap);
		errno = 0;
		fputs(prefix, r->log);
		vfprintf(r->log, fmt, copy);
		fputc('\n', r->log);
		if ((fflush(r->log) != 0 || ferror(r->log)) && r->log_errno == 0)
			r->log_errno = errno != 0 ? errno : EIO;
		va_end(copy);
	}
	if (term != NULL) {
		/* keep stdout and stderr in order when both go to one place */
		if (term == stderr && fflush(stdout) != 0)
			check_term(r, stdout);
		errno = 0;
		fputs(prefix, term);
		vfprintf(term, fmt, ap);
		fputc('\n', term);
		check_term(r, term);
	}
}

/* emit() with variadic arguments. */
static void emitf(struct report *r, FILE *term, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void emitf(struct report *r, FILE *term, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(r, term, prefix, fmt, ap);
	va_end(ap);
}

/* Where informational lines go: stdout, or nowhere with --quiet; stderr
 * with --json, so that stdout holds nothing but JSON. */
static FILE *info_stream(const struct report *r)
{
	if (r->quiet)
		return NULL;
	return r->json ? stderr : stdout;
}

/* Where result lines and the summary go: with --json only to the log
 * (stdout has the JSON), else where informational lines go. */
static FILE *result_stream(const struct report *r)
{
	return r->json ? NULL : info_stream(r);
}

/* Where error messages go: stderr, or stdout with --stdout (not with --json:
 * stdout has the JSON). */
static FILE *message_stream(const struct report *r)
{
	return r->to_stdout && !r->json ? stdout : stderr;
}

/* Warnings go there too, but --quiet silences them (errors it does not). */
static FILE *warning_stream(const struct report *r)
{
	return r->quiet ? NULL : message_stream(r);
}

void report_found(struct report *r, const char *path, const char *signature, int fd)
{
	emitf(r, result_stream(r), "", "%s: %s FOUND", path, signature);
	EACH_SINK(r, found, path, signature, fd);
}

void report_echo_ok(struct report *r, const char *path)
{
	emitf(r, result_stream(r), "", "%s: OK", path);
	EACH_SINK(r, ok, path);
	EACH_SINK(r, target_ok, path);
}

void report_ok(struct report *r, const char *path)
{
	if (!r->infected_only)
		report_echo_ok(r, path);
	else
		EACH_SINK(r, target_ok, path); /* not printed, still a passed test */
}

void report_excluded(struct report *r, const char *path)
{
	emitf(r, result_stream(r), "", "%s: Excluded", path);
	EACH_SINK(r, excluded, path);
}

void report_limits(struct report *r, const char *path, const char *name,
		   unsigned long long limit, unsigned long long size)
{
	report_warning(r, "%s: %llu bytes, over %s (%llu bytes): clamd's OK covers only what it read",
		       path, size, name, limit);
	EACH_SINK(r, limits, path, name, limit, size);
}

void report_error_result(struct report *r, const char *path, const char *message)
{
	if (path != NULL)
		emitf(r, result_stream(r), "", "%s: %s ERROR", path, message);
	else
		emitf(r, result_stream(r), "", "%s ERROR", message);
	EACH_SINK(r, error, path, message);
}

/* The action's name in JSON: "move", "copy", "remove". */
static const char *action_name(enum ng_action a)
{
	return a == ACTION_MOVE ? "move" : a == ACTION_COPY ? "copy" : "remove";
}

void report_action(struct report *r, const char *path, const char *real, enum ng_action a,
		   const char *dir, const char *name)
{
	char *dest = NULL, *named = NULL;
	const char *who = path;

	if (real != NULL && asprintf(&named, "%s (real path: '%s')", path, real) >= 0)
		who = named;
	if (a == ACTION_REMOVE) {
		emitf(r, result_stream(r), "", "%s: Removed.", who);
	} else {
		emitf(r, result_stream(r), "", "%s: %s to '%s/%s'", who,
		      a == ACTION_MOVE ? "moved" : "copied", dir, name);
		if (asprintf(&dest, "%s/%s", dir, name) < 0)
			dest = NULL;
	}
	EACH_SINK(r, action, path, a, dest, NULL);
	free(dest);
	free(named);
}

void report_action_failed(struct report *r, const char *path, enum ng_action a,
			  const char *reason)
{
	report_error(r, "Can't %s file '%s': %s", action_name(a), path, reason);
	EACH_SINK(r, action, path, a, NULL, reason);
}

void report_info(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(r, info_stream(r), "", fmt, ap);
	va_end(ap);
}

void report_verbose(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->verbose)
		return;
	va_start(ap, fmt);
	emit(r, info_stream(r), "", fmt, ap);
	va_end(ap);
}

/* Tells the outputs a message of the run. */
static void sink_message(struct report *r, bool error, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void sink_message(struct report *r, bool error, const char *fmt, va_list ap)
{
	char *msg;

	if (r->n_sinks == 0 || vasprintf(&msg, fmt, ap) < 0)
		return;
	EACH_SINK(r, message, error, msg);
	free(msg);
}

void report_error(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(r, message_stream(r), "ERROR: ", fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	sink_message(r, true, fmt, ap);
	va_end(ap);
}

void report_warning(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(r, warning_stream(r), "WARNING: ", fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	sink_message(r, false, fmt, ap);
	va_end(ap);
}

/* Formats t as clamdscan's "YYYY:MM:DD HH:MM:SS" in local time. */
static void format_date(char *buf, size_t len, time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y:%m:%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "?");
}

void report_summary(struct report *r, const struct tally *t, const struct timeval *start,
		    const struct timeval *end)
{
	long sec = (long)(end->tv_sec - start->tv_sec);
	long usec = (long)(end->tv_usec - start->tv_usec);
	char sdate[32], edate[32];

	if (usec < 0) {
		sec--;
		usec += 1000000;
	}
	if (sec < 0)
		sec = usec = 0;
	format_date(sdate, sizeof(sdate), start->tv_sec);
	format_date(edate, sizeof(edate), end->tv_sec);
	emitf(r, result_stream(r), "", "\n----------- SCAN SUMMARY -----------");
	emitf(r, result_stream(r), "", "Infected files: %lu", t->infected_files);
	if (t->errors > 0)
		emitf(r, result_stream(r), "", "Total errors: %lu", t->errors);
	if (t->not_removed > 0)
		emitf(r, result_stream(r), "", "Not removed: %lu", t->not_removed);
	if (t->not_moved > 0)
		emitf(r, result_stream(r), "", "Not moved: %lu", t->not_moved);
	emitf(r, result_stream(r), "", "Time: %ld.%3.3ld sec (%ld m %ld s)", sec, usec / 1000,
	      sec / 60, sec % 60);
	emitf(r, result_stream(r), "", "Start Date: %s", sdate);
	emitf(r, result_stream(r), "", "End Date:   %s", edate);
	/* kept: the outputs finish after the scan's own variables are gone */
	r->end_tally = *t;
	r->end_start = *start;
	r->end_end = *end;
	r->finished = (struct run_end){
		.t = &r->end_tally,
		.start = &r->end_start,
		.end = &r->end_end,
		.daemons = (const char *const *)r->daemons,
		.n_daemons = r->n_daemons,
		.n_unreachable = r->n_unreachable,
		.local = r->local,
		.sig = r->sig.engine[0] != '\0' ? &r->sig : NULL,
		.selfcheck = r->selfcheck,
	};
	EACH_SINK(r, summary, &r->finished);
}
