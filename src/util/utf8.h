/* UTF-8 decoding, for the outputs that must show or escape file names. */
#ifndef NG_UTF8_H
#define NG_UTF8_H

#include <stddef.h>

/* Decodes the character at s (n bytes available): returns its length and
 * sets *cp, or returns 0 when the bytes there are not valid UTF-8 (overlong
 * forms, surrogates and code points past U+10FFFF included). */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp);

#endif
