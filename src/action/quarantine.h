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
 * be a directory, not be a symlink, and be writable. Unfinished copies left
 * there by a run that was killed (QUARANTINE_TMP_PREFIX, of a process gone)
 * are removed, with a warning on rep. Returns 0, or -1 with a message
 * naming it in err. */
int quarantine_open(struct quarantine *q, enum ng_action action, const char *dir,
		    struct report *rep, char *err, size_t len);

/* A copy being made is named PREFIX<pid>.<n> until it is complete and
 * synced, then renamed to its real name: a kill never leaves a truncated
 * file under that name. */
#define QUARANTINE_TMP_PREFIX ".clamdscan-ng-tmp."

void quarantine_close(struct quarantine *q);

/* Acts on f, found infected: prints clamdscan's line ("moved to", "copied
 * to", "Removed.") or an error, and counts what could not be done. */
void quarantine_act(const struct quarantine *q, struct report *rep, struct tally *t,
		    const struct scan_item *f);

#endif
