/* libclamav, opened with dlopen(3) only when a local scan or a version
 * needs it: never linked, so a daemon scan never loads it. */
#ifndef NG_LIBCLAMAV_H
#define NG_LIBCLAMAV_H

#include <stddef.h>

/* The soname loaded; Debian 12's libclamav12 package (ClamAV 1.x). */
#define LIBCLAMAV_SONAME "libclamav.so.12"

/* The library's handle (opened once per process, never closed: libclamav
 * keeps process-wide state), or NULL with dlerror's words in err. */
void *libclamav_open(char *err, size_t len);

/* The version of libclamav here: its cl_retver(), else the version this
 * program was built against, else "unknown". */
const char *libclamav_version(void);

#endif
