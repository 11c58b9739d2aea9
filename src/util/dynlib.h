/* Binding a library opened with dlopen(3): a table of symbol names, each
 * with where its function pointer goes in the caller's struct. Used for
 * the libraries loaded only by the runs that need them (libclamav for
 * --local, libxml2 for --junit). */
#ifndef NG_DYNLIB_H
#define NG_DYNLIB_H

#include <stddef.h>

struct dynlib_symbol {
	const char *name;
	size_t offset; /* of its function pointer in the struct */
};

/* Looks up each of the n symbols in handle into api. Returns NULL when all
 * were found, else the name of the first that is missing. */
const char *dynlib_bind(void *handle, const struct dynlib_symbol *syms, size_t n, void *api);

#endif
