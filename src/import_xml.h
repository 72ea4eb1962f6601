/* import_xml: mtr's xml output (and hopdoc's). */
#ifndef HOPDOC_IMPORT_XML_H
#define HOPDOC_IMPORT_XML_H

#include "import.h"

int import_xml_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
