/* Quarantine actions (--move, --copy, --remove) on the very file scanned:
 * by its held directory and name, checked by device and inode, never by a
 * path a daemon echoed back. */
#ifndef NG_ACTION_H
#define NG_ACTION_H

#include "core/item.h"
#include "core/result.h"
#include "output/report.h"

struct quarantine {
	enum ng_action action;
	int dirfd;     /* the quarantine directory, opened once; -1 for --remove */
	char *dir;     /* its canonical path, for messages (owned) */
};

/* Opens the quarantine directory before anything is scanned: it must exist,
 * be a directory, not be a symlink, and be writable. Returns 0, or -1 with a
 * message naming it in err. */
int quarantine_open(struct quarantine *q, enum ng_action action, const char *dir, char *err,
		    size_t len);

void quarantine_close(struct quarantine *q);

/* Acts on f, found infected: prints clamdscan's line ("moved to", "copied
 * to", "Removed.") or an error, and counts what could not be done. */
void quarantine_act(const struct quarantine *q, struct report *rep, struct tally *t,
		    const struct scan_item *f);

#endif
