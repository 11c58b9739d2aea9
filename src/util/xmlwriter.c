/* Opening libxml2 at run time (see xmlwriter.h). */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "util/xmlwriter.h"

/* libxml2 2.14 changed its soname from .2 to .16; either will do. */
static const char *const sonames[] = { "libxml2.so.2", "libxml2.so.16" };

/* Looks name up into *slot (a function pointer); false when it is missing. */
static bool bind(void *h, const char *name, void *slot, char *err, size_t len)
{
	void *sym = dlsym(h, name);

	if (sym == NULL) {
		snprintf(err, len, "libxml2 has no function %s", name);
		return false;
	}
	/* POSIX: a function pointer and void * share a representation */
	memcpy(slot, &sym, sizeof(sym));
	return true;
}

const struct xml_api *xml_api_open(char *err, size_t len)
{
	static struct xml_api api;
	static bool loaded;
	void *h = NULL;

	if (loaded)
		return &api;
	for (size_t i = 0; h == NULL && i < sizeof(sonames) / sizeof(sonames[0]); i++)
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(err, len, "cannot load libxml2 (Debian package libxml2): %s", dlerror());
		return NULL;
	}
	if (!bind(h, "xmlOutputBufferCreateFile", &api.OutputBufferCreateFile, err, len) ||
	    !bind(h, "xmlOutputBufferClose", &api.OutputBufferClose, err, len) ||
	    !bind(h, "xmlNewTextWriter", &api.NewTextWriter, err, len) ||
	    !bind(h, "xmlFreeTextWriter", &api.FreeTextWriter, err, len) ||
	    !bind(h, "xmlTextWriterSetIndent", &api.SetIndent, err, len) ||
	    !bind(h, "xmlTextWriterStartDocument", &api.StartDocument, err, len) ||
	    !bind(h, "xmlTextWriterEndDocument", &api.EndDocument, err, len) ||
	    !bind(h, "xmlTextWriterStartElement", &api.StartElement, err, len) ||
	    !bind(h, "xmlTextWriterEndElement", &api.EndElement, err, len) ||
	    !bind(h, "xmlTextWriterWriteAttribute", &api.WriteAttribute, err, len) ||
	    !bind(h, "xmlTextWriterWriteString", &api.WriteString, err, len)) {
		dlclose(h);
		return NULL;
	}
	loaded = true;
	return &api;
}
