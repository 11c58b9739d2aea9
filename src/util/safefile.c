/* O_NOFOLLOW on every file written: run as root over a tree others can
 * write to, a planted link must not redirect a report (CVE-2024-20506 was
 * clamd's log file followed through such a link). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/safefile.h"

FILE *safefile_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0666);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "a");
	if (f == NULL) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return f;
}

/* The mode a file created with 0666 would get under the current umask. */
static mode_t created_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

int safefile_create(struct safefile *f, const char *path)
{
	struct stat st;
	int fd;

	memset(f, 0, sizeof(*f));
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			errno = ELOOP;
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			/* a device or FIFO: renaming over it would replace it */
			fd = open(path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
			if (fd < 0 || (f->out = fdopen(fd, "w")) == NULL)
				goto fail_fd;
			return 0;
		}
	} else if (errno != ENOENT) {
		return -1;
	}
	f->path = strdup(path);
	if (f->path == NULL || asprintf(&f->tmp, "%s.clamdscan-ng-tmp.XXXXXX", path) < 0) {
		f->tmp = NULL;
		free(f->path);
		f->path = NULL;
		errno = ENOMEM;
		return -1;
	}
	fd = mkostemp(f->tmp, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, created_mode()) != 0 || (f->out = fdopen(fd, "w")) == NULL) {
		int saved = errno;

		if (fd >= 0) {
			close(fd);
			unlink(f->tmp);
		}
		free(f->tmp);
		free(f->path);
		f->tmp = f->path = NULL;
		errno = saved;
		return -1;
	}
	return 0;
fail_fd: {
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
	return -1;
}
}

int safefile_commit(struct safefile *f)
{
	int rc = 0, saved = 0;

	if (f->out == NULL)
		return 0;
	if (fflush(f->out) != 0 || ferror(f->out) || (f->tmp != NULL && fsync(fileno(f->out)) != 0)) {
		rc = -1;
		saved = errno != 0 ? errno : EIO;
	}
	if (fclose(f->out) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	f->out = NULL;
	if (f->tmp != NULL) {
		if (rc == 0 && rename(f->tmp, f->path) != 0) {
			rc = -1;
			saved = errno;
		}
		if (rc != 0)
			unlink(f->tmp);
	}
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
	errno = saved;
	return rc;
}

void safefile_abort(struct safefile *f)
{
	if (f->out != NULL)
		fclose(f->out);
	f->out = NULL;
	if (f->tmp != NULL)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
}
