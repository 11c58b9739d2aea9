/* A command-line target: the name the user gave, as printed, and the
 * canonical path behind it, which is what is walked and sent (files below
 * it are shown by their paths under it, as clamdscan shows them). */
#ifndef NG_TARGET_H
#define NG_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct target {
	char *shown;  /* absolute, as clamdscan prints it (cwd + "/" + arg) */
	char *real;   /* canonical path, what is walked and sent */
	bool is_link; /* the argument itself is a symlink */
	bool is_dir;
	bool is_regular;
	dev_t dev;    /* the filesystem it is on (CrossFilesystems) */
	ino_t ino;
};

#endif
