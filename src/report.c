/* Output in clamdscan's format: stdout for results, stderr for messages,
 * and a copy of both in the -l log file. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "report.h"

bool tally_balanced(const struct tally *t)
{
	return t->submitted == t->clean + t->infected + t->failed;
}

int report_open(struct report *r, const struct ng_options *o)
{
	memset(r, 0, sizeof(*r));
	r->quiet = o->quiet;
	r->infected_only = o->infected_only;
	r->verbose = o->verbose;
	r->to_stdout = o->to_stdout;
	if (o->log_file == NULL)
		return 0;
	r->log_path = o->log_file;
	r->log = fopen(o->log_file, "ae");
	if (r->log == NULL)
		return -1;
	/* clamdscan shows the separator on stdout too */
	report_info(r, "--------------------------------------");
	return 0;
}

void report_close(struct report *r)
{
	if (r->log != NULL)
		fclose(r->log);
	r->log = NULL;
	fflush(stdout);
}

/* Writes one formatted line to the terminal stream (unless NULL) and the log. */
static void emit(struct report *r, FILE *term, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void emit(struct report *r, FILE *term, const char *prefix, const char *fmt, va_list ap)
{
	va_list copy;

	if (r->log != NULL) {
		va_copy(copy, ap);
		fputs(prefix, r->log);
		vfprintf(r->log, fmt, copy);
		fputc('\n', r->log);
		fflush(r->log);
		va_end(copy);
	}
	if (term != NULL) {
		/* keep stdout and stderr in order when both go to one place */
		if (term == stderr)
			fflush(stdout);
		fputs(prefix, term);
		vfprintf(term, fmt, ap);
		fputc('\n', term);
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

/* Where informational lines go: stdout, or nowhere with --quiet. */
static FILE *info_stream(const struct report *r)
{
	return r->quiet ? NULL : stdout;
}

/* Where error messages go: stderr, or stdout with --stdout. */
static FILE *message_stream(const struct report *r)
{
	return r->to_stdout ? stdout : stderr;
}

/* Warnings go there too, but --quiet silences them (errors it does not). */
static FILE *warning_stream(const struct report *r)
{
	return r->quiet ? NULL : message_stream(r);
}

void report_found(struct report *r, const char *path, const char *signature)
{
	emitf(r, info_stream(r), "", "%s: %s FOUND", path, signature);
}

void report_ok(struct report *r, const char *path)
{
	if (!r->infected_only)
		emitf(r, info_stream(r), "", "%s: OK", path);
}

void report_error_result(struct report *r, const char *path, const char *message)
{
	if (path != NULL)
		emitf(r, info_stream(r), "", "%s: %s ERROR", path, message);
	else
		emitf(r, info_stream(r), "", "%s ERROR", message);
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

void report_error(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(r, message_stream(r), "ERROR: ", fmt, ap);
	va_end(ap);
}

void report_warning(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(r, warning_stream(r), "WARNING: ", fmt, ap);
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
	report_info(r, "\n----------- SCAN SUMMARY -----------");
	report_info(r, "Infected files: %lu", t->infected_files);
	if (t->errors > 0)
		report_info(r, "Total errors: %lu", t->errors);
	if (t->not_removed > 0)
		report_info(r, "Not removed: %lu", t->not_removed);
	if (t->not_moved > 0)
		report_info(r, "Not moved: %lu", t->not_moved);
	report_info(r, "Time: %ld.%3.3ld sec (%ld m %ld s)", sec, usec / 1000, sec / 60, sec % 60);
	report_info(r, "Start Date: %s", sdate);
	report_info(r, "End Date:   %s", edate);
}
