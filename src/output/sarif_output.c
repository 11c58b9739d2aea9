/* --sarif=FILE as an output of the report (output/sink.h): the SARIF log
 * of sarif.c, written to a temporary file beside FILE and put in place
 * when whole. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "output/sarif.h"
#include "util/safefile.h"

/* The log and the file it is written to, beside the real one until whole. */
struct sarif_output {
	struct sarif *s;
	struct safefile file;
};

static void sink_found(void *self, const char *path, const char *signature, int fd)
{
	sarif_found(((struct sarif_output *)self)->s, path, signature, fd);
}

static void sink_excluded(void *self, const char *path)
{
	sarif_excluded(((struct sarif_output *)self)->s, path);
}

static void sink_error(void *self, const char *path, const char *message)
{
	sarif_scan_error(((struct sarif_output *)self)->s, path, message);
}

static void sink_message(void *self, bool error, const char *text)
{
	sarif_notify(((struct sarif_output *)self)->s, error, text);
}

static int sink_finish(void *self, const struct run_end *e)
{
	struct sarif_output *o = self;
	int rc = sarif_finish(o->s, e);
	int saved = errno;

	if (rc != 0)
		safefile_abort(&o->file);
	else
		rc = safefile_commit(&o->file);
	if (rc != 0)
		saved = errno;
	free(o);
	errno = saved;
	return rc;
}

static const struct output_ops sarif_ops = {
	.name = "SARIF report",
	.found = sink_found,
	.excluded = sink_excluded,
	.error = sink_error,
	.message = sink_message,
	.finish = sink_finish,
};

int sarif_output_open(const char *path, const char *base, struct output_sink *out)
{
	struct sarif_output *o = calloc(1, sizeof(*o));
	int saved;

	if (o == NULL)
		return -1;
	if (safefile_create(&o->file, path) != 0) {
		saved = errno;
		free(o);
		errno = saved;
		return -1;
	}
	o->s = sarif_open(o->file.out, base);
	if (o->s == NULL) {
		saved = errno;
		safefile_abort(&o->file);
		free(o);
		errno = saved;
		return -1;
	}
	*out = (struct output_sink){ &sarif_ops, o, path, fileno(o->file.out) };
	return 0;
}
