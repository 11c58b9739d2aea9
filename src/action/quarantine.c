/* Quarantine actions. Every step works on descriptors held since the scan:
 * the file's directory and name, checked against the device and inode of
 * the descriptor that was scanned, and each rename is checked again after it
 * happened, so a file swapped in meanwhile is put back and left alone. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "action/quarantine.h"
#include "util/fdio.h"

/* Copy buffer for moves across filesystems and --copy. */
#define COPY_CHUNK (64 * 1024)

/* NAME, NAME.001 ... NAME.999, then the quarantine is full for NAME. */
#define MAX_SUFFIX 999

/* Removes the unfinished copies of runs that were killed: named
 * QUARANTINE_TMP_PREFIX<pid>.<n>, of a process that no longer exists. */
static void clean_stale_copies(const struct quarantine *q, struct report *rep)
{
	int fd = openat(q->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	const size_t plen = strlen(QUARANTINE_TMP_PREFIX);
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(de->d_name, QUARANTINE_TMP_PREFIX, plen) != 0)
			continue;
		pid = strtol(de->d_name + plen, &end, 10);
		if (pid <= 0 || *end != '.' || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* not ours to judge, or its run is still going */
		if (unlinkat(q->dirfd, de->d_name, 0) == 0)
			report_warning(rep, "%s/%s: removed an unfinished copy left by an interrupted run",
				       q->dir, de->d_name);
		else
			report_warning(rep, "%s/%s: unfinished copy of an interrupted run, not removed: %s",
				       q->dir, de->d_name, strerror(errno));
	}
	closedir(d);
}

int quarantine_open(struct quarantine *q, enum ng_action action, const char *dir,
		    struct report *rep, char *err, size_t len)
{
	char *path;
	size_t n;

	q->action = action;
	q->dirfd = -1;
	q->dir = NULL;
	if (action == ACTION_NONE || action == ACTION_REMOVE)
		return 0;
	path = strdup(dir);
	if (path == NULL) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	/* "dir/" would make the kernel follow a symlink despite O_NOFOLLOW */
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	q->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (q->dirfd < 0) {
		struct stat lst;
		/* Linux says ENOTDIR for a symlink under O_DIRECTORY: tell them apart */
		bool link = errno == ELOOP || (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode));

		snprintf(err, len, "quarantine directory %s: %s", dir,
			 link		    ? "is a symbolic link (refused: it could be redirected)"
			 : errno == ENOTDIR ? "is not a directory"
					    : strerror(errno));
		free(path);
		return -1;
	}
	if (faccessat(q->dirfd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
		snprintf(err, len, "quarantine directory %s: not writable: %s", dir,
			 strerror(errno));
		free(path);
		quarantine_close(q);
		return -1;
	}
	q->dir = realpath(path, NULL);
	if (q->dir == NULL)
		q->dir = path;
	else
		free(path);
	clean_stale_copies(q, rep);
	return 0;
}

void quarantine_close(struct quarantine *q)
{
	if (q->dirfd >= 0)
		close(q->dirfd);
	q->dirfd = -1;
	free(q->dir);
	q->dir = NULL;
}

/* True when dirfd's entry name is the file f was opened as. */
static bool is_scanned_file(int dirfd, const char *name, const struct scan_item *f)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	       st.st_dev == f->dev && st.st_ino == f->ino;
}

/* The i-th candidate name in the quarantine for base. */
static void candidate(char *buf, size_t len, const char *base, int i)
{
	if (i == 0)
		snprintf(buf, len, "%s", base);
	else
		snprintf(buf, len, "%s.%03d", base, i);
}

/* Renames f into the quarantine under the first free name, never replacing
 * one. Returns 0, -1 (errno; EXDEV across filesystems, EEXIST all names
 * taken), or -2 when what was renamed was not f (put back). */
static int rename_in(const struct quarantine *q, const struct scan_item *f, char *dest, size_t len)
{
	for (int i = 0; i <= MAX_SUFFIX; i++) {
		candidate(dest, len, f->name, i);
		if (renameat2(f->dirfd, f->name, q->dirfd, dest, RENAME_NOREPLACE) == 0) {
			if (is_scanned_file(q->dirfd, dest, f))
				return 0;
			/* swapped after the scan: return it, act on nothing */
			renameat2(q->dirfd, dest, f->dirfd, f->name, RENAME_NOREPLACE);
			return -2;
		}
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Renames the finished copy tmp to the first free name for base, never
 * replacing one. Returns 0, or -1 (errno; EEXIST: all names taken). */
static int name_copy(const struct quarantine *q, const char *tmp, const char *base, char *dest,
		     size_t len)
{
	for (int i = 0; i <= MAX_SUFFIX; i++) {
		candidate(dest, len, base, i);
		if (renameat2(q->dirfd, tmp, q->dirfd, dest, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Copies the scanned descriptor's content into the quarantine: into a
 * temporary name (O_EXCL, never following a planted symlink), keeping mode
 * bits, times and, as root, the owner; synced, and only then renamed to
 * its name. On any failure the partial copy is removed. Returns 0 or -1
 * (errno). */
static int copy_in(const struct quarantine *q, const struct scan_item *f, const char *base,
		   char *dest, size_t len)
{
	static unsigned counter;
	struct stat src, dst;
	char tmp[64], *buf = NULL;
	off_t off = 0;
	int fd = -1, saved;

	for (int tries = 0; fd < 0; tries++) {
		snprintf(tmp, sizeof(tmp), QUARANTINE_TMP_PREFIX "%ld.%u", (long)getpid(), counter++);
		fd = openat(q->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && (errno != EEXIST || tries > 100))
			return -1;
	}
	buf = malloc(COPY_CHUNK);
	if (buf == NULL || fstat(f->fd, &src) != 0)
		goto fail;
	for (;;) {
		ssize_t n = pread(f->fd, buf, COPY_CHUNK, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		if (write_all(fd, buf, (size_t)n) != 0)
			goto fail;
		off += n;
	}
	/* the file changed size after the scan: this is not the copy we meant */
	if (off != src.st_size) {
		errno = ESTALE;
		goto fail;
	}
	if (geteuid() == 0 && fchown(fd, src.st_uid, src.st_gid) != 0)
		goto fail;
	/* permission bits only: a quarantined file keeps no setuid power */
	if (fchmod(fd, src.st_mode & 0777) != 0)
		goto fail;
	{
		struct timespec times[2] = { src.st_atim, src.st_mtim };

		if (futimens(fd, times) != 0)
			goto fail;
	}
	if (fsync(fd) != 0 || fstat(fd, &dst) != 0 || dst.st_size != src.st_size)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (name_copy(q, tmp, base, dest, len) != 0)
		goto fail;
	if (fsync(q->dirfd) != 0) {
		saved = errno;
		unlinkat(q->dirfd, dest, 0);
		free(buf);
		errno = saved;
		return -1;
	}
	free(buf);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(q->dirfd, tmp, 0);
	free(buf);
	errno = saved;
	return -1;
}

/* True when entries of the directory dirfd can be neither removed nor
 * renamed away: append-only or immutable (chattr +a, +i). */
static bool entries_stay(int dirfd)
{
	int flags = 0;

	return ioctl(dirfd, FS_IOC_GETFLAGS, &flags) == 0 &&
	       (flags & (FS_APPEND_FL | FS_IMMUTABLE_FL)) != 0;
}

/* Removes f by first moving it into a private directory of ours next to it
 * (0700: nobody can swap anything in there), checking it is f, and only
 * then unlinking. Returns 0, -1 (errno), -2 (not f: put back) or -3 (its
 * directory keeps its entries). The private directory never stays behind
 * unsaid. */
static int remove_checked(const struct scan_item *f, struct report *rep)
{
	char priv[64];
	int pfd = -1, rc = -1, saved = 0;
	static unsigned counter;

	if (entries_stay(f->dirfd))
		return -3; /* found before anything is made there that could not be undone */
	for (int tries = 0;; tries++) {
		snprintf(priv, sizeof(priv), ".clamdscan-ng-remove.%ld.%u", (long)getpid(), counter++);
		if (mkdirat(f->dirfd, priv, 0700) == 0)
			break;
		if (errno != EEXIST || tries > 100)
			return -1;
	}
	pfd = openat(f->dirfd, priv, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		goto out;
	if (renameat2(f->dirfd, f->name, pfd, "file", RENAME_NOREPLACE) != 0)
		goto out;
	if (!is_scanned_file(pfd, "file", f)) {
		renameat2(pfd, "file", f->dirfd, f->name, RENAME_NOREPLACE);
		rc = -2;
		goto out;
	}
	rc = unlinkat(pfd, "file", 0);
out:
	saved = errno;
	if (pfd >= 0)
		close(pfd);
	if (unlinkat(f->dirfd, priv, AT_REMOVEDIR) != 0)
		report_warning(rep, "%s: could not remove the directory %s made next to it: %s",
			       f->shown, priv, strerror(errno));
	errno = saved;
	return rc;
}

/* A quarantined file keeps no power: setuid and setgid bits and file
 * capabilities go, through a descriptor of the very file moved. */
static void strip_privileges(const struct quarantine *q, const struct scan_item *f,
			     const char *dest, struct report *rep)
{
	int fd = openat(q->dirfd, dest, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0 || st.st_dev != f->dev || st.st_ino != f->ino) {
		report_warning(rep, "%s/%s: could not check its setuid bits and capabilities", q->dir,
			       dest);
		if (fd >= 0)
			close(fd);
		return;
	}
	if ((st.st_mode & (S_ISUID | S_ISGID)) != 0 && fchmod(fd, st.st_mode & 0777) != 0)
		report_warning(rep, "%s/%s: could not remove its setuid and setgid bits: %s", q->dir,
			       dest, strerror(errno));
	if (fremovexattr(fd, "security.capability") != 0 && errno != ENODATA && errno != ENOTSUP)
		report_warning(rep, "%s/%s: could not remove its file capabilities: %s", q->dir, dest,
			       strerror(errno));
	close(fd);
}

/* Moves f: a rename on one filesystem, else a checked copy and then a
 * checked removal of the original (a failure leaves the original). */
static int move(const struct quarantine *q, const struct scan_item *f, char *dest, size_t len,
		struct report *rep)
{
	int rc = rename_in(q, f, dest, len);

	if (rc == 0)
		strip_privileges(q, f, dest, rep);
	if (rc != -1 || errno != EXDEV)
		return rc;
	if (copy_in(q, f, f->name, dest, len) != 0)
		return -1;
	rc = remove_checked(f, rep);
	if (rc != 0) {
		int saved = errno;

		unlinkat(q->dirfd, dest, 0); /* the original stays: no second copy */
		errno = saved;
	}
	return rc;
}

/* Why an action failed, in words. */
static const char *failure(int rc)
{
	if (rc == -2)
		return "it was replaced after it was scanned; left alone";
	if (rc == -3)
		return "its directory is append-only or immutable";
	if (errno == EEXIST)
		return "quarantine destination is unavailable (all names taken)";
	return strerror(errno);
}

void quarantine_act(const struct quarantine *q, struct report *rep, struct tally *t,
		    const struct scan_item *f)
{
	char dest[NAME_MAX + 8];
	int rc;

	if (q->action == ACTION_NONE || f->is_stdin)
		return;
	if (q->action == ACTION_COPY) {
		/* a copy needs only the descriptor that was scanned; it is named
		 * after the file itself, not a link to it */
		const char *where = f->real != NULL ? f->real : f->shown;
		const char *slash = strrchr(where, '/');

		rc = copy_in(q, f, f->name ? f->name : slash ? slash + 1 : where, dest, sizeof(dest));
		if (rc == 0) {
			report_action(rep, f->shown, f->real, ACTION_COPY, q->dir, dest);
		} else {
			report_action_failed(rep, f->shown, ACTION_COPY, failure(rc));
			t->not_moved++;
		}
		return;
	}
	if (f->dirfd < 0 || f->name == NULL) {
		report_action_failed(rep, f->shown, q->action,
				     "not reached through directories held since the scan (a symbolic link, or it changed); left alone");
		if (q->action == ACTION_REMOVE)
			t->not_removed++;
		else
			t->not_moved++;
		return;
	}
	switch (q->action) {
	case ACTION_REMOVE:
		rc = is_scanned_file(f->dirfd, f->name, f) ? remove_checked(f, rep) : -2;
		if (rc == 0) {
			report_action(rep, f->shown, f->real, ACTION_REMOVE, NULL, NULL);
		} else {
			report_action_failed(rep, f->shown, ACTION_REMOVE, failure(rc));
			t->not_removed++;
		}
		break;
	case ACTION_MOVE:
		rc = is_scanned_file(f->dirfd, f->name, f) ? move(q, f, dest, sizeof(dest), rep) : -2;
		if (rc == 0) {
			report_action(rep, f->shown, f->real, ACTION_MOVE, q->dir, dest);
		} else {
			report_action_failed(rep, f->shown, ACTION_MOVE, failure(rc));
			t->not_moved++;
		}
		break;
	case ACTION_COPY:
	case ACTION_NONE:
		break;
	}
}
