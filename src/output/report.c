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

int report_open(struct report *r, const struct report_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->quiet = o->quiet;
	r->infected_only = o->infected_only;
	r->verbose = o->verbose;
	r->to_stdout = o->to_stdout;
	if (o->json && (r->json = jsonout_new(stdout, o->actions)) == NULL)
		return -1;
	if (o->log_file == NULL)
		return 0;
	r->log_path = o->log_file;
	/* never through a link: the CVE-2024-20506 pattern */
	r->log = safefile_append(o->log_file);
	if (r->log == NULL) {
		int saved = errno;

		jsonout_free(r->json);
		r->json = NULL;
		errno = saved;
		return -1;
	}
	/* clamdscan shows the separator on stdout too (not amid JSON) */
	if (r->json != NULL)
		fputs("--------------------------------------\n", r->log);
	else
		report_info(r, "--------------------------------------");
	return 0;
}

int report_open_sarif(struct report *r, const char *path)
{
	int saved;

	if (safefile_create(&r->sarif_file, path) != 0)
		return -1;
	r->sarif = sarif_open(r->sarif_file.out);
	if (r->sarif != NULL)
		return 0;
	saved = errno;
	safefile_abort(&r->sarif_file);
	errno = saved;
	return -1;
}

/* Ends the SARIF log and puts it in place. Returns 0, or -1 with errno. */
static int end_sarif(struct report *r, bool successful, const struct timeval *start,
		     const struct timeval *end)
{
	struct sarif *s = r->sarif;
	int rc, saved;

	r->sarif = NULL;
	rc = sarif_finish(s, successful, start, end);
	saved = errno;
	if (rc != 0) {
		safefile_abort(&r->sarif_file);
		errno = saved;
		return -1;
	}
	return safefile_commit(&r->sarif_file);
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

int report_close(struct report *r)
{
	int rc = 0;

	/* a scan that stopped before its end: the SARIF log says it failed */
	if (r->sarif != NULL && end_sarif(r, false, NULL, NULL) != 0) {
		fprintf(stderr, "ERROR: Can't write the SARIF report %s: %s\n", r->sarif_file.path,
			strerror(errno));
		rc = -1;
	}
	jsonout_free(r->json);
	r->json = NULL;
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
	return rc;
}

int report_finish(struct report *r, const struct tally *t, const struct timeval *start,
		  const struct timeval *end)
{
	if (r->sarif == NULL)
		return 0;
	if (end_sarif(r, t->errors == 0 && tally_balanced(t) && interrupt_signal() == 0, start, end) == 0)
		return 0;
	report_error(r, "Can't write the SARIF report: %s", strerror(errno));
	return -1;
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
	if (r->sarif_file.out != NULL)
		n = add_own(ids, n, max, fileno(r->sarif_file.out), "the SARIF report being written");
	if (r->sarif_file.path != NULL) {
		int fd = open(r->sarif_file.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

		/* the one it replaces at the end */
		n = add_own(ids, n, max, fd, "the SARIF report");
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
	return r->json != NULL ? stderr : stdout;
}

/* Where result lines and the summary go: with --json only to the log
 * (stdout has the JSON), else where informational lines go. */
static FILE *result_stream(const struct report *r)
{
	return r->json != NULL ? NULL : info_stream(r);
}

/* Where error messages go: stderr, or stdout with --stdout (not with --json:
 * stdout has the JSON). */
static FILE *message_stream(const struct report *r)
{
	return r->to_stdout && r->json == NULL ? stdout : stderr;
}

/* Warnings go there too, but --quiet silences them (errors it does not). */
static FILE *warning_stream(const struct report *r)
{
	return r->quiet ? NULL : message_stream(r);
}

void report_found(struct report *r, const char *path, const char *signature)
{
	emitf(r, result_stream(r), "", "%s: %s FOUND", path, signature);
	if (r->json != NULL)
		jsonout_found(r->json, path, signature);
	check_term(r, stdout);
	if (r->sarif != NULL)
		sarif_found(r->sarif, path, signature);
}

void report_echo_ok(struct report *r, const char *path)
{
	emitf(r, result_stream(r), "", "%s: OK", path);
	if (r->json != NULL)
		jsonout_ok(r->json, path);
	check_term(r, stdout);
}

void report_ok(struct report *r, const char *path)
{
	if (!r->infected_only)
		report_echo_ok(r, path);
}

void report_excluded(struct report *r, const char *path)
{
	emitf(r, result_stream(r), "", "%s: Excluded", path);
	if (r->json != NULL)
		jsonout_excluded(r->json, path);
	check_term(r, stdout);
	if (r->sarif != NULL)
		sarif_excluded(r->sarif, path);
}

void report_error_result(struct report *r, const char *path, const char *message)
{
	if (path != NULL)
		emitf(r, result_stream(r), "", "%s: %s ERROR", path, message);
	else
		emitf(r, result_stream(r), "", "%s ERROR", message);
	if (r->json != NULL)
		jsonout_error(r->json, path, message);
	check_term(r, stdout);
	if (r->sarif != NULL)
		sarif_scan_error(r->sarif, path, message);
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
		if (r->json != NULL && asprintf(&dest, "%s/%s", dir, name) < 0)
			dest = NULL;
	}
	if (r->json != NULL)
		jsonout_action(r->json, path, action_name(a), dest, NULL);
	check_term(r, stdout);
	free(dest);
	free(named);
}

void report_action_failed(struct report *r, const char *path, enum ng_action a,
			  const char *reason)
{
	report_error(r, "Can't %s file '%s': %s", action_name(a), path, reason);
	if (r->json != NULL)
		jsonout_action(r->json, path, action_name(a), NULL, reason);
	check_term(r, stdout);
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

/* Keeps a message for the SARIF log's notifications. */
static void sarif_message(struct report *r, bool error, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void sarif_message(struct report *r, bool error, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	sarif_notify(r->sarif, error, msg);
	free(msg);
}

void report_error(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(r, message_stream(r), "ERROR: ", fmt, ap);
	va_end(ap);
	if (r->sarif != NULL) {
		va_start(ap, fmt);
		sarif_message(r, true, fmt, ap);
		va_end(ap);
	}
}

void report_warning(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(r, warning_stream(r), "WARNING: ", fmt, ap);
	va_end(ap);
	if (r->sarif != NULL) {
		va_start(ap, fmt);
		sarif_message(r, false, fmt, ap);
		va_end(ap);
	}
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
	if (r->json != NULL)
		jsonout_summary(r->json, t, start, end, r->daemons, r->n_daemons, r->local);
	check_term(r, stdout);
}
