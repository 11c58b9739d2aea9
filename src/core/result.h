/* How a scan's outcomes travel: every file ends as exactly one verdict,
 * handed to a result sink, and the counts the summary is printed from. */
#ifndef NG_RESULT_H
#define NG_RESULT_H

#include <stdbool.h>

#include "core/item.h"

/* A quarantine action (--remove, --move, --copy). */
enum ng_action { ACTION_NONE, ACTION_REMOVE, ACTION_MOVE, ACTION_COPY };

enum verdict {
	VERDICT_CLEAN,    /* the scanner answered OK */
	VERDICT_INFECTED, /* a signature matched */
	VERDICT_ERROR,    /* not scanned, or scanned but not answered for */
	VERDICT_EXCLUDED, /* the daemon declined it by its own rules (ExcludePath, ...) */
};

/* What happened to the files of a scan; the summary is printed from it. */
struct tally {
	unsigned long submitted;  /* requests sent: each ends as one of the next four */
	unsigned long clean;
	unsigned long infected;
	unsigned long failed;
	unsigned long excluded;
	unsigned long infected_files; /* "Infected files:" */
	unsigned long errors;         /* "Total errors:" */
	unsigned long not_moved;
	unsigned long not_removed;
	unsigned long long bytes;     /* sizes of the files scanned (clean or infected) */
};

/* True when every request sent ended as exactly one verdict: the check
 * made at the end of every scan. */
bool tally_balanced(const struct tally *t);

/* Where a driver hands every outcome, and only there. */
struct result_sink {
	/* it matched signature; -z may report several before its end */
	void (*found)(void *arg, const struct scan_item *it, const char *signature);
	/* the request for it ended as v (detail: the error's words, or NULL);
	 * the sink takes it. VERDICT_INFECTED follows at least one found. */
	void (*end)(void *arg, struct scan_item *it, enum verdict v, const char *detail);
	/* a daemon broke the protocol: what it answered cannot all be believed */
	void (*distrust)(void *arg);
	void *arg;
};

#endif
