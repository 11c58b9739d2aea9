/* Everything the user sees: result lines, messages, the log file, the
 * summary. No other module prints. */
#ifndef NG_REPORT_H
#define NG_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/time.h>

#include "core/file_id.h"
#include "core/result.h"
#include "output/sink.h"

struct progress;

/* One of each kind: JSON, SARIF, JUnit, metrics. */
#define REPORT_MAX_SINKS 5

/* What the user asked of the output. */
struct report_opts {
	bool quiet;
	bool infected_only;
	bool verbose;
	bool to_stdout;      /* --stdout */
	bool json;           /* --json */
	bool actions;        /* a quarantine action was asked for */
	const char *log_file; /* -l, or NULL */
};

struct report {
	bool quiet;
	bool infected_only;
	bool verbose;
	bool to_stdout;
	FILE *log; /* -l FILE, or NULL */
	const char *log_path;
	int log_errno;        /* the first write to the log that failed, or 0 */
	int stdout_errno;     /* the first write to stdout that failed (not EPIPE), or 0 */
	bool json;            /* --json: stdout holds JSON Lines only */
	struct output_sink sinks[REPORT_MAX_SINKS]; /* --json, --sarif, --junit, --metrics */
	size_t n_sinks;
	struct run_end finished;   /* as the summary said it, for the outputs' end */
	struct tally end_tally;
	struct timeval end_start, end_end;
	char **daemons;             /* the clamds scanned with, for the reports (owned) */
	size_t n_daemons;
	unsigned n_unreachable;     /* and those named that could not be reached */
	struct signatures sig;      /* what VERSION said, when asked (engine "" if not) */
	const char *selfcheck;      /* what SELFCHECK said, when asked, or NULL */
	bool local;           /* or libclamav in this process */
	struct progress *progress; /* the progress line while a scan runs, or NULL */
};

/* Sets up output from the options and opens the log file (appending, with
 * clamdscan's separator line). Returns 0, or -1 with errno; the caller
 * reports. */
int report_open(struct report *r, const struct report_opts *o);

/* A daemon this scan uses, by name: listed once in the JSON summary and
 * the metrics, a --pool member that joins mid-scan too. Out of memory
 * only costs the entry. */
void report_daemon(struct report *r, const char *name);

/* Adds a machine-readable output (report.c owns it from now on). */
void report_add_sink(struct report *r, struct output_sink sink);

/* Completes and closes every output (one not finished yet says the scan
 * failed; status is the exit status so far). Returns 0, or -1 after saying
 * on stderr which output could not be written whole: the user did not get
 * what they asked for. */
int report_close(struct report *r, int status);

/* The run's own files, by device and inode (the log, the SARIF report and
 * its temporary file, stdout and stderr when they are files): up to max of
 * them into ids. Returns how many. */
size_t report_own_files(const struct report *r, struct file_id *ids, size_t max);

/* Ends every output with whether the scan was complete (no errors, every
 * request answered, not interrupted) and the exit status it gives. Returns
 * 0, or -1 after saying which output could not be written. */
int report_finish(struct report *r, const struct tally *t, const struct timeval *start,
		  const struct timeval *end, int status);

/* "path: Signature FOUND"; fd is a descriptor of the very file, or -1 (the
 * SARIF report fingerprints it). */
void report_found(struct report *r, const char *path, const char *signature, int fd);

/* "path: OK", unless -i. */
void report_ok(struct report *r, const char *path);

/* "path: OK" even with -i: the daemon's line for standard input, which
 * clamdscan echoes whatever -i says. */
void report_echo_ok(struct report *r, const char *path);

/* "path: Excluded": a target clamd.conf's rules exclude, not scanned. */
void report_excluded(struct report *r, const char *path);

/* A file answered clean although larger than the daemon's limit (name,
 * limit bytes): a warning, and "limits_exceeded" in the reports. */
void report_limits(struct report *r, const char *path, const char *name,
		   unsigned long long limit, unsigned long long size);

/* A daemon's error result, "path: message ERROR" (path may be NULL). */
void report_error_result(struct report *r, const char *path, const char *message);

/* A quarantine action done on path: "path: moved to 'dir/name'", "copied
 * to", or "Removed." (dir and name NULL); with real (where the file really
 * is, when path is another name for it) "path (real path: 'real'): ...",
 * as clamdscan says it. */
void report_action(struct report *r, const char *path, const char *real, enum ng_action a,
		   const char *dir, const char *name);

/* One that could not be done: "ERROR: Can't move file 'path': reason". */
void report_action_failed(struct report *r, const char *path, enum ng_action a,
			  const char *reason);

/* A plain informational line (stdout, unless --quiet; and the log). */
void report_info(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Only with -v. */
void report_verbose(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "ERROR: ..." on stderr (stdout with --stdout) and in the log. */
void report_error(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "WARNING: ..." likewise. */
void report_warning(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The SCAN SUMMARY block, clamdscan's format. */
void report_summary(struct report *r, const struct tally *t, const struct timeval *start,
		    const struct timeval *end);

#endif
