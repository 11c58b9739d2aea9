/* Reading one directory, as libclamav's cli_ftw_dir reads it: whole,
 * events for what is passed over or cannot be looked at, entries for the
 * rest, sorted files first, then directories, each by inode. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"
#include "scan/walk_int.h"

/* The first alen bytes of a, then sep, then b, newly allocated (once per
 * file walked: no printf machinery). */
static char *concat(const char *a, size_t alen, const char *sep, const char *b)
{
	size_t slen = strlen(sep), blen = strlen(b);
	char *out = malloc(alen + slen + blen + 1);

	if (out == NULL)
		return NULL;
	memcpy(out, a, alen);
	memcpy(out + alen, sep, slen);
	memcpy(out + alen + slen, b, blen + 1);
	return out;
}

/* dir + "/" + name, as cli_ftw joins them ("/" alone gets no second one). */
char *join(const char *dir, const char *name)
{
	return concat(dir, strcmp(dir, "/") == 0 ? 0 : strlen(dir), "/", name);
}

/* ---- reading one directory, as cli_ftw_dir reads it ---------------------- */

void frame_free(struct frame *f)
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
char *show(const struct walk *w, const char *path, const char *resolved, bool behind_link)
{
	switch (w->o.names) {
	case WALK_NAMES_GIVEN:
		return concat(w->t->shown, strlen(w->t->shown), "", path + strlen(w->t->real));
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

/* True when a file on device dev is on /proc's filesystem, or
 * (CrossFilesystems no) on another one than the target's. */
static bool other_dev(const struct walk *w, dev_t dev)
{
	return (w->have_proc && dev == w->proc_dev) || (w->o.same_fs && dev != w->t->dev);
}

/* The same for path, by stat, as clamd's pathchk: false when it cannot
 * be looked at. */
static bool other_fs(const struct walk *w, const char *path)
{
	struct stat st;

	if (!w->have_proc && !w->o.same_fs)
		return false;
	return stat(path, &st) == 0 && other_dev(w, st.st_dev);
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
int read_dir(struct walk *w, struct frame *f)
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
		/* clamd's pathchk: ExcludePath, then the filesystem, by stat */
		ev = conf_excluded(w->o.conf, path) ? WALK_EXCLUDED : WALK_ITEM;
		if (ev == WALK_ITEM && de->d_type == DT_UNKNOWN && other_fs(w, path))
			ev = WALK_OTHER_FS; /* a link may be passed over before its stat */
		if (ev == WALK_ITEM && f->unsearchable) {
			/* the daemon lists it but cannot look at what is in it */
			ev = WALK_UNREADABLE;
			errno = EACCES;
		}
		if (ev == WALK_ITEM) {
			ev = classify(w, f->fd, de, &e.kind, &e.is_link, &e.st);
			/* classify's stat follows links as pathchk's does: one stat, not two */
			if ((ev == WALK_ITEM || ev == WALK_SPECIAL) && other_dev(w, e.st.st_dev))
				ev = WALK_OTHER_FS;
		}
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
