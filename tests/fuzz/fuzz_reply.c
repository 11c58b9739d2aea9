/* libFuzzer target: the reply splitter and parser on arbitrary bytes. The
 * first byte picks the terminator, the id mode and the feed size, so one
 * input exercises records split at every boundary. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clamd/reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reply_splitter sp;
	size_t step, off = 1;
	bool with_id, nul_term;
	char *rec;
	size_t len;

	if (size < 1)
		return 0;
	with_id = (data[0] & 1) != 0;
	step = 1 + (data[0] >> 2); /* 1..64 bytes per feed */
	/* a small limit, so overlong records are reached too */
	nul_term = (data[0] & 2) == 0;
	if (splitter_init(&sp, nul_term ? '\0' : '\n', 128) != 0)
		return 0;
	while (off < size) {
		size_t n = size - off < step ? size - off : step;
		size_t took = splitter_feed(&sp, (const char *)data + off, n);
		int got;

		off += took;
		while ((got = splitter_next(&sp, &rec, &len)) == 1) {
			struct reply r;

			if (nul_term && strlen(rec) != len)
				abort(); /* a record never holds its terminator */
			if (reply_parse(rec, with_id, "/tmp/x", &r) == 0 && r.status != REPLY_OTHER &&
			    r.detail == NULL)
				abort(); /* a result always carries its detail */
		}
		if (got < 0 || took == 0)
			break; /* overlong: the stream is unusable, as in the program */
	}
	splitter_free(&sp);
	return 0;
}
