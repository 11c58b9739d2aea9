/* --sarif=FILE: the scan's findings as a SARIF 2.1.0 log for CI dashboards.
 * Results are written as they come (memory stays bounded); the run's
 * invocation, with whether the scan was complete, is written at the end. */
#ifndef NG_SARIF_H
#define NG_SARIF_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/time.h>

#include "output/sink.h"

struct sarif;

/* The ruleId of a file that could not be scanned: never a signature name. */
#define SARIF_SCAN_ERROR_RULE "clamdscan-ng/scan-error"

/* Writes the log's opening to out (the caller's, closed by the caller);
 * files under base (absolute; NULL: none) get URIs relative to it. Returns
 * NULL with errno when it cannot; free with sarif_finish. */
struct sarif *sarif_open(FILE *out, const char *base);

/* --sarif=FILE as an output of the report: written to a temporary file
 * beside path (never through a link: ELOOP), renamed over path when whole.
 * Files under base (absolute; NULL: none) are named relative to it.
 * Returns 0 with *out, or -1 with errno. */
int sarif_output_open(const char *path, const char *base, struct output_sink *out);

/* A result: path (absolute, or "stdin") is infected with signature. */
void sarif_found(struct sarif *s, const char *path, const char *signature, int fd);

/* A file that could not be scanned: a result of rule SARIF_SCAN_ERROR_RULE
 * when path is known, else a notification. */
void sarif_scan_error(struct sarif *s, const char *path, const char *message);

/* A target not scanned because clamd.conf's rules exclude it: a
 * notification of level "note". */
void sarif_excluded(struct sarif *s, const char *path);

/* A message of the run (error: true, else a warning), kept for the
 * invocation's toolExecutionNotifications (the first 1000). */
void sarif_notify(struct sarif *s, bool error, const char *message);

/* Writes the tool (with one rule per signature met), the invocation
 * (executionSuccessful, exitCode) and the run's properties (the
 * signatures) from e (NULL: a run that did not end); frees s. Returns 0,
 * or -1 with errno when the log could not be written whole. */
int sarif_finish(struct sarif *s, const struct run_end *e);

/* The file:// URI of an absolute path (every byte but unreserved ones and
 * "/" percent-encoded); a relative name is only percent-encoded. Returns
 * malloc'd memory (caller frees) or NULL. */
char *sarif_file_uri(const char *path);

#endif
