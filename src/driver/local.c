/* The local driver: files scanned in this process with libclamav, for
 * --local and --local-fallback, so a local scan prints what a daemon scan
 * of the same tree prints. The library is opened with dlopen when a local
 * scan starts, never linked (a daemon scan never pays for it): <clamav.h>
 * gives only types and constants. One engine is compiled per run; with -m
 * a small pool of threads shares it (cl_scandesc is thread-safe on a
 * compiled engine), fed through a bounded queue, and every result goes to
 * the sink from the submitting thread so output lines never interleave.
 *
 * This file holds the scanning and the driver interface; local_load.c
 * loads libclamav and the engine (local_int.h: what they share). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/driver.h"
#include "util/fdio.h"
#include "util/interrupt.h"

#ifndef HAVE_CLAMAV_H

/* Built without clamav.h: --local says so and nothing is scanned. */
static struct driver *local_open(const struct driver_env *env)
{
	report_error(env->msg, "local scanning is not available: this clamdscan-ng was built without "
			       "libclamav support (clamav.h, Debian package libclamav-dev, was missing)");
	return NULL;
}

static void local_submit(struct driver *l, struct scan_item *it)
{
	(void)l;
	scan_item_free(it);
}

static void local_drain(struct driver *l)
{
	(void)l;
}

static void local_close(struct driver *l)
{
	free(l);
}

#else /* HAVE_CLAMAV_H */

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/local_int.h"

/* Copy buffer for standard input that is a pipe. */
#define SPOOL_CHUNK (64 * 1024)

/* An unlinked temporary file in TMPDIR (or /tmp). Returns it or -1 (errno). */
static int temp_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	/* a filesystem without O_TMPFILE */
	snprintf(path, sizeof(path), "%s/clamdscan-ng.XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Standard input that is not a regular file (a pipe) cannot be mapped by
 * libclamav: it is copied into an unlinked temporary file first, at most
 * StreamMaxLength bytes, as much as a daemon would be sent. Returns 0, or
 * -1 with errno. */
static int spool_stdin(struct driver *l, struct job *j)
{
	uint64_t limit = l->env.conf->stream_max_length, got = 0;
	struct stat st;
	char *buf;
	int fd, saved;

	if (fstat(j->file->fd, &st) != 0)
		return -1;
	if (S_ISREG(st.st_mode))
		return 0;
	fd = temp_file();
	if (fd < 0)
		return -1;
	buf = malloc(SPOOL_CHUNK);
	if (buf == NULL)
		goto fail;
	for (;;) {
		ssize_t n = read(j->file->fd, buf, SPOOL_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			j->read_errno = errno;
			break;
		}
		if (n == 0)
			break;
		if (got + (uint64_t)n > limit) {
			n = (ssize_t)(limit - got);
			j->truncated = true;
		}
		if (write_all(fd, buf, (size_t)n) != 0)
			goto fail;
		got += (uint64_t)n;
		if (j->truncated)
			break;
	}
	free(buf);
	close(j->file->fd);
	j->file->fd = fd;
	return 0;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}

/* Scans one file (any thread). */
static void scan_job(struct driver *l, struct job *j)
{
	struct cl_scan_options o = l->scan_opts; /* libclamav takes it non-const */
	unsigned long int scanned = 0;

	if (interrupt_signal() != 0) {
		j->interrupted = true;
		return;
	}
	(void)lseek(j->file->fd, 0, SEEK_SET);
	j->rc = l->api.scandesc_callback(j->file->fd, j->file->shown, &j->virname, &scanned,
					 l->engine, &o, j);
}

/* Hands a scanned file to the sink and frees the job (submitting thread
 * only). */
static void report_job(struct driver *l, struct job *j)
{
	const struct result_sink *sink = &l->env.sink;
	enum verdict v = VERDICT_ERROR;
	const char *detail = NULL;
	char msg[MESSAGE_LEN + 64];

	if (j->message[0] != '\0')
		report_verbose(l->env.msg, "%s: libclamav: %s", j->file->shown, j->message);
	if (j->interrupted) {
		sink->end(sink->arg, j->file, VERDICT_ERROR, interrupt_reason());
		free(j);
		return;
	}
	switch (j->rc) {
	case CL_VIRUS:
		v = VERDICT_INFECTED;
		if (l->allmatch && j->n_matches > 0) {
			/* clamd's -z: one line per signature, one infected file */
			for (unsigned i = 0; i < j->n_matches; i++)
				sink->found(sink->arg, j->file, j->matches[i]);
		} else {
			sink->found(sink->arg, j->file,
				    j->virname != NULL ? j->virname
				    : j->n_matches > 0 ? j->matches[0] : "Unknown");
		}
		break;
	case CL_CLEAN:
		v = VERDICT_CLEAN;
		if (j->truncated) {
			snprintf(msg, sizeof(msg),
				 "Not scanned whole: larger than StreamMaxLength (%llu bytes).",
				 (unsigned long long)l->env.conf->stream_max_length);
			v = VERDICT_ERROR;
			detail = msg;
		} else if (j->read_errno != 0) {
			snprintf(msg, sizeof(msg), "Read error: %s.", strerror(j->read_errno));
			v = VERDICT_ERROR;
			detail = msg;
		}
		break;
	default:
		/* what clamd answers for a scan that failed */
		detail = l->api.strerror(j->rc);
		break;
	}
	sink->end(sink->arg, j->file, v, detail);
	for (unsigned i = 0; i < j->n_matches; i++)
		free(j->matches[i]);
	free(j);
}

/* A scanning thread: takes queued jobs until told to stop. */
static void *worker(void *arg)
{
	struct driver *l = arg;

	pthread_mutex_lock(&l->lock);
	for (;;) {
		struct job *j;

		while (l->todo == NULL && !l->stopping)
			pthread_cond_wait(&l->work_cv, &l->lock);
		if (l->todo == NULL)
			break;
		j = l->todo;
		l->todo = j->next;
		if (l->todo == NULL)
			l->todo_tail = &l->todo;
		pthread_mutex_unlock(&l->lock);
		scan_job(l, j);
		pthread_mutex_lock(&l->lock);
		j->next = NULL;
		*l->done_tail = j;
		l->done_tail = &j->next;
		pthread_cond_signal(&l->done_cv);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/* Reports every scanned job; with wait, first waits for at least one. */
static void collect(struct driver *l, bool wait)
{
	struct job *list;

	pthread_mutex_lock(&l->lock);
	while (wait && l->done == NULL)
		pthread_cond_wait(&l->done_cv, &l->lock);
	list = l->done;
	l->done = NULL;
	l->done_tail = &l->done;
	pthread_mutex_unlock(&l->lock);
	while (list != NULL) {
		struct job *next = list->next;

		report_job(l, list);
		l->outstanding--;
		list = next;
	}
}

/* Starts up to n scanning threads. Returns 0, or -1 when none started. */
static int start_threads(struct driver *l, unsigned n)
{
	l->threads = calloc(n, sizeof(*l->threads));
	if (l->threads == NULL) {
		report_error(l->env.msg, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		int rc = pthread_create(&l->threads[i], NULL, worker, l);

		if (rc != 0 && i == 0) {
			report_error(l->env.msg, "cannot start a scanning thread: %s", strerror(rc));
			return -1;
		}
		if (rc != 0) {
			report_warning(l->env.msg, "only %u scanning threads could be started: %s", i,
				       strerror(rc));
			break;
		}
		l->n_threads++;
	}
	/* enough queued that no thread waits for the walk, and no more */
	l->window = 2 * l->n_threads;
	report_verbose(l->env.msg, "Scanning with %u threads sharing one engine", l->n_threads);
	return 0;
}

static void local_close(struct driver *l);

/* Loads libclamav, the signature databases (--database, else
 * DatabaseDirectory, else libclamav's default) and clamd.conf's limits, and
 * compiles the engine once. Without -m (ordered) files are scanned in the
 * calling thread, in order; with it, env->window threads share the engine. */
static struct driver *local_open(const struct driver_env *env)
{
	struct driver *l = calloc(1, sizeof(*l));
	unsigned threads = env->ordered ? 0 : env->window;

	if (l == NULL) {
		report_error(env->msg, "out of memory");
		return NULL;
	}
	l->env = *env;
	l->todo_tail = &l->todo;
	l->done_tail = &l->done;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->work_cv, NULL);
	pthread_cond_init(&l->done_cv, NULL);
	if (load_library(l) != 0 || load_engine(l) != 0)
		goto fail;
	set_scan_options(l);
	if (threads > 0 && start_threads(l, threads) != 0)
		goto fail;
	return l;
fail:
	local_close(l);
	return NULL;
}

static void local_submit(struct driver *l, struct scan_item *f)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL) {
		l->env.sink.end(l->env.sink.arg, f, VERDICT_ERROR, "Out of memory.");
		return;
	}
	j->file = f;
	if (f->is_stdin && spool_stdin(l, j) != 0) {
		char msg[200];

		snprintf(msg, sizeof(msg), "Not scanned: cannot store standard input in a temporary file: %s.",
			 strerror(errno));
		l->env.sink.end(l->env.sink.arg, f, VERDICT_ERROR, msg);
		free(j);
		return;
	}
	if (l->n_threads == 0) {
		scan_job(l, j);
		report_job(l, j);
		return;
	}
	collect(l, false);
	while (l->outstanding >= l->window)
		collect(l, true);
	l->outstanding++;
	pthread_mutex_lock(&l->lock);
	*l->todo_tail = j;
	l->todo_tail = &j->next;
	pthread_cond_signal(&l->work_cv);
	pthread_mutex_unlock(&l->lock);
}

static void local_drain(struct driver *l)
{
	while (l->outstanding > 0)
		collect(l, true);
}

static void local_close(struct driver *l)
{
	if (l == NULL)
		return;
	local_drain(l);
	pthread_mutex_lock(&l->lock);
	l->stopping = true;
	pthread_cond_broadcast(&l->work_cv);
	pthread_mutex_unlock(&l->lock);
	for (unsigned i = 0; i < l->n_threads; i++)
		pthread_join(l->threads[i], NULL);
	if (l->engine != NULL)
		l->api.engine_free(l->engine);
	/* never dlclose: libclamav keeps process-wide state (its OpenSSL set-up,
	 * handlers registered at load) that must outlive the handle */
	pthread_cond_destroy(&l->done_cv);
	pthread_cond_destroy(&l->work_cv);
	pthread_mutex_destroy(&l->lock);
	free(l->threads);
	free(l);
}

#endif /* HAVE_CLAMAV_H */

const struct driver_ops driver_local = {
	.name = "local",
	.open = local_open,
	.submit = local_submit,
	.drain = local_drain,
	.close = local_close,
};
