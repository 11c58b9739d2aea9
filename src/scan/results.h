/* The scan's side of every outcome: the result sink the drivers report to.
 * It prints each file's line, counts it, acts on an infected file, and
 * keeps the command-line targets' groups: as clamdscan, a target gets one
 * "target: OK" line when every file of it ended clean, printed when its
 * last file ends (the next target's files may be on their way by then). */
#ifndef NG_RESULTS_H
#define NG_RESULTS_H

#include <stdbool.h>

#include "action/quarantine.h"
#include "core/result.h"
#include "output/report.h"

struct results;
struct target_group;

/* Outcomes printed on rep, acted on with q (NULL: no action). NULL when
 * out of memory. */
struct results *results_new(struct report *rep, const struct quarantine *q);

void results_free(struct results *r);

/* A file answered clean while larger than the daemon's limit (the smaller
 * of clamd.conf's MaxFileSize and MaxScanSize, named name; 0: none known)
 * was not scanned whole: said (a warning, and "limits_exceeded" in the
 * reports), or with fail an error. */
void results_limit(struct results *r, const char *name, unsigned long long limit, bool fail);

/* The sink to give a driver. */
struct result_sink results_sink(struct results *r);

/* The counts so far (the caller may add errors of its own). */
struct tally *results_tally(struct results *r);

/* A group for the target shown as shown. NULL when out of memory. */
struct target_group *results_group_new(struct results *r, const char *shown);

/* Something went wrong for the target outside any file's verdict (the walk
 * could not open a file, say): it gets no OK line. */
void results_group_taint(struct target_group *g);

/* it belongs to g and is about to be submitted: counted as a request. */
void results_group_add(struct results *r, struct target_group *g, struct scan_item *it);

/* True when no file of g is outstanding: it would end at once. */
bool results_group_idle(const struct target_group *g);

/* Every file of g has been submitted: g ends (printing OK when it earned
 * it) as soon as none is outstanding, perhaps now. */
void results_group_walked(struct results *r, struct target_group *g);

#endif
