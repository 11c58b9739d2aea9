/* Opening libclamav at run time (see libclamav.h). */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifdef HAVE_CLAMAV_H
#include <clamav-version.h>
#endif

#include "util/libclamav.h"

void *libclamav_open(char *err, size_t len)
{
	static void *handle;

	if (handle == NULL) {
		handle = dlopen(LIBCLAMAV_SONAME, RTLD_NOW | RTLD_LOCAL);
		if (handle == NULL)
			snprintf(err, len, "%s", dlerror());
	}
	return handle;
}

const char *libclamav_version(void)
{
	char err[256];
	void *h = libclamav_open(err, sizeof(err));
	const char *(*retver)(void) = NULL;

	if (h != NULL) {
		void *sym = dlsym(h, "cl_retver");

		/* POSIX: a function pointer and void * share a representation */
		memcpy(&retver, &sym, sizeof(sym));
	}
	if (retver != NULL)
		return retver();
#ifdef CLAMAV_VERSION
	return CLAMAV_VERSION;
#else
	return "unknown";
#endif
}
