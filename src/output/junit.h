/* --junit=FILE: the scan as a JUnit XML report, the form GitLab's
 * artifacts:reports:junit and Jenkins' JUnit plugin read. Written with
 * libxml2's xmlwriter at the end of the run (a test suite's counts come
 * first in the file), through a temporary file renamed into place. */
#ifndef NG_JUNIT_H
#define NG_JUNIT_H

#include "output/sink.h"

/* Opens path for the report. Returns 0 with *out, or -1 with errno (ELOOP
 * for a symbolic link). */
int junit_output_open(const char *path, struct output_sink *out);

/* s as XML 1.0 text: every byte that is not valid UTF-8, and every
 * control character XML forbids, becomes U+FFFD. malloc'd, or NULL. */
char *junit_text(const char *s);

#endif
