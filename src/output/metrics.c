/* The Prometheus text exposition of a run (see metrics.h). Each family has
 * HELP and TYPE lines; counts of this run are counters (_total), the rest
 * gauges; label values are escaped as the format asks. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/metrics.h"
#include "util/safefile.h"

struct metrics_output {
	struct safefile file;
};

/* Writes s as a label value: backslash, double quote and newline escaped. */
static void label_value(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* HELP and TYPE of one family. */
static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP clamdscan_ng_%s %s\n# TYPE clamdscan_ng_%s %s\n", name, help, name, type);
}

static double seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

void metrics_write(FILE *f, const struct run_end *e)
{
	const struct signatures *sig = e->sig;
	static const struct tally none;
	const struct tally *t = e->t != NULL ? e->t : &none;
	struct timeval now;

	gettimeofday(&now, NULL);
	family(f, "files_total", "counter", "Files of the last run by result.");
	fprintf(f, "clamdscan_ng_files_total{result=\"clean\"} %lu\n", t->clean);
	fprintf(f, "clamdscan_ng_files_total{result=\"infected\"} %lu\n", t->infected);
	fprintf(f, "clamdscan_ng_files_total{result=\"error\"} %lu\n", t->failed);
	fprintf(f, "clamdscan_ng_files_total{result=\"excluded\"} %lu\n", t->excluded);
	family(f, "errors_total", "counter", "Errors of the last run (its summary's Total errors).");
	fprintf(f, "clamdscan_ng_errors_total %lu\n", t->errors);
	family(f, "actions_failed_total", "counter",
	       "Infected files the last run could not move, copy or remove.");
	fprintf(f, "clamdscan_ng_actions_failed_total %lu\n", t->not_moved + t->not_removed);
	family(f, "scanned_bytes_total", "counter", "Bytes of the files the last run scanned.");
	fprintf(f, "clamdscan_ng_scanned_bytes_total %llu\n", t->bytes);
	family(f, "duration_seconds", "gauge", "How long the last run scanned.");
	fprintf(f, "clamdscan_ng_duration_seconds %.3f\n",
		e->start != NULL && e->end != NULL ? seconds(e->end) - seconds(e->start) : 0.0);
	family(f, "exit_status", "gauge", "The last run's exit status (0 clean, 1 found, 2 error).");
	fprintf(f, "clamdscan_ng_exit_status %d\n", e->status);
	family(f, "complete", "gauge",
	       "1 when the last run scanned everything it was asked to, without error.");
	fprintf(f, "clamdscan_ng_complete %d\n", e->complete ? 1 : 0);
	family(f, "daemon_up", "gauge", "Each daemon the last run scanned with.");
	for (size_t i = 0; i < e->n_daemons; i++) {
		fputs("clamdscan_ng_daemon_up{daemon=\"", f);
		label_value(f, e->daemons[i]);
		fputs("\"} 1\n", f);
	}
	family(f, "daemons_unreachable", "gauge", "Daemons the last run could not reach.");
	fprintf(f, "clamdscan_ng_daemons_unreachable %u\n", e->n_unreachable);
	if (sig != NULL && sig->version != 0) {
		family(f, "signatures_version", "gauge", "Version of the signature database scanned with.");
		fputs("clamdscan_ng_signatures_version{engine=\"", f);
		label_value(f, sig->engine);
		fprintf(f, "\"} %lu\n", sig->version);
	}
	if (sig != NULL && sig->time > 0) {
		family(f, "signatures_timestamp_seconds", "gauge",
		       "Date of the signature database scanned with.");
		fprintf(f, "clamdscan_ng_signatures_timestamp_seconds %lld\n", sig->time);
		family(f, "signatures_age_seconds", "gauge",
		       "Age of the signature database when the last run ended.");
		fprintf(f, "clamdscan_ng_signatures_age_seconds %lld\n",
			(long long)now.tv_sec - sig->time);
	}
	if (e->selfcheck != NULL) {
		family(f, "selfcheck_info", "gauge", "What the daemon answered to SELFCHECK.");
		fputs("clamdscan_ng_selfcheck_info{answer=\"", f);
		label_value(f, e->selfcheck);
		fputs("\"} 1\n", f);
	}
	family(f, "last_run_timestamp_seconds", "gauge", "When the last run ended.");
	fprintf(f, "clamdscan_ng_last_run_timestamp_seconds %.3f\n", seconds(&now));
}

static int sink_finish(void *self, const struct run_end *e)
{
	struct metrics_output *m = self;
	static const struct run_end nothing = { .status = 2 };
	int rc;

	metrics_write(m->file.out, e != NULL ? e : &nothing);
	rc = safefile_commit(&m->file);
	free(m);
	return rc;
}

static const struct output_ops metrics_ops = {
	.name = "metrics file",
	.finish = sink_finish,
};

int metrics_output_open(const char *path, struct output_sink *out)
{
	struct metrics_output *m = calloc(1, sizeof(*m));
	int saved;

	if (m == NULL)
		return -1;
	if (safefile_create(&m->file, path) != 0) {
		saved = errno;
		free(m);
		errno = saved;
		return -1;
	}
	*out = (struct output_sink){ &metrics_ops, m, path, fileno(m->file.out) };
	return 0;
}
