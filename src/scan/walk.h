/* The client-side tree walk (fts): which files a per-file scan sends, each
 * opened by us, with clamd.conf's exclusion, depth and symlink rules. */
#ifndef NG_WALK_H
#define NG_WALK_H

#include <stdbool.h>
#include <sys/types.h>

#include "scan/scan.h"

struct target_group;

/* One regular file, open and ready to be sent. */
struct scan_file {
	char *shown;  /* the path printed for it (owned) */
	char *path;   /* the path as walked, for path commands (owned) */
	int fd;       /* O_RDONLY, owned; -1 when not opened */
	off_t size;
	dev_t dev;
	ino_t ino;
	int dirfd;    /* its directory, held for an action on it; -1 when none */
	char *name;   /* its name in dirfd (owned), or NULL */
	bool is_stdin; /* standard input: never acted on */
	struct target_group *group; /* the command-line target it belongs to, or NULL */
};

/* Frees f and closes its descriptor. */
void scan_file_free(struct scan_file *f);

struct walk;

/* Starts a walk of t. With open_files false, files are named but not
 * opened (for path commands). Returns NULL (reported, counted) on failure. */
struct walk *walk_open(struct scan_ctx *ctx, const struct target *t, bool open_files);

/* The next file to send (caller owns it), or NULL when the walk is over.
 * Files that cannot be sent are reported and counted here. */
struct scan_file *walk_next(struct walk *w);

void walk_close(struct walk *w);

/* Gives f (opened from the canonical path real) its directory and name for
 * an action, checking the name is still f. Returns 0, or -1 (no move or
 * removal; f->name may still be set, for a copy's name). */
int walk_hold_parent(struct scan_file *f, const char *real);

/* Opens the single file at path for sending (standard input aside): no
 * symlink followed at the last component when nofollow. Returns the file
 * or NULL after reporting why. */
struct scan_file *walk_open_file(struct scan_ctx *ctx, const char *path, const char *shown,
				 bool nofollow);

#endif
