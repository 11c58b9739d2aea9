/* Sets of POSIX extended regular expressions matched in one pass, in time
 * linear in the text and memory bounded at compile time (RE2), so no
 * ExcludePath can make the client take minutes or gigabytes.
 *
 * regex_set.cc implements it on RE2. The program itself gets it through
 * regex_set_load.c, which loads that file, built as ng-regex.so, on the
 * first regex_set_new(): a run with no pattern pays nothing for RE2 and
 * the C++ runtime (about 2 MiB of resident memory). The unit tests and
 * fuzzers link regex_set.cc directly. */
#ifndef NG_REGEX_SET_H
#define NG_REGEX_SET_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct regex_set;

/* An empty set, or NULL with the reason in err (out of memory, or the
 * RE2 module cannot be loaded). */
struct regex_set *regex_set_new(char *err, size_t errlen);

/* Adds pattern (POSIX ERE, as regcomp(3) with REG_EXTENDED reads it: '.'
 * matches a newline, '^' and '$' only the ends of the text). Returns 0, or
 * -1 with the reason in err when it is not a valid expression or would
 * need more than the memory budget; the set is unchanged then. */
int regex_set_add(struct regex_set *s, const char *pattern, char *err, size_t errlen);

/* How many patterns were added. */
size_t regex_set_size(const struct regex_set *s);

/* True when any pattern matches somewhere in text[0..len). */
bool regex_set_match(struct regex_set *s, const char *text, size_t len);

/* NULL is accepted. */
void regex_set_free(struct regex_set *s);

#ifdef __cplusplus
}
#endif

#endif
