/* libxml2's text writer, opened at run time: only a run that writes JUnit
 * XML pays for libxml2 and the ICU libraries it brings (about 1.2 MiB of
 * resident memory in every run when linked, measured by scripts/bench). */
#ifndef NG_XMLWRITER_H
#define NG_XMLWRITER_H

#include <stddef.h>

#include <libxml/xmlwriter.h>

/* The functions --junit uses, with libxml2's own prototypes. */
struct xml_api {
	__typeof__(xmlOutputBufferCreateFile) *OutputBufferCreateFile;
	__typeof__(xmlOutputBufferClose) *OutputBufferClose;
	__typeof__(xmlNewTextWriter) *NewTextWriter;
	__typeof__(xmlFreeTextWriter) *FreeTextWriter;
	__typeof__(xmlTextWriterSetIndent) *SetIndent;
	__typeof__(xmlTextWriterStartDocument) *StartDocument;
	__typeof__(xmlTextWriterEndDocument) *EndDocument;
	__typeof__(xmlTextWriterStartElement) *StartElement;
	__typeof__(xmlTextWriterEndElement) *EndElement;
	__typeof__(xmlTextWriterWriteAttribute) *WriteAttribute;
	__typeof__(xmlTextWriterWriteString) *WriteString;
};

/* Loads libxml2 once. NULL with the reason in err when it cannot be. */
const struct xml_api *xml_api_open(char *err, size_t len);

#endif
