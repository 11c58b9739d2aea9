/* A command-line target: the name the user gave, as printed, and the
 * canonical path behind it. */
#ifndef NG_TARGET_H
#define NG_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct target {
	char *shown;  /* absolute, as clamdscan prints it (cwd + "/" + arg) */
	char *real;   /* canonical path, what is walked and sent */
	bool is_link; /* the argument itself is a symlink: files are shown under it */
	bool is_dir;
	bool is_regular;
	dev_t dev;    /* the filesystem it is on (CrossFilesystems) */
};

/* The path to print for path, a path at or under t->real: re-rooted under
 * t->shown when the user named a symlink. Writes into buf when it must. */
const char *target_display(const struct target *t, const char *path, char *buf, size_t len);

#endif
