/* A list of path patterns matched as clamd and clamscan match them (their
 * match_regex): POSIX extended regular expressions as Henry Spencer's
 * regcomp reads them, against the first 512 bytes of a path; a pattern
 * ending in '/' is matched against the path with a '/' appended, so
 * "^/proc/" matches /proc itself. Used for clamd.conf's ExcludePath and
 * the command line's --exclude, --exclude-dir, --include, --include-dir,
 * which clamscan matches the same way. */
#ifndef NG_PATTERNS_H
#define NG_PATTERNS_H

#include <stdbool.h>
#include <stddef.h>

struct regex_set;

struct patterns {
	struct regex_set *plain; /* patterns without a trailing '/' */
	struct regex_set *slash; /* patterns ending in '/' */
	size_t n;                /* patterns given, usable or not */
};

/* Adds v. Returns 0, -1 with why (a pattern that cannot be compiled: it
 * matches nothing, as in clamd), or -2 when no pattern can be used at all
 * (out of memory, or the RE2 module cannot be loaded): why says which. */
int patterns_add(struct patterns *p, const char *v, char *why, size_t len);

/* True when some pattern matches path. */
bool patterns_match(const struct patterns *p, const char *path);

void patterns_free(struct patterns *p);

/* clamscan's file and directory filters, given on the command line. */
enum filter_kind { FILTER_EXCLUDE, FILTER_EXCLUDE_DIR, FILTER_INCLUDE, FILTER_INCLUDE_DIR,
		   FILTER_KINDS };

struct path_filters {
	struct patterns p[FILTER_KINDS];
};

/* True when clamscan's --exclude, or an --include none of which matches,
 * passes over the file path. */
bool filters_skip_file(const struct path_filters *f, const char *path);

/* The same for a directory: --exclude-dir, --include-dir. */
bool filters_skip_dir(const struct path_filters *f, const char *path);

/* True when any filter was given. */
bool filters_any(const struct path_filters *f);

void filters_free(struct path_filters *f);

#endif
