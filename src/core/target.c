/* Targets: how paths below one are shown. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/target.h"

const char *target_display(const struct target *t, const char *path, char *buf, size_t len)
{
	if (!t->is_link)
		return path;
	snprintf(buf, len, "%s%s", t->shown, path + strlen(t->real));
	return buf;
}
