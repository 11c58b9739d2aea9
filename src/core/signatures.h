/* What is known of the signatures a scan used: clamd's VERSION answer
 * ("ClamAV 1.4.6/27478/Tue Dec  3 09:34:50 2024") read into its parts. */
#ifndef NG_SIGNATURES_H
#define NG_SIGNATURES_H

#include <stdbool.h>

struct signatures {
	char engine[32];        /* "1.4.6"; "" unknown */
	unsigned long version;  /* the database version, 27478; 0 unknown */
	long long time;         /* its date, seconds since the epoch; 0 unknown */
};

/* Reads a VERSION answer. Returns true when at least the engine was found;
 * the parts missing stay unknown. */
bool signatures_parse(const char *version_reply, struct signatures *sig);

#endif
