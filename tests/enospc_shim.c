/* enospc_shim.c: an LD_PRELOAD fault-injection shim for tests/actions.bats.
 *
 * It makes write(2) to files under one directory behave as on a full
 * filesystem: the first ENOSPC_SHIM_AFTER bytes (all such files together)
 * are written, the write that crosses the limit is cut short, and every
 * write after it fails with ENOSPC. Writes anywhere else are untouched.
 *
 *   ENOSPC_SHIM_DIR    canonical directory (no trailing slash); unset: inert
 *   ENOSPC_SHIM_AFTER  bytes allowed before ENOSPC (default 0)
 *
 * Built by the test itself, when a C compiler exists:
 *   cc -shared -fPIC -o enospc_shim.so tests/enospc_shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
static unsigned long long written;

/* True when fd is open on a file under dir. */
static int under_dir(int fd, const char *dir)
{
	char link[64], path[PATH_MAX];
	size_t dl = strlen(dir);
	ssize_t len;
	int saved = errno;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	errno = saved;
	if (len <= 0)
		return 0;
	path[len] = '\0';
	return strncmp(path, dir, dl) == 0 && path[dl] == '/';
}

ssize_t write(int fd, const void *buf, size_t n)
{
	const char *dir = getenv("ENOSPC_SHIM_DIR");

	if (real_write == NULL)
		real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (dir != NULL && dir[0] != '\0' && under_dir(fd, dir)) {
		const char *a = getenv("ENOSPC_SHIM_AFTER");
		unsigned long long limit = a != NULL ? strtoull(a, NULL, 10) : 0;
		ssize_t r;

		if (n > 0 && written >= limit) {
			errno = ENOSPC;
			return -1;
		}
		if (n > limit - written)
			n = (size_t)(limit - written);
		r = real_write(fd, buf, n);
		if (r > 0)
			written += (unsigned long long)r;
		return r;
	}
	return real_write(fd, buf, n);
}
