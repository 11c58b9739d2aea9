/* Reading clamd's VERSION answer (see signatures.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/signatures.h"

bool signatures_parse(const char *reply, struct signatures *sig)
{
	const char *p, *slash;
	struct tm tm;
	char *end;

	memset(sig, 0, sizeof(*sig));
	if (strncmp(reply, "ClamAV ", 7) != 0)
		return false;
	p = reply + 7;
	slash = strchr(p, '/');
	snprintf(sig->engine, sizeof(sig->engine), "%.*s",
		 (int)(slash != NULL ? (size_t)(slash - p) : strlen(p)), p);
	if (slash == NULL)
		return sig->engine[0] != '\0';
	sig->version = strtoul(slash + 1, &end, 10);
	if (end == slash + 1 || *end != '/') {
		sig->version = 0;
		return true;
	}
	/* the daemon's ctime(3) of the database date, in its local time */
	memset(&tm, 0, sizeof(tm));
	tm.tm_isdst = -1;
	p = strptime(end + 1, "%a %b %e %H:%M:%S %Y", &tm);
	if (p != NULL && *p == '\0') {
		time_t t = mktime(&tm);

		if (t != (time_t)-1)
			sig->time = (long long)t;
	}
	return true;
}
