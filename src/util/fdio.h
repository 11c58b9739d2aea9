/* Writing to file descriptors. */
#ifndef NG_FDIO_H
#define NG_FDIO_H

#include <stddef.h>

/* Writes all len bytes to fd, through short writes and EINTR. Returns 0, or
 * -1 with errno (EIO when write() made no progress). */
int write_all(int fd, const void *buf, size_t len);

#endif
