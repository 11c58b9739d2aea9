/* --metrics=FILE: the run's figures in the Prometheus text exposition
 * format, for node_exporter's textfile collector. Written at the end of
 * every run (finished, cut short by a signal, or with no daemon), to a
 * temporary file beside FILE, synced and renamed over it, never through a
 * symbolic link. */
#ifndef NG_METRICS_H
#define NG_METRICS_H

#include <stdio.h>

#include "output/sink.h"

/* What is known of the signatures scanned with (from VERSION, or the local
 * engine); version 0 when unknown. */
struct signatures {
	char engine[32];          /* "1.4.6" */
	unsigned long version;    /* the database version, e.g. 27478 */
	long long time;           /* its date, seconds since the epoch; 0 unknown */
};

/* Opens path for the metrics. Returns 0 with *out, or -1 with errno (ELOOP
 * for a symbolic link). sig is read at the end (may be filled later). */
int metrics_output_open(const char *path, const struct signatures *sig, struct output_sink *out);

/* Writes the exposition of e (and of sig) to f; for tests and the sink. */
void metrics_write(FILE *f, const struct run_end *e, const struct signatures *sig);

#endif
