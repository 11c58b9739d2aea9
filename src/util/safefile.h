/* Files the program writes (the log, reports): never through a symbolic
 * link, and a report never seen half-written under its name. */
#ifndef NG_SAFEFILE_H
#define NG_SAFEFILE_H

#include <stdbool.h>
#include <stdio.h>

/* Opens path for appending (created if missing), refusing a symbolic link
 * as the last component (errno ELOOP). Returns the stream or NULL. */
FILE *safefile_append(const char *path);

/* A report being written: into a temporary file beside path, renamed over
 * path by safefile_commit. A path that exists and is neither a regular
 * file nor a directory (/dev/null, a FIFO) is written in place instead. */
struct safefile {
	FILE *out;
	char *path;
	char *tmp;   /* the temporary name, or NULL when written in place */
};

/* Returns 0, or -1 with errno (ELOOP for a symbolic link, EISDIR). */
int safefile_create(struct safefile *f, const char *path);

/* Flushes, syncs and renames into place; 0, or -1 with errno (the
 * temporary file is then removed). Closes f->out either way. */
int safefile_commit(struct safefile *f);

/* Closes and removes the temporary file. */
void safefile_abort(struct safefile *f);

#endif
