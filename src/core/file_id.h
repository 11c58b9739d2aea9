/* A file known by device and inode, with what it is to this run: how the
 * program's own files (log, reports, quarantine) are recognised and never
 * scanned or acted on, whatever name leads to them. */
#ifndef NG_FILE_ID_H
#define NG_FILE_ID_H

#include <sys/types.h>

struct file_id {
	dev_t dev;
	ino_t ino;
	const char *what; /* "the log file", "the quarantine directory", ... */
};

#endif
