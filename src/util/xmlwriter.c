/* Opening libxml2 at run time (see xmlwriter.h). */
#include "config.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

#include "util/dynlib.h"
#include "util/xmlwriter.h"

/* libxml2 2.14 changed its soname from .2 to .16; either will do. */
static const char *const sonames[] = { "libxml2.so.2", "libxml2.so.16" };

#define SYM(field, name) { name, offsetof(struct xml_api, field) }
static const struct dynlib_symbol symbols[] = {
	SYM(OutputBufferCreateFile, "xmlOutputBufferCreateFile"),
	SYM(OutputBufferClose, "xmlOutputBufferClose"),
	SYM(NewTextWriter, "xmlNewTextWriter"),
	SYM(FreeTextWriter, "xmlFreeTextWriter"),
	SYM(SetIndent, "xmlTextWriterSetIndent"),
	SYM(StartDocument, "xmlTextWriterStartDocument"),
	SYM(EndDocument, "xmlTextWriterEndDocument"),
	SYM(StartElement, "xmlTextWriterStartElement"),
	SYM(EndElement, "xmlTextWriterEndElement"),
	SYM(WriteAttribute, "xmlTextWriterWriteAttribute"),
	SYM(WriteString, "xmlTextWriterWriteString"),
};

const struct xml_api *xml_api_open(char *err, size_t len)
{
	static struct xml_api api;
	static bool loaded;
	void *h = NULL;
	const char *missing;

	if (loaded)
		return &api;
	for (size_t i = 0; h == NULL && i < sizeof(sonames) / sizeof(sonames[0]); i++)
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(err, len, "cannot load libxml2 (Debian package libxml2): %s", dlerror());
		return NULL;
	}
	missing = dynlib_bind(h, symbols, sizeof(symbols) / sizeof(symbols[0]), &api);
	if (missing != NULL) {
		snprintf(err, len, "libxml2 has no function %s", missing);
		dlclose(h);
		return NULL;
	}
	loaded = true;
	return &api;
}
