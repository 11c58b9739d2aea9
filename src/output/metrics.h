/* --metrics=FILE: the run's figures in the Prometheus text exposition
 * format, for node_exporter's textfile collector. Written at the end of
 * every run (finished, cut short by a signal, or with no daemon), to a
 * temporary file beside FILE, synced and renamed over it, never through a
 * symbolic link. */
#ifndef NG_METRICS_H
#define NG_METRICS_H

#include <stdio.h>

#include "output/sink.h"

/* Opens path for the metrics. Returns 0 with *out, or -1 with errno (ELOOP
 * for a symbolic link). */
int metrics_output_open(const char *path, struct output_sink *out);

/* Writes the exposition of e to f. */
void metrics_write(FILE *f, const struct run_end *e);

#endif
