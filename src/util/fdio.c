/* Writing to file descriptors, and counting them. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util/fdio.h"

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Enough for the largest window and deep trees; more buys nothing. */
#define FD_LIMIT_WANTED 65536

void fd_raise_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= FD_LIMIT_WANTED ||
	    rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > FD_LIMIT_WANTED ? FD_LIMIT_WANTED
										  : rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl); /* best effort: the window adapts */
}

unsigned long fd_room(void)
{
	struct rlimit rl;
	unsigned long open_now = 0;
	DIR *d;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return ULONG_MAX;
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return rl.rlim_cur / 2; /* no /proc: a guess on the safe side */
	for (struct dirent *de; (de = readdir(d)) != NULL;)
		if (de->d_name[0] != '.')
			open_now++;
	closedir(d);
	open_now--; /* the directory stream's own */
	return rl.rlim_cur > open_now ? (unsigned long)rl.rlim_cur - open_now : 0;
}
