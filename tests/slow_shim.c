/* slow_shim.c: an LD_PRELOAD shim for tests/hardening.bats that holds the
 * client still at one chosen moment, so a test can signal it there.
 *
 *   SLOW_SHIM_AT     "fsync": in fsync(2) of a file (a quarantine copy
 *                    being made, a report being put in place);
 *                    "strftime": in strftime(3) (the scan summary's dates)
 *   SLOW_SHIM_MARK   file created when the pause starts (the test waits
 *                    for it)
 *   SLOW_SHIM_SECS   length of the pause (default 5), resumed after signals
 *
 * Unset SLOW_SHIM_AT: inert. Built by the test itself:
 *   cc -shared -fPIC -o slow_shim.so tests/slow_shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Pauses once if at names the moment chosen. */
static void pause_here(const char *at)
{
	static int done;
	const char *want = getenv("SLOW_SHIM_AT"), *mark = getenv("SLOW_SHIM_MARK");
	const char *secs = getenv("SLOW_SHIM_SECS");
	struct timespec ts = { .tv_sec = secs != NULL ? atoi(secs) : 5, .tv_nsec = 0 };
	int saved = errno;

	if (done || want == NULL || strcmp(want, at) != 0)
		return;
	done = 1;
	if (mark != NULL) {
		int fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	}
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	errno = saved;
}

int fsync(int fd)
{
	static int (*real)(int);
	struct stat st;

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		pause_here("fsync");
	return real(fd);
}

size_t strftime(char *s, size_t max, const char *fmt, const struct tm *tm)
{
	static size_t (*real)(char *, size_t, const char *, const struct tm *);

	if (real == NULL)
		real = (size_t(*)(char *, size_t, const char *, const struct tm *))dlsym(RTLD_NEXT,
											 "strftime");
	pause_here("strftime");
	return real(s, max, fmt, tm);
}
