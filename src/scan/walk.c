/* The walk, as clamd's and clamdscan's own (libclamav's cli_ftw) walk: a
 * directory is read whole; what cannot be looked at, and special files, are
 * reported while it is read; the rest is sorted files first, then
 * directories, each by inode, and visited in that order. So results, errors
 * and warnings come out in the order clamd and clamdscan print them.
 *
 * fts(3) cannot say this: it sorts a followed directory link among the
 * files and reports errors in sorted order. So the walk is done here, on
 * descriptors: each directory is opened relative to its parent's
 * descriptor, without following a link unless clamd.conf says so, and
 * every directory and file opened is checked by device and inode against
 * what was looked at, so nothing swapped in meanwhile is entered or
 * scanned.
 *
 * This file holds the walk itself; walk_dir.c reads one directory,
 * walk_file.c makes a file's item, walk_identity.c stands in for the
 * daemon's rights (walk_int.h: what they share). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "scan/walk.h"
#include "scan/walk_int.h"

/* /proc's filesystem type (statfs). */
#define PROC_SUPER_MAGIC 0x9fa0

/* Directories open at once, one per level: deeper is an error. */
#define WALK_MAX_DEPTH 1024

/* ---- the walk ------------------------------------------------------------------- */

struct walk *walk_open(const struct walk_opts *o, const struct target *t)
{
	struct walk *w = calloc(1, sizeof(*w));
	struct statfs sfs;
	struct stat st;

	if (w == NULL)
		return NULL;
	w->o = *o;
	w->t = t;
	/* what lies behind a symlink named on the command line is not acted on */
	if (t->is_link)
		w->o.hold_dirs = false;
	if (o->skip_proc && statfs("/proc", &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
	    stat("/proc", &st) == 0) {
		w->have_proc = true;
		w->proc_dev = st.st_dev;
	}
	w->stack = calloc(WALK_MAX_DEPTH, sizeof(*w->stack));
	if (w->stack == NULL) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	return w;
}

/* Hands out an event whose shown string the walk owns until the next call. */
static int give(struct walk *w, struct walk_event *ev, enum walk_event_kind kind, char *shown,
		int err, bool is_dir)
{
	free(w->owned);
	w->owned = shown;
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->shown = shown != NULL ? shown : "";
	ev->err = err;
	ev->is_dir = is_dir;
	return 1;
}

/* True when (dev, ino) is a directory already on the stack: a followed link
 * leading back up. */
static bool on_stack(const struct walk *w, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < w->depth; i++)
		if (w->stack[i].dev == dev && w->stack[i].ino == ino)
			return true;
	return false;
}

/* Enters a directory: opens it relative to parentfd (name), checks it is
 * what was looked at, reads it and pushes it. Returns 0, or an event kind
 * to report about it instead. */
static enum walk_event_kind enter(struct walk *w, int parentfd, const char *name, char *path,
				  char *resolved, bool behind_link, bool via_link, int maxdepth,
				  const struct stat *expect, int *err)
{
	struct frame *f;
	struct stat st;
	int fd;

	if (w->depth == WALK_MAX_DEPTH) {
		*err = ELOOP;
		free(path);
		free(resolved);
		return WALK_UNREADABLE;
	}
	fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (via_link ? 0 : O_NOFOLLOW));
	if (fd < 0 || fstat(fd, &st) != 0) {
		*err = errno;
		if (fd >= 0)
			close(fd);
		free(path);
		free(resolved);
		return WALK_UNREADABLE;
	}
	if (expect != NULL && (st.st_dev != expect->st_dev || st.st_ino != expect->st_ino)) {
		close(fd);
		free(path);
		free(resolved);
		return WALK_CHANGED;
	}
	if (on_stack(w, st.st_dev, st.st_ino)) {
		close(fd);
		free(path);
		free(resolved);
		return WALK_CYCLE;
	}
	if (!daemon_may(&w->o.daemon, &st, 4) ||
	    (w->depth == 0 && !daemon_reaches(&w->o.daemon, path))) {
		/* the daemon could not open it: what it would say */
		*err = EACCES;
		close(fd);
		free(path);
		free(resolved);
		return WALK_UNREADABLE;
	}
	f = &w->stack[w->depth];
	f->unsearchable = !daemon_may(&w->o.daemon, &st, 1);
	f->fd = fd;
	f->path = path;
	f->resolved = resolved;
	f->behind_link = behind_link;
	f->maxdepth = maxdepth;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	if (read_dir(w, f) != 0) {
		*err = errno;
		frame_free(f);
		return WALK_UNREADABLE;
	}
	w->depth++;
	return WALK_ITEM;
}

/* True when err means no descriptor was free (this process's or the
 * system's): worth waiting for the files in flight to give some back. */
static bool out_of_fds(int err)
{
	return err == EMFILE || err == ENFILE;
}

/* Skipped by device and inode: the quarantine, this run's own files. */
static const struct file_id *skipped(const struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->o.n_skip; i++)
		if (st->st_dev == w->o.skip[i].dev && st->st_ino == w->o.skip[i].ino)
			return &w->o.skip[i];
	return NULL;
}

/* Visits the next entry of the top frame: a file's item, or a directory
 * entered (or the event that says why not). Returns 1 with ev, or 0 when
 * a directory was entered and the walk goes on inside it. */
static int visit(struct walk *w, struct walk_event *ev)
{
	struct frame *f = &w->stack[w->depth - 1];
	struct entry *e = &f->entries[f->next_entry++];
	bool behind_link = f->behind_link || e->is_link;
	char *path = join(f->path, e->name);
	char *resolved = e->is_link ? realpath(path, NULL) : join(f->resolved, e->name);
	char *shown;
	enum walk_event_kind kind;
	const struct file_id *own;
	int err = 0;

	if (path == NULL || resolved == NULL) {
		char *name = e->name;

		e->name = NULL;
		free(path);
		free(resolved);
		return give(w, ev, resolved == NULL && path != NULL ? WALK_UNREADABLE : WALK_NOMEM,
			    name, errno, false);
	}
	shown = show(w, path, resolved, behind_link);
	if (shown == NULL) {
		free(path);
		free(resolved);
		free(e->name);
		e->name = NULL;
		return give(w, ev, WALK_NOMEM, NULL, ENOMEM, false);
	}
	if ((own = skipped(w, &e->st)) != NULL) {
		free(path);
		free(resolved);
		free(e->name);
		e->name = NULL;
		give(w, ev, WALK_SKIPPED, shown, 0, e->kind == K_DIR);
		ev->what = own->what;
		return 1;
	}
	/* --shard: by the path relative to the target, the same on every machine */
	if (e->kind == K_FILE && w->o.shard != NULL &&
	    !shard_mine(w->o.shard, path + (strncmp(path, w->t->real, strlen(w->t->real)) == 0
						    ? strlen(w->t->real) + (strcmp(w->t->real, "/") != 0)
						    : 0))) {
		free(path);
		free(resolved);
		free(e->name);
		e->name = NULL;
		return give(w, ev, WALK_OTHER_SHARD, shown, 0, false);
	}
	/* the command line's --exclude and the like, on the name as printed */
	if (e->kind == K_FILE ? filters_skip_file(w->o.filters, shown)
			      : filters_skip_dir(w->o.filters, shown)) {
		free(path);
		free(resolved);
		free(e->name);
		e->name = NULL;
		return give(w, ev, WALK_EXCLUDED, shown, 0, e->kind == K_DIR);
	}
	if (e->kind == K_FILE) {
		struct scan_item *it;

		/* clamd passes over what lies on /proc; clamdscan looks at where a
		 * file really is again */
		kind = w->have_proc && e->st.st_dev == w->proc_dev ? WALK_OTHER_FS : WALK_ITEM;
		if (kind == WALK_ITEM && w->o.names != WALK_NAMES_DAEMON && strcmp(resolved, path) != 0 &&
		    conf_excluded(w->o.conf, resolved))
			kind = WALK_EXCLUDED;
		if (kind != WALK_ITEM) {
			free(path);
			free(resolved);
			free(e->name);
			e->name = NULL;
			return give(w, ev, kind, shown, 0, false);
		}
		memset(ev, 0, sizeof(*ev));
		errno = 0;
		it = file_item(w, f, e, path, resolved, shown, ev);
		if (it != NULL && w->o.hold_dirs && it->name != NULL && it->dirfd < 0 && out_of_fds(errno)) {
			/* its directory could not be held for the action: as bad as no file */
			scan_item_free(it);
			it = NULL;
			ev->kind = WALK_OPEN_FAILED;
			ev->err = EMFILE;
		}
		free(path);
		free(resolved);
		if (it == NULL && ev->kind == WALK_OPEN_FAILED && out_of_fds(ev->err) && !w->no_fd_wait) {
			/* the same entry again once the caller made room */
			f->next_entry--;
			free(shown);
			return give(w, ev, WALK_NEED_FDS, NULL, ev->err, false);
		}
		w->no_fd_wait = false;
		free(e->name);
		e->name = NULL;
		if (it == NULL)
			return give(w, ev, ev->kind, shown, ev->err, false);
		free(shown);
		give(w, ev, WALK_ITEM, NULL, 0, false);
		ev->item = it;
		ev->shown = it->shown;
		return 1;
	}
	/* a directory: cli_ftw skips it below its depth, saying so */
	if (f->maxdepth - 1 < 0) {
		free(path);
		free(resolved);
		free(e->name);
		e->name = NULL;
		return give(w, ev, WALK_TOO_DEEP, shown, 0, true);
	}
	kind = enter(w, f->fd, e->name, path, resolved, behind_link, e->is_link, f->maxdepth - 1,
		     &e->st, &err);
	free(e->name);
	e->name = NULL;
	if (kind != WALK_ITEM)
		return give(w, ev, kind, shown, err, true);
	free(shown);
	return 0;
}

int walk_next(struct walk *w, struct walk_event *ev)
{
	if (!w->started) {
		const struct ng_conf *c = w->o.conf;
		int err = 0;
		char *path = strdup(w->t->real), *resolved = strdup(w->t->real);
		enum walk_event_kind kind;

		w->started = true;
		if (path == NULL || resolved == NULL) {
			free(path);
			free(resolved);
			errno = ENOMEM;
			return -1;
		}
		/* MaxDirectoryRecursion 0 means no limit */
		kind = enter(w, AT_FDCWD, w->t->real, path, resolved, false, true,
			     c->max_dir_recursion != 0 ? (int)c->max_dir_recursion : INT_MAX, NULL, &err);
		if (kind != WALK_ITEM)
			return give(w, ev, kind, strdup(w->t->shown), err, true);
	}
	while (w->depth > 0) {
		struct frame *f = &w->stack[w->depth - 1];

		if (f->next_event < f->n_events) {
			struct queued *q = &f->events[f->next_event++];

			return give(w, ev, q->kind, q->shown, q->err, q->is_dir);
		}
		if (f->next_entry < f->n_entries) {
			if (visit(w, ev) != 0)
				return 1;
			continue;
		}
		frame_free(f);
		w->depth--;
	}
	return 0;
}

void walk_fds_exhausted(struct walk *w)
{
	w->no_fd_wait = true;
}

void walk_close(struct walk *w)
{
	if (w == NULL)
		return;
	while (w->depth > 0)
		frame_free(&w->stack[--w->depth]);
	free(w->stack);
	free(w->owned);
	free(w);
}
