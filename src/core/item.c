/* scan_item: allocation and release. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/item.h"

struct scan_item *scan_item_new(const char *shown)
{
	struct scan_item *it = calloc(1, sizeof(*it));

	if (it == NULL)
		return NULL;
	it->shown = strdup(shown);
	if (it->shown == NULL) {
		free(it);
		return NULL;
	}
	it->fd = -1;
	it->dirfd = -1;
	return it;
}

void scan_item_free(struct scan_item *it)
{
	if (it == NULL)
		return;
	if (it->fd >= 0)
		close(it->fd);
	if (it->dirfd >= 0)
		close(it->dirfd);
	free(it->shown);
	free(it->path);
	free(it->real);
	free(it->name);
	free(it);
}
