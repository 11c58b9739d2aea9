/* Client-side walk with fts(3). fts changes into each directory it reads,
 * checking that it arrived where it meant to, so files are opened by their
 * name in the current directory and never through a swapped-in symlink. */
#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action/quarantine.h"
#include "scan/walk.h"

struct walk {
	struct scan_ctx *ctx;
	const struct target *t;
	FTS *fts;
	bool open_files;
	bool hold_dirs; /* an action will follow: keep each file's directory */
	int dirfd;      /* the directory fts is in, opened once per directory */
	dev_t dir_dev;
	ino_t dir_ino;
	bool skip_q;    /* the quarantine directory lies in the tree: never enter it */
	dev_t q_dev;
	ino_t q_ino;
};

/* fts_number marks an entry we asked fts to follow (a permitted symlink). */
#define WALK_FOLLOWED 1

void scan_file_free(struct scan_file *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(f->shown);
	free(f->path);
	free(f->name);
	free(f);
}

/* Counts and prints a file that could not be sent. */
static void file_error(struct scan_ctx *ctx, const char *shown, const char *what, int err)
{
	report_error_result(ctx->rep, shown, what);
	if (err != 0)
		report_verbose(ctx->rep, "%s: %s", shown, strerror(err));
	ctx->tally.errors++;
}

/* Opens accpath (relative to the current directory or absolute) and checks
 * it is the regular file st describes. Returns the file or NULL. */
static struct scan_file *open_checked(struct scan_ctx *ctx, const char *accpath, const char *shown,
				      const struct stat *expect, bool nofollow)
{
	struct scan_file *f;
	struct stat st;
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0);
	int fd = open(accpath, flags);

	if (fd < 0) {
		file_error(ctx, shown, "Failed to open file.", errno);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (expect != NULL && (st.st_dev != expect->st_dev || st.st_ino != expect->st_ino))) {
		/* swapped between the walk's look and our open: not what we meant to scan */
		file_error(ctx, shown, "Changed while being scanned: not scanned.", 0);
		close(fd);
		return NULL;
	}
	/* O_NONBLOCK stays: it guarded the open against a FIFO swapped in, and
	 * reads of a regular file ignore it (two syscalls a file saved) */
	f = calloc(1, sizeof(*f));
	if (f == NULL || (f->shown = strdup(shown)) == NULL) {
		free(f);
		close(fd);
		file_error(ctx, shown, "Out of memory.", ENOMEM);
		return NULL;
	}
	f->fd = fd;
	f->dirfd = -1;
	f->size = st.st_size;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	return f;
}

/* True when dirfd's entry name is the very file f (not followed). */
static bool entry_is(int dirfd, const char *name, const struct scan_file *f)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	       st.st_dev == f->dev && st.st_ino == f->ino;
}

/* Gives f its directory and name for an action: the directory fts stands in
 * (it entered it checking device and inode), verified again here. Leaves
 * f->dirfd at -1 when that cannot be established: no action will be taken. */
static void hold_directory(struct walk *w, const FTSENT *e, struct scan_file *f)
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
	if (!entry_is(w->dirfd, e->fts_name, f))
		return;
	f->name = strdup(e->fts_name);
	if (f->name != NULL)
		f->dirfd = fcntl(w->dirfd, F_DUPFD_CLOEXEC, 3);
}

int walk_hold_parent(struct scan_file *f, const char *real)
{
	const char *slash = strrchr(real, '/');
	char *dir;

	struct stat lst;

	if (slash == NULL || slash[1] == '\0')
		return -1;
	/* the user named a symlink: its target is scanned and may be copied
	 * (under its own name), but not moved or removed */
	if (lstat(f->shown, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		f->name = strdup(slash + 1);
		return -1;
	}
	dir = slash == real ? strdup("/") : strndup(real, (size_t)(slash - real));
	if (dir == NULL)
		return -1;
	f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (f->dirfd < 0)
		return -1;
	f->name = strdup(slash + 1);
	if (f->name == NULL || !entry_is(f->dirfd, f->name, f)) {
		close(f->dirfd);
		f->dirfd = -1;
		free(f->name);
		f->name = NULL;
		return -1;
	}
	return 0;
}

struct scan_file *walk_open_file(struct scan_ctx *ctx, const char *path, const char *shown,
				 bool nofollow)
{
	return open_checked(ctx, path, shown, NULL, nofollow);
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

/* A file named for a path command: not opened here, the daemon opens it. */
static struct scan_file *named_file(struct scan_ctx *ctx, const FTSENT *e, const char *shown)
{
	struct scan_file *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->shown = strdup(shown)) == NULL || (f->path = strdup(e->fts_path)) == NULL) {
		if (f != NULL)
			free(f->shown);
		free(f);
		file_error(ctx, shown, "Out of memory.", ENOMEM);
		return NULL;
	}
	f->fd = -1;
	f->dirfd = -1;
	f->size = e->fts_statp->st_size;
	return f;
}

struct walk *walk_open(struct scan_ctx *ctx, const struct target *t, bool open_files)
{
	struct walk *w = calloc(1, sizeof(*w));
	char *roots[2] = { t->real, NULL };

	if (w == NULL) {
		report_error(ctx->rep, "%s: out of memory", t->shown);
		ctx->tally.errors++;
		return NULL;
	}
	w->ctx = ctx;
	w->t = t;
	w->open_files = open_files;
	/* what lies behind a symlink named on the command line is not acted on */
	w->hold_dirs = open_files && ctx->opts->action != ACTION_NONE && !t->is_link;
	w->dirfd = -1;
	if (ctx->quarantine != NULL && ctx->quarantine->dirfd >= 0) {
		struct stat qst;

		if (fstat(ctx->quarantine->dirfd, &qst) == 0) {
			w->skip_q = true;
			w->q_dev = qst.st_dev;
			w->q_ino = qst.st_ino;
		}
	}
	w->fts = fts_open(roots, FTS_PHYSICAL | FTS_COMFOLLOW, walk_order);
	if (w->fts == NULL) {
		report_error(ctx->rep, "Can't access file %s: %s", t->shown, strerror(errno));
		ctx->tally.errors++;
		free(w);
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

/* Decides what to do with a symlink met inside the tree: follow it when
 * clamd.conf allows that kind, otherwise pass over it as clamd does. A
 * followed link keeps its resolved path: what is below it is shown under
 * that, as clamdscan shows it. */
static void on_symlink(struct walk *w, FTSENT *e, const char *path)
{
	struct stat st;
	const struct ng_conf *c = w->ctx->conf;

	if (!c->follow_dir_symlinks && !c->follow_file_symlinks)
		return; /* links are passed over silently, as clamd does */
	if (stat(e->fts_accpath, &st) != 0) {
		report_error(w->ctx->rep, "Can't access file %s", path);
		w->ctx->tally.errors++;
		return;
	}
	if (S_ISDIR(st.st_mode) && c->follow_dir_symlinks && !has_entries(e->fts_accpath))
		return; /* nothing to scan, and glibc's fts loses its way leaving it */
	if ((S_ISDIR(st.st_mode) && c->follow_dir_symlinks) ||
	    (S_ISREG(st.st_mode) && c->follow_file_symlinks)) {
		e->fts_pointer = realpath(e->fts_accpath, NULL);
		if (e->fts_pointer == NULL)
			return;
		e->fts_number = WALK_FOLLOWED;
		fts_set(w->fts, e, FTS_FOLLOW);
		return;
	}
	/* following is on, but not for this kind: clamdscan's warning */
	report_warning(w->ctx->rep, "%s: Not supported file type", path);
	w->ctx->tally.errors++;
}

/* The path shown for e: under the nearest followed link's resolved path,
 * else under the target as the user named it. */
static const char *display_path(const struct walk *w, const FTSENT *e, char *buf, size_t len)
{
	for (const FTSENT *a = e; a != NULL && a->fts_level >= FTS_ROOTLEVEL; a = a->fts_parent) {
		if (a->fts_number == WALK_FOLLOWED && a->fts_pointer != NULL) {
			snprintf(buf, len, "%s%s", (const char *)a->fts_pointer,
				 e->fts_path + a->fts_pathlen);
			return buf;
		}
	}
	return target_display(w->t, e->fts_path, buf, len);
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

/* MaxDirectoryRecursion as clamdscan reads it: 0 means no limit. */
static bool too_deep(const struct ng_conf *c, const FTSENT *e)
{
	return c->max_dir_recursion != 0 && e->fts_level > 0 &&
	       (unsigned)e->fts_level > c->max_dir_recursion;
}

struct scan_file *walk_next(struct walk *w)
{
	struct scan_ctx *ctx = w->ctx;
	FTSENT *e;
	char shown[8192];

	/* fts_read signals the end with NULL and an unchanged errno */
	while ((errno = 0, e = fts_read(w->fts)) != NULL) {
		const char *path = display_path(w, e, shown, sizeof(shown));

		if (e->fts_level > 0 && e->fts_info != FTS_DP && conf_excluded(ctx->conf, e->fts_path)) {
			report_verbose(ctx->rep, "%s: Excluded", path);
			if (e->fts_info == FTS_D)
				fts_set(w->fts, e, FTS_SKIP);
			forget_followed(e);
			continue;
		}
		switch (e->fts_info) {
		case FTS_D:
			if (w->skip_q && e->fts_statp->st_dev == w->q_dev &&
			    e->fts_statp->st_ino == w->q_ino) {
				/* what was just quarantined is not scanned and moved again */
				report_verbose(ctx->rep, "%s: the quarantine directory, not scanned", path);
				fts_set(w->fts, e, FTS_SKIP);
				forget_followed(e);
				break;
			}
			if (too_deep(ctx->conf, e)) {
				report_warning(ctx->rep, "Directory recursion limit reached");
				fts_set(w->fts, e, FTS_SKIP);
				forget_followed(e);
			}
			break;
		case FTS_DP:
			forget_followed(e);
			break;
		case FTS_DC:
			report_verbose(ctx->rep, "%s: directory cycle, not entered again", path);
			forget_followed(e);
			break;
		case FTS_DNR:
		case FTS_ERR:
		case FTS_NS:
			file_error(ctx, path, "Can't access file.", e->fts_errno);
			forget_followed(e);
			break;
		case FTS_SL:
		case FTS_SLNONE:
			on_symlink(w, e, path);
			break;
		case FTS_DEFAULT:
			/* FIFOs, sockets, devices: opening one could block or never end */
			report_warning(ctx->rep, "%s: Not supported file type", path);
			ctx->tally.errors++;
			forget_followed(e);
			break;
		case FTS_F: {
			bool followed = behind_link(e);
			struct scan_file *f = !w->open_files ? named_file(ctx, e, path)
							     : open_checked(ctx, e->fts_accpath, path,
									    e->fts_statp,
									    !followed && e->fts_level > 0);

			/* a file reached through a link is not acted on: its directory
			 * is not one we walked */
			if (f != NULL && w->hold_dirs && !followed && e->fts_level > 0)
				hold_directory(w, e, f);
			else if (f != NULL && w->hold_dirs && !followed)
				walk_hold_parent(f, e->fts_path);
			/* per-file SCAN: a path the daemon opens to the same file, free
			 * of links when one was followed to get here */
			if (f != NULL && w->open_files && w->ctx->plan.transport == TRANSPORT_PATH)
				f->path = strdup(followed ? path : e->fts_path);
			forget_followed(e);
			if (f != NULL)
				return f;
			break; /* reported; the walk goes on */
		}
		default:
			break; /* FTS_DOT */
		}
	}
	if (errno != 0) {
		report_error(ctx->rep, "%s: walk failed: %s", w->t->shown, strerror(errno));
		ctx->tally.errors++;
	}
	return NULL;
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
