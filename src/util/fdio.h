/* Writing to file descriptors, and how many more may be opened. */
#ifndef NG_FDIO_H
#define NG_FDIO_H

#include <stddef.h>

/* Writes all len bytes to fd, through short writes and EINTR. Returns 0, or
 * -1 with errno (EIO when write() made no progress). */
int write_all(int fd, const void *buf, size_t len);

/* Raises the soft limit on open descriptors to the hard one (at most
 * FD_LIMIT_WANTED): a scan is allowed what the administrator allows. */
void fd_raise_limit(void);

/* How many more descriptors this process may open now (the soft limit
 * minus those open), or a large number when there is no limit. */
unsigned long fd_room(void);

#endif
