/* regex_set.h for the program: the RE2 shim (regex_set.cc, built as
 * ng-regex.so) loaded with dlopen on the first regex_set_new(), so only a
 * run with ExcludePath or a command-line pattern maps RE2 and libstdc++.
 * It is looked for beside the program first (the build tree), then where
 * make install puts it (PKGLIBEXECDIR). */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/dynlib.h"
#include "util/regex_set.h"

#define SHIM "ng-regex.so"

static struct {
	__typeof__(regex_set_new) *new_set;
	__typeof__(regex_set_add) *add;
	__typeof__(regex_set_size) *size;
	__typeof__(regex_set_match) *match;
	__typeof__(regex_set_free) *free_set;
} api;

#define SYM(field, name) { name, offsetof(__typeof__(api), field) }
static const struct dynlib_symbol symbols[] = {
	SYM(new_set, "regex_set_new"), SYM(add, "regex_set_add"), SYM(size, "regex_set_size"),
	SYM(match, "regex_set_match"), SYM(free_set, "regex_set_free"),
};

/* dlopen of the shim in the program's own directory, or NULL. */
static void *open_beside_program(void)
{
	char path[PATH_MAX + sizeof(SHIM)];
	ssize_t n = readlink("/proc/self/exe", path, PATH_MAX);
	char *slash;

	if (n <= 0 || n >= PATH_MAX)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (slash == NULL)
		return NULL;
	strcpy(slash + 1, SHIM);
	if (access(path, F_OK) != 0)
		return NULL;
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

static bool load(char *err, size_t len)
{
	static bool loaded;
	const char *missing;
	void *h;

	if (loaded)
		return true;
	h = open_beside_program();
	if (h == NULL)
		h = dlopen(PKGLIBEXECDIR "/" SHIM, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(err, len, "the RE2 module cannot be loaded (make install puts it there): %s",
			 dlerror());
		return false;
	}
	missing = dynlib_bind(h, symbols, sizeof(symbols) / sizeof(symbols[0]), &api);
	if (missing != NULL) {
		snprintf(err, len, "the RE2 module %s has no function %s", SHIM, missing);
		dlclose(h);
		return false;
	}
	loaded = true;
	return true;
}

struct regex_set *regex_set_new(char *err, size_t errlen)
{
	return load(err, errlen) ? api.new_set(err, errlen) : NULL;
}

/* The others only ever get a set regex_set_new() made: the shim is loaded. */
int regex_set_add(struct regex_set *s, const char *pattern, char *err, size_t errlen)
{
	return api.add(s, pattern, err, errlen);
}

size_t regex_set_size(const struct regex_set *s)
{
	return api.size(s);
}

bool regex_set_match(struct regex_set *s, const char *text, size_t len)
{
	return api.match(s, text, len);
}

void regex_set_free(struct regex_set *s)
{
	if (s != NULL)
		api.free_set(s);
}
