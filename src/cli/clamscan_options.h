/* The clamscan options clamdscan accepts and ignores, each with a warning
 * ("Ignoring unsupported option --X"), so command lines written for either
 * tool run with both. */
#ifndef NG_CLAMSCAN_OPTIONS_H
#define NG_CLAMSCAN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct clamscan_option {
	const char *name;  /* the long name, without "--" */
	char shortopt;     /* its letter, or 0 */
	bool takes_value;  /* the next word is its value when no "=" gives one */
	bool deprecated;   /* "Ignoring deprecated option" rather than "unsupported" */
};

/* Sorted by name. */
extern const struct clamscan_option clamscan_options[];
extern const size_t clamscan_options_count;

#endif
