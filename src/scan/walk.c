/* Client-side walk with fts(3). fts changes into each directory it reads,
 * checking that it arrived where it meant to, so files are opened by their
 * name in the current directory and never through a swapped-in symlink. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "scan/walk.h"

/* /proc's filesystem type (statfs). */
#define PROC_SUPER_MAGIC 0x9fa0

struct walk {
	struct walk_opts o;
	const struct target *t;
	FTS *fts;
	int dirfd;      /* the directory fts is in, opened once per directory */
	dev_t dir_dev;
	ino_t dir_ino;
	bool have_proc;
	dev_t proc_dev;
	char shown[8192];
};

/* fts_number marks an entry we asked fts to follow (a permitted symlink). */
#define WALK_FOLLOWED 1

/* A path clamd takes in "zCOMMAND path": within its command buffer
 * (PATH_MAX + 8), with room for the longest command word. */
static bool path_fits_command(const char *path)
{
	return strlen(path) + sizeof("zALLMATCHSCAN ") <= PATH_MAX + 8;
}

/* Opens accpath (relative to the current directory or absolute) and checks
 * it is the regular file expect describes (when not NULL). Returns the
 * item, or NULL with ev filled. */
static struct scan_item *open_checked(const char *accpath, const char *shown,
				      const struct stat *expect, bool nofollow,
				      struct walk_event *ev)
{
	struct scan_item *it;
	struct stat st;
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0);
	int fd = open(accpath, flags);

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

/* Gives it its directory and name for an action: the directory fts stands
 * in (it entered it checking device and inode), verified again here. Leaves
 * it->dirfd at -1 when that cannot be established: no action will be taken. */
static void hold_directory(struct walk *w, const FTSENT *e, struct scan_item *it)
{
	const struct stat *parent = e->fts_parent->fts_statp;
	struct stat st;

	if (w->dirfd < 0 || w->dir_dev != parent->st_dev || w->dir_ino != parent->st_ino) {
		if (w->dirfd >= 0)
			close(w->dirfd);
		w->dirfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (w->dirfd < 0 || fstat(w->dirfd, &st) != 0 || st.st_dev != parent->st_dev ||
		    st.st_ino != parent->st_ino) {
			if (w->dirfd >= 0)
				close(w->dirfd);
			w->dirfd = -1;
			return;
		}
		w->dir_dev = st.st_dev;
		w->dir_ino = st.st_ino;
	}
	if (!entry_is(w->dirfd, e->fts_name, it))
		return;
	it->name = strdup(e->fts_name);
	if (it->name != NULL)
		it->dirfd = fcntl(w->dirfd, F_DUPFD_CLOEXEC, 3);
}

/* Gives it (opened from the canonical path real) its directory and name
 * for an action, checking the name is still it. Leaves it->dirfd at -1 (no
 * move or removal) when that fails; a named symlink keeps only a name, for
 * a copy. */
static void hold_parent(struct scan_item *it, const char *real, bool named_link)
{
	const char *slash = strrchr(real, '/');
	char *dir;

	if (slash == NULL || slash[1] == '\0')
		return;
	if (named_link) {
		/* its target is scanned and may be copied, not moved or removed */
		it->name = strdup(slash + 1);
		return;
	}
	dir = slash == real ? strdup("/") : strndup(real, (size_t)(slash - real));
	if (dir == NULL)
		return;
	it->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (it->dirfd < 0)
		return;
	it->name = strdup(slash + 1);
	if (it->name == NULL || !entry_is(it->dirfd, it->name, it)) {
		close(it->dirfd);
		it->dirfd = -1;
		free(it->name);
		it->name = NULL;
	}
}

struct scan_item *walk_target_file(const struct walk_opts *o, const struct target *t)
{
	struct walk_event ev = { 0 };
	struct scan_item *it;
	struct stat st;

	if (o->open_files || (o->want_path && !path_fits_command(t->real))) {
		it = open_checked(t->real, t->shown, NULL, false, &ev);
		if (it == NULL) {
			errno = ev.kind == WALK_CHANGED ? ESTALE : ev.kind == WALK_NOMEM ? ENOMEM : ev.err;
			return NULL;
		}
		if (o->hold_dirs)
			hold_parent(it, t->real, t->is_link);
	} else {
		if (stat(t->real, &st) != 0)
			return NULL;
		it = named(t->real, t->shown, &st, &ev);
		if (it == NULL) {
			errno = ENOMEM;
			return NULL;
		}
	}
	if (o->want_path && it->path == NULL && path_fits_command(t->real) &&
	    (it->path = strdup(t->real)) == NULL) {
		scan_item_free(it);
		errno = ENOMEM;
		return NULL;
	}
	return it;
}

/* Siblings as clamd and clamdscan walk them: files before directories,
 * each in inode order (which also keeps the disk heads moving one way). */
static int walk_order(const FTSENT **a, const FTSENT **b)
{
	bool da = (*a)->fts_info == FTS_D, db = (*b)->fts_info == FTS_D;
	ino_t ia = (*a)->fts_info == FTS_NS ? 0 : (*a)->fts_statp->st_ino;
	ino_t ib = (*b)->fts_info == FTS_NS ? 0 : (*b)->fts_statp->st_ino;

	if (da != db)
		return da ? 1 : -1;
	return ia < ib ? -1 : ia > ib;
}

struct walk *walk_open(const struct walk_opts *o, const struct target *t)
{
	struct walk *w = calloc(1, sizeof(*w));
	char *roots[2] = { t->real, NULL };
	struct statfs sfs;
	struct stat st;

	if (w == NULL)
		return NULL;
	w->o = *o;
	w->t = t;
	w->dirfd = -1;
	/* what lies behind a symlink named on the command line is not acted on */
	if (t->is_link)
		w->o.hold_dirs = false;
	if (o->skip_proc && statfs("/proc", &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
	    stat("/proc", &st) == 0) {
		w->have_proc = true;
		w->proc_dev = st.st_dev;
	}
	w->fts = fts_open(roots, FTS_PHYSICAL | FTS_COMFOLLOW, walk_order);
	if (w->fts == NULL) {
		int saved = errno;

		free(w);
		errno = saved;
		return NULL;
	}
	return w;
}

/* True when the directory at path holds anything besides . and .. */
static bool has_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool any = false;

	if (d == NULL)
		return true; /* let fts report why it cannot be read */
	while (!any && (de = readdir(d)) != NULL)
		any = strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return any;
}

/* A symlink met inside the tree: followed when clamd.conf allows that
 * kind (returns -1: no event), else an event in ev (returns 1) or passed
 * over silently as clamd does (returns 0). A followed link keeps its
 * resolved path: what is below it is shown under that, as clamdscan shows
 * it. */
static int on_symlink(struct walk *w, FTSENT *e, struct walk_event *ev)
{
	const struct ng_conf *c = w->o.conf;
	struct stat st;

	if (!c->follow_dir_symlinks && !c->follow_file_symlinks)
		return 0;
	if (stat(e->fts_accpath, &st) != 0) {
		ev->kind = WALK_UNREADABLE;
		ev->err = errno;
		return 1;
	}
	if (S_ISDIR(st.st_mode) && c->follow_dir_symlinks && !has_entries(e->fts_accpath))
		return 0; /* nothing to scan, and glibc's fts loses its way leaving it */
	if ((S_ISDIR(st.st_mode) && c->follow_dir_symlinks) ||
	    (S_ISREG(st.st_mode) && c->follow_file_symlinks)) {
		e->fts_pointer = realpath(e->fts_accpath, NULL);
		if (e->fts_pointer == NULL)
			return 0;
		e->fts_number = WALK_FOLLOWED;
		fts_set(w->fts, e, FTS_FOLLOW);
		return -1;
	}
	/* following is on, but not for this kind */
	ev->kind = WALK_SPECIAL;
	return 1;
}

/* The path shown for e: under the nearest followed link's resolved path,
 * else under the target as the user named it. */
static const char *display_path(struct walk *w, const FTSENT *e)
{
	for (const FTSENT *a = e; a != NULL && a->fts_level >= FTS_ROOTLEVEL; a = a->fts_parent) {
		if (a->fts_number == WALK_FOLLOWED && a->fts_pointer != NULL) {
			snprintf(w->shown, sizeof(w->shown), "%s%s", (const char *)a->fts_pointer,
				 e->fts_path + a->fts_pathlen);
			return w->shown;
		}
	}
	return target_display(w->t, e->fts_path, w->shown, sizeof(w->shown));
}

/* True when e was reached through a followed symbolic link (its own entry
 * or a directory above it): such files are not moved or removed. */
static bool behind_link(const FTSENT *e)
{
	for (const FTSENT *a = e; a != NULL && a->fts_level >= FTS_ROOTLEVEL; a = a->fts_parent)
		if (a->fts_number == WALK_FOLLOWED)
			return true;
	return false;
}

/* Frees the resolved path kept on a followed link's entry. */
static void forget_followed(FTSENT *e)
{
	if (e->fts_number == WALK_FOLLOWED) {
		free(e->fts_pointer);
		e->fts_pointer = NULL;
		e->fts_number = 0;
	}
}

/* MaxDirectoryRecursion as clamd reads it: 0 means no limit. */
static bool too_deep(const struct ng_conf *c, const FTSENT *e)
{
	return c->max_dir_recursion != 0 && e->fts_level > 0 &&
	       (unsigned)e->fts_level > c->max_dir_recursion;
}

/* True when e is one the walk must pass over by device and inode. */
static bool skipped(const struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->o.n_skip; i++)
		if (st->st_dev == w->o.skip[i].dev && st->st_ino == w->o.skip[i].ino)
			return true;
	return false;
}

/* True when e lies on another filesystem than the target, by clamd's
 * rules: CrossFilesystems no, and /proc always where it applies. */
static bool other_fs(const struct walk *w, const FTSENT *e)
{
	const struct stat *st = e->fts_statp;

	if (e->fts_level == 0)
		return false;
	if (w->have_proc && st->st_dev == w->proc_dev)
		return true;
	return w->o.same_fs && st->st_dev != w->t->dev;
}

/* The item for a regular file e, or NULL with ev filled. */
static struct scan_item *file_item(struct walk *w, FTSENT *e, const char *path,
				   struct walk_event *ev)
{
	bool followed = behind_link(e);
	/* a path a daemon can open to the same file, free of links when one
	 * was followed to get here */
	const char *daemon_path = followed ? path : e->fts_path;
	bool open_it = w->o.open_files || (w->o.want_path && !path_fits_command(daemon_path));
	struct scan_item *it;

	if (!open_it)
		return named(daemon_path, path, e->fts_statp, ev);
	it = open_checked(e->fts_accpath, path, e->fts_statp, !followed && e->fts_level > 0, ev);
	if (it == NULL)
		return NULL;
	/* a file reached through a link is not acted on: its directory is not
	 * one we walked */
	if (w->o.hold_dirs && !followed && e->fts_level > 0)
		hold_directory(w, e, it);
	else if (w->o.hold_dirs && !followed)
		hold_parent(it, e->fts_path, false);
	if (w->o.want_path && path_fits_command(daemon_path) &&
	    (it->path = strdup(daemon_path)) == NULL) {
		scan_item_free(it);
		ev->kind = WALK_NOMEM;
		return NULL;
	}
	return it;
}

int walk_next(struct walk *w, struct walk_event *ev)
{
	FTSENT *e;

	/* fts_read signals the end with NULL and an unchanged errno */
	while ((errno = 0, e = fts_read(w->fts)) != NULL) {
		const char *path = display_path(w, e);
		int rc;

		memset(ev, 0, sizeof(*ev));
		ev->shown = path;
		ev->is_dir = e->fts_info == FTS_D;
		if (e->fts_level > 0 && e->fts_info != FTS_DP && conf_excluded(w->o.conf, e->fts_path)) {
			if (e->fts_info == FTS_D)
				fts_set(w->fts, e, FTS_SKIP);
			forget_followed(e);
			ev->kind = WALK_EXCLUDED;
			return 1;
		}
		switch (e->fts_info) {
		case FTS_D:
			if (skipped(w, e->fts_statp)) {
				/* what was just quarantined is not scanned and moved again */
				fts_set(w->fts, e, FTS_SKIP);
				forget_followed(e);
				ev->kind = WALK_SKIPPED;
				return 1;
			}
			if (other_fs(w, e)) {
				fts_set(w->fts, e, FTS_SKIP);
				forget_followed(e);
				ev->kind = WALK_OTHER_FS;
				return 1;
			}
			if (too_deep(w->o.conf, e)) {
				fts_set(w->fts, e, FTS_SKIP);
				forget_followed(e);
				ev->kind = WALK_TOO_DEEP;
				return 1;
			}
			break;
		case FTS_DP:
			forget_followed(e);
			break;
		case FTS_DC:
			forget_followed(e);
			ev->kind = WALK_CYCLE;
			return 1;
		case FTS_DNR:
		case FTS_ERR:
		case FTS_NS:
			forget_followed(e);
			ev->kind = WALK_UNREADABLE;
			ev->err = e->fts_errno;
			ev->is_dir = e->fts_info == FTS_DNR;
			return 1;
		case FTS_SL:
		case FTS_SLNONE:
			rc = on_symlink(w, e, ev);
			if (rc > 0)
				return 1;
			break;
		case FTS_DEFAULT:
			/* FIFOs, sockets, devices: opening one could block or never end */
			forget_followed(e);
			ev->kind = WALK_SPECIAL;
			return 1;
		case FTS_F: {
			struct scan_item *it;

			if (skipped(w, e->fts_statp)) {
				forget_followed(e);
				ev->kind = WALK_SKIPPED;
				return 1;
			}
			if (other_fs(w, e)) {
				forget_followed(e);
				ev->kind = WALK_OTHER_FS;
				return 1;
			}
			it = file_item(w, e, path, ev);
			forget_followed(e);
			if (it != NULL) {
				ev->kind = WALK_ITEM;
				ev->item = it;
			}
			return 1;
		}
		default:
			break; /* FTS_DOT */
		}
	}
	return errno != 0 ? -1 : 0;
}

void walk_close(struct walk *w)
{
	if (w == NULL)
		return;
	if (w->dirfd >= 0)
		close(w->dirfd);
	fts_close(w->fts);
	free(w);
}
