/* Binding a dlopen'ed library (see dynlib.h). */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include "util/dynlib.h"

const char *dynlib_bind(void *handle, const struct dynlib_symbol *syms, size_t n, void *api)
{
	for (size_t i = 0; i < n; i++) {
		void *sym = dlsym(handle, syms[i].name);

		if (sym == NULL)
			return syms[i].name;
		/* POSIX: a function pointer and void * share a representation */
		memcpy((char *)api + syms[i].offset, &sym, sizeof(sym));
	}
	return NULL;
}
