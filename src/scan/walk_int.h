/* What the files of the walk share, and only they: the walk's state (its
 * stack of directories, each read whole into entries and events) and the
 * functions each gives the others (walk.c: the walk; walk_dir.c: reading
 * one directory; walk_file.c: single files; walk_identity.c: the daemon's
 * rights). */
#ifndef NG_WALK_INT_H
#define NG_WALK_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/item.h"
#include "core/target.h"
#include "scan/walk_types.h"

/* What cli_ftw makes of a directory entry. */
enum kind { K_FILE, K_DIR };

/* One entry kept for visiting, after the directory was read. */
struct entry {
	char *name;
	enum kind kind;
	ino_t d_ino;       /* the sort key, as cli_ftw's: the entry's own inode */
	bool is_link;      /* a symbolic link that is followed */
	struct stat st;    /* what it was when looked at (followed) */
};

/* An event found while reading a directory, given out before its entries. */
struct queued {
	enum walk_event_kind kind;
	char *shown;
	int err;
	bool is_dir;
};

/* One directory being walked. */
struct frame {
	int fd;              /* the directory, opened and checked */
	char *path;          /* as walked: what clamd's walk calls it (through links) */
	char *resolved;      /* where it really is, free of followed links */
	bool behind_link;    /* reached through a followed link */
	int maxdepth;        /* cli_ftw's count: its subdirectories are skipped below 0 */
	bool unsearchable;   /* the daemon may read it but not search it */
	dev_t dev;
	ino_t ino;
	struct queued *events;
	size_t n_events, next_event;
	struct entry *entries;
	size_t n_entries, next_entry;
};

struct walk {
	struct walk_opts o;
	const struct target *t;
	struct frame *stack;
	size_t depth;
	bool have_proc;
	dev_t proc_dev;
	bool started;
	bool no_fd_wait;     /* out of descriptors even with nothing in flight: say so */
	char *owned;         /* the string the last event points to */
	char shown[PATH_MAX * 2];
};

/* walk_dir.c: dir + "/" + name; a frame freed; the name shown for a path;
 * the directory of f read whole (-1 with errno when it cannot be). */
char *join(const char *dir, const char *name);
void frame_free(struct frame *f);
char *show(const struct walk *w, const char *path, const char *resolved, bool behind_link);
int read_dir(struct walk *w, struct frame *f);

/* walk_file.c: the item for a regular entry e of f, or NULL with ev
 * filled. */
struct scan_item *file_item(struct walk *w, struct frame *f, struct entry *e,
			    const char *path, const char *resolved, const char *shown,
			    struct walk_event *ev);

/* walk_identity.c: whether the daemon's user holds the permission bits
 * want on st; whether it can search every directory above path. */
bool daemon_may(const struct walk_identity *id, const struct stat *st, unsigned want);
bool daemon_reaches(const struct walk_identity *id, const char *path);

#endif
