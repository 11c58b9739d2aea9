/* Path patterns (see patterns.h). */
#include "config.h"

#include <string.h>

#include "core/patterns.h"
#include "util/regex_set.h"

/* clamd looks at the first 512 bytes only, 510 when it appends a '/' */
#define MATCH_MAX 512

int patterns_add(struct patterns *p, const char *v, char *why, size_t len)
{
	size_t n = strlen(v);
	struct regex_set **set = n > 0 && v[n - 1] == '/' ? &p->slash : &p->plain;

	p->n++;
	if (*set == NULL && (*set = regex_set_new(why, len)) == NULL)
		return -2;
	return regex_set_add(*set, v, why, len) == 0 ? 0 : -1;
}

bool patterns_match(const struct patterns *p, const char *path)
{
	char buf[MATCH_MAX + 1];
	size_t len = strlen(path);

	if (p->plain != NULL && regex_set_match(p->plain, path, len < MATCH_MAX ? len : MATCH_MAX))
		return true;
	if (p->slash == NULL)
		return false;
	if (len > MATCH_MAX - 2)
		len = MATCH_MAX - 2;
	memcpy(buf, path, len);
	buf[len++] = '/';
	return regex_set_match(p->slash, buf, len);
}

void patterns_free(struct patterns *p)
{
	regex_set_free(p->plain);
	regex_set_free(p->slash);
	p->plain = p->slash = NULL;
	p->n = 0;
}

/* skip when exclude matches, or when include has patterns and none matches */
static bool filtered(const struct patterns *exclude, const struct patterns *include,
		     const char *path)
{
	if (exclude->n > 0 && patterns_match(exclude, path))
		return true;
	return include->n > 0 && !patterns_match(include, path);
}

bool filters_skip_file(const struct path_filters *f, const char *path)
{
	return f != NULL && filtered(&f->p[FILTER_EXCLUDE], &f->p[FILTER_INCLUDE], path);
}

bool filters_skip_dir(const struct path_filters *f, const char *path)
{
	return f != NULL && filtered(&f->p[FILTER_EXCLUDE_DIR], &f->p[FILTER_INCLUDE_DIR], path);
}

bool filters_any(const struct path_filters *f)
{
	for (int k = 0; f != NULL && k < FILTER_KINDS; k++)
		if (f->p[k].n > 0)
			return true;
	return false;
}

void filters_free(struct path_filters *f)
{
	for (int k = 0; k < FILTER_KINDS; k++)
		patterns_free(&f->p[k]);
}
