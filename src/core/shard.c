/* Shards (see shard.h): FNV-1a, 64 bits, of the relative path's bytes. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/shard.h"

int shard_parse(const char *s, struct shard *out)
{
	char *end;
	unsigned long k, n;

	if (*s < '1' || *s > '9')
		return -1;
	errno = 0;
	k = strtoul(s, &end, 10);
	if (errno != 0 || *end != '/' || end[1] < '1' || end[1] > '9')
		return -1;
	n = strtoul(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || k < 1 || k > n || n > 65536)
		return -1;
	out->k = (unsigned)k;
	out->n = (unsigned)n;
	return 0;
}

bool shard_mine(const struct shard *s, const char *rel)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	if (s == NULL || s->n <= 1)
		return true;
	for (const unsigned char *p = (const unsigned char *)rel; *p != '\0'; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h % s->n == s->k - 1;
}
