/* The keys clamd.conf may hold (ClamAV 1.4 and 1.5), with their value types:
 * a key clamd does not know is an error, as it is for clamd and clamdscan. */
#ifndef NG_CONF_KEYS_H
#define NG_CONF_KEYS_H

#include <stddef.h>

enum conf_kind {
	CONF_BOOL,   /* yes/no, true/false, 1/0 (any case) */
	CONF_NUMBER, /* decimal digits */
	CONF_SIZE,   /* digits with an optional K, M or G */
	CONF_SIZE64,
	CONF_STRING,
};

#define CONF_KEY_MULTIPLE 1   /* may be given on several lines */
#define CONF_KEY_DEPRECATED 2 /* accepted and ignored, with a warning */
#define CONF_KEY_ONLY_1_4 4   /* removed in 1.5 */
#define CONF_KEY_SINCE_1_5 8  /* added in 1.5 */

struct conf_key {
	const char *name;
	enum conf_kind kind;
	const char *choices; /* CONF_STRING limited to these, '|'-separated, or NULL */
	unsigned flags;
};

/* Sorted by name (strcmp). */
extern const struct conf_key conf_keys[];
extern const size_t conf_keys_count;

#endif
