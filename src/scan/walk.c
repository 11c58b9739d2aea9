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
 * scanned. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "scan/walk.h"

/* /proc's filesystem type (statfs). */
#define PROC_SUPER_MAGIC 0x9fa0

/* Directories open at once, one per level: deeper is an error. */
#define WALK_MAX_DEPTH 1024

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

/* A path clamd takes in "zCOMMAND path": within its command buffer
 * (PATH_MAX + 8), with room for the longest command word. */
static bool path_fits_command(const char *path)
{
	return strlen(path) + sizeof("zALLMATCHSCAN ") <= PATH_MAX + 8;
}

/* dir + "/" + name, as cli_ftw joins them ("/" alone gets no second one). */
static char *join(const char *dir, const char *name)
{
	char *out;

	if (asprintf(&out, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name) < 0)
		return NULL;
	return out;
}

/* ---- single files ---------------------------------------------------------- */

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

/* True when err means no descriptor was free (this process's or the
 * system's): worth waiting for the files in flight to give some back. */
static bool out_of_fds(int err)
{
	return err == EMFILE || err == ENFILE;
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

/* ---- the daemon's rights ------------------------------------------------------ */

bool walk_identity_of(struct walk_identity *id, const char *user)
{
	struct passwd *pw;

	memset(id, 0, sizeof(*id));
	if (user == NULL || (pw = getpwnam(user)) == NULL || pw->pw_uid == 0 || pw->pw_uid == geteuid())
		return false;
	id->n_groups = (int)(sizeof(id->groups) / sizeof(id->groups[0]));
	if (getgrouplist(user, pw->pw_gid, id->groups, &id->n_groups) < 0) {
		id->groups[0] = pw->pw_gid;
		id->n_groups = 1;
	}
	id->uid = pw->pw_uid;
	id->set = true;
	return true;
}

/* Whether the daemon's user holds the permission bits want (4 read, 1
 * search) on st, by owner, group and others as the kernel checks them
 * (ACLs aside). */
static bool daemon_may(const struct walk_identity *id, const struct stat *st, unsigned want)
{
	if (!id->set)
		return true;
	if (st->st_uid == id->uid)
		return ((st->st_mode >> 6) & want) == want;
	for (int i = 0; i < id->n_groups; i++)
		if (id->groups[i] == st->st_gid)
			return ((st->st_mode >> 3) & want) == want;
	return (st->st_mode & want) == want;
}

/* Whether the daemon's user can search every directory above path. */
static bool daemon_reaches(const struct walk_identity *id, const char *path)
{
	char buf[PATH_MAX];
	struct stat st;

	if (!id->set)
		return true;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *slash = strchr(buf + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (stat(buf, &st) == 0 && !daemon_may(id, &st, 1)) {
			*slash = '/';
			return false;
		}
		*slash = '/';
	}
	return stat("/", &st) != 0 || daemon_may(id, &st, 1);
}

/* ---- reading one directory, as cli_ftw_dir reads it ---------------------- */

static void frame_free(struct frame *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->resolved);
	for (size_t i = f->next_event; i < f->n_events; i++)
		free(f->events[i].shown);
	free(f->events);
	for (size_t i = f->next_entry; i < f->n_entries; i++)
		free(f->entries[i].name);
	free(f->entries);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

/* The name shown for path (a path as walked from the target's real path),
 * as the walk's naming says (walk.h). */
static char *show(const struct walk *w, const char *path, const char *resolved, bool behind_link)
{
	char *out;

	switch (w->o.names) {
	case WALK_NAMES_GIVEN:
		if (asprintf(&out, "%s%s", w->t->shown, path + strlen(w->t->real)) < 0)
			return NULL;
		return out;
	case WALK_NAMES_REAL:
		return strdup(behind_link ? resolved : path);
	case WALK_NAMES_DAEMON:
	default:
		return strdup(path);
	}
}

/* Queues an event of the directory being read. Returns -1 when out of memory. */
static int queue(struct frame *f, enum walk_event_kind kind, char *shown, int err, bool is_dir)
{
	struct queued *grown = realloc(f->events, (f->n_events + 1) * sizeof(*grown));

	if (grown == NULL || shown == NULL) {
		if (grown != NULL)
			f->events = grown;
		free(shown);
		return -1;
	}
	f->events = grown;
	f->events[f->n_events++] = (struct queued){ kind, shown, err, is_dir };
	return 0;
}

/* True when path is on /proc's filesystem, or (CrossFilesystems no) on
 * another one than the target's: clamd's pathchk, by stat. */
static bool other_fs(const struct walk *w, const char *path)
{
	struct stat st;

	if (!w->have_proc && !w->o.same_fs)
		return false;
	if (stat(path, &st) != 0)
		return false;
	return (w->have_proc && st.st_dev == w->proc_dev) || (w->o.same_fs && st.st_dev != w->t->dev);
}

/* What clamd's pathchk says of path: 0, or the event that passes it over. */
static enum walk_event_kind pathchk(const struct walk *w, const char *path)
{
	if (conf_excluded(w->o.conf, path))
		return WALK_EXCLUDED;
	if (other_fs(w, path))
		return WALK_OTHER_FS;
	return WALK_ITEM;
}

/* cli_ftw's get_filetype for one entry: sets *k and st, or returns the
 * event it gives instead (WALK_UNREADABLE with errno, WALK_SPECIAL), or
 * WALK_SKIPPED for a link not followed (passed over in silence). */
static enum walk_event_kind classify(const struct walk *w, int dirfd, const struct dirent *de,
				     enum kind *k, bool *is_link, struct stat *st)
{
	const struct ng_conf *c = w->o.conf;
	bool follow_dir = c->follow_dir_symlinks, follow_file = c->follow_file_symlinks;
	bool link = de->d_type == DT_LNK;

	if (de->d_type == DT_UNKNOWN) {
		if (fstatat(dirfd, de->d_name, st, AT_SYMLINK_NOFOLLOW) != 0)
			return WALK_UNREADABLE;
		link = S_ISLNK(st->st_mode);
	}
	if (link && !follow_dir && !follow_file)
		return WALK_SKIPPED;
	/* clamd stats every entry (its CONTSCAN asks for it), following a link */
	if (fstatat(dirfd, de->d_name, st, 0) != 0)
		return WALK_UNREADABLE;
	*is_link = link;
	if (S_ISDIR(st->st_mode) && (!link || follow_dir)) {
		*k = K_DIR;
		return WALK_ITEM;
	}
	if (S_ISREG(st->st_mode) && (!link || follow_file)) {
		*k = K_FILE;
		return WALK_ITEM;
	}
	return WALK_SPECIAL;
}

/* Sorts as cli_ftw's ftw_compare: files before directories, each by inode. */
static int entry_order(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind == K_FILE ? -1 : 1;
	return x->d_ino < y->d_ino ? -1 : x->d_ino > y->d_ino;
}

/* Reads the directory of f whole: events for what is passed over or cannot
 * be looked at, entries for the rest, sorted. Returns -1 with errno when
 * it cannot be read at all (nothing is kept then). */
static int read_dir(struct walk *w, struct frame *f)
{
	int fd2 = fcntl(f->fd, F_DUPFD_CLOEXEC, 3);
	DIR *d = fd2 >= 0 ? fdopendir(fd2) : NULL;
	struct dirent *de;
	size_t cap = 0;

	if (d == NULL) {
		int saved = errno;

		if (fd2 >= 0)
			close(fd2);
		errno = saved;
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		char *path, *resolved;
		enum walk_event_kind ev;
		struct entry e = { 0 };

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* a link nobody follows is passed over before anything else */
		if (de->d_type == DT_LNK && !w->o.conf->follow_dir_symlinks &&
		    !w->o.conf->follow_file_symlinks)
			continue;
		path = join(f->path, de->d_name);
		resolved = join(f->resolved, de->d_name);
		if (path == NULL || resolved == NULL) {
			free(path);
			free(resolved);
			errno = ENOMEM;
			break;
		}
		ev = pathchk(w, path);
		if (ev == WALK_ITEM && f->unsearchable) {
			/* the daemon lists it but cannot look at what is in it */
			ev = WALK_UNREADABLE;
			errno = EACCES;
		}
		if (ev == WALK_ITEM)
			ev = classify(w, f->fd, de, &e.kind, &e.is_link, &e.st);
		if (ev == WALK_ITEM) {
			if (f->n_entries == cap) {
				struct entry *grown = realloc(f->entries, (cap ? cap * 2 : 16) * sizeof(*grown));

				if (grown == NULL) {
					free(path);
					free(resolved);
					errno = ENOMEM;
					break;
				}
				f->entries = grown;
				cap = cap ? cap * 2 : 16;
			}
			e.name = strdup(de->d_name);
			e.d_ino = de->d_ino;
			if (e.name != NULL)
				f->entries[f->n_entries++] = e;
		} else if (ev != WALK_SKIPPED) {
			int err = errno;

			queue(f, ev, show(w, path, resolved, f->behind_link), ev == WALK_UNREADABLE ? err : 0,
			      ev == WALK_EXCLUDED && de->d_type == DT_DIR);
		}
		free(path);
		free(resolved);
	}
	if (errno != 0 && f->n_entries == 0 && f->n_events == 0) {
		int saved = errno;

		closedir(d);
		errno = saved;
		return -1;
	}
	closedir(d);
	if (f->n_entries > 1) /* an empty directory has no array at all */
		qsort(f->entries, f->n_entries, sizeof(*f->entries), entry_order);
	return 0;
}

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

/* The item for a regular entry e of f, or NULL with ev filled. */
static struct scan_item *file_item(struct walk *w, struct frame *f, struct entry *e,
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
