/* libFuzzer target: the clamd.conf reader on arbitrary text. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ng_conf c;
	char err[512];
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	conf_init(&c);
	err[0] = '\0';
	if (conf_parse(&c, "fuzz.conf", text, err, sizeof(err)) != 0 &&
	    strncmp(err, "fuzz.conf:", 10) != 0)
		abort(); /* every error names the file and line */
	if (c.exclude.n > 0)
		(void)conf_excluded(&c, "/some/path");
	conf_free(&c);
	free(text);
	return 0;
}
