/* Single files: a file's item, opened and checked against what was looked
 * at or named for a daemon to open, and its directory held for an action;
 * for a file named on the command line as for an entry of the walk. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/walk.h"
#include "scan/walk_int.h"

/* ---- single files ---------------------------------------------------------- */

/* A path clamd takes in "zCOMMAND path": within its command buffer
 * (PATH_MAX + 8), with room for the longest command word. */
static bool path_fits_command(const char *path)
{
	return strlen(path) + sizeof("zALLMATCHSCAN ") <= PATH_MAX + 8;
}

/* Opens name in dirfd (or a path, with AT_FDCWD) and checks it is the
 * regular file expect describes (when not NULL). Returns the item, or NULL
 * with ev filled. */
static struct scan_item *open_checked(int dirfd, const char *name, const char *shown,
				      const struct stat *expect, bool nofollow,
				      struct walk_event *ev)
{
	struct scan_item *it;
	struct stat st;
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0);
	int fd = openat(dirfd, name, flags);

	if (fd < 0) {
		ev->kind = WALK_OPEN_FAILED;
		ev->err = errno;
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (expect != NULL && (st.st_dev != expect->st_dev || st.st_ino != expect->st_ino))) {
		/* swapped between the walk's look and our open: not what we meant to scan */
		ev->kind = WALK_CHANGED;
		close(fd);
		return NULL;
	}
	/* O_NONBLOCK stays: it guarded the open against a FIFO swapped in, and
	 * reads of a regular file ignore it */
	it = scan_item_new(shown);
	if (it == NULL) {
		close(fd);
		ev->kind = WALK_NOMEM;
		return NULL;
	}
	it->fd = fd;
	it->size = st.st_size;
	it->dev = st.st_dev;
	it->ino = st.st_ino;
	return it;
}

/* An item named for a path command, not opened: the daemon opens it. */
static struct scan_item *named(const char *path, const char *shown, const struct stat *st,
			       struct walk_event *ev)
{
	struct scan_item *it = scan_item_new(shown);

	if (it == NULL || (it->path = strdup(path)) == NULL) {
		scan_item_free(it);
		ev->kind = WALK_NOMEM;
		return NULL;
	}
	it->size = st->st_size;
	it->dev = st->st_dev;
	it->ino = st->st_ino;
	return it;
}

/* True when dirfd's entry name is the very file it (not followed). */
static bool entry_is(int dirfd, const char *name, const struct scan_item *it)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	       st.st_dev == it->dev && st.st_ino == it->ino;
}

/* Gives it its directory (a copy of dirfd) and name for an action, once
 * the name is checked to still be it. */
static void hold_in(struct scan_item *it, int dirfd, const char *name)
{
	if (!entry_is(dirfd, name, it))
		return;
	it->name = strdup(name);
	if (it->name != NULL)
		it->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
}

/* Gives it (opened from the canonical path real) its directory and name
 * for an action. A named symlink keeps only a name, for a copy: its target
 * is scanned and may be copied, not moved or removed. */
static void hold_parent(struct scan_item *it, const char *real, bool named_link)
{
	const char *slash = strrchr(real, '/');
	char *dir;
	int dirfd;

	if (slash == NULL || slash[1] == '\0')
		return;
	if (named_link) {
		it->name = strdup(slash + 1);
		return;
	}
	dir = slash == real ? strdup("/") : strndup(real, (size_t)(slash - real));
	if (dir == NULL)
		return;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dirfd < 0)
		return;
	hold_in(it, dirfd, slash + 1);
	close(dirfd);
}

struct scan_item *walk_target_file(const struct walk_opts *o, const struct target *t)
{
	struct walk_event ev = { 0 };
	struct scan_item *it;
	struct stat st;

	/* a file is named by its real path, as clamdscan names what it sends,
	 * or, in its IDSESSION and action walks, by the name the user gave */
	const char *shown = o->names == WALK_NAMES_GIVEN ? t->shown : t->real;

	if (o->open_files || (o->want_path && !path_fits_command(t->real))) {
		it = open_checked(AT_FDCWD, t->real, shown, NULL, false, &ev);
		if (it == NULL) {
			errno = ev.kind == WALK_CHANGED ? ESTALE : ev.kind == WALK_NOMEM ? ENOMEM : ev.err;
			return NULL;
		}
		if (o->hold_dirs)
			hold_parent(it, t->real, t->is_link);
	} else {
		if (stat(t->real, &st) != 0)
			return NULL;
		it = named(t->real, shown, &st, &ev);
		if (it == NULL) {
			errno = ENOMEM;
			return NULL;
		}
	}
	if ((o->want_path && it->path == NULL && path_fits_command(t->real) &&
	     (it->path = strdup(t->real)) == NULL) ||
	    (strcmp(shown, t->real) != 0 && (it->real = strdup(t->real)) == NULL)) {
		scan_item_free(it);
		errno = ENOMEM;
		return NULL;
	}
	return it;
}

/* The item for a regular entry e of f, or NULL with ev filled. */
struct scan_item *file_item(struct walk *w, struct frame *f, struct entry *e,
			    const char *path, const char *resolved, const char *shown,
			    struct walk_event *ev)
{
	bool behind_link = f->behind_link || e->is_link;
	bool open_it = w->o.open_files || (w->o.want_path && !path_fits_command(resolved));
	struct scan_item *it;

	/* a daemon gets the path where the file really is, free of links: a
	 * daemon whose rules follow none would answer OK for a link it passed
	 * over */
	if (!open_it)
		return named(resolved, shown, &e->st, ev);
	it = open_checked(f->fd, e->name, shown, &e->st, !e->is_link, ev);
	if (it == NULL)
		return NULL;
	if (strcmp(shown, resolved) != 0 && (it->real = strdup(resolved)) == NULL) {
		scan_item_free(it);
		ev->kind = WALK_NOMEM;
		return NULL;
	}
	/* a file reached through a link is not acted on: its directory is not
	 * one we walked */
	if (w->o.hold_dirs && !behind_link)
		hold_in(it, f->fd, e->name);
	if (w->o.want_path && path_fits_command(resolved) && (it->path = strdup(resolved)) == NULL) {
		scan_item_free(it);
		ev->kind = WALK_NOMEM;
		return NULL;
	}
	(void)path;
	return it;
}
