/* The one place a file's outcome becomes output, counts and actions. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/progress.h"
#include "scan/results.h"

struct results {
	struct report *rep;
	const struct quarantine *q;
	struct tally tally;
	unsigned long distrust; /* protocol violations so far: a target open
				 * during one gets no OK line */
	const char *limit_name; /* the daemon's size limit for a clean answer, or NULL */
	unsigned long long limit;
	bool fail_on_limit;
};

struct target_group {
	char *shown;
	unsigned long outstanding; /* files submitted that have not ended */
	bool walked;               /* no more files will be added */
	bool bad;                  /* a file not clean, or the walk failed */
	bool echo;                 /* standard input: its line is the daemon's, shown even with -i */
	unsigned long distrust;    /* results->distrust when the group began */
};

bool tally_balanced(const struct tally *t)
{
	return t->submitted == t->clean + t->infected + t->failed + t->excluded;
}

struct results *results_new(struct report *rep, const struct quarantine *q)
{
	struct results *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->rep = rep;
	r->q = q;
	return r;
}

void results_limit(struct results *r, const char *name, unsigned long long limit, bool fail)
{
	r->limit_name = limit > 0 ? name : NULL;
	r->limit = limit;
	r->fail_on_limit = fail;
}

/* A clean answer for a file over the daemon's size limit: clamd stops
 * reading there (or never starts), so OK means only "nothing in the part
 * scanned". Returns the verdict to keep. */
static enum verdict over_limit(struct results *r, const struct scan_item *it, char *msg,
			       size_t len)
{
	unsigned long long size = it->size > 0 ? (unsigned long long)it->size : 0;

	if (r->limit_name == NULL || size <= r->limit)
		return VERDICT_CLEAN;
	snprintf(msg, len, "Not scanned whole: %llu bytes, over %s (%llu bytes).", size,
		 r->limit_name, r->limit);
	if (r->fail_on_limit)
		return VERDICT_ERROR;
	report_limits(r->rep, it->shown, r->limit_name, r->limit, size);
	return VERDICT_CLEAN;
}

void results_free(struct results *r)
{
	free(r);
}

struct tally *results_tally(struct results *r)
{
	return &r->tally;
}

struct target_group *results_group_new(struct results *r, const char *shown)
{
	struct target_group *g = calloc(1, sizeof(*g));

	if (g == NULL || (g->shown = strdup(shown)) == NULL) {
		free(g);
		return NULL;
	}
	g->distrust = r->distrust;
	return g;
}

void results_group_taint(struct target_group *g)
{
	g->bad = true;
}

void results_group_add(struct results *r, struct target_group *g, struct scan_item *it)
{
	it->group = g;
	g->outstanding++;
	r->tally.submitted++;
}

/* Ends g once it is walked and nothing of it is outstanding. A daemon that
 * broke the protocol while g was open leaves its clean answers unproven. */
static void group_end_if_done(struct results *r, struct target_group *g)
{
	if (!g->walked || g->outstanding > 0)
		return;
	if (!g->bad && r->distrust == g->distrust) {
		if (g->echo)
			report_echo_ok(r->rep, g->shown);
		else
			report_ok(r->rep, g->shown);
	}
	free(g->shown);
	free(g);
}

bool results_group_idle(const struct target_group *g)
{
	return g->outstanding == 0;
}

void results_group_walked(struct results *r, struct target_group *g)
{
	g->walked = true;
	group_end_if_done(r, g);
}

/* A descriptor of the very file it names, for the SARIF fingerprint: its
 * own, or (the daemon opened it by path) one opened here and checked to be
 * the same inode; -1 when neither can be had. *opened: the caller closes it. */
static int file_of(const struct scan_item *it, bool *opened)
{
	const char *path = it->path != NULL ? it->path : it->real;
	struct stat st;
	int fd;

	*opened = false;
	if (it->fd >= 0 || it->is_stdin || path == NULL)
		return it->fd;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_dev != it->dev ||
			st.st_ino != it->ino)) {
		close(fd);
		return -1;
	}
	*opened = fd >= 0;
	return fd;
}

static void on_found(void *arg, const struct scan_item *it, const char *signature)
{
	struct results *r = arg;
	bool opened = false;
	/* only a SARIF report wants the file's fingerprint */
	int fd = r->rep->n_sinks > 0 ? file_of(it, &opened) : -1;

	report_found(r->rep, it->shown, signature, fd);
	if (opened)
		close(fd);
}

static void on_end(void *arg, struct scan_item *it, enum verdict v, const char *detail)
{
	struct results *r = arg;
	struct target_group *g = it->group;
	bool bad = true;
	char limit_msg[200];

	if (v == VERDICT_CLEAN && !it->is_stdin && (v = over_limit(r, it, limit_msg,
								   sizeof(limit_msg))) != VERDICT_CLEAN)
		detail = limit_msg;
	switch (v) {
	case VERDICT_CLEAN:
		/* clamdscan prints OK per target, not per file: the group does */
		r->tally.clean++;
		bad = false;
		break;
	case VERDICT_INFECTED:
		r->tally.infected++;
		r->tally.infected_files++;
		/* on the descriptor and directory held since the scan, never on a
		 * path from a reply */
		if (r->q != NULL)
			quarantine_act(r->q, r->rep, &r->tally, it);
		break;
	case VERDICT_EXCLUDED:
		/* clamd passed it over by its own rules: neither clean nor an
		 * error; only a file named on the command line says so */
		r->tally.excluded++;
		if (g != NULL && it->is_target) {
			report_excluded(r->rep, it->shown);
		} else {
			report_verbose(r->rep, "%s: %s", it->shown, detail != NULL ? detail : "Excluded");
			bad = false;
		}
		break;
	case VERDICT_ERROR:
	default:
		report_error_result(r->rep, it->shown, detail != NULL ? detail : "Not scanned.");
		r->tally.errors++;
		r->tally.failed++;
		break;
	}
	if (v == VERDICT_CLEAN || v == VERDICT_INFECTED)
		r->tally.bytes += it->size > 0 ? (unsigned long long)it->size : 0;
	progress_file_done(r->rep->progress, it->size > 0 ? (unsigned long long)it->size : 0,
			   v == VERDICT_INFECTED);
	if (g != NULL && it->is_stdin) {
		/* clamdscan echoes the daemon's line for standard input */
		char *label = strdup(it->shown);

		if (label != NULL) {
			free(g->shown);
			g->shown = label;
		}
		g->echo = true;
	}
	if (g != NULL) {
		g->bad = g->bad || bad;
		g->outstanding--;
		group_end_if_done(r, g);
	}
	scan_item_free(it);
}

static void on_distrust(void *arg)
{
	struct results *r = arg;

	r->tally.errors++;
	r->distrust++;
}

struct result_sink results_sink(struct results *r)
{
	return (struct result_sink){
		.found = on_found,
		.end = on_end,
		.distrust = on_distrust,
		.arg = r,
	};
}
