/* The client-side walk (fts), in clamd's order and with clamd.conf's rules
 * (ExcludePath, MaxDirectoryRecursion, Follow*Symlinks, CrossFilesystems).
 * It neither prints nor counts: it returns events, and the scan loop
 * decides what each one means in the mode at hand. */
#ifndef NG_WALK_H
#define NG_WALK_H

#include <stdbool.h>

#include "core/item.h"
#include "core/target.h"
#include "scan/walk_types.h"

/* Fills id for the user clamd.conf names (NULL: none), unless that user is
 * who we are or root. Returns id->set. */
bool walk_identity_of(struct walk_identity *id, const char *user);

struct walk;

/* Starts a walk of t (a directory). NULL with errno when it cannot. */
struct walk *walk_open(const struct walk_opts *o, const struct target *t);

/* The next event: returns 1, or 0 at the end, or -1 with errno when fts
 * itself failed (the walk is over). */
int walk_next(struct walk *w, struct walk_event *ev);

/* After WALK_NEED_FDS with nothing left in flight: the next attempt that
 * finds no descriptor free reports WALK_OPEN_FAILED instead. */
void walk_fds_exhausted(struct walk *w);

void walk_close(struct walk *w);

/* The item for t, a file named on the command line, opened or named as o
 * asks (the named symlink followed). NULL with errno, or with ESTALE when
 * what was opened is not what t describes. */
struct scan_item *walk_target_file(const struct walk_opts *o, const struct target *t);

#endif
