/* One file on its way to a scanner, as the walk (or the loop) found it. */
#ifndef NG_ITEM_H
#define NG_ITEM_H

#include <stdbool.h>
#include <sys/types.h>

struct scan_item {
	char *shown;   /* the name printed for it (owned) */
	char *path;    /* a path the daemon can open for SCAN/ALLMATCHSCAN, or NULL (owned) */
	char *real;    /* where it really is, when it is shown by another name (owned), or NULL */
	int fd;        /* opened by us, O_RDONLY (owned); -1 when the daemon opens it */
	off_t size;
	dev_t dev;
	ino_t ino;
	int dirfd;     /* its directory, held for an action on it; -1 when none */
	char *name;    /* its name in dirfd (owned), or NULL */
	bool is_stdin; /* standard input: never acted on, read only once */
	bool is_target; /* named on the command line, not met in a walk */
	void *group;   /* the command-line target it belongs to; opaque below scan/ */
};

/* A new item named shown (copied), with nothing open. NULL when out of memory. */
struct scan_item *scan_item_new(const char *shown);

/* Closes its descriptors and frees it; NULL is accepted. */
void scan_item_free(struct scan_item *it);

#endif
